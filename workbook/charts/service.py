"""A service surviving faults: its running-task count over simulated time, the desired count,
and a marker at each fault injected (lesson 11)."""

from __future__ import annotations

import plotly.graph_objects as go

from ..i18n import _
from ..palette import ROLE, TEMPLATE
from ..views.deploy import running_counts

__all__ = ["running_tasks_figure"]


def _fault_labels() -> dict[str, str]:
    """Fault kind (the event's value, English) -> its label in the reader's language."""
    return {
        "crash_container": _("container crashed"),
        "fail_health_check": _("health check fails"),
        "terminate_instance": _("instance terminated"),
        "az_down": _("AZ down"),
    }


def running_tasks_figure(lab, cluster: str, service: str, desired: int | None = None) -> go.Figure:
    """Running tasks of ``service`` over time as a step line, ``desired`` as a dashed line, and
    each ``FaultInjected`` fact as a labelled vertical line (the text says which fault)."""
    counts = running_counts(lab, cluster, service)
    times = list(counts["time"]) + [lab.now]
    values = list(counts["running"]) + ([int(counts["running"].iloc[-1])] if len(counts) else [0])
    fig = go.Figure(layout={"template": TEMPLATE})
    fig.add_trace(
        go.Scatter(
            x=times,
            y=values,
            mode="lines+markers",
            line={"shape": "hv", "color": ROLE["ec2"], "width": 3},
            marker={"symbol": "circle", "size": 6},
            name=_("running tasks"),
            hovertemplate=_("%{x|%H:%M:%S} UTC: %{y} running<extra></extra>"),
        )
    )
    if desired is not None and times:
        fig.add_trace(
            go.Scatter(
                x=[times[0], times[-1]],
                y=[desired, desired],
                mode="lines",
                line={"dash": "dash", "color": ROLE["muted"]},
                name=_("desired count ({n})").format(n=desired),
                hoverinfo="skip",
            )
        )
    ev = lab.events
    faults = ev[ev["kind"] == "FaultInjected"]
    labels = _fault_labels()
    for i, (time, detail) in enumerate(zip(faults["time"], faults["detail"], strict=True)):
        label = labels.get(detail.get("fault"), detail.get("fault", _("fault")))
        fig.add_vline(x=time, line={"color": ROLE["fail"], "dash": "dot"})
        fig.add_annotation(
            x=time,
            y=1.0 - 0.08 * (i % 3),
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="left",
            font={"color": ROLE["fail"]},
        )
    fig.update_layout(
        title={
            "text": _("Service {service}: running tasks over time").format(service=service)
            + "<br><sub>"
            + _("the scheduler replaces what the faults (dotted lines) take away")
            + "</sub>"
        },
        xaxis={"title": {"text": _("simulated time (UTC)")}},
        yaxis={"title": {"text": _("running tasks")}, "rangemode": "tozero", "dtick": 1},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
