"""Container Insights metrics as queries over the event table (one-minute resolution).

Levels and dimensions follow CloudWatch's ``ECS/ContainerInsights`` namespace: cluster
(``ClusterName``), service (``ServiceName, ClusterName``) and task family
(``TaskDefinitionFamily, ClusterName``). Counts and reservations come straight from task facts:
a task counts from ``TaskRunning`` until ``TaskStopped`` (``PendingTaskCount`` from ``TaskCreated``
until ``TaskRunning``/``TaskStopped``), reserving its task-level cpu units and memory MiB.

*Utilisation is a model*, not a measurement (containers do not really run): each task uses a
fixed share of its reservation, drawn once per task from a seeded distribution around
``utilization`` (default 30 %), so the same lab always draws the same curves.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

__all__ = ["metrics", "METRICS", "LEVEL_KEYS"]

LEVEL_KEYS = {
    "cluster": ["cluster"],
    "service": ["cluster", "service"],
    "family": ["cluster", "family"],
}
METRICS = [
    "CpuReserved",
    "CpuUtilized",
    "MemoryReserved",
    "MemoryUtilized",
    "RunningTaskCount",
    "PendingTaskCount",
    "TaskCount",
    "ServiceCount",
    "ContainerInstanceCount",
    "DesiredTaskCount",
]


def _task_share(task_arns: pd.Series, seed: int, mean: float) -> np.ndarray:
    """A stable per-task utilisation share in (0, 1]: hash of (seed, task arn), not a stream."""
    u = np.array(
        [
            int.from_bytes(hashlib.sha256(f"{seed}:{a}".encode()).digest()[:8], "big") / 2**64
            for a in task_arns
        ],
        dtype=float,
    )
    return np.clip(mean * (0.6 + 0.8 * u), 0.01, 1.0)


def _detail_cols(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    d = rows["detail"].tolist()
    return pd.DataFrame({k: [x.get(k) for x in d] for k in keys}, index=rows.index)


def _level_at(
    changes: pd.DataFrame, keys: list[str], grid: pd.DatetimeIndex, value: str
) -> pd.DataFrame:
    """Step function per group evaluated at every grid instant (vectorised with searchsorted)."""
    if changes.empty:
        return pd.DataFrame(columns=[*keys, "time", value])
    out = []
    g_ns = grid.asi8
    for key, grp in changes.sort_values("time", kind="stable").groupby(
        keys, sort=True, dropna=False
    ):
        t = grp["time"].astype("int64").to_numpy()
        cum = np.cumsum(grp[value].to_numpy(dtype=float))
        idx = np.searchsorted(t, g_ns, side="right") - 1
        vals = np.where(idx >= 0, cum[np.maximum(idx, 0)], 0.0)
        frame = pd.DataFrame({"time": grid, value: vals})
        for k, v in zip(keys, key if isinstance(key, tuple) else (key,), strict=True):
            frame[k] = v
        out.append(frame)
    return pd.concat(out, ignore_index=True)


def metrics(
    events: pd.DataFrame,
    now,
    *,
    level: str = "cluster",
    start=None,
    end=None,
    period: str = "1min",
    utilization: float = 0.3,
    seed: int = 0,
) -> pd.DataFrame:
    """Tidy metrics: one row per (group, time, metric) with ``value`` and ``unit``."""
    if level not in LEVEL_KEYS:
        raise ValueError(f"level must be one of {sorted(LEVEL_KEYS)}")
    keys = LEVEL_KEYS[level]
    now = pd.Timestamp(now)
    t0 = (
        pd.Timestamp(start) if start is not None else (events["time"].min() if len(events) else now)
    )
    t1 = pd.Timestamp(end) if end is not None else now
    grid = pd.date_range(t0.ceil(period), t1, freq=period).as_unit("ns")
    cols = ["cluster", "service", "family", "cpu", "memory"]
    k = events["kind"]
    run = events[k.isin(["TaskRunning", "TaskStopped", "TaskCreated"])]
    frames = []
    if not run.empty:
        d = _detail_cols(run, cols)
        base = pd.DataFrame(
            {
                "time": run["time"].to_numpy(),
                "kind": run["kind"].astype(str).to_numpy(),
                "task": run["resource"].to_numpy(),
                "cluster": run["cluster"].to_numpy(),
            }
        )
        for c in ("service", "family"):
            base[c] = d[c].to_numpy()
        # TaskStopped rows may lack sizes: take them from the task's TaskCreated row.
        sizes = (
            d[["cpu", "memory"]]
            .astype(float)
            .assign(task=base["task"].to_numpy(), kind=base["kind"].to_numpy())
        )
        first = sizes[sizes["kind"] == "TaskCreated"].drop_duplicates("task").set_index("task")
        base["cpu"] = base["task"].map(first["cpu"]).fillna(0).to_numpy()
        base["memory"] = base["task"].map(first["memory"]).fillna(0).to_numpy()
        for c in ("service", "family"):
            fill = base[base["kind"] == "TaskCreated"].drop_duplicates("task").set_index("task")[c]
            base[c] = base["task"].map(fill)
        share = _task_share(base["task"], seed, utilization)
        # Running: +1 at TaskRunning, -1 at TaskStopped only if the task had been running.
        ran = set(base.loc[base["kind"] == "TaskRunning", "task"])
        is_run = (base["kind"] == "TaskRunning").to_numpy()
        is_stop = ((base["kind"] == "TaskStopped") & base["task"].isin(ran)).to_numpy()
        sign = np.where(is_run, 1.0, np.where(is_stop, -1.0, 0.0))
        ch = base.assign(
            RunningTaskCount=sign,
            CpuReserved=sign * base["cpu"],
            MemoryReserved=sign * base["memory"],
            CpuUtilized=sign * base["cpu"] * share,
            MemoryUtilized=sign * base["memory"] * share,
        )
        created = (base["kind"] == "TaskCreated").to_numpy()
        left_pending = (
            is_run | ((base["kind"] == "TaskStopped") & ~base["task"].isin(ran)).to_numpy()
        )
        ch["PendingTaskCount"] = np.where(created, 1.0, np.where(left_pending, -1.0, 0.0))
        ch = ch.dropna(subset=[c for c in keys if c != "cluster"]) if level != "cluster" else ch
        for m in (
            "RunningTaskCount",
            "CpuReserved",
            "MemoryReserved",
            "CpuUtilized",
            "MemoryUtilized",
            "PendingTaskCount",
        ):
            lv = _level_at(ch[[*keys, "time", m]].rename(columns={m: "v"}), keys, grid, "v")
            frames.append(lv.assign(metric=m))
    if level == "cluster":
        ci = events[k.isin(["ContainerInstanceRegistered", "ContainerInstanceDeregistered"])]
        if not ci.empty:
            ch = pd.DataFrame(
                {
                    "time": ci["time"].to_numpy(),
                    "cluster": ci["cluster"].to_numpy(),
                    "v": np.where(
                        ci["kind"].astype(str).to_numpy() == "ContainerInstanceRegistered",
                        1.0,
                        -1.0,
                    ),
                }
            )
            frames.append(_level_at(ch, keys, grid, "v").assign(metric="ContainerInstanceCount"))
        sv = events[k.isin(["ServiceCreated", "ServiceDeleted"])]
        if not sv.empty:
            ch = pd.DataFrame(
                {
                    "time": sv["time"].to_numpy(),
                    "cluster": sv["cluster"].to_numpy(),
                    "v": np.where(sv["kind"].astype(str).to_numpy() == "ServiceCreated", 1.0, -1.0),
                }
            )
            frames.append(_level_at(ch, keys, grid, "v").assign(metric="ServiceCount"))
    if not frames:
        return pd.DataFrame(columns=[*keys, "time", "metric", "value", "unit"])
    out = pd.concat(frames, ignore_index=True).rename(columns={"v": "value"})
    if "RunningTaskCount" in set(out["metric"]):
        tc = out[out["metric"] == "RunningTaskCount"].assign(metric="TaskCount")
        out = pd.concat([out, tc], ignore_index=True)
    units = {
        "CpuReserved": "None",
        "CpuUtilized": "None",
        "MemoryReserved": "Megabytes",
        "MemoryUtilized": "Megabytes",
    }
    out["unit"] = out["metric"].map(units).fillna("Count")
    return (
        out[[*keys, "time", "metric", "value", "unit"]]
        .sort_values([*keys, "metric", "time"], kind="stable")
        .reset_index(drop=True)
    )
