"""A lab's own bill: cost over time stacked by resource type, and a by-resource breakdown.

Both are drawn from ``lab.costs()`` (through :mod:`workbook.views.costs`) and carry the price source and
the region note.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..i18n import _, money
from ..palette import OKABE_ITO, ROLE, TEMPLATE
from ..views.costs import cost_by_resource, cost_over_time, lab_price_caption
from .cost import caption_annotation

__all__ = ["TYPE_STYLE", "cost_breakdown_figure", "cost_over_time_figure"]

#: Colour and pattern per resource type (pattern too, so colour is never the only cue).
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "ec2-instance": (ROLE["ec2"], ""),
    "fargate-task": (ROLE["fargate"], "/"),
    "container-insights": (OKABE_ITO["bluish_green"], "."),
    "ecr-repository": (OKABE_ITO["reddish_purple"], "x"),
}


def _style(t: str) -> tuple[str, str]:
    return TYPE_STYLE.get(t, (ROLE["muted"], "\\"))


def cost_over_time_figure(lab, freq: str = "h") -> go.Figure:
    """USD per hour (``freq``) of the lab, stacked by resource type; the total is in the hover
    text and the title."""
    wide = cost_over_time(lab, freq)
    total = float(wide.to_numpy().sum()) if wide.size else 0.0
    sums = wide.sum(axis=1) if wide.size else None
    traces = []
    for t in wide.columns:
        color, pattern = _style(t)
        traces.append(
            go.Bar(
                name=t,
                x=list(wide.index),
                y=wide[t].tolist(),
                marker={"color": color, "pattern": {"shape": pattern}},
                customdata=sums.tolist(),
                hovertemplate=_(
                    "{resource_type}<br>%{{x|%Y-%m-%d %H:%M}} UTC: $%{{y:.4f}}"
                    "<br>all resources this hour: $%{{customdata:.4f}}<extra></extra>"
                ).format(resource_type=t),
            )
        )
    fig = go.Figure(traces, layout={"template": TEMPLATE})
    fig.update_layout(
        barmode="stack",
        title={
            "text": _("The lab's bill over time: {total} so far").format(total=money(total))
            + "<br><sub>"
            + _("cost per {period}, stacked by resource type (ECS itself is free)").format(
                period=_("hour") if freq == "h" else freq
            )
            + "</sub>"
        },
        xaxis={"title": {"text": _("time (UTC, start of each hour)")}},
        yaxis={
            "title": {"text": _("cost per hour (USD)")},
            "rangemode": "tozero",
            "tickprefix": "$",
        },
        annotations=[caption_annotation(lab_price_caption(lab))],
        height=480,
        margin={"b": 190},
    )
    return fig


def cost_breakdown_figure(lab, names: dict[str, str] | None = None) -> go.Figure:
    """One bar per billed resource (EC2 instances by their Name tag, or ``names[id]``), coloured
    by resource type, labelled with its cost to the cent."""
    table = cost_by_resource(lab, names=names)
    exact = lab.costs(freq=None)
    traces = []
    for t in dict.fromkeys(table["resource_type"]):
        sub = table[table["resource_type"] == t]
        color, pattern = _style(t)
        traces.append(
            go.Bar(
                name=t,
                orientation="h",
                y=sub["resource"].tolist(),
                x=sub["usd"].tolist(),
                text=[money(v) for v in sub["usd"]],
                textposition="outside",
                marker={"color": color, "pattern": {"shape": pattern}},
                customdata=list(zip(sub["quantity"], sub["unit"], strict=True)),
                hovertemplate=_("%{y}: $%{x:,.2f}<br>%{customdata[0]} %{customdata[1]}")
                + f"<extra>{t}</extra>",
            )
        )
    fig = go.Figure(traces, layout={"template": TEMPLATE})
    total = float(exact["cost"].sum()) if len(exact) else 0.0
    fig.update_layout(
        title={
            "text": _("The lab's bill by resource: {total} in total").format(total=money(total))
            + "<br><sub>"
            + _("each bar is one resource's cost so far, to the cent")
            + "</sub>"
        },
        xaxis={
            "title": {"text": _("cost so far (USD)")},
            "rangemode": "tozero",
            "tickprefix": "$",
        },
        yaxis={"title": {"text": _("resource")}, "type": "category", "autorange": "reversed"},
        annotations=[caption_annotation(lab_price_caption(lab, exact))],
        height=330 + 30 * max(len(table), 1),
        margin={"b": 190},
    )
    return fig
