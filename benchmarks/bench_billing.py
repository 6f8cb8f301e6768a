"""Billing over big event tables: vectorised ``costs`` vs a straightforward row-by-row reference.

1. Costs by service by hour over a 1,000,000-row event table (target: at most 1 s).
2. A 30-day simulated month with 100,000 Fargate tasks (target: at most 2 s).

The tables are synthetic but use the engine's event schema and the facts billing reads
(``TaskPullStarted`` / ``TaskStopped`` with their detail payloads, as the tasks domain emits them),
padded with other kinds of rows. ``--small`` runs a tiny size for CI.

    python benchmarks/bench_billing.py [--small]
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np
import pandas as pd

from ecslab.core.clock import EPOCH_START
from ecslab.core.events import DTYPES
from ecslab.domain.billing import PriceBook, costs

PRICES = PriceBook.for_lab("us-east-1")


def synthetic(
    n_tasks: int, n_rows: int, days: float, seed: int = 0
) -> tuple[pd.DataFrame, pd.Timestamp]:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(EPOCH_START)
    span = days * 86400
    start = rng.uniform(0, span * 0.95, n_tasks)
    dur = rng.exponential(1800, n_tasks) + 5
    arns = np.array(
        [f"arn:aws:ecs:us-east-1:123456789012:task/c/{i:032x}" for i in range(n_tasks)],
        dtype=object,
    )
    services = rng.integers(0, 50, n_tasks)
    sizes = rng.choice([(256, 512), (512, 1024), (1024, 2048)], n_tasks)
    details = [
        {
            "launch_type": "FARGATE",
            "cpu": int(c),
            "memory": int(m),
            "service": f"svc-{s}",
            "family": f"fam-{s}",
            "os": "linux",
            "arch": "x86_64",
            "capacity": "on_demand",
        }
        for (c, m), s in zip(sizes, services, strict=True)
    ]
    pulls = pd.DataFrame(
        {
            "time": t0 + pd.to_timedelta(start, unit="s"),
            "kind": "TaskPullStarted",
            "resource": arns,
            "detail": details,
        }
    )
    stops = pd.DataFrame(
        {
            "time": t0 + pd.to_timedelta(start + dur, unit="s"),
            "kind": "TaskStopped",
            "resource": arns,
            "detail": [{}] * n_tasks,
        }
    )
    filler_n = max(n_rows - 2 * n_tasks, 0)
    filler = pd.DataFrame(
        {
            "time": t0 + pd.to_timedelta(rng.uniform(0, span, filler_n), unit="s"),
            "kind": rng.choice(
                ["ApiCalled", "TaskRunning", "TaskPullStopped", "ContainerExited", "LogEventsPut"],
                filler_n,
            ),
            "resource": "x",
            "detail": [{}] * filler_n,
        }
    )
    ev = (
        pd.concat([pulls, stops, filler], ignore_index=True)
        .sort_values("time", kind="stable")
        .reset_index(drop=True)
    )
    ev.insert(0, "seq", np.arange(len(ev)))
    ev["origin"] = "fact"
    ev["service"] = "ecs"
    ev["cluster"] = "c"
    ev = ev[list(DTYPES)]
    for col, dtype in DTYPES.items():
        if col not in ("detail", "time"):
            ev[col] = ev[col].astype(dtype)
    return ev, t0 + pd.Timedelta(seconds=span)


def row_by_row(ev: pd.DataFrame, now: pd.Timestamp) -> dict:
    """The obvious loop: walk every row, pair pulls with stops, spread cost over hours."""
    vcpu, gb = PRICES.fargate()
    open_, out = {}, {}
    for row in ev.itertuples(index=False):
        if row.kind == "TaskPullStarted" and row.detail.get("launch_type") == "FARGATE":
            open_[row.resource] = (row.time, row.detail)
        elif row.kind == "TaskStopped" and row.resource in open_:
            t, d = open_.pop(row.resource)
            _spread(out, t, row.time, d, vcpu.usd, gb.usd)
    for t, d in open_.values():
        _spread(out, t, now, d, vcpu.usd, gb.usd)
    return out


def _spread(out, t0, t1, d, rv, rg):
    secs = max(math.ceil((t1 - t0).total_seconds()), 60)
    end = t0 + pd.Timedelta(seconds=secs)
    per_h = d["cpu"] / 1024 * rv + d["memory"] / 1024 * rg
    h = t0.floor("h")
    while h < end:
        lo, hi = max(t0, h), min(end, h + pd.Timedelta(hours=1))
        key = (d["service"], h)
        out[key] = out.get(key, 0.0) + (hi - lo).total_seconds() / 3600 * per_h
        h += pd.Timedelta(hours=1)


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t


def main(small: bool) -> None:
    cases = [
        (
            "1,000,000-row table, by service by hour",
            20_000 if small else 100_000,
            50_000 if small else 1_000_000,
            2 if small else 7,
            1.0,
        )
    ]
    cases.append(
        (
            "30-day month, 100,000 Fargate tasks",
            5_000 if small else 100_000,
            10_000 if small else 200_000,
            30,
            2.0,
        )
    )
    print(
        f"{'case':<42}{'rows':>10}{'vectorised s':>14}{'target s':>10}{'row-by-row s':>14}{'speed-up':>10}"
    )
    for name, tasks, rows, days, target in cases:
        ev, now = synthetic(tasks, rows, days)
        got, tv = timed(lambda ev=ev, now=now: costs(ev, PRICES, now, by=["service", "hour"]))
        ref, tr = timed(lambda ev=ev, now=now: row_by_row(ev, now))
        total_ref = sum(ref.values())
        assert abs(got["cost"].sum() - total_ref) <= 1e-6 * max(total_ref, 1), (
            got["cost"].sum(),
            total_ref,
        )
        print(f"{name:<42}{len(ev):>10,}{tv:>14.2f}{target:>10.1f}{tr:>14.2f}{tr / tv:>9.0f}x")


if __name__ == "__main__":
    main("--small" in sys.argv)
