"""What one task costs per hour: Fargate vs a full EC2 instance, at list prices."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from ..i18n import _, money
from ..palette import ROLE, TEMPLATE
from ..views.capacity import task_label
from ..views.pricing import per_task_table, price_note

__all__ = ["hourly_price_figure"]


def hourly_price_figure(
    task_cpu: int,
    task_memory: int,
    types: Iterable[str],
    arch: str = "x86_64",
    region: str = "ap-east-1",
    awsvpc_trunking: bool | None = None,
) -> go.Figure:
    """Bars: USD per task-hour on Fargate and on each EC2 type when the instance is full of tasks
    of this size; diamonds: the whole instance's hourly price (what you pay even if it is empty).
    The price source and the region note are on the chart."""
    table = per_task_table(task_cpu, task_memory, types, arch, awsvpc_trunking)
    size = task_label(task_cpu, task_memory)
    fargate = float(table["fargate_usd_per_task_hour"].iloc[0])
    labels = [f"Fargate ({arch})"] + list(table.index)
    per_task = [fargate] + [None if v != v else float(v) for v in table["usd_per_task_hour"]]
    hover = [
        _("Fargate: one {size} task, billed for what it requests: {price}/h").format(
            size=size, price=money(fargate, 5)
        )
    ] + [
        _("{instance_type}: {price}/h per instance; {n} tasks fit (binding: {binding})").format(
            instance_type=t, price=money(p, 4), n=n, binding=b
        )
        + "<br>"
        + (
            _("{price} per task-hour when full").format(price=money(c, 5))
            if n
            else _("the task does not fit")
        )
        for t, p, n, b, c in zip(
            table.index,
            table["usd_per_hour"],
            table["tasks_fit"],
            table["binding"],
            table["usd_per_task_hour"],
            strict=True,
        )
    ]
    mode = {
        None: _("bridge/host mode"),
        False: _("awsvpc, no trunking"),
        True: _("awsvpc with trunking"),
    }
    fig = go.Figure(
        [
            go.Bar(
                name=_("USD per task-hour (EC2: instance full)"),
                x=labels,
                y=per_task,
                marker={
                    "color": [ROLE["fargate"]] + [ROLE["ec2"]] * len(table),
                    "pattern": {"shape": ["/"] + [""] * len(table)},
                },
                hovertext=hover,
                hoverinfo="text",
                text=[f"{v:.4f}" if v is not None else _("n/a") for v in per_task],
                textposition="outside",
            ),
            go.Scatter(
                name=_("whole EC2 instance, USD per hour"),
                x=list(table.index),
                y=table["usd_per_hour"].astype(float).tolist(),
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": ROLE["input"]},
                hovertemplate=_("%{x}: $%{y:.4f} per instance-hour<extra></extra>"),
            ),
        ],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(
        title={
            "text": _("Hourly cost of one {size} task: Fargate vs a full EC2 instance").format(
                size=size
            )
            + f" ({mode[awsvpc_trunking]})"
        },
        xaxis={"title": {"text": _("capacity option")}, "type": "category"},
        yaxis={"title": {"text": _("cost (USD per hour)")}, "rangemode": "tozero"},
        height=520,
        margin={"b": 170},
    )
    fig.add_annotation(
        # Under the axis title (yshift is in pixels, so it holds for any height).
        text=price_note(region).replace(". ", ".<br>", 1).replace("; EC2", ";<br>EC2", 1),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-62,
        xanchor="left",
        yanchor="top",
        align="left",
        font={"size": 10},
    )
    return fig
