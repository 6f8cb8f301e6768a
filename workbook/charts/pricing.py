"""What one task costs per hour: Fargate vs a full EC2 instance, at list prices."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

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
    hover = [f"Fargate: one {size} task, billed for what it requests: ${fargate:.5f}/h"] + [
        f"{t}: ${p:.4f}/h per instance; {n} tasks fit (binding: {b})"
        + (f"<br>${c:.5f} per task-hour when full" if n else "<br>the task does not fit")
        for t, p, n, b, c in zip(
            table.index,
            table["usd_per_hour"],
            table["tasks_fit"],
            table["binding"],
            table["usd_per_task_hour"],
            strict=True,
        )
    ]
    mode = {None: "bridge/host mode", False: "awsvpc, no trunking", True: "awsvpc with trunking"}
    fig = go.Figure(
        [
            go.Bar(
                name="USD per task-hour (EC2: instance full)",
                x=labels,
                y=per_task,
                marker={
                    "color": [ROLE["fargate"]] + [ROLE["ec2"]] * len(table),
                    "pattern": {"shape": ["/"] + [""] * len(table)},
                },
                hovertext=hover,
                hoverinfo="text",
                text=[f"{v:.4f}" if v is not None else "n/a" for v in per_task],
                textposition="outside",
            ),
            go.Scatter(
                name="whole EC2 instance, USD per hour",
                x=list(table.index),
                y=table["usd_per_hour"].astype(float).tolist(),
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": ROLE["input"]},
                hovertemplate="%{x}: $%{y:.4f} per instance-hour<extra></extra>",
            ),
        ],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(
        title={
            "text": f"Hourly cost of one {size} task: Fargate vs a full EC2 instance"
            f" ({mode[awsvpc_trunking]})"
        },
        xaxis={"title": {"text": "capacity option"}, "type": "category"},
        yaxis={"title": {"text": "cost (USD per hour)"}, "rangemode": "tozero"},
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
