"""Container Insights on the bill: custom metrics per cluster, task and service, prorated hourly
at CloudWatch's tiered custom-metric price.

How many metrics (the seed walkthrough's counts, ``INSIGHTS_METRICS``): while Container Insights
is on for a cluster, each RUNNING task reports 6 metrics, each service with RUNNING tasks 11, and
the cluster itself 8 while it has RUNNING tasks. "Metrics are sent only for resources that have
RUNNING tasks" (CloudWatch user guide, ecs_facts.md J), so a cluster with no running task costs
nothing, the same rule :mod:`ecslab.domain.insights` applies to the datapoints.

How they are priced: a metric reported for h hours is h/730 metric-months ([U] prorated by the
hour, ecs_facts.md J). The tier rate depends on how many metric-months the account has used so
far in the calendar month (UTC): the first 10,000 at $0.30, the next 240,000 at $0.10, the next
750,000 at $0.05, beyond at $0.02 (``CW_METRIC_TIERS``). Intervals are split at month starts and
at the instants the month's running total crosses a tier bound, so each row has one rate and the
rows add up to the tiered total exactly. A loaded price table's ``cloudwatch:metric`` price is a
flat rate (no tiers). CloudWatch's free tier (10 metrics, account-wide) is not modelled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..insights_steps import insights_switches, levels_at, set_to_deltas, task_changes
from .prices import CW_METRIC_TIERS, HOURS_PER_MONTH, PriceBook

__all__ = ["INSIGHTS_METRICS", "metric_counts", "insights_intervals", "tier_bounds", "tiered_cost"]

#: Metrics per resource for Container Insights cost, per the seed walkthrough.
INSIGHTS_METRICS = {"cluster": 8, "task": 6, "service": 11}
_COUNT_COLUMNS = ["time", "cluster", "metrics", "running_tasks", "services", "insights"]
_NS_PER_HOUR = 3.6e12


def tier_bounds() -> tuple[np.ndarray, np.ndarray]:
    """(cumulative upper bounds in metric-months, rate per tier): 10k, 250k, 1M, inf."""
    widths = np.array([w for w, _ in CW_METRIC_TIERS], dtype=float)
    return np.cumsum(widths), np.array([r for _, r in CW_METRIC_TIERS], dtype=float)


def tiered_cost(metric_months: float) -> float:
    """USD for ``metric_months`` used in one calendar month, tier by tier (for hand checks)."""
    bounds, rates = tier_bounds()
    lower = np.r_[0.0, bounds[:-1]]
    used = np.clip(metric_months - lower, 0.0, bounds - lower)
    return float((used * rates).sum())


def _ns(values) -> np.ndarray:
    return pd.DatetimeIndex(pd.Series(values).astype("datetime64[ns, UTC]")).asi8


def metric_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per cluster, at every change: the metrics it reports (``_COUNT_COLUMNS``)."""
    tc = task_changes(events, fields=("service",))
    tc = tc[tc["run"] != 0]
    sw = insights_switches(events)
    if tc.empty or sw.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COUNT_COLUMNS})
    # Services with running tasks: 0 <-> positive flips of each (cluster, service) running count.
    sv = tc.dropna(subset=["service"])
    sv = sv.groupby(["cluster", "service", "time"], as_index=False, sort=True)["run"].sum()
    total = sv.groupby(["cluster", "service"], sort=False)["run"].cumsum()
    active = (total > 0).astype(float)
    sv["v"] = active - active.groupby([sv["cluster"], sv["service"]]).shift(1).fillna(0.0)
    sw_d = set_to_deltas(sw.rename(columns={"on": "v"}), ["cluster"], "v")
    times = pd.concat([tc[["cluster", "time"]], sw[["cluster", "time"]]]).drop_duplicates()
    times = times[times["cluster"].isin(set(sw["cluster"]))]
    if times.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COUNT_COLUMNS})
    names = pd.Index(sorted(set(sw["cluster"])), dtype=object)
    q_g, q_t = names.get_indexer(times["cluster"]), _ns(times["time"])

    def level(frame: pd.DataFrame, col: str) -> np.ndarray:
        g = names.get_indexer(frame["cluster"]).astype(np.int64)
        keep = g >= 0
        return levels_at(
            g[keep], _ns(frame["time"])[keep], frame[col].to_numpy(float)[keep], q_g, q_t
        )

    running = level(tc, "run")
    services = level(sv, "v")
    on = level(sw_d, "v") > 0.5
    m = INSIGHTS_METRICS
    count = np.where(
        on,
        m["cluster"] * (running > 0) + m["task"] * running + m["service"] * services,
        0.0,
    )
    out = pd.DataFrame(
        {
            "time": times["time"].array,
            "cluster": times["cluster"].to_numpy(),
            "metrics": count.round(9),
            "running_tasks": running.round(9),
            "services": services.round(9),
            "insights": on,
        }
    )
    return out.sort_values(["cluster", "time"], kind="stable").reset_index(drop=True)


def _month_index(ns: np.ndarray) -> np.ndarray:
    d = pd.DatetimeIndex(pd.to_datetime(ns, utc=True))
    return (d.year * 12 + d.month - 1).to_numpy().astype(np.int64)


