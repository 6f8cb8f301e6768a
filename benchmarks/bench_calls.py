"""Per-call cost of the in-process boto3 transport.

Peer figure: aws_wire.md measured about 330 us per in-process call through boto3 with a toy
backend on this kind of machine. Prints ecslab's figure and the ratio to that peer.

    python benchmarks/bench_calls.py [--small]
"""

from __future__ import annotations

import sys
import time

from ecslab import Lab

PEER_US = 330.0


def main(n: int) -> None:
    lab = Lab(seed=0)
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="warm")
    t0 = time.perf_counter()
    for i in range(n):
        ecs.create_cluster(clusterName=f"c{i}")
    create_us = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for _ in range(n):
        ecs.describe_clusters(clusters=["warm"])
    describe_us = (time.perf_counter() - t0) / n * 1e6
    print(f"{'call':<22}{'us/call':>10}{'ratio to peer 330 us':>24}")
    print(f"{'CreateCluster':<22}{create_us:>10.0f}{create_us / PEER_US:>24.2f}")
    print(f"{'DescribeClusters':<22}{describe_us:>10.0f}{describe_us / PEER_US:>24.2f}")


if __name__ == "__main__":
    main(50 if "--small" in sys.argv else 1000)
