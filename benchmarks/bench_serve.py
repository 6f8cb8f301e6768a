"""Latency of one API call through ``ecslab serve`` (boto3 over HTTP keep-alive, TCP_NODELAY)
compared with the in-process transport, and the aws CLI's per-command cost.

Target (shared/reference/aws_wire.md): an HTTP call must not pay the ~40 ms delayed-ACK stall
(46 ms without TCP_NODELAY vs 1.4 ms with it, measured on this machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import boto3
from botocore.config import Config

from ecslab import Lab
from ecslab.adapters.server import LabServer

N = 500
NAGLE_STALL_MS = 46.0  # per call without TCP_NODELAY (aws_wire.md)


def per_call_ms(fn, n: int = N) -> float:
    fn()  # warm up (model loading, connection)
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) * 1000 / n


def main() -> None:
    lab = Lab(seed=1)
    inproc = lab.client("ecs")
    inproc.create_cluster(clusterName="MyCluster")
    server = LabServer(lab, port=0).start()
    try:
        http = boto3.client(
            "ecs",
            endpoint_url=server.url,
            region_name=lab.region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}),
        )
        a = per_call_ms(lambda: inproc.describe_clusters(clusters=["MyCluster"]))
        b = per_call_ms(lambda: http.describe_clusters(clusters=["MyCluster"]))
        print(f"in-process DescribeClusters : {a:.3f} ms/call")
        print(f"HTTP       DescribeClusters : {b:.3f} ms/call  (x{b / a:.2f} in-process)")
        print(f"ratio to the Nagle stall     : {b / NAGLE_STALL_MS:.3f} (target < 0.1)")
        aws = os.path.join(os.path.dirname(sys.executable), "aws")
        if os.path.exists(aws):
            env = dict(os.environ, **server.environment())
            runs = 3
            t0 = time.perf_counter()
            for _ in range(runs):
                subprocess.run(
                    [aws, "ecs", "list-clusters"], env=env, check=True, capture_output=True
                )
            print(
                f"aws ecs list-clusters       : {(time.perf_counter() - t0) / runs:.2f} s/command"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
