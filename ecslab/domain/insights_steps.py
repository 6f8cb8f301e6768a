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


def task_changes(
    events: pd.DataFrame, fields: tuple[str, ...] = ("service", "family", "cpu", "memory")
) -> pd.DataFrame:
    """Count changes per task fact: ``run`` (+1 at TaskRunning, -1 at the TaskStopped of a task
    that ran) and ``pend`` (+1 at TaskCreated, -1 when it runs or stops without running).
    ``fields``: which of service, family, cpu, memory to read from the TaskCreated details."""
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
    codes, _ = pd.factorize(task)
    created = kind == "TaskCreated"
    c_rows = rows[created]
    first = np.full(codes.max() + 1, -1, dtype=np.int64)
    c_idx = np.flatnonzero(created)
    first[codes[c_idx[::-1]]] = np.arange(len(c_idx))[::-1]  # each task's first TaskCreated
    has = first[codes] >= 0
    for col in ("service", "family", "cpu", "memory"):
        if col not in fields:  # not asked for: skip reading it out of every detail dict
            base[col] = 0.0 if col in ("cpu", "memory") else None
            continue
        vals = np.array(_detail(c_rows, col) + [None], dtype=object)
        picked = vals[np.where(has, first[codes], len(c_idx))]
        if col in ("cpu", "memory"):
            base[col] = (
                pd.to_numeric(pd.Series(picked), errors="coerce").fillna(0.0).to_numpy(float)
            )
        else:
            base[col] = picked
    is_run = kind == "TaskRunning"
    ran_codes = np.zeros(codes.max() + 1, dtype=bool)
    ran_codes[codes[is_run]] = True
    ran = ran_codes[codes]
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
    ``deltas`` may be 2-D (one column per metric; the answer then has one column each). Groups
    are small non-negative ints. Vectorised: a change's rank among the distinct query times makes
    (group, rank) one int key, so one sort and one ``searchsorted`` answer every query."""
    deltas = np.asarray(deltas, dtype=float)
    shape = (len(q_groups),) + deltas.shape[1:]
    if len(groups) == 0 or len(q_groups) == 0:
        return np.zeros(shape, dtype=float)
    uq = np.unique(q_times)
    r_c = np.searchsorted(uq, times, side="left")  # counted by queries at rank >= r_c
    r_q = np.searchsorted(uq, q_times)
    width = len(uq) + 1
    key = groups.astype(np.int64) * width + r_c
    order = np.argsort(key, kind="stable")
    key, d, g_sorted = key[order], deltas[order], groups[order]
    csum = np.cumsum(d, axis=0)
    # Subtract everything before the group's first change, so each group's sum starts at 0.
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    before = np.where(
        (starts > 0).reshape((-1,) + (1,) * (d.ndim - 1)), csum[np.maximum(starts - 1, 0)], 0.0
    )
    cum = csum - np.repeat(before, np.diff(np.r_[starts, len(d)]), axis=0)
    q_key = q_groups.astype(np.int64) * width + r_q
    pos = np.searchsorted(key, q_key, side="right") - 1
    ok = pos >= 0
    ok[ok] &= g_sorted[pos[ok]] == q_groups[ok]
    out = cum[np.maximum(pos, 0)]
    out[~ok] = 0.0
    return out
