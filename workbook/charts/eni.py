"""The ENI trunking capacity explorer as a figure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..i18n import _
from ..palette import ROLE, TEMPLATE
from ..views.capacity import eni_capacity_table, task_label

__all__ = ["eni_capacity_figure", "eni_traces", "eni_layout", "TRACE_NAMES"]

#: The traces' names in English (the figure shows :func:`trace_names`, in the reader's language).
TRACE_NAMES = (
    "awsvpc tasks without trunking",
    "awsvpc tasks with trunking",
    "effective capacity",
    "trunking not supported",
)


def trace_names() -> tuple[str, ...]:
    """:data:`TRACE_NAMES` in the current language (read when a figure is built)."""
    return (
        _("awsvpc tasks without trunking"),
        _("awsvpc tasks with trunking"),
        _("effective capacity"),
        _("trunking not supported"),
    )


def _mode(trunking: bool) -> str:
    return _("with trunking") if trunking else _("without trunking")


def _none_if_na(values: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else int(v) for v in values]


def eni_traces(table: pd.DataFrame, task_cpu: int, task_memory: int, trunking: bool) -> list[dict]:
    """The four traces' data (same order and count every time, so a widget can update in place)."""
    types = list(table.index)
    size = task_label(task_cpu, task_memory)
    mode = _mode(trunking)
    limits = [
        _(
            "{instance_type}: {tasks} tasks of {size} ({mode})<br>limits: ENI {eni}, CPU {cpu}, "
            "memory {memory}<br>binding limit: {binding}"
        ).format(instance_type=t, tasks=e, size=size, mode=mode, eni=n, cpu=c, memory=m, binding=b)
        for t, e, n, c, m, b in zip(
            types,
            table["effective"],
            table["eni_limit"],
            table["cpu_limit"],
            table["memory_limit"],
            table["binding"],
            strict=True,
        )
    ]
    unsupported = table.index[~table["trunking_supported"]].tolist()
    return [
        {
            "x": table["tasks_without_trunking"].astype(int).tolist(),
            "y": types,
            "customdata": table["vcpu"].astype(int).tolist(),
            "hovertemplate": _(
                "%{y} (%{customdata} vCPU): %{x} awsvpc tasks without trunking"
                "<br>(ENIs - 1: the primary ENI takes a slot)<extra></extra>"
            ),
        },
        {
            "x": _none_if_na(table["tasks_with_trunking"]),
            "y": types,
            "hovertemplate": _("%{y}: %{x} awsvpc tasks with trunking<extra></extra>"),
        },
        {
            "x": table["effective"].astype(int).tolist(),
            "y": types,
            "text": table["binding"].tolist(),
            "hovertext": limits,
            "name": _("effective capacity: {size}, {mode}").format(size=size, mode=mode),
        },
        {
            "x": [0] * len(unsupported),
            "y": unsupported,
            "text": [_("not supported")] * len(unsupported),
            "hovertemplate": _("%{y}: ENI trunking is not supported (t3/t3a)<extra></extra>"),
        },
    ]


def eni_layout(n_types: int, task_cpu: int, task_memory: int, trunking: bool) -> dict:
    mode = _mode(trunking)
    return {
        "title": {
            "text": _("awsvpc tasks per instance: ENI limits without/with trunking")
            + "<br><sub>"
            + _(
                "marker: effective capacity for a {size} task {mode} = min(ENI, CPU, memory); "
                "its label names the binding limit"
            ).format(size=task_label(task_cpu, task_memory), mode=mode)
            + "</sub>"
        },
        "xaxis": {"title": {"text": _("tasks per instance (count)")}, "rangemode": "tozero"},
        # dtick 1: label every type (plotly drops every other label when rows are tight), and
        # enough height per row that they never overlap (the margins take ~200 px).
        "yaxis": {
            "title": {"text": _("instance type")},
            "autorange": "reversed",
            "type": "category",
            "dtick": 1,
        },
        "height": 220 + 28 * max(n_types, 1),
        "barmode": "group",
    }


def eni_capacity_figure(
    task_cpu: int = 256,
    task_memory: int = 512,
    trunking: bool = True,
    types: Iterable[str] | None = None,
) -> go.Figure:
    """For each instance type (default: the whole catalog): awsvpc tasks per instance without and
    with ENI trunking (bars), and the effective capacity for a task of ``task_cpu`` CPU units and
    ``task_memory`` MiB (marker, labelled with the binding limit). t3/t3a are marked unsupported."""
    table = eni_capacity_table(task_cpu, task_memory, trunking, types)
    data = eni_traces(table, task_cpu, task_memory, trunking)
    names = trace_names()
    fig = go.Figure(
        [
            go.Bar(
                name=names[0],
                orientation="h",
                marker={"color": ROLE["without_trunking"]},
                **data[0],
            ),
            go.Bar(
                name=names[1],
                orientation="h",
                marker={"color": ROLE["with_trunking"], "pattern": {"shape": "/"}},
                **data[1],
            ),
            go.Scatter(
                mode="markers+text",
                textposition="middle right",
                marker={"color": ROLE["effective"], "symbol": "diamond", "size": 11},
                hoverinfo="text",
                **data[2],
            ),
            go.Scatter(
                name=names[3],
                mode="markers+text",
                textposition="middle right",
                marker={"color": ROLE["unsupported"], "symbol": "x", "size": 9},
                **data[3],
            ),
        ],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(eni_layout(len(table), task_cpu, task_memory, trunking))
    return fig
