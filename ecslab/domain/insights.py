"""Container Insights metrics as queries over the event table (one-minute resolution).

Levels and dimensions follow CloudWatch's ``ECS/ContainerInsights`` namespace: cluster
(``ClusterName``), service (``ServiceName, ClusterName``) and task family
(``TaskDefinitionFamily, ClusterName``). Counts and reservations come from task facts (see
:mod:`.insights_steps`): a task reserves its task-level cpu units and memory MiB while it runs.

Each one-minute datapoint is the state at the start of its minute.

**What CloudWatch holds** (``published``; ecs_facts.md section J, from the CloudWatch user guide):

* only the documented (metric, level) pairs, :data:`PUBLISHED`: e.g. ``TaskCount`` and
  ``ServiceCount`` per cluster, ``RunningTaskCount``/``PendingTaskCount``/``DesiredTaskCount`` per
  service, CPU and memory at all three levels (there is no task count per family);
* only while Container Insights is on for the cluster (cluster setting, or the account default
  the cluster picked up when it was created);
* only for resources that have RUNNING tasks: a cluster, service or family with none reports no
  datapoint at all (a gap, never a zero).

The lab's own view (``published=False``) keeps every modelled metric at every level and minute,
zeros included, with a ``reported`` column saying whether CloudWatch would have that minute.

*Utilisation is a model*, not a measurement (containers do not really run): each task uses a
constant share of its reservation, ``utilization x u`` with ``u`` uniform in [0.6, 1.4] drawn
from a hash of (lab seed, task ARN) and capped to [1 %, 100 %]; CpuUtilized and MemoryUtilized
are the sums of share x reservation over running tasks. Same seed, same curves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .insights_steps import insights_switches, levels_at, set_to_deltas, task_changes

__all__ = ["metrics", "METRICS", "LEVEL_KEYS", "PUBLISHED", "UNITS", "task_share"]

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
_CPU_MEM = ("CpuReserved", "CpuUtilized", "MemoryReserved", "MemoryUtilized")
#: (level -> metrics) that CloudWatch has in ECS/ContainerInsights (the CloudWatch user guide's
#: table, less network/storage/deployment metrics ecslab does not model).
PUBLISHED: dict[str, tuple[str, ...]] = {
    "cluster": (*_CPU_MEM, "ContainerInstanceCount", "ServiceCount", "TaskCount"),
    "service": (*_CPU_MEM, "DesiredTaskCount", "PendingTaskCount", "RunningTaskCount"),
    "family": _CPU_MEM,
}
UNITS = {"CpuReserved": "None", "CpuUtilized": "None", "MemoryReserved": "Megabytes"}
UNITS["MemoryUtilized"] = "Megabytes"
_COLUMNS = ["time", "metric", "value", "unit", "reported"]


def task_share(task_arns, seed: int, mean: float) -> np.ndarray:
    """Each task's modelled share of its reservation in use (see the module docstring)."""
    arns = np.asarray(task_arns, dtype=object)
    if len(arns) == 0:
        return np.zeros(0)
    inv, uniq = pd.factorize(arns)
    keys = np.array([f"{seed}:{a}" for a in uniq], dtype=object)
    h = pd.util.hash_array(keys, categorize=False)  # fixed hash key: stable across processes
    u = (h >> np.uint64(11)).astype(float) / float(2**53)
    return np.clip(mean * (0.6 + 0.8 * u), 0.01, 1.0)[inv]


def _grid(events: pd.DataFrame, now, start, end, period: str) -> pd.DatetimeIndex:
    now = pd.Timestamp(now)
    t0 = (
        pd.Timestamp(start) if start is not None else (events["time"].min() if len(events) else now)
    )
    t1 = pd.Timestamp(end) if end is not None else now
    return pd.date_range(t0.ceil(period), t1, freq=period).as_unit("ns")


