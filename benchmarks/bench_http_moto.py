"""Per-call latency over HTTP: ``ecslab serve`` vs ``moto_server`` (moto 5.2.5), same calls.

Both servers run as their own processes on 127.0.0.1 and one real boto3 client per server
(keep-alive, one attempt) makes the same ECS calls against each: a small cluster (5 container
instances), then for every operation below N timed calls, one after another. Prints p50 and p99
per operation for each server and moto/ecslab at p50 and p99. Target: ecslab's p50 at least 5x
lower than moto_server's.

The machine is shared with other engineers, so the servers are measured interleaved (one call
to each in turn) and the ratio is what counts, not the milliseconds.

floor: a third server process that does no work at all. It answers every call with the bytes
ecslab answered that operation with (recorded during the warm-up), so its latency is boto3's
own work plus one loopback round trip through a minimal HTTP reader. ecslab/floor says how much
of ecslab's latency is ecslab; moto/floor bounds the p50 ratio any server could reach.

    python benchmarks/bench_http_moto.py            # 300 calls per operation
    python benchmarks/bench_http_moto.py --small    # CI smoke run (20 calls)
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.config import Config

TARGET_P50_RATIO = 5.0
REGION = "us-east-1"
INSTANCES = 5
TASKDEF = {
    "family": "web",
    "containerDefinitions": [
        {"name": "app", "image": "busybox", "cpu": 16, "memory": 32, "essential": True}
    ],
}
ECS_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def start_ecslab() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    cmd = [_tool("ecslab"), "serve", "--port", str(port), "--region", REGION, "--seed", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_listening(port, proc)
    return proc, f"http://127.0.0.1:{port}"


def start_moto() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    cmd = [_tool("moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_listening(port, proc)
    return proc, f"http://127.0.0.1:{port}"


def start_floor(recorded: dict[str, tuple[int, dict, bytes]]) -> tuple[subprocess.Popen, str]:
    """The floor server (``--floor-server``) answering each X-Amz-Target with ``recorded``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(
            {
                t: [status, headers, base64.b64encode(body).decode()]
                for t, (status, headers, body) in recorded.items()
            },
            f,
        )
    port = _free_port()
    cmd = [sys.executable, __file__, "--floor-server", str(port), f.name]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port, proc)  # it reads the answers before it listens
    finally:
        os.unlink(f.name)
    return proc, f"http://127.0.0.1:{port}"


def serve_floor(port: int, path: str) -> None:
    """Answer every request with the recorded response for its X-Amz-Target, nothing else."""
    with open(path) as f:
        recorded = json.load(f)
    canned = {}
    for target, (status, headers, body64) in recorded.items():
        body = base64.b64decode(body64)
        head = [f"HTTP/1.1 {status} OK"]
        head += [f"{k}: {v}" for k, v in headers.items() if k.lower() != "content-length"]
        head.append(f"Content-Length: {len(body)}")
        canned[target.lower()] = ("\r\n".join(head) + "\r\n\r\n").encode() + body

    class Handler(socketserver.StreamRequestHandler):
        disable_nagle_algorithm = True

        def handle(self) -> None:
            while True:
                if not self.rfile.readline():
                    return  # the client closed the connection
                length, target = 0, ""
                while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    name = name.strip().lower()
                    if name == "content-length":
                        length = int(value)
                    elif name == "x-amz-target":
                        target = value.strip().lower()
                self.rfile.read(length)
                self.wfile.write(canned[target])

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", port), Handler) as server:
        server.serve_forever()


def _record_answers(ecs, recorded: dict[str, tuple[int, dict, bytes]]) -> None:
    """Keep the last raw answer per X-Amz-Target the client gets (for the floor server)."""

    def keep(operation_model, response_dict, **_):
        target = f"{operation_model.metadata['targetPrefix']}.{operation_model.name}"
        recorded[target] = (
            response_dict["status_code"],
            dict(response_dict["headers"]),
            response_dict["body"],
        )

    ecs.meta.events.register("before-parse.ecs", keep)


def _client(service: str, url: str):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1, "mode": "legacy"}),
    )


def setup_ecslab(url: str):
    ecs, ec2, ssm = _client("ecs", url), _client("ec2", url), _client("ssm", url)
    ecs.create_cluster(clusterName="bench")
    ecs.register_task_definition(**TASKDEF)
    ec2.run_instances(
        ImageId=ssm.get_parameter(Name=ECS_AMI)["Parameter"]["Value"],
        InstanceType="m5.xlarge",
        MinCount=INSTANCES,
        MaxCount=INSTANCES,
        IamInstanceProfile={"Name": "ecsInstanceRole"},
        UserData="#!/bin/bash\necho ECS_CLUSTER=bench >> /etc/ecs/ecs.config",
    )
    req = urllib.request.Request(
        url + "/_ecslab/advance", data=json.dumps({"by": "1m"}).encode(), method="POST"
    )
    with urllib.request.urlopen(req) as r:  # noqa: S310 (loopback only)
        r.read()
    return ecs


def setup_moto(url: str):
    ecs, ec2 = _client("ecs", url), _client("ec2", url)
    ecs.create_cluster(clusterName="bench")
    ecs.register_task_definition(**TASKDEF)
    resp = ec2.run_instances(
        ImageId="ami-12c6146b", InstanceType="m5.xlarge", MinCount=INSTANCES, MaxCount=INSTANCES
    )
    for inst in resp["Instances"]:
        doc = {
            "availabilityZone": inst["Placement"]["AvailabilityZone"],
            "privateIp": inst["PrivateIpAddress"],
            "instanceId": inst["InstanceId"],
            "instanceType": inst["InstanceType"],
            "imageId": inst["ImageId"],
            "region": REGION,
        }
        ecs.register_container_instance(cluster="bench", instanceIdentityDocument=json.dumps(doc))
    return ecs


