"""Fargate vs EC2 cost against utilisation, drawn from a ``Comparison``: at the comparison's
task count, Fargate grows with the share of the hours the tasks run, EC2 does not; the break-even
utilisation is starred. Same trace-slot scheme as :mod:`workbook.charts.cost`."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..i18n import _
from ..palette import ROLE, TEMPLATE
from .cost import (
    _color,
    _merge,
    _money,
    _period,
    _star_style,
    _types,
    _workload_text,
    caption_annotation,
    comparison_caption,
)

__all__ = ["cost_vs_utilization_figure", "utilization_layout", "utilization_traces"]

UTIL_STEPS = 21  # 0 %, 5 %, ... 100 %


def _util_summary(cmp) -> str:
    return "; ".join(
        f"{t} "
        + (_("n/a (does not fit)") if be is None else f"{100 * be:.1f} %")
        + (_(" (Fargate always cheaper)") if be is not None and be > 1 else "")
        for t, be in cmp.break_even_utilization.items()
    )


def utilization_traces(cmp, slots: int | None = None) -> list[dict]:
    """[Fargate, then per slot: EC2 flat line, break-even utilisation marker]."""
    w = cmp.workload
    types = _types(cmp)
    slots = len(types) if slots is None else slots
    count, hours = w["count"], w["hours"]
    period = _period(hours)
    f_full = count * hours * w["fargate_usd_per_task_hour"]
    xs = [100 * k / (UTIL_STEPS - 1) for k in range(UTIL_STEPS)]
    out: list[dict] = [
        {
            "x": xs,
            "y": [f_full * x / 100 for x in xs],
            "name": _("Fargate, {n} tasks").format(n=count),
            "hovertemplate": _(
                "Fargate: {n} tasks running %{{x:.0f}} % of the time<br>$%{{y:,.2f}} for {period}"
            ).format(n=count, period=period)
            + "<extra></extra>",
            "visible": True,
        }
    ]
    for i in range(slots):
        if i >= len(types):
            out += [
                {"x": [], "y": [], "name": "", "visible": False, "hovertemplate": ""},
                {"x": [], "y": [], "name": "", "visible": False, "text": [], "hovertext": []},
            ]
            continue
        t = types[i]
        row = cmp.table[(cmp.table["instance_type"] == t) & (cmp.table["tasks"] == count)].iloc[0]
        ec2 = (
            None
            if row["ec2_usd"] != row["ec2_usd"] or row["ec2_usd"] is None
            else float(row["ec2_usd"])
        )
        n = None if ec2 is None else int(row["instances"])
        out.append(
            {
                "x": xs if ec2 is not None else [],
                "y": [ec2] * len(xs) if ec2 is not None else [],
                "name": _("EC2 {instance_type}: {n} instance(s), {cost} however busy").format(
                    instance_type=t, n=n, cost=_money(ec2)
                )
                if ec2 is not None
                else _("EC2 {instance_type}: the task does not fit").format(instance_type=t),
                "hovertemplate": _(
                    "EC2 {instance_type}: {n} instance(s) for {tasks} tasks<br>"
                    "$%{{y:,.2f}} for {period} at any utilisation"
                ).format(instance_type=t, n=n, tasks=count, period=period)
                + "<extra></extra>",
                "visible": True,
            }
        )
        be = cmp.break_even_utilization.get(t)
        shown = be is not None and be <= 1
        out.append(
            {
                "x": [100 * be] if shown else [],
                "y": [ec2] if shown else [],
                "text": [f"{100 * be:.0f} %"] if shown else [],
                "name": _("break-even {instance_type}: {where}").format(
                    instance_type=t,
                    where=_("{share} % of the time").format(share=f"{100 * be:.1f}")
                    if shown
                    else (_("none: Fargate is cheaper even at 100 %") if be else _("none")),
                ),
                "hovertext": [
                    _(
                        "{instance_type}: above {share} % of the time, {n} EC2 instance(s) cost "
                        "less than {tasks} Fargate tasks"
                    ).format(instance_type=t, share=f"{100 * be:.1f}", n=n, tasks=count)
                ]
                if shown
                else [],
                "visible": True,
            }
        )
    return out


def utilization_layout(cmp) -> dict:
    w = cmp.workload
    u = 100 * w["utilization"]
    return {
        "title": {
            "text": _("Fargate vs EC2 over {period}: {n} tasks, cost against utilisation").format(
                period=_period(w["hours"]), n=w["count"]
            )
            + f"<br><sub>{_workload_text(cmp)}<br>"
            + _(
                "Fargate bills only the hours tasks run, EC2 the instances whether or not tasks run."
            )
            + "<br>"
            + _("Break-even (star): {summary}").format(summary=_util_summary(cmp))
            + "</sub>"
        },
        "xaxis": {
            "title": {"text": _("share of the hours the tasks run (%)")},
            "range": [0, 104],
            "ticksuffix": " %",
        },
        "yaxis": {
            "title": {"text": _("cost over {hours} h (USD)").format(hours=f"{w['hours']:g}")},
            "rangemode": "tozero",
            "tickprefix": "$",
        },
        "shapes": [
            {
                "type": "line",
                "x0": u,
                "x1": u,
                "xref": "x",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": ROLE["muted"], "dash": "dot", "width": 1},
                "name": "chosen utilisation",
            }
        ],
        "annotations": [
            caption_annotation(comparison_caption(cmp)),
            {
                "text": _("chosen: {share} %").format(share=f"{u:.0f}"),
                "x": u,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 10, "color": ROLE["muted"]},
                "name": "chosen utilisation",
            },
        ],
        "height": 580,
        "margin": {"b": 190, "t": 130},
    }


def _utilization_styles(slots: int) -> list[dict[str, Any]]:
    styles: list[dict[str, Any]] = [
        {"mode": "lines", "line": {"color": ROLE["fargate"], "width": 3}},
    ]
    for i in range(slots):
        styles.append({"mode": "lines", "line": {"color": _color(i), "width": 2, "dash": "solid"}})
        styles.append(_star_style(i))
    return styles


def cost_vs_utilization_figure(cmp, slots: int | None = None) -> go.Figure:
    """Cost of ``cmp.workload['count']`` tasks against utilisation: Fargate grows with the hours
    the tasks run, EC2 does not; stars mark ``cmp.break_even_utilization`` (as %)."""
    data = utilization_traces(cmp, slots)
    styles = _utilization_styles((len(data) - 1) // 2)
    fig = go.Figure(
        [go.Scatter(**_merge(s, d)) for s, d in zip(styles, data, strict=True)],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(utilization_layout(cmp))
    return fig
