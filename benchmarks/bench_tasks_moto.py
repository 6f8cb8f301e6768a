"""ecslab vs moto 5.2.5 on moto's ECS benchmark shape, through real boto3 clients, same machine,
and both against the *boto3 floor*: boto3's own work on ecslab's answers.

Shape (issue 6): N container instances; 10 N tasks of 256 CPU units / 512 MiB started with
``run_task(count=10)``; then every task listed (``list_tasks``, pages of 100) and described
(``describe_tasks``, batches of 100). Sizes: 200 / 2,000 and 1,000 / 10,000.

* ecslab: ``lab.client("ecs")`` / ``lab.client("ec2")`` (boto3 answered in-process). Instances
  are launched with RunInstances in batches (``MaxCount``) from the ECS-optimized AMI with
  ``ECS_CLUSTER`` user data; one ``lab.advance("1m")`` boots them and their agents register.
  The account's vCPU quota is raised first (``lab.instances.request_vcpu_limit``).
* moto: ``mock_aws()`` with boto3 clients; EC2 RunInstances in batches, then one
  ``register_container_instance`` per instance (moto has no agent) -- moto gives each instance
  4096 CPU / 7482 MiB, ecslab's m5.xlarge registers 4096 CPU / 15,604 MiB. moto runs in a
  child process per round (after a small warm-up run there): it keeps its backends in module
  globals, and that heap, left in this process, would make ecslab's and the floor's garbage
  collections walk it too.
* floor: the same call sequence made by fresh boto3 clients whose ``before-send`` hook answers
  each request from a dict of ecslab's recorded raw HTTP answers (status, headers, body). It is
  what boto3 itself costs (serialising, signing, parsing answers as rich as AWS's); ecslab's
  server side is ``ecslab - floor``. Target: ecslab at most 1.3x the floor. The report splits
  that difference: ecslab's handlers (time inside its dispatch and the lab's boot, collections
  excluded), the collector (all garbage-collection time of ecslab's run less the floor run's:
  full collections walk every live lab object) and the rest, boto3's own code running slower
  between ecslab's answers than in the floor run. With the collector off in both runs that rest
  was about zero (two rounds at 1,000/10,000), so it is mostly the collections' aftermath: a full
  collection walks the whole lab and evicts boto3's working set from the CPU caches. The lab's
  clients themselves cost nothing extra: answered from the recording, they are 1.00x the floor.

The machine is shared, so wall times drift with other people's load: each round runs ecslab,
the floor and moto back to back (interleaved), the ratios are taken within a round, and the
table prints the median over rounds. Compare the ratios, not the seconds.

    python benchmarks/bench_tasks_moto.py              # both sizes, 3 rounds (moto ~30 s/round)
    python benchmarks/bench_tasks_moto.py --rounds 5 --sizes 200
    python benchmarks/bench_tasks_moto.py --no-moto    # ecslab and the floor only
    python benchmarks/bench_tasks_moto.py --small      # CI smoke run (tiny, one round)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config

import ecslab.api.dispatch as dispatch
from ecslab import Lab
from ecslab.adapters.boto import FAKE_CREDENTIALS, IN_PROCESS_ENDPOINT, _shared_loader
from ecslab.adapters.waiters import data_path_or_none

TARGET_FLOOR_RATIO = 1.3  # ecslab / floor
TARGET_MOTO_RATIO = 10.0  # moto / ecslab at 1,000 / 10,000
TASKDEF = {
    "family": "bench",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "busybox",
            "cpu": 256,
            "memory": 512,
            "command": ["sleep", "3600"],
            "essential": True,
        }
    ],
}
ECS_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
BATCH = 250
PHASES = ("register", "run_task", "list_describe", "total")
SPLIT = ("handlers", "gc_inside", "gc_outside")


def _list_and_describe(ecs, cluster: str) -> int:
    arns, token = [], None
    while True:
        kw = {"cluster": cluster, "maxResults": 100}
        if token:
            kw["nextToken"] = token
        page = ecs.list_tasks(**kw)
        arns += page["taskArns"]
        token = page.get("nextToken")
        if not token:
            break
    described = 0
    for i in range(0, len(arns), 100):
        described += len(ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"])
    return described


def _run_tasks(ecs, cluster: str, n_tasks: int) -> int:
    placed = 0
    for _ in range(n_tasks // 10):
        placed += len(ecs.run_task(cluster=cluster, taskDefinition="bench", count=10)["tasks"])
    return placed


def _ecslab_calls(ecs, ec2, ssm, boot: Callable[[], None], n_instances: int, n_tasks: int):
    """ecslab's call sequence (the floor replays exactly this); returns phase times."""
    t0 = time.perf_counter()
    ecs.create_cluster(clusterName="bench")
    ecs.register_task_definition(**TASKDEF)
    ami = ssm.get_parameter(Name=ECS_AMI)["Parameter"]["Value"]
    for start in range(0, n_instances, BATCH):
        n = min(BATCH, n_instances - start)
        ec2.run_instances(
            ImageId=ami,
            InstanceType="m5.xlarge",
            MinCount=n,
            MaxCount=n,
            IamInstanceProfile={"Name": "ecsInstanceRole"},
            UserData="#!/bin/bash\necho ECS_CLUSTER=bench >> /etc/ecs/ecs.config",
        )
    boot()
    t1 = time.perf_counter()
    placed = _run_tasks(ecs, "bench", n_tasks)
    t2 = time.perf_counter()
    described = _list_and_describe(ecs, "bench")
    t3 = time.perf_counter()
    assert placed == described == n_tasks, (placed, described)
    return dict(register=t1 - t0, run_task=t2 - t1, list_describe=t3 - t2, total=t3 - t0)