def operations(ecs, arns: list[str] | None = None) -> dict[str, Callable[[], object]]:
    """The timed calls (the same on every server). DescribeTasks asks for the ten tasks of a
    first RunTask, or for ``arns`` (the floor, which runs nothing, asks for ecslab's)."""
    if arns is None:
        first = ecs.run_task(cluster="bench", taskDefinition="web", count=10)["tasks"]
        arns = [t["taskArn"] for t in first]
    return {
        "DescribeClusters": lambda: ecs.describe_clusters(clusters=["bench"]),
        "ListTaskDefinitions": lambda: ecs.list_task_definitions(),
        "RunTask (count=1)": lambda: ecs.run_task(cluster="bench", taskDefinition="web"),
        "ListTasks": lambda: ecs.list_tasks(cluster="bench", maxResults=100),
        "DescribeTasks (10)": lambda: ecs.describe_tasks(cluster="bench", tasks=arns),
    }


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def measure(n: int) -> dict[str, dict[str, list[float]]]:
    procs = []
    try:
        procs.append(start_ecslab())
        procs.append(start_moto())
        ecslab_ecs = setup_ecslab(procs[0][1])
        recorded: dict[str, tuple[int, dict, bytes]] = {}
        _record_answers(ecslab_ecs, recorded)
        first = ecslab_ecs.run_task(cluster="bench", taskDefinition="web", count=10)["tasks"]
        arns = [t["taskArn"] for t in first]
        ops = {
            "ecslab": operations(ecslab_ecs, arns),
            "moto": operations(setup_moto(procs[1][1])),
        }
        for op in ops["ecslab"]:  # warm-up: connection, lazy imports; records ecslab's answers
            for name in ops:
                for _ in range(5):
                    ops[name][op]()
        procs.append(start_floor(recorded))
        ops["floor"] = operations(_client("ecs", procs[2][1]), arns)
        for op in ops["floor"]:
            for _ in range(5):
                ops["floor"][op]()
        times: dict[str, dict[str, list[float]]] = {k: {op: [] for op in ops[k]} for k in ops}
        for op in ops["ecslab"]:
            for _ in range(n):  # interleaved: one call to each server in turn
                for name in ops:
                    t0 = time.perf_counter()
                    ops[name][op]()
                    times[name][op].append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def report(times: dict[str, dict[str, list[float]]], n: int) -> list[float]:
    print(f"HTTP latency on 127.0.0.1, boto3 keep-alive, {n} calls per operation, interleaved")
    print("(the machine is shared: compare the ratios, not the milliseconds)\n")
    head = ("operation", "ecslab p50", "p99", "moto p50", "p99", "floor p50", "moto/ecslab")
    head += ("p99 ratio", "ecslab/floor", "moto/floor")
    print(f"{head[0]:<21}" + "".join(f"{h:>13}" for h in head[1:]))
    ratios = []
    for op in times["ecslab"]:
        e, m, f = times["ecslab"][op], times["moto"][op], times["floor"][op]
        ep50, ep99, mp50, mp99 = _pct(e, 0.5), _pct(e, 0.99), _pct(m, 0.5), _pct(m, 0.99)
        fp50 = _pct(f, 0.5)
        ratios.append(mp50 / ep50)
        print(
            f"{op:<21}{ep50:>11.2f}ms{ep99:>11.2f}ms{mp50:>11.2f}ms{mp99:>11.2f}ms{fp50:>11.2f}ms"
            f"{mp50 / ep50:>12.1f}x{mp99 / ep99:>12.1f}x{ep50 / fp50:>12.2f}x{mp50 / fp50:>12.1f}x"
        )
    every = lambda name: [v for vals in times[name].values() for v in vals]  # noqa: E731
    ep50, mp50 = statistics.median(every("ecslab")), statistics.median(every("moto"))
    fp50 = statistics.median(every("floor"))
    ratio = mp50 / ep50
    verdict = "meets" if min(ratios) >= TARGET_P50_RATIO else "misses"
    print(
        f"\nall calls: ecslab p50 {ep50:.2f} ms, moto_server p50 {mp50:.2f} ms: {ratio:.1f}x lower; "
        f"lowest per-operation p50 ratio {min(ratios):.1f}x ({verdict} the "
        f"{TARGET_P50_RATIO:.0f}x target)"
    )
    print(
        f"floor (boto3 + loopback, no server work) p50 {fp50:.2f} ms: ecslab/floor "
        f"{ep50 / fp50:.2f}x, moto/floor {mp50 / fp50:.1f}x (the most any server could reach)"
    )
    return ratios


def main(argv: list[str] | None = None) -> list[float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="CI smoke run: 20 calls per operation")
    ap.add_argument("-n", type=int, default=300, help="timed calls per operation and server")
    ap.add_argument("--floor-server", nargs=2, metavar=("PORT", "ANSWERS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.floor_server:
        serve_floor(int(args.floor_server[0]), args.floor_server[1])
        return []
    n = 20 if args.small else args.n
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    return report(measure(n), n)


if __name__ == "__main__":
    main()
