"""Native placement benchmark (the Python API under the ECS client, no HTTP/boto3 layer).

Target (issue 6): 100,000 tasks placed with spread(attribute:ecs.availability-zone) +
binpack(memory) on 5,000 container instances in at most 10 s, and a placement cost that grows
linearly with the number of instances.

Two shapes are timed at 5,000 instances: one call placing all 100,000 tasks, and the RunTask
shape -- 10,000 calls of count=10, each paying the per-call setup (filters over every instance,
ranking state). The per-task cost is also measured at 500/1,000/2,000/5,000 instances with a fixed
number of tasks to show how it grows with the cluster.

Tasks: 256 CPU units / 512 MiB, bridge mode with one dynamic host port, group family:bench.
Instances: a mix of m5/m6i/r5/r6i/c5 4xlarge (16 vCPU) across three AZs of ap-east-1.

    python benchmarks/bench_placement.py          # full size (about half a minute)
    python benchmarks/bench_placement.py --small  # CI smoke run (a few seconds)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ecslab.domain.scheduler import (
    InstanceTable,
    parse_strategies,
    place,
    task_request,
)
from ecslab.domain.scheduler.sample import sample_instances

TARGET_S = 10.0
TYPES = ["m5.4xlarge", "m6i.4xlarge", "r5.4xlarge", "r6i.4xlarge", "c5.4xlarge"]
STRATEGIES = [
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
    {"type": "binpack", "field": "memory"},
]


def _request():
    return task_request(
        [{"cpu": 256, "memory": 512, "port_mappings": [{"container_port": 80, "host_port": 0}]}],
        strategies=parse_strategies(STRATEGIES),
        group="family:bench",
    )


def _table(n: int) -> InstanceTable:
    return InstanceTable(sample_instances(TYPES, n, seed=n))


def _timed(
    n_instances: int, n_tasks: int, per_call: int | None
) -> tuple[float, int, InstanceTable]:
    table, request = _table(n_instances), _request()
    rng = np.random.default_rng(7)
    placed = 0
    t0 = time.perf_counter()
    if per_call is None:
        placed = len(place(table, request, n_tasks, rng).placements)
    else:
        for _ in range(n_tasks // per_call):
            placed += len(place(table, request, per_call, rng).placements)
    return time.perf_counter() - t0, placed, table


def _check(table: InstanceTable, placed: int) -> str:
    assert (table.cpu_reserved <= table.cpu_registered).all()
    assert (table.mem_reserved <= table.mem_registered).all()
    assert int(table.running_tasks_count.sum()) == placed
    per_az = {}
    for az, k in zip(table.column("az"), table.groups["family:bench"], strict=True):
        per_az[az] = per_az.get(az, 0) + int(k)
    spread = max(per_az.values()) - min(per_az.values())
    assert spread <= 1, per_az
    return ", ".join(f"{a}: {k:,}" for a, k in sorted(per_az.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="CI smoke size")
    args = ap.parse_args()
    if args.small:
        sizes, fixed_tasks, head_n, head_tasks = [50, 100, 200], 1_000, 100, 2_000
    else:
        sizes, fixed_tasks, head_n, head_tasks = [500, 1_000, 2_000, 5_000], 20_000, 5_000, 100_000

    _timed(sizes[0], 200, None)  # warm-up: imports, numpy first-call costs
    print(f"Per-task cost with {fixed_tasks:,} tasks (one call), spread(AZ) + binpack(memory):")
    print(f"{'instances':>10} {'seconds':>9} {'us/task':>9}")
    rows = []
    for n in sizes:
        secs, placed, table = _timed(n, fixed_tasks, None)
        assert placed == fixed_tasks
        _check(table, placed)
        rows.append((n, secs / fixed_tasks * 1e6))
        print(f"{n:>10,} {secs:>9.3f} {rows[-1][1]:>9.1f}")
    ns = np.array([r[0] for r in rows], dtype=float)
    us = np.array([r[1] for r in rows])
    slope, icept = np.polyfit(ns, us, 1)
    growth = us[-1] / us[0]
    print(
        f"fit: us/task = {icept:.1f} + {slope * 1000:.2f} x (instances / 1,000); "
        f"{ns[-1] / ns[0]:.0f}x the instances costs {growth:.2f}x per task "
        f"({'linear or better' if growth <= ns[-1] / ns[0] else 'WORSE than linear'})"
    )

    print(f"\nHeadline: {head_tasks:,} tasks on {head_n:,} instances")
    print(f"{'shape':>22} {'seconds':>9} {'ratio to the 10 s target':>26}")
    for label, per_call in (("one call", None), ("RunTask count=10", 10)):
        secs, placed, table = _timed(head_n, head_tasks, per_call)
        azs = _check(table, placed)
        print(f"{label:>22} {secs:>9.2f} {secs / TARGET_S:>25.2f}x")
    print(f"placed {placed:,} of {head_tasks:,}; tasks per AZ: {azs}")


if __name__ == "__main__":
    main()
