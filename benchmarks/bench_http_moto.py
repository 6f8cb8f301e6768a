"""Per-call latency over HTTP: ``ecslab serve`` vs ``moto_server`` (moto 5.2.5), same calls.

Both servers run as their own processes on 127.0.0.1 and one real boto3 client per server
(keep-alive, one attempt) makes the same ECS calls against each: a small cluster (5 container
instances), then for every operation below N timed calls, one after another. Prints p50 and p99
per operation for each server and moto/ecslab at p50 and p99. Target: ecslab's p50 at least 5x
lower than moto_server's.

The machine is shared with other engineers, so the servers are measured interleaved (one call
to each in turn) and the ratio is what counts, not the milliseconds.

    python benchmarks/bench_http_moto.py            # 300 calls per operation
    python benchmarks/bench_http_moto.py --small    # CI smoke run (20 calls)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
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


def operations(ecs) -> dict[str, Callable[[], object]]:
    """The timed calls (the same on both servers)."""
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
        ops = {
            "ecslab": operations(setup_ecslab(procs[0][1])),
            "moto": operations(setup_moto(procs[1][1])),
        }
        times: dict[str, dict[str, list[float]]] = {k: {} for k in ops}
        for op in ops["ecslab"]:
            for name in ops:
                for _ in range(5):  # warm-up: connection, lazy imports on both sides
                    ops[name][op]()
                times[name][op] = []
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
    head = ("operation", "ecslab p50", "p99", "moto p50", "p99", "p50 ratio", "p99 ratio")
    print(f"{head[0]:<22}" + "".join(f"{h:>11}" for h in head[1:]))
    ratios = []
    for op in times["ecslab"]:
        e, m = times["ecslab"][op], times["moto"][op]
        ep50, ep99, mp50, mp99 = _pct(e, 0.5), _pct(e, 0.99), _pct(m, 0.5), _pct(m, 0.99)
        ratios.append(mp50 / ep50)
        print(
            f"{op:<22}{ep50:>9.2f}ms{ep99:>9.2f}ms{mp50:>9.2f}ms{mp99:>9.2f}ms"
            f"{mp50 / ep50:>10.1f}x{mp99 / ep99:>10.1f}x"
        )
    every = lambda name: [v for vals in times[name].values() for v in vals]  # noqa: E731
    ep50, mp50 = statistics.median(every("ecslab")), statistics.median(every("moto"))
    ratio = mp50 / ep50
    verdict = "meets" if min(ratios) >= TARGET_P50_RATIO else "misses"
    print(
        f"\nall calls: ecslab p50 {ep50:.2f} ms, moto_server p50 {mp50:.2f} ms: {ratio:.1f}x lower; "
        f"lowest per-operation p50 ratio {min(ratios):.1f}x ({verdict} the "
        f"{TARGET_P50_RATIO:.0f}x target)"
    )
    return ratios


def main(argv: list[str] | None = None) -> list[float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="CI smoke run: 20 calls per operation")
    ap.add_argument("-n", type=int, default=300, help="timed calls per operation and server")
    args = ap.parse_args(argv)
    n = 20 if args.small else args.n
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    return report(measure(n), n)


if __name__ == "__main__":
    main()