class _Split:
    """Where a run's time goes: seconds inside ecslab's dispatch (``handlers``, the lab's boot
    included) and seconds of garbage collection inside and outside it (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.handlers = self.gc_inside = self.gc_outside = 0.0
        self.inside = False
        self._started = 0.0

    def _on_gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self.inside:
            self.gc_inside += time.perf_counter() - self._started
        else:
            self.gc_outside += time.perf_counter() - self._started

    def __enter__(self) -> _Split:
        gc.callbacks.append(self._on_gc)
        return self

    def __exit__(self, *_: Any) -> None:
        gc.callbacks.remove(self._on_gc)

    def timed(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            self.inside, t = True, time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.handlers += time.perf_counter() - t
                self.inside = False

        return run

    def figures(self) -> dict[str, float]:
        return dict(handlers=self.handlers, gc_inside=self.gc_inside, gc_outside=self.gc_outside)


def bench_ecslab(n_instances: int, n_tasks: int, record: list | None = None) -> dict[str, float]:
    """Time ecslab; with ``record`` (a list), also keep every raw HTTP answer, in order."""
    lab = Lab(seed=1)
    lab.instances.request_vcpu_limit(4 * n_instances + 64)
    ecs, ec2, ssm = lab.client("ecs"), lab.client("ec2"), lab.client("ssm")
    original = dispatch.handle_http
    split = _Split()

    def recording(*args: Any):
        resp = original(*args)
        if record is not None:
            record.append((resp.status, dict(resp.headers), resp.body))
        return resp

    dispatch.handle_http = split.timed(recording)  # the in-process transport looks it up per call
    try:

        def boot() -> None:
            split.timed(lab.advance)("1m")
            assert len(lab.container_instances.listed("bench")) == n_instances

        with split:
            out = _ecslab_calls(ecs, ec2, ssm, boot, n_instances, n_tasks)
        return {**out, **split.figures()}
    finally:
        dispatch.handle_http = original


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


def bench_floor(recorded: list, n_instances: int, n_tasks: int) -> dict[str, float]:
    """The same calls from fresh boto3 clients, answered from a dict of recorded answers."""
    answers = dict(enumerate(recorded))
    seq = iter(range(len(recorded)))

    def answer(request, **_: Any):
        status, headers, body = answers[next(seq)]
        return AWSResponse(request.url, status, headers, _Raw(body))

    bs = botocore.session.Session()
    # The model loader ecslab's clients share (botocore's parsed JSON models, cached per
    # process), so both sides load the same files once and differ only in who answers.
    bs.register_component("data_loader", _shared_loader(data_path_or_none()))
    bs.set_config_variable("metadata_service_num_attempts", 0)
    bs.set_credentials(
        FAKE_CREDENTIALS["aws_access_key_id"], FAKE_CREDENTIALS["aws_secret_access_key"]
    )
    bs.register("before-send", answer)
    session = boto3.Session(botocore_session=bs, region_name="us-east-1")
    config = Config(retries={"total_max_attempts": 1, "mode": "legacy"})

    def client(name: str):
        url = IN_PROCESS_ENDPOINT.format(service=name, region="us-east-1")
        return session.client(name, config=config, endpoint_url=url)

    with _Split() as split:
        out = _ecslab_calls(
            client("ecs"), client("ec2"), client("ssm"), lambda: None, n_instances, n_tasks
        )
    assert next(seq, None) is None, "the floor made fewer calls than ecslab"
    return {**out, **split.figures()}


def bench_moto(n_instances: int, n_tasks: int) -> dict[str, float]:
    from moto import mock_aws

    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ.setdefault(k, v)
    with mock_aws():
        ecs = boto3.client("ecs", region_name="us-east-1")
        ec2 = boto3.client("ec2", region_name="us-east-1")
        t0 = time.perf_counter()
        ecs.create_cluster(clusterName="bench")
        ecs.register_task_definition(**TASKDEF)
        for start in range(0, n_instances, BATCH):
            n = min(BATCH, n_instances - start)
            resp = ec2.run_instances(
                ImageId="ami-12c6146b", InstanceType="m5.xlarge", MinCount=n, MaxCount=n
            )
            for inst in resp["Instances"]:
                doc = {
                    "availabilityZone": inst["Placement"]["AvailabilityZone"],
                    "privateIp": inst["PrivateIpAddress"],
                    "instanceId": inst["InstanceId"],
                    "instanceType": inst["InstanceType"],
                    "imageId": inst["ImageId"],
                    "region": "us-east-1",
                }
                ecs.register_container_instance(
                    cluster="bench", instanceIdentityDocument=json.dumps(doc)
                )
        t1 = time.perf_counter()
        placed = _run_tasks(ecs, "bench", n_tasks)
        t2 = time.perf_counter()
        described = _list_and_describe(ecs, "bench")
        t3 = time.perf_counter()
    assert placed == described == n_tasks, (placed, described)
    return dict(register=t1 - t0, run_task=t2 - t1, list_describe=t3 - t2, total=t3 - t0)


def bench_moto_apart(n_instances: int, n_tasks: int) -> dict[str, float]:
    """:func:`bench_moto` in a child process, after a small warm-up run there (imports, models).
    moto keeps its backends' state in module globals: in this process that heap would stay live
    and make every later full collection (ecslab's and the floor's) walk it too."""
    out = subprocess.run(
        [sys.executable, __file__, "--moto-child", str(n_instances), str(n_tasks)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(n_instances: int, n_tasks: int, rounds: int, moto: bool) -> dict[str, Any]:
    """Interleaved rounds (ecslab, floor, moto); medians of times and of per-round ratios."""
    recorded: list = []
    bench_ecslab(n_instances, n_tasks, record=recorded)  # also warms models and caches
    runs: dict[str, list[dict[str, float]]] = {"ecslab": [], "floor": [], "moto": []}
    for _ in range(rounds):
        # Each run starts from a collected heap: otherwise a run pays for collecting the
        # previous run's lab (cycles wait for a full collection), whichever engine it was.
        gc.collect()
        runs["ecslab"].append(bench_ecslab(n_instances, n_tasks))
        gc.collect()
        runs["floor"].append(bench_floor(recorded, n_instances, n_tasks))
        if moto:
            runs["moto"].append(bench_moto_apart(n_instances, n_tasks))

    def med(name: str, phase: str = "total") -> float | None:
        vals = [r[phase] for r in runs[name]]
        return statistics.median(vals) if vals else None

    def ratio(a: str, b: str) -> float | None:
        if not runs[a] or not runs[b]:
            return None
        return statistics.median(
            x["total"] / y["total"] for x, y in zip(runs[a], runs[b], strict=True)
        )

    return {
        "size": (n_instances, n_tasks),
        "ecslab": med("ecslab"),
        "moto": med("moto"),
        "floor": med("floor"),
        "ecslab/floor": ratio("ecslab", "floor"),
        "moto/floor": ratio("moto", "floor"),
        "moto/ecslab": ratio("moto", "ecslab"),
        "phases": {n: {p: med(n, p) for p in PHASES} for n in runs if runs[n]},
        "split": {
            "ecslab": {k: med("ecslab", k) for k in SPLIT},
            "floor": {k: med("floor", k) for k in SPLIT},
        },
        "calls": len(recorded),
    }


def _fmt(v: float | None, spec: str, suffix: str = "") -> str:
    if v is None:
        return f"{'-':>13}"
    return f"{v:{spec}}{suffix}"


def _where(r: dict[str, Any]) -> tuple[float, float, float, float]:
    """(over the floor, handlers' own work, extra collector time, the rest), median seconds."""
    e, f = r["split"]["ecslab"], r["split"]["floor"]
    over = r["ecslab"] - r["floor"]
    own = e["handlers"] - e["gc_inside"]
    collector = e["gc_inside"] + e["gc_outside"] - (f["gc_inside"] + f["gc_outside"])
    return over, own, collector, over - own - collector


def report(rows: list[dict[str, Any]], rounds: int) -> None:
    print("moto's ECS shape through real boto3: N container instances, 10 N tasks")
    print("(run_task count=10), then list_tasks + describe_tasks of all in batches of 100.")
    print(
        f"floor = boto3's own work: the same calls answered from ecslab's recorded answers.\n"
        f"Median of {rounds} interleaved round(s) (ecslab, floor, moto); the machine is shared, "
        "so the\nratios (taken within each round) are what count, not the seconds.\n"
    )
    head = ("size", "ecslab s", "moto s", "floor s", "ecslab/floor", "moto/floor", "moto/ecslab")
    print(f"{head[0]:<16}" + "".join(f"{h:>13}" for h in head[1:]))
    for r in rows:
        n_i, n_t = r["size"]
        print(
            f"{f'{n_i:,}/{n_t:,}':<16}"
            + _fmt(r["ecslab"], ">13.2f")
            + _fmt(r["moto"], ">13.2f")
            + _fmt(r["floor"], ">13.2f")
            + _fmt(r["ecslab/floor"], ">12.2f", "x")
            + _fmt(r["moto/floor"], ">12.2f", "x")
            + _fmt(r["moto/ecslab"], ">12.1f", "x")
        )
    print("\nphases (median s)")
    print(f"{'size':<16}{'engine':<8}" + "".join(f"{p:>15}" for p in PHASES))
    for r in rows:
        n_i, n_t = r["size"]
        for name, ph in r["phases"].items():
            print(f"{f'{n_i:,}/{n_t:,}':<16}{name:<8}" + "".join(f"{ph[p]:>15.3f}" for p in PHASES))
    print("\nwhere ecslab's time over the floor goes (median s)")
    head = ("over floor", "handlers", "collector", "boto3 slower")
    print(f"{'size':<16}" + "".join(f"{h:>15}" for h in head))
    for r in rows:
        n_i, n_t = r["size"]
        print(f"{f'{n_i:,}/{n_t:,}':<16}" + "".join(f"{v:>15.3f}" for v in _where(r)))
    print(
        "handlers: time inside ecslab's dispatch and the lab's boot, collections excluded;\n"
        "collector: all of ecslab's run's garbage collections less the floor run's; boto3 slower:\n"
        "the rest, boto3's own code running slower between ecslab's answers than in the floor run."
    )
    print()
    for r in rows:
        n_i, n_t = r["size"]
        ef = r["ecslab/floor"]
        verdict = "meets" if ef <= TARGET_FLOOR_RATIO else "misses"
        line = (
            f"{n_i:,}/{n_t:,}: ecslab is {ef:.2f}x the boto3 floor ({verdict} the "
            f"{TARGET_FLOOR_RATIO}x target; server side {100 * (ef - 1):.0f}% of boto3's own work)"
        )
        if r["moto/ecslab"] is not None:
            line += f"; {r['moto/ecslab']:.1f}x faster than moto"
        print(line)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="CI smoke run: 20 / 200, one round")
    ap.add_argument("--no-moto", action="store_true", help="time ecslab and the floor only")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size")
    ap.add_argument(
        "--sizes", type=int, nargs="+", default=[200, 1000], help="container instance counts"
    )
    ap.add_argument("--moto-child", type=int, nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.moto_child:
        bench_moto(20, 200)  # warm-up: moto's imports and models, as the parent's runs have
        gc.collect()
        print(json.dumps(bench_moto(*args.moto_child)))
        return []
    sizes, rounds = ([20], 1) if args.small else (args.sizes, args.rounds)
    rows = [measure(n, 10 * n, rounds, not args.no_moto) for n in sizes]
    report(rows, rounds)
    return rows


if __name__ == "__main__":
    main()
