"""The placement map: a cluster's container instances grouped by Availability Zone, with what
their tasks reserve (CPU, memory, ENI slots) and the last placement failure explained."""

from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go

from ..i18n import _
from ..palette import ROLE, TEMPLATE, color_for
from ..views.placement import PlacementView, placement_view

__all__ = ["placement_figure", "placement_traces", "placement_layout", "FREE_NAMES"]

#: English names of the traces that are not task groups (the figure shows them translated;
#: the group traces are named by their key).
FREE_NAMES = ("unreserved CPU", "unreserved memory", "ENI slots free")
FAILED_NAME = "last placement failure"
REGISTERED_NAME = "registered (what the agent offers)"

# Three stacked rows share one x axis (instances by AZ): CPU, memory, ENI slots.
_ROWS = {"y": (0.66, 1.0), "y2": (0.31, 0.61), "y3": (0.0, 0.22)}


def _x(view: PlacementView, labels: list[str] | None = None) -> list[list[str]]:
    """Multi-category x values [[az ...], [instance ...]] for the given instance labels."""
    inst = view.instances
    if labels is None:
        return [inst["az"].tolist(), inst["label"].tolist()]
    az = dict(zip(inst["label"], inst["az"], strict=True))
    return [[az[label] for label in labels], list(labels)]


def placement_traces(view: PlacementView) -> list[dict]:
    """Trace dicts (type, name, data), task groups first (in key order), then the free space,
    ENI slots and failure marks. Same keys -> same trace list, so a widget updates in place."""
    inst = view.instances
    tasks = view.tasks
    x_all = _x(view)
    # First: what each instance registered (a tick on top of its bar). Being first, it also
    # fixes the x order (plotly orders categories by first appearance): zones, then instances.
    traces: list[dict] = [
        {
            "type": "scatter",
            "name": _("registered (what the agent offers)"),
            "legendgroup": "registered",
            "showlegend": axis == "y",
            "mode": "markers",
            "x": x_all,
            "y": inst[col].astype(int).tolist(),
            "yaxis": axis,
            "marker": {"symbol": "line-ew-open", "size": 30, "color": ROLE["input"]},
            "customdata": inst["type"].tolist(),
            "hovertemplate": _("%{{x[1]}} (%{{customdata}}) registered %{{y}} {unit}").format(
                unit=unit
            )
            + "<extra></extra>",
        }
        for axis, col, unit in (("y", "cpu", _("CPU units")), ("y2", "memory", "MiB"))
    ]
    for key in view.keys:
        part = tasks[tasks["key"] == key]
        color = color_for(key, view.keys)
        hover = [
            _(
                "<b>{label}</b> ({status})<br>task {task}<br>{key}: {cpu} CPU units, {memory} MiB"
            ).format(label=label, status=status, task=tid, key=key, cpu=cpu, memory=mem)
            + (" , 1 ENI" if eni else "")
            + "<br>"
            + _("on {instance} ({zone})").format(instance=where, zone=az)
            for label, status, tid, cpu, mem, eni, where, az in zip(
                part["label"],
                part["status"],
                part["task_id"],
                part["cpu"],
                part["memory"],
                part["awsvpc"],
                part["instance"],
                part["az"],
                strict=True,
            )
        ]
        x = _x(view, part["instance"].tolist())
        common = {
            "type": "bar",
            "name": key,
            "legendgroup": key,
            "x": x,
            "customdata": part["task_id"].tolist(),
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {"color": color, "line": {"color": "white", "width": 1}},
        }
        traces.append({**common, "y": part["cpu"].tolist(), "yaxis": "y"})
        traces.append({**common, "y": part["memory"].tolist(), "yaxis": "y2", "showlegend": False})
        awsvpc = part[part["awsvpc"].astype(bool)]
        traces.append(
            {
                **common,
                "x": _x(view, awsvpc["instance"].tolist()),
                "y": [1] * len(awsvpc),
                "customdata": awsvpc["task_id"].tolist(),
                "hovertext": [h for h, e in zip(hover, part["awsvpc"], strict=True) if e],
                "yaxis": "y3",
                "showlegend": False,
            }
        )
    x = _x(view)
    free_cpu = (inst["cpu"] - inst["cpu_reserved"]).astype(int).tolist()
    free_mem = (inst["memory"] - inst["memory_reserved"]).astype(int).tolist()
    free_eni = (inst["eni_capacity"] - inst["eni_used"]).clip(lower=0).astype(int).tolist()
    muted = {"color": "rgba(127,127,127,0.18)", "line": {"color": ROLE["muted"], "width": 1}}
    traces += [
        {
            "type": "bar",
            "name": _("unreserved CPU"),
            "legendgroup": "free",
            "x": x,
            "y": free_cpu,
            "yaxis": "y",
            "marker": {**muted, "pattern": {"shape": "."}},
            "customdata": inst[["cpu", "cpu_reserved", "type"]].values.tolist(),
            "hovertemplate": _(
                "%{x[1]} (%{customdata[2]}): %{customdata[1]} of %{customdata[0]}"
                " CPU units reserved, %{y} free<extra></extra>"
            ),
        },
        {
            "type": "bar",
            "name": _("unreserved memory"),
            "legendgroup": "free",
            "showlegend": False,
            "x": x,
            "y": free_mem,
            "yaxis": "y2",
            "marker": {**muted, "pattern": {"shape": "."}},
            "customdata": inst[["memory", "memory_reserved", "type"]].values.tolist(),
            "hovertemplate": _(
                "%{x[1]} (%{customdata[2]}): %{customdata[1]} of %{customdata[0]}"
                " MiB reserved, %{y} free<extra></extra>"
            ),
        },
        {
            "type": "bar",
            "name": _("ENI slots free"),
            "x": x,
            "y": free_eni,
            "yaxis": "y3",
            "marker": {**muted, "pattern": {"shape": "/"}},
            "customdata": inst[["eni_used", "eni_capacity", "type"]].values.tolist(),
            "hovertemplate": _(
                "%{x[1]} (%{customdata[2]}): %{customdata[0]} of %{customdata[1]}"
                " awsvpc task ENI slots used<extra></extra>"
            ),
        },
    ]
    f = view.failures
    failed = f[f["instance"] != ""].drop_duplicates(["instance", "reason"])
    # One mark per (instance, reason), stacked up from the top of the CPU bar.
    top = dict(zip(inst["label"], inst["cpu"], strict=True))
    nth: dict[str, int] = {}
    ys = []
    for label in failed["instance"]:
        nth[label] = nth.get(label, 0) + 1
        ys.append(top.get(label, 0) * (1 + 0.07 * nth[label]))
    traces.append(
        {
            "type": "scatter",
            "name": _("last placement failure"),
            "mode": "markers+text",
            "x": _x(view, failed["instance"].tolist()),
            "y": ys,
            "text": failed["reason"].tolist(),
            "textposition": "top center",
            "textfont": {"color": ROLE["fail"], "size": 10},
            "cliponaxis": False,
            "yaxis": "y",
            "marker": {"symbol": "x", "size": 10, "color": ROLE["fail"]},
            "hovertext": [
                _("{family}: not placed on {instance}: {reason}").format(
                    family=r["family"], instance=r["instance"], reason=r["reason"]
                )
                for r in failed.to_dict("records")
            ],
            "hoverinfo": "text",
        }
    )
    return traces


