"""Container Insights metrics over a big event table: vectorised ``metrics`` vs a row-by-row loop.

A synthetic 1,000,000-row table in the engine's schema (100,000 tasks with their TaskCreated /
TaskRunning / TaskStopped facts over 7 days, 50 families and services in one cluster with
Container Insights on, padded with other kinds of rows). Times one-minute metrics at each level,
the published (CloudWatch) copy, and the Container Insights bill; the reference walks the rows in
time order and samples the cluster's running tasks and reserved CPU at each minute. No target is
set for this one: the figures are reported. ``--small`` runs a tiny size for CI.

    python benchmarks/bench_insights.py [--small]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ecslab.core.clock import EPOCH_START
from ecslab.core.events import DTYPES
from ecslab.domain.billing import PriceBook, costs
from ecslab.domain.insights import metrics

PRICES = PriceBook.for_lab("us-east-1")


def synthetic(n_tasks: int, n_rows: int, days: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(EPOCH_START)
    span = days * 86400
    created = rng.uniform(0, span * 0.95, n_tasks)
    running = created + rng.uniform(5, 60, n_tasks)
    stopped = running + rng.exponential(1800, n_tasks) + 5
    arns = np.array([f"arn:aws:ecs:us-east-1:123456789012:task/c/{i:032x}" for i in range(n_tasks)])
    group = rng.integers(0, 50, n_tasks)
    sizes = rng.choice([(256, 512), (512, 1024), (1024, 2048)], n_tasks)
    created_detail = [
        {"cpu": int(c), "memory": int(m), "service": f"svc-{g}", "family": f"fam-{g}"}
        for (c, m), g in zip(sizes, group, strict=True)
    ]
    parts = [
        pd.DataFrame(
            {
                "time": [0.0],
                "kind": "ClusterCreated",
                "resource": "cluster/c",
                "detail": [{"settings": {"containerInsights": "enabled"}}],
            }
        ),
        pd.DataFrame(
            {"time": created, "kind": "TaskCreated", "resource": arns, "detail": created_detail}
        ),
        pd.DataFrame(
            {"time": running, "kind": "TaskRunning", "resource": arns, "detail": [{}] * n_tasks}
        ),
        pd.DataFrame(
            {"time": stopped, "kind": "TaskStopped", "resource": arns, "detail": [{}] * n_tasks}
        ),
    ]
    filler_n = max(n_rows - 3 * n_tasks - 1, 0)
    parts.append(
        pd.DataFrame(
            {
                "time": rng.uniform(0, span, filler_n),
                "kind": rng.choice(["ApiCalled", "TaskPullStarted", "ContainerExited"], filler_n),
                "resource": "x",
                "detail": [{}] * filler_n,
            }
        )
    )
    ev = (
        pd.concat(parts, ignore_index=True)
        .sort_values("time", kind="stable")
        .reset_index(drop=True)
    )
    ev["time"] = t0 + pd.to_timedelta(ev["time"], unit="s")
    ev.insert(0, "seq", np.arange(len(ev)))
    ev["origin"] = "fact"
    ev["service"] = "ecs"
    ev["cluster"] = "c"
    ev = ev[list(DTYPES)]
    for col, dtype in DTYPES.items():
        if col not in ("detail", "time"):
            ev[col] = ev[col].astype(dtype)
    return ev, t0 + pd.Timedelta(seconds=span)


def row_by_row(ev: pd.DataFrame, now: pd.Timestamp) -> tuple[list[int], list[float]]:
    """Walk the rows; at each minute boundary sample running tasks and reserved CPU."""
    sizes, running = {}, {}
    grid = pd.date_range(ev["time"].min().ceil("1min"), now, freq="1min")
    counts, cpus, i = [], [], 0
    rows = list(ev[["time", "kind", "resource", "detail"]].itertuples(index=False))
    for t in grid:
        while i < len(rows) and rows[i].time <= t:
            r = rows[i]
            if r.kind == "TaskCreated":
                sizes[r.resource] = r.detail["cpu"]
            elif r.kind == "TaskRunning":
                running[r.resource] = sizes[r.resource]
            elif r.kind == "TaskStopped":
                running.pop(r.resource, None)
            i += 1
        counts.append(len(running))
        cpus.append(float(sum(running.values())))
    return counts, cpus


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t


def main(small: bool) -> None:
    tasks, rows, days = (5_000, 50_000, 1) if small else (100_000, 1_000_000, 7)
    ev, now = synthetic(tasks, rows, days)
    print(f"{len(ev):,} rows, {tasks:,} tasks, {days} days of one-minute samples")
    print(f"{'query':<46}{'seconds':>9}{'rows out':>12}")
    for level in ("cluster", "family", "service"):
        out, secs = timed(lambda level=level: metrics(ev, now, level=level))
        print(f"{'metrics(level=' + level + ')':<46}{secs:>9.2f}{len(out):>12,}")
    pub, secs = timed(lambda: metrics(ev, now, level="service", published=True))
    print(f"{'metrics(level=service, published=True)':<46}{secs:>9.2f}{len(pub):>12,}")
    bill, secs = timed(lambda: costs(ev, PRICES, now, by=["resource_type", "hour"]))
    print(f"{'Container Insights bill by hour':<46}{secs:>9.2f}{len(bill):>12,}")
    got, tv = timed(lambda: metrics(ev, now, level="cluster"))
    (counts, cpus), tr = timed(lambda: row_by_row(ev, now))
    wide = got.pivot(index="time", columns="metric", values="value")
    assert wide["RunningTaskCount"].tolist() == counts
    assert np.allclose(wide["CpuReserved"].to_numpy(), cpus)
    print(f"cluster level vectorised {tv:.2f} s vs row-by-row {tr:.2f} s: {tr / tv:.1f}x")


if __name__ == "__main__":
    main("--small" in sys.argv)
