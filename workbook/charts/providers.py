"""Cluster auto scaling over simulated time (lesson 13): the group's instances (N), the
instances needed (M) and its desired capacity, the provider's tasks running and waiting, and
below them CapacityProviderReservation = M/N x 100 against the provider's targetCapacity."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import _
from ..palette import OKABE_ITO, ROLE, TEMPLATE
from ..views.providers import capacity_history

__all__ = ["capacity_figure"]


def _line(name, x, y, color, *, dash=None, width=2, row=1) -> tuple[go.Scatter, int]:
    return (
        go.Scatter(
            name=name,
            x=x,
            y=y,
            mode="lines",
            line={"color": color, "dash": dash, "width": width, "shape": "hv"},
            hovertemplate="%{x|%H:%M} UTC: %{y}<extra>" + name + "</extra>",
        ),
        row,
    )


def capacity_figure(lab, cluster: str, provider: str) -> go.Figure:
    """Instances, tasks, CapacityProviderReservation and the target, minute by minute."""
    h = capacity_history(lab, cluster, provider)
    x = [t.isoformat() for t in h["time"]]
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45]
    )
    fig.update_layout(template=TEMPLATE)
    traces = [
        _line(_("instances in the group (N)"), x, h["instances"].tolist(), ROLE["ec2"], width=3),
        _line(_("instances needed (M)"), x, h["needed"].tolist(), OKABE_ITO["bluish_green"]),
        _line(_("desired capacity"), x, h["desired"].tolist(), ROLE["muted"], dash="dash"),
        _line(_("tasks running"), x, h["running"].tolist(), OKABE_ITO["orange"]),
        _line(
            _("tasks waiting (PROVISIONING, PENDING)"),
            x,
            h["pending"].tolist(),
            OKABE_ITO["vermillion"],
            dash="dot",
        ),
        _line(
            "CapacityProviderReservation (%)",
            x,
            h["reservation"].tolist(),
            OKABE_ITO["blue"],
            width=3,
            row=2,
        ),
        _line(
            _("targetCapacity (%)"),
            x,
            h["target"].tolist(),
            OKABE_ITO["black"],
            dash="dash",
            width=1,
            row=2,
        ),
    ]
    for trace, row in traces:
        fig.add_trace(trace, row=row, col=1)
    title = _("Capacity provider {provider}: instances, tasks and the reservation").format(
        provider=provider
    )
    sub = _("managed scaling keeps M/N x 100 at the target; 200 % means an empty group must grow")
    fig.update_layout(
        title={"text": f"{title}<br><sub>{sub}</sub>"},
        height=560,
        xaxis2={"title": {"text": _("simulated time (UTC)")}},
        yaxis={"title": {"text": _("count")}, "rangemode": "tozero"},
        yaxis2={"title": {"text": "%"}, "rangemode": "tozero"},
    )
    return fig