def placement_layout(view: PlacementView) -> dict:
    inst = view.instances
    as_of = (
        _(" as of {time}").format(time=f"{view.as_of:%H:%M:%S}") if view.as_of is not None else ""
    )
    summary = view.failure_summary
    sub = (
        _("last placement failure: {summary}").format(summary=summary)
        if summary
        else _("bars: tasks stacked by service/family; grey: unreserved")
    )
    layout: dict = {
        "title": {
            "text": _(
                "Placement in {cluster}{as_of}: {tasks} task(s) on {instances} container "
                "instance(s), grouped by Availability Zone"
            ).format(cluster=view.cluster, as_of=as_of, tasks=len(view.tasks), instances=len(inst))
            + f"<br><sub>{sub}</sub>"
        },
        "barmode": "stack",
        "bargap": 0.25,
        "height": 640,
        "xaxis": {
            "type": "multicategory",
            "title": {"text": _("container instance (by Availability Zone)")},
            "anchor": "y3",
        },
        "legend": {"title": {"text": _("tasks by service / family")}},
        "annotations": [],
    }
    titles = {
        "y": _("CPU (units, 1024 = 1 vCPU)"),
        "y2": _("memory (MiB)"),
        "y3": _("awsvpc ENI slots"),
    }
    for axis, (lo, hi) in _ROWS.items():
        name = "yaxis" if axis == "y" else f"yaxis{axis[1:]}"
        layout[name] = {
            "domain": [lo, hi],
            "title": {"text": titles[axis]},
            "anchor": "x",
            "rangemode": "tozero",
        }
    layout["yaxis3"]["dtick"] = 2
    if len(inst):
        # Room above the bars for the failure marks and their labels.
        marks = 1 + 0.07 * max(
            1,
            view.failures.groupby("instance")["reason"].nunique().max()
            if len(view.failures)
            else 0,
        )
        layout["yaxis"]["range"] = [0, float(inst["cpu"].max()) * (marks + 0.2)]
    if inst.empty:
        layout["annotations"] = [
            {
                "text": _("no container instances in {cluster}").format(cluster=view.cluster),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
            }
        ]
    return layout


def placement_figure(
    source,
    cluster: str = "default",
    until: datetime | None = None,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """The placement map of ``cluster`` (from a Lab, an event DataFrame or a
    :class:`~workbook.views.placement.PlacementView`) as of ``until``: per container instance
    (grouped by AZ) registered vs reserved CPU and memory with the tasks stacked and coloured by
    service/family, ENI slots used/free for awsvpc tasks, and the last placement failure's
    reasons marked on the instances that refused (and summed up under the title)."""
    view = (
        source
        if isinstance(source, PlacementView)
        else placement_view(source, cluster, until, names)
    )
    fig = go.Figure(layout={"template": TEMPLATE})
    for t in placement_traces(view):
        kind = t.pop("type")
        fig.add_trace(go.Bar(**t) if kind == "bar" else go.Scatter(**t))
    fig.update_layout(placement_layout(view))
    return fig
