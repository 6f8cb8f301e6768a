"""The lab's bill and the Fargate-vs-EC2 comparison as readable tables (money rounded to cents).

No billing rules here: ``lab.costs()`` and ``lab.compare_launch_types()`` compute everything; this
module only names resources the way a learner knows them (EC2 instances by their ``Name`` tag),
sorts rows so tables compare across runs, and words the price source and region note that every
cost table and chart carries.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..i18n import _
from .instances import readable

__all__ = [
    "RESOURCE_TYPES",
    "comparison_table",
    "cost_by_resource",
    "cost_over_time",
    "price_caption",
    "lab_price_caption",
]

#: The resource types of ``lab.costs()`` in a fixed order (colours and stacking follow it).
RESOURCE_TYPES = ("ec2-instance", "fargate-task", "container-insights", "ecr-repository")


def _type_order(types: Iterable[str]) -> list[str]:
    types = set(types)
    known = [t for t in RESOURCE_TYPES if t in types]
    return known + sorted(types - set(RESOURCE_TYPES))


def price_caption(sources: Iterable[str], note: str = "") -> str:
    """``Price source: ...`` (each distinct source once, in order) plus the region note."""
    seen: list[str] = []
    for s in sources:
        if s and s not in seen:
            seen.append(str(s))
    text = _("Price source: {sources}.").format(
        sources="; ".join(seen) if seen else _("none (nothing billed yet)")
    )
    return text + ("<br>" + _("Note: {note}.").format(note=note) if note else "")


def lab_price_caption(lab, costs: pd.DataFrame | None = None) -> str:
    """The caption for a lab's cost table or chart: the sources of its rows and its region note
    (the note is the lab's even when nothing has been billed yet)."""
    costs = lab.costs(freq=None) if costs is None else costs
    notes = [n for n in costs["note"].unique() if n] if len(costs) else []
    note = notes[0] if notes else lab.prices.note
    return price_caption(costs["price_source"].tolist() if len(costs) else [], note)


def cost_by_resource(lab, *, end=None, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per billed resource: type, name, quantity and unit, and cost in USD rounded to
    cents; sorted by type then name. An instance is shown as ``<its Name tag>`` while EC2 still
    describes it (a terminated one for an hour), or as ``<names[id]>`` when ``names`` has it."""
    c = lab.costs(freq=None, end=end)
    cols = ["resource_type", "resource", "quantity", "unit", "usd"]
    if c.empty:
        return pd.DataFrame(columns=cols)
    g = c.groupby(["resource_type", "resource", "unit"], as_index=False, sort=True)[
        ["quantity", "cost"]
    ].sum()
    given = names or {}
    names = [f"<{given[r]}>" if r in given else readable(lab, r) for r in g["resource"]]
    # Two instances may share a Name tag (or have none): number them so each bar is its own.
    total = {n: names.count(n) for n in names}
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if total[n] > 1:
            seen[n] = seen.get(n, 0) + 1
            names[i] = f"{n} #{seen[n]}"
    g["resource"] = names
    g["quantity"] = g["quantity"].round(4)
    g["usd"] = g["cost"].round(2)
    order = {t: i for i, t in enumerate(_type_order(g["resource_type"]))}
    g = g.sort_values(
        ["resource_type", "resource"],
        key=lambda s: s.map(order) if s.name == "resource_type" else s,
    )
    return g[cols].reset_index(drop=True)


def cost_over_time(lab, freq: str = "h") -> pd.DataFrame:
    """USD per ``freq`` bucket (rows) and resource type (columns), unrounded: the data of the
    stacked cost-over-time chart."""
    c = lab.costs(by=["hour", "resource_type"], freq=freq)
    if c.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="hour"))
    wide = c.pivot(index="hour", columns="resource_type", values="cost").fillna(0.0)
    wide = wide[_type_order(wide.columns)]
    wide.columns.name = None
    return wide


def comparison_table(cmp, counts: Iterable[int] | None = None) -> pd.DataFrame:
    """The comparison's rows (optionally only these task counts) with money rounded to cents,
    sorted by instance type then tasks: instance_type, tasks, instances, fargate_usd, ec2_usd,
    cheaper."""
    t = cmp.table
    if counts is not None:
        t = t[t["tasks"].isin(list(counts))]
    out = t[["instance_type", "tasks", "instances", "fargate_usd", "ec2_usd", "cheaper"]].copy()
    out["instances"] = out["instances"].astype("Int64")
    out["fargate_usd"] = out["fargate_usd"].round(2)
    out["ec2_usd"] = out["ec2_usd"].astype(float).round(2)
    return out.sort_values(["instance_type", "tasks"]).reset_index(drop=True)


def workload_of(taskdef: dict, network_mode: str | None = None) -> dict:
    """``compare_launch_types`` arguments for a task definition (as registered: camelCase):
    task-level cpu/memory when given, else the containers' sums (memoryReservation before
    memory, as the scheduler reserves); its network mode (default bridge); and the static host
    ports it maps in bridge/host mode (a hostPort there means one such task per instance)."""
    containers = taskdef.get("containerDefinitions", [])
    cpu = int(taskdef.get("cpu") or sum(int(c.get("cpu") or 0) for c in containers))
    memory = int(
        taskdef.get("memory")
        or sum(int(c.get("memoryReservation") or c.get("memory") or 0) for c in containers)
    )
    mode = network_mode or taskdef.get("networkMode") or "bridge"
    ports = []
    if mode in ("bridge", "host"):
        for c in containers:
            for m in c.get("portMappings", []):
                host = m.get("hostPort") or (m.get("containerPort") if mode == "host" else None)
                if host:
                    ports.append(int(host))
    return {"cpu": cpu, "memory": memory, "network_mode": mode, "host_ports": ports}


def workloads_table(lab, workloads: dict[str, dict], instance_types: Iterable[str]) -> pd.DataFrame:
    """One row per (workload, instance type): each workload (``compare_launch_types`` arguments,
    with its ``count`` and ``utilization``) priced on Fargate and on EC2 at its count; money to
    the cent, sorted by workload then instance type."""
    rows = []
    types = list(instance_types)
    for name, kw in workloads.items():
        cmp = lab.compare_launch_types(instance_types=types, counts=[kw.get("count", 1)], **kw)
        t = comparison_table(cmp, [kw.get("count", 1)])
        fcpu, fmem = cmp.workload["fargate_size"]
        t.insert(0, "workload", name)
        t.insert(
            2, "per_instance", [cmp.workload["tasks_per_instance"][x] for x in t.instance_type]
        )
        t["fargate_size"] = f"{fcpu}/{fmem}"
        t["runs"] = f"{cmp.workload['utilization']:.0%}"
        rows.append(t)
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["workload", "instance_type"]).set_index(["workload", "instance_type"])
