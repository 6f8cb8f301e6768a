"""Billable intervals from the event table (vectorised: merge_asof pairs starts with stops).

Each function returns one row per billable interval and cost component with the columns of
``INTERVAL_COLUMNS``: who (resource, resource_type, launch_type, cluster, service, task), when
(t0, t1 -- the *billed* interval, minimums included), what (unit, per_hour: units billed per
hour of the interval) and at what price (rate per unit, price_source).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .prices import HOURS_PER_MONTH, PriceBook

__all__ = [
    "INTERVAL_COLUMNS",
    "ec2_intervals",
    "fargate_intervals",
    "anywhere_intervals",
    "ecr_intervals",
]

INTERVAL_COLUMNS = [
    "resource",
    "resource_type",
    "launch_type",
    "cluster",
    "service",
    "task",
    "t0",
    "t1",
    "unit",
    "per_hour",
    "rate",
    "price_source",
]
GIB = 1024**3
MIN_SECONDS = 60


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="datetime64[ns, UTC]"
                if c in ("t0", "t1")
                else ("float64" if c in ("per_hour", "rate") else "object")
            )
            for c in INTERVAL_COLUMNS
        }
    )


def _details(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Pull ``keys`` out of the detail dicts of the (already filtered, small) rows."""
    d = rows["detail"].tolist()
    return pd.DataFrame({k: [x.get(k) for x in d] for k in keys}, index=rows.index)


def _pair(
    events: pd.DataFrame, start_kinds: list[str], stop_kinds: list[str], now: pd.Timestamp
) -> pd.DataFrame:
    """Start rows with the time of the first stop of the same resource after them (or ``now``)."""
    kinds = events["kind"]
    starts = events[kinds.isin(start_kinds)][
        ["time", "resource", "cluster", "detail", "seq"]
    ].sort_values("time", kind="stable")
    if starts.empty:
        return starts.assign(stop=pd.Series(dtype="datetime64[ns, UTC]"))
    stops = events[kinds.isin(stop_kinds)][["time", "resource"]].sort_values("time", kind="stable")
    stops = stops.rename(columns={"time": "stop"}).assign(time=lambda s: s["stop"])
    merged = pd.merge_asof(
        starts, stops, on="time", by="resource", direction="forward", allow_exact_matches=True
    )
    merged["stop"] = merged["stop"].fillna(now)
    return merged


def _billed(t0: pd.Series, stop: pd.Series, minimum: int = MIN_SECONDS) -> pd.Series:
    secs = np.ceil((stop - t0).dt.total_seconds().to_numpy())
    secs = np.maximum(secs, minimum)
    return t0 + pd.to_timedelta(secs, unit="s")


def ec2_intervals(events: pd.DataFrame, prices: PriceBook, now: pd.Timestamp) -> pd.DataFrame:
    """Each instance from running until it starts shutting down or stopping (AWS stops charging
    there) or until now: per second, rounded up, with a 60 s minimum per running period."""
    p = _pair(
        events,
        ["InstanceRunning"],
        ["InstanceStopping", "InstanceTerminating", "InstanceTerminated"],
        now,
    )
    if p.empty:
        return _empty()
    d = _details(p, ["instance_type"])
    by_type = {t: prices.ec2_hourly(t) for t in d["instance_type"].unique()}
    return pd.DataFrame(
        {
            "resource": p["resource"].to_numpy(),
            "resource_type": "ec2-instance",
            "launch_type": "EC2",
            "cluster": None,
            "service": None,
            "task": None,
            "t0": p["time"].array,
            "t1": _billed(p["time"], p["stop"]).array,
            "unit": "instance-hours (" + d["instance_type"].astype(str) + ")",
            "per_hour": 1.0,
            "rate": d["instance_type"].map(lambda t: by_type[t].usd).astype(float).to_numpy(),
            "price_source": d["instance_type"].map(lambda t: by_type[t].source).to_numpy(),
        }
    )


def anywhere_intervals(events: pd.DataFrame, prices: PriceBook, now: pd.Timestamp) -> pd.DataFrame:
    """ECS Anywhere: each EXTERNAL (mi-) container instance from registration to deregistration,
    per instance-hour with a one-hour minimum (ECS pricing page, UNVERIFIED: see the data file)."""
    p = _pair(events, ["ContainerInstanceRegistered"], ["ContainerInstanceDeregistered"], now)
    if p.empty:
        return _empty()
    d = _details(p, ["ec2_instance_id"])
    ext = d["ec2_instance_id"].astype(str).str.startswith("mi-").to_numpy()
    p = p[ext]
    if p.empty:
        return _empty()
    price = prices.anywhere_instance_hour()
    return pd.DataFrame(
        {
            "resource": p["resource"].to_numpy(),
            "resource_type": "external-instance",
            "launch_type": "EXTERNAL",
            "cluster": p["cluster"].to_numpy(),
            "service": None,
            "task": None,
            "t0": p["time"].array,
            "t1": _billed(p["time"], p["stop"], 3600).array,
            "unit": "ECS Anywhere instance-hours",
            "per_hour": 1.0,
            "rate": price.usd,
            "price_source": price.source,
        }
    )