def _group_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Small int per distinct key tuple, and the key table (sorted) they index."""
    if not len(frame):
        return np.zeros(0, dtype=np.int64), pd.DataFrame(columns=keys)
    idx = pd.MultiIndex.from_frame(frame[keys].astype(object))
    codes, uniq = pd.factorize(idx, sort=True)
    return codes.astype(np.int64), uniq.to_frame(index=False, name=keys)


def _ns(values) -> np.ndarray:
    return pd.DatetimeIndex(pd.Series(values).astype("datetime64[ns, UTC]")).asi8


def _services(events: pd.DataFrame, level: str) -> dict[str, pd.DataFrame]:
    """ServiceCount (cluster level) and DesiredTaskCount (service level) change rows from service
    facts: ServiceCreated/ServiceDeleted carry the cluster; ``desired_count`` (when a service fact
    carries it) sets DesiredTaskCount, and a deleted service's falls to 0."""
    rows = events[events["kind"].isin(["ServiceCreated", "ServiceUpdated", "ServiceDeleted"])]
    out: dict[str, pd.DataFrame] = {}
    if rows.empty:
        return out
    kind = rows["kind"].astype(str).to_numpy()
    base = pd.DataFrame(
        {
            "time": rows["time"].array,
            "seq": rows["seq"].to_numpy(),
            "cluster": rows["cluster"].astype(object).to_numpy(),
        }
    )
    if level == "cluster":
        v = np.where(kind == "ServiceCreated", 1.0, np.where(kind == "ServiceDeleted", -1.0, 0.0))
        out["ServiceCount"] = base.assign(v=v)
    elif level == "service":
        names = [
            d.get("name") or d.get("service") or str(r).rsplit("/", 1)[-1]
            for d, r in zip(rows["detail"], rows["resource"].astype(object), strict=True)
        ]
        # ServiceCreated carries desired_count; ServiceUpdated nests what changed under "changes".
        desired = [
            d.get("desired_count", (d.get("changes") or {}).get("desired_count"))
            for d in rows["detail"]
        ]
        f = base.assign(service=names, v=desired)
        f.loc[kind == "ServiceDeleted", "v"] = 0.0
        f = f.dropna(subset=["v"]).astype({"v": float})
        if not f.empty:
            out["DesiredTaskCount"] = set_to_deltas(f, ["cluster", "service"], "v")
    return out


