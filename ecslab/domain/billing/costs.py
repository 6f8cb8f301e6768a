"""``costs(...)``: the tidy cost table, bucketed by time, summing exactly to the total."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .insights import insights_intervals
from .intervals import (
    _empty,
    anywhere_intervals,
    ec2_intervals,
    ecr_intervals,
    fargate_intervals,
)
from .prices import PriceBook

__all__ = ["costs", "intervals", "COST_COLUMNS"]

COST_COLUMNS = [
    "resource",
    "resource_type",
    "launch_type",
    "cluster",
    "service",
    "task",
    "hour",
    "quantity",
    "unit",
    "rate",
    "cost",
    "price_source",
    "note",
]


def intervals(events: pd.DataFrame, prices: PriceBook, now) -> pd.DataFrame:
    now = pd.Timestamp(now)
    parts = [
        f(events, prices, now)
        for f in (
            ec2_intervals,
            fargate_intervals,
            ecr_intervals,
            insights_intervals,
            anywhere_intervals,
        )
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty()
    return pd.concat(parts, ignore_index=True)


def _bucket(iv: pd.DataFrame, freq: str | None) -> pd.DataFrame:
    """Split each interval at ``freq`` boundaries (vectorised in int64 nanoseconds: repeat rows,
    then clip each copy to its bucket)."""
    if freq is None or iv.empty:
        out = iv.copy()
        out["hour"] = out["t0"]
        out["hours"] = (out["t1"] - out["t0"]).dt.total_seconds() / 3600
        return out
    step = pd.Timedelta(pd.tseries.frequencies.to_offset(freq)).value
    t0 = iv["t0"].array.asi8
    t1 = iv["t1"].array.asi8
    first = t0 - t0 % step
    last = (t1 - 1) - (t1 - 1) % step
    n = (last - first) // step + 1
    idx = np.repeat(np.arange(len(iv)), n)
    offset = np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)
    b0 = first[idx] + offset * step
    hours = (np.minimum(t1[idx], b0 + step) - np.maximum(t0[idx], b0)) / 3.6e12
    out = iv.iloc[idx].reset_index(drop=True)
    out["hour"] = pd.to_datetime(b0, utc=True)
    out["hours"] = hours
    return out[out["hours"] > 0]


def costs(
    events: pd.DataFrame,
    prices: PriceBook,
    now,
    *,
    start=None,
    end=None,
    freq: str | None = "h",
    by: str | list[str] | None = None,
) -> pd.DataFrame:
    """Cost rows (``COST_COLUMNS``) for the window [start, end), one per resource, component and
    ``freq`` bucket (``freq=None``: one per billed interval). ``by`` groups and sums ``cost`` (and
    ``quantity`` where the unit is the same)."""
    iv = intervals(events, prices, now)
    if start is not None or end is not None:
        lo = pd.Timestamp(start) if start is not None else None
        hi = pd.Timestamp(end) if end is not None else None
        if lo is not None:
            iv["t0"] = iv["t0"].where(iv["t0"] >= lo, lo)
        if hi is not None:
            iv["t1"] = iv["t1"].where(iv["t1"] <= hi, hi)
        iv = iv[iv["t1"] > iv["t0"]]
    b = _bucket(iv, freq)
    out = pd.DataFrame(
        {
            "resource": b["resource"],
            "resource_type": b["resource_type"],
            "launch_type": b["launch_type"],
            "cluster": b["cluster"],
            "service": b["service"],
            "task": b["task"],
            "hour": b["hour"],
            "quantity": b["hours"] * b["per_hour"].astype(float),
            "unit": b["unit"],
            "rate": b["rate"].astype(float),
        }
    )
    out["cost"] = out["quantity"] * out["rate"]
    out["price_source"] = b["price_source"]
    out["note"] = prices.note
    out = out.reset_index(drop=True)[COST_COLUMNS]
    if by is None:
        return out
    keys = [by] if isinstance(by, str) else list(by)
    return out.groupby(keys, dropna=False, as_index=False, sort=True)["cost"].sum()