def fargate_intervals(events: pd.DataFrame, prices: PriceBook, now: pd.Timestamp) -> pd.DataFrame:
    """Each Fargate task's requested vCPU, GB and ephemeral GB over 20, from pull start to stop."""
    p = _pair(events, ["TaskPullStarted"], ["TaskStopped"], now)
    if p.empty:
        return _empty()
    d = _details(
        p, ["launch_type", "cpu", "memory", "ephemeral_gib", "os", "arch", "capacity", "service"]
    )
    keep = (d["launch_type"] == "FARGATE").to_numpy()
    p, d = p[keep], d[keep]
    if p.empty:
        return _empty()
    t1 = _billed(p["time"], p["stop"])
    parts = []
    combos = d[["os", "arch", "capacity"]].fillna(
        {"os": "linux", "arch": "x86_64", "capacity": "on_demand"}
    )
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(combos))
    rates = [prices.fargate(*key) for key in uniques]
    vcpu_rate = np.array([v.usd for v, _ in rates])[codes]
    gb_rate = np.array([g.usd for _, g in rates])[codes]
    src = np.array([v.source for v, _ in rates], dtype=object)[codes]
    eph = prices.fargate_ephemeral_gb_hour()
    base = {
        "resource": p["resource"].to_numpy(),
        "resource_type": "fargate-task",
        "launch_type": "FARGATE",
        "cluster": p["cluster"].to_numpy(),
        "service": d["service"].to_numpy(),
        "task": p["resource"].to_numpy(),
        "t0": p["time"].array,
        "t1": t1.array,
    }
    cpu = d["cpu"].astype(float).to_numpy() / 1024
    mem = d["memory"].astype(float).to_numpy() / 1024
    extra = np.maximum(d["ephemeral_gib"].fillna(20).astype(float).to_numpy() - 20, 0)
    parts.append(
        pd.DataFrame(
            {**base, "unit": "vCPU-hours", "per_hour": cpu, "rate": vcpu_rate, "price_source": src}
        )
    )
    parts.append(
        pd.DataFrame(
            {**base, "unit": "GB-hours", "per_hour": mem, "rate": gb_rate, "price_source": src}
        )
    )
    if (extra > 0).any():
        m = extra > 0
        parts.append(
            pd.DataFrame(
                {k: (v[m] if isinstance(v, np.ndarray) else v) for k, v in base.items()}
                | {
                    "unit": "ephemeral GB-hours",
                    "per_hour": extra[m],
                    "rate": eph.usd,
                    "price_source": eph.source,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def ecr_intervals(events: pd.DataFrame, prices: PriceBook, now: pd.Timestamp) -> pd.DataFrame:
    """Stored bytes per repository over time, per GB-month, prorated hourly.

    ECR facts carry ``stored_bytes``: the repository's total (compressed layers, each counted once)
    after the change, so the level is read straight off the rows, not summed."""
    rows = events[
        events["kind"].isin(
            ["RepositoryCreated", "ImagePushed", "ImageDeleted", "RepositoryDeleted"]
        )
    ]
    if rows.empty:
        return _empty()
    d = _details(rows, ["repository", "stored_bytes"])
    st = pd.DataFrame(
        {
            "time": rows["time"].array,
            "seq": rows["seq"].to_numpy(),
            "repository": d["repository"].to_numpy(),
            "level": d["stored_bytes"].fillna(0).astype(float).to_numpy(),
        }
    )
    st = st.sort_values(["repository", "seq"], kind="stable")
    # Several changes at one instant: the last one holds.
    st = st.drop_duplicates(["repository", "time"], keep="last")
    st["t1"] = st.groupby("repository")["time"].shift(-1).fillna(now)
    st = st[(st["level"] > 0) & (st["t1"] > st["time"])]
    if st.empty:
        return _empty()
    price = prices.ecr_storage_gb_month()
    return pd.DataFrame(
        {
            "resource": st["repository"].to_numpy(),
            "resource_type": "ecr-repository",
            "launch_type": None,
            "cluster": None,
            "service": None,
            "task": None,
            "t0": st["time"].array,
            "t1": st["t1"].array,
            "unit": "GB-months",
            "per_hour": st["level"].to_numpy() / GIB / HOURS_PER_MONTH,
            "rate": price.usd,
            "price_source": price.source,
        }
    )