def _instances(events: pd.DataFrame) -> pd.DataFrame:
    ci = events[
        events["kind"].isin(["ContainerInstanceRegistered", "ContainerInstanceDeregistered"])
    ]
    return pd.DataFrame(
        {
            "time": ci["time"].array,
            "cluster": ci["cluster"].astype(object).to_numpy(),
            "v": np.where(
                ci["kind"].astype(str).to_numpy() == "ContainerInstanceRegistered", 1.0, -1.0
            ),
        }
    )


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
    published: bool = False,
) -> pd.DataFrame:
    """Tidy metrics: one row per (group, time, metric) with ``value``, ``unit`` and ``reported``
    (Container Insights on for the cluster and the group has a RUNNING task at that minute).
    ``published=True`` keeps only what CloudWatch would hold (see the module docstring)."""
    if level not in LEVEL_KEYS:
        raise ValueError(f"level must be one of {sorted(LEVEL_KEYS)}")
    if not 0 < float(utilization) <= 1:
        raise ValueError("utilization is a share of the reservation: 0 < utilization <= 1")
    keys = LEVEL_KEYS[level]
    grid = _grid(events, now, start, end, period)
    tc = task_changes(events)
    if level != "cluster":
        tc = tc.dropna(subset=[keys[1]])
    # Blocks of change rows: (rows with keys and time, {metric: change per row}).
    blocks: list[tuple[pd.DataFrame, dict[str, np.ndarray]]] = []
    if len(tc):
        share = task_share(tc["task"], seed, float(utilization))
        run = tc["run"].to_numpy(dtype=float)
        cpu, mem = tc["cpu"].to_numpy(dtype=float), tc["memory"].to_numpy(dtype=float)
        blocks.append(
            (
                tc[["time", *keys]],
                {
                    "RunningTaskCount": run,
                    "PendingTaskCount": tc["pend"].to_numpy(dtype=float),
                    "CpuReserved": run * cpu,
                    "MemoryReserved": run * mem,
                    "CpuUtilized": run * cpu * share,
                    "MemoryUtilized": run * mem * share,
                },
            )
        )
    if level == "cluster":
        inst = _instances(events)
        if len(inst):
            blocks.append((inst, {"ContainerInstanceCount": inst["v"].to_numpy(float)}))
    for m, frame in _services(events, level).items():
        blocks.append((frame, {m: frame["v"].to_numpy(float)}))
    if not blocks or not len(grid):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*keys, *_COLUMNS]})
    everything = pd.concat([b[keys] for b, _ in blocks], ignore_index=True).drop_duplicates()
    _, table = _group_codes(everything, keys)
    tab_idx = pd.MultiIndex.from_frame(table.astype(object))
    n_g, n_t = len(table), len(grid)
    q_g = np.repeat(np.arange(n_g, dtype=np.int64), n_t)
    q_t = np.tile(grid.asi8, n_g)
    values: dict[str, np.ndarray] = {}
    for frame, cols in blocks:
        g = tab_idx.get_indexer(pd.MultiIndex.from_frame(frame[keys].astype(object)))
        lv = levels_at(g, _ns(frame["time"]), np.column_stack(list(cols.values())), q_g, q_t)
        values.update({m: lv[:, i] for i, m in enumerate(cols)})
    zeros = np.zeros(len(q_g))
    running = values.get("RunningTaskCount", zeros)
    if "RunningTaskCount" in values:
        values["TaskCount"] = running
    if level == "cluster":
        # A cluster reports these even when they are 0 (a Fargate-only cluster, no services).
        for m in ("ContainerInstanceCount", "ServiceCount"):
            values.setdefault(m, zeros)
    reported = (running > 0) & _insights_on(events, table["cluster"].to_numpy(), q_g, q_t)
    names = sorted(m for m in values if not published or m in PUBLISHED[level])
    keep = np.flatnonzero(reported) if published else np.arange(len(q_g))
    if not names or not len(keep):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*keys, *_COLUMNS]})
    n_m = len(names)
    # Rows ordered by group, metric, time (q_g is grouped and time-sorted within each group).
    gk = q_g[keep]
    bounds = np.searchsorted(gk, np.arange(n_g + 1))
    idx = np.concatenate(
        [
            np.tile(keep[bounds[g] : bounds[g + 1]], n_m)
            for g in range(n_g)
            if bounds[g + 1] > bounds[g]
        ]
    )
    metric_of = np.concatenate(
        [
            np.repeat(np.arange(n_m), bounds[g + 1] - bounds[g])
            for g in range(n_g)
            if bounds[g + 1] > bounds[g]
        ]
    )
    stacked = np.stack([values[m] for m in names])
    out = table.iloc[q_g[idx]].reset_index(drop=True)
    out["time"] = pd.to_datetime(q_t[idx], utc=True)
    out["metric"] = np.array(names, dtype=object)[metric_of]
    out["value"] = stacked[metric_of, idx]
    out["unit"] = np.array([UNITS.get(m, "Count") for m in names], dtype=object)[metric_of]
    out["reported"] = reported[idx]
    return out[[*keys, *_COLUMNS]]


def _insights_on(
    events: pd.DataFrame, clusters: np.ndarray, q_g: np.ndarray, q_t: np.ndarray
) -> np.ndarray:
    """Container Insights on for the cluster of each query group at each query time."""
    sw = insights_switches(events)
    sw = sw[sw["cluster"].isin(set(clusters))]
    if sw.empty:
        return np.zeros(len(q_g), dtype=bool)
    d = set_to_deltas(sw.rename(columns={"on": "v"}), ["cluster"], "v")
    names = pd.unique(clusters)
    cidx = {c: i for i, c in enumerate(names)}
    on = levels_at(
        np.array([cidx[c] for c in d["cluster"]], dtype=np.int64),
        _ns(d["time"]),
        d["v"].to_numpy(dtype=float),
        np.array([cidx[c] for c in clusters], dtype=np.int64)[q_g],
        q_t,
    )
    return on > 0.5