def _month_start(idx: np.ndarray) -> np.ndarray:
    years, months = np.divmod(idx, 12)
    s = pd.to_datetime(
        pd.DataFrame({"year": years, "month": months + 1, "day": 1}), utc=True
    ).astype("datetime64[ns, UTC]")
    return pd.DatetimeIndex(s).asi8


def _split_months(
    t0: np.ndarray, t1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut intervals at calendar-month starts -> (row index, piece t0, piece t1, month index)."""
    m0, m1 = _month_index(t0), _month_index(t1 - 1)
    n = m1 - m0 + 1
    row = np.repeat(np.arange(len(t0)), n)
    k = np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)
    month = m0[row] + k
    a = np.maximum(t0[row], _month_start(month))
    b = np.minimum(t1[row], _month_start(month + 1))
    return row, a, b, month


def _tiers(a: np.ndarray, b: np.ndarray, month: np.ndarray, per_hour: np.ndarray):
    """Split pieces where the month's cumulative metric-months cross a tier bound, and give each
    piece its tier rate -> (row index into the inputs, t0, t1, rate)."""
    bounds, rates = tier_bounds()
    rows, t0s, t1s, rate_out = [], [], [], []
    for mo in np.unique(month):
        sel = np.where(month == mo)[0]
        pa, pb, ph = a[sel], b[sel], per_hour[sel]
        bp = np.concatenate([pa, pb])
        dv = np.concatenate([ph, -ph])
        order = np.argsort(bp, kind="stable")
        bp, dv = bp[order], dv[order]
        rate = np.cumsum(dv)  # metric-months per hour from bp[k] to bp[k + 1]
        cum = np.r_[0.0, np.cumsum(rate[:-1] * np.diff(bp) / _NS_PER_HOUR)]
        cuts = []
        for bound in bounds[:-1]:
            k = np.searchsorted(cum, bound, side="left") - 1
            if 0 <= k < len(bp) - 1 and rate[k] > 0 and cum[k] < bound <= cum[k + 1]:
                cuts.append(bp[k] + (bound - cum[k]) / rate[k] * _NS_PER_HOUR)
        edges = sorted(int(round(c)) for c in cuts)
        r, x, y = sel, pa, pb
        for c in edges:  # at most three crossings a month: split every piece spanning one
            m = (x < c) & (c < y)
            r, x, y = np.r_[r, r[m]], np.r_[x, np.full(m.sum(), c)], np.r_[np.where(m, c, y), y[m]]
        used = np.interp((x + y) / 2, bp, cum)
        rows.append(r)
        t0s.append(x)
        t1s.append(y)
        rate_out.append(np.minimum(np.searchsorted(bounds, used, side="left"), len(rates) - 1))
    if not rows:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, e
    return (
        np.concatenate(rows),
        np.concatenate(t0s).astype(np.int64),
        np.concatenate(t1s).astype(np.int64),
        np.concatenate(rate_out),
    )


def insights_intervals(events: pd.DataFrame, prices: PriceBook, now: pd.Timestamp) -> pd.DataFrame:
    """Billable intervals (``INTERVAL_COLUMNS``) of Container Insights metrics, one rate each."""
    from .intervals import _empty

    counts = metric_counts(events)
    if counts.empty:
        return _empty()
    counts = counts.sort_values(["cluster", "time"], kind="stable")
    counts["t1"] = counts.groupby("cluster")["time"].shift(-1).fillna(pd.Timestamp(now))
    counts = counts[(counts["metrics"] > 0) & (counts["t1"] > counts["time"])]
    if counts.empty:
        return _empty()
    t0, t1 = _ns(counts["time"]), _ns(counts["t1"])
    per_hour = counts["metrics"].to_numpy(float) / HOURS_PER_MONTH
    flat = "cloudwatch:metric" in prices.overrides
    if flat:
        row, a, b = np.arange(len(t0)), t0, t1
        tier = np.zeros(len(t0), dtype=np.int64)
    else:
        r0, a0, b0, month = _split_months(t0, t1)
        r1, a, b, tier = _tiers(a0, b0, month, per_hour[r0])
        row = r0[r1]
    bounds, _ = tier_bounds()
    lower = np.r_[0, bounds[:-1]]
    labels = [
        "" if i == 0 else f"; CloudWatch tier above {lower[i]:,.0f} metric-months this month"
        for i in range(len(bounds))
    ]
    price_of = [prices.cloudwatch_metric_month(lower[i] + 1) for i in range(len(bounds))]
    cl = counts["cluster"].to_numpy()[row]
    return pd.DataFrame(
        {
            "resource": cl,
            "resource_type": "container-insights",
            "launch_type": None,
            "cluster": cl,
            "service": None,
            "task": None,
            "t0": pd.to_datetime(a, utc=True),
            "t1": pd.to_datetime(b, utc=True),
            "unit": "metric-months",
            "per_hour": per_hour[row],
            "rate": np.array([price_of[i].usd for i in tier], dtype=float),
            "price_source": [price_of[i].source + ("" if flat else labels[i]) for i in tier],
        }
    )
