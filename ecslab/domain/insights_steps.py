"""Step functions over the event table that Container Insights metrics and their bill share.

* :func:`task_changes`: one row per task fact that moves a count (TaskCreated, TaskRunning,
  TaskStopped) with the task's cluster, service, family, cpu and memory, and the change it makes
  to the running and pending counts.
* :func:`insights_switches`: when Container Insights went on or off per cluster (ClusterCreated
  carries the effective setting, so the ``containerInsights`` account default at creation counts;
  ClusterSettingsUpdated; ClusterDeleted switches it off).
* :func:`levels_at`: many step functions (one per group) evaluated at many instants at once,
  vectorised with one ``searchsorted`` over (group, time-rank) keys.

A task *runs* from ``TaskRunning`` until ``TaskStopped`` (the engine's definition, the same one
DescribeClusters counts) and is *pending* from ``TaskCreated`` until it runs or stops.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["task_changes", "insights_switches", "levels_at", "INSIGHTS_ON_VALUES"]

#: Cluster setting values under which metrics are collected ("enhanced" includes the classic set).
INSIGHTS_ON_VALUES = ("enabled", "enhanced")
_TASK_KINDS = ["TaskCreated", "TaskRunning", "TaskStopped"]
_TASK_COLUMNS = [
    "time",
    "seq",
    "task",
    "cluster",
    "service",
    "family",
    "cpu",
    "memory",
    "run",
    "pend",
]


def _detail(rows: pd.DataFrame, key: str) -> list:
    return [d.get(key) for d in rows["detail"].tolist()]


def task_changes(events: pd.DataFrame) -> pd.DataFrame:
    """Count changes per task fact: ``run`` (+1 at TaskRunning, -1 at the TaskStopped of a task
    that ran) and ``pend`` (+1 at TaskCreated, -1 when it runs or stops without running)."""
    rows = events[events["kind"].isin(_TASK_KINDS)]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _TASK_COLUMNS})
    kind = rows["kind"].astype(str).to_numpy()
    task = rows["resource"].astype(object).to_numpy()
    base = pd.DataFrame(
        {
            "time": rows["time"].array,
            "seq": rows["seq"].to_numpy(),
            "task": task,
            "cluster": rows["cluster"].astype(object).to_numpy(),
            "kind": kind,
        }
    )
    # Sizes, service and family come from the task's TaskCreated row (TaskStopped lacks sizes).
    created = kind == "TaskCreated"
    c_rows = rows[created]
    info = pd.DataFrame(
        {
            "service": _detail(c_rows, "service"),
            "family": _detail(c_rows, "family"),
            "cpu": pd.to_numeric(pd.Series(_detail(c_rows, "cpu")), errors="coerce").to_numpy(),
            "memory": pd.to_numeric(
                pd.Series(_detail(c_rows, "memory")), errors="coerce"
            ).to_numpy(),
        },
        index=pd.Index(task[created]),
    )
    info = info[~info.index.duplicated()]
    for col in ("service", "family"):
        base[col] = base["task"].map(info[col]).astype(object).to_numpy()
    for col in ("cpu", "memory"):
        base[col] = base["task"].map(info[col]).fillna(0.0).astype(float).to_numpy()
    is_run = kind == "TaskRunning"
    ran = base["task"].isin(set(task[is_run])).to_numpy()
    is_stop = kind == "TaskStopped"
    base["run"] = np.where(is_run, 1.0, np.where(is_stop & ran, -1.0, 0.0))
    base["pend"] = np.where(created, 1.0, np.where(is_run | (is_stop & ~ran), -1.0, 0.0))
    return base[_TASK_COLUMNS]


def insights_switches(events: pd.DataFrame) -> pd.DataFrame:
    """(time, seq, cluster, on) rows: the Container Insights setting of a cluster from then on."""
    rows = events[
        events["kind"].isin(["ClusterCreated", "ClusterSettingsUpdated", "ClusterDeleted"])
    ]
    kinds = rows["kind"].astype(str).tolist()
    details = rows["detail"].tolist()
    on, keep = [], []
    for k, d in zip(kinds, details, strict=True):
        settings = d.get("settings") or {}
        keep.append(k == "ClusterDeleted" or "containerInsights" in settings)
        on.append(k != "ClusterDeleted" and settings.get("containerInsights") in INSIGHTS_ON_VALUES)
    out = pd.DataFrame(
        {
            "time": rows["time"].array,
            "seq": rows["seq"].to_numpy(),
            "cluster": rows["cluster"].astype(object).to_numpy(),
            "on": np.array(on, dtype=float),
        }
    )
    return out[np.array(keep, dtype=bool)].sort_values("seq", kind="stable").reset_index(drop=True)


def set_to_deltas(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Turn "the level is now v" rows (in seq order) into "the level changes by d" rows."""
    f = frame.sort_values("seq", kind="stable")
    prev = f.groupby(keys, sort=False, dropna=False)[value].shift(1).fillna(0.0)
    return f.assign(**{value: f[value].to_numpy() - prev.to_numpy()})


def levels_at(
    groups: np.ndarray,
    times: np.ndarray,
    deltas: np.ndarray,
    q_groups: np.ndarray,
    q_times: np.ndarray,
) -> np.ndarray:
    """The running sum of ``deltas`` per group (changes at ``times``, int64 ns) read at each query
    (``q_groups``, ``q_times``): the sum of a group's changes at or before the query time.
    Groups are small non-negative ints. Vectorised: time ranks make (group, rank) one int key."""
    if len(groups) == 0 or len(q_groups) == 0:
        return np.zeros(len(q_groups), dtype=float)
    all_t = np.unique(np.concatenate([times, q_times]))
    r_c = np.searchsorted(all_t, times)
    r_q = np.searchsorted(all_t, q_times)
    width = len(all_t) + 1
    key = groups.astype(np.int64) * width + r_c
    order = np.argsort(key, kind="stable")
    key, d = key[order], deltas[order].astype(float)
    g_sorted = groups[order]
    csum = np.cumsum(d)
    # Subtract everything before the group's first change, so each group's sum starts at 0.
    first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
    starts = np.where(first)[0]
    before = np.where(starts > 0, csum[np.maximum(starts - 1, 0)], 0.0)
    group_base = np.repeat(before, np.diff(np.r_[starts, len(d)]))
    cum = csum - group_base
    q_key = q_groups.astype(np.int64) * width + r_q
    pos = np.searchsorted(key, q_key, side="right") - 1
    ok = pos >= 0
    ok[ok] &= g_sorted[pos[ok]] == q_groups[ok]
    return np.where(ok, cum[np.maximum(pos, 0)], 0.0)
