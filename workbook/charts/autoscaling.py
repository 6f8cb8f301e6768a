"""Service auto scaling over simulated time (lesson 14): offered load and CPU utilisation with
the target on top, desired and running task counts below, the target-tracking alarms' ALARM
periods as bands and each scaling activity as a marker."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import _
from ..palette import OKABE_ITO, ROLE, TEMPLATE
from ..views.autoscaling import alarm_intervals, scaling_history

__all__ = ["scaling_figure", "scaling_traces", "scaling_layout", "activity_points"]

_BAND = {"AlarmHigh": OKABE_ITO["vermillion"], "AlarmLow": OKABE_ITO["sky_blue"]}


def scaling_traces(history: pd.DataFrame, activities: pd.DataFrame) -> list[dict]:
    """The chart's traces as dicts (the panel syncs a FigureWidget with them)."""
    x = [t.isoformat() for t in history["time"]]
    traces = [
        {
            "type": "scatter",
            "name": _("offered load (requests/s)"),
            "x": x,
            "y": history["load_rps"].tolist(),
            "mode": "lines",
            "line": {"color": OKABE_ITO["black"], "width": 1.5, "dash": "dot"},
            "xaxis": "x",
            "yaxis": "y",
            "hovertemplate": _("%{x|%H:%M} UTC: %{y:.0f} requests/s<extra></extra>"),
        },
        {
            "type": "scatter",
            "name": "CPUUtilization (%)",
            "x": x,
            "y": [None if pd.isna(v) else v for v in history["cpu"]],
            "mode": "lines",
            "line": {"color": OKABE_ITO["orange"], "width": 2},
            "xaxis": "x",
            "yaxis": "y2",
            "hovertemplate": _("%{x|%H:%M} UTC: CPU %{y:.1f} %<extra></extra>"),
        },
        {
            "type": "scatter",
            "name": _("desired count"),
            "x": x,
            "y": history["desired"].tolist(),
            "mode": "lines",
            "line": {"color": ROLE["muted"], "dash": "dash", "shape": "hv", "width": 2},
            "xaxis": "x2",
            "yaxis": "y3",
            "hovertemplate": _("%{x|%H:%M} UTC: desired %{y}<extra></extra>"),
        },
        {
            "type": "scatter",
            "name": _("running count"),
            "x": x,
            "y": history["running"].tolist(),
            "mode": "lines",
            "line": {"color": ROLE["ec2"], "shape": "hv", "width": 3},
            "xaxis": "x2",
            "yaxis": "y3",
            "hovertemplate": _("%{x|%H:%M} UTC: running %{y}<extra></extra>"),
        },
        {
            "type": "scatter",
            "name": _("scaling activity"),
            "x": activities["x"].tolist(),
            "y": activities["to"].tolist(),
            "mode": "markers",
            "marker": {"symbol": "diamond", "size": 10, "color": ROLE["fact"]},
            "xaxis": "x2",
            "yaxis": "y3",
            "text": activities["text"].tolist(),
            "hovertemplate": "%{x|%H:%M} UTC: %{text}<extra></extra>",
        },
    ]
    return traces


def activity_points(lab, cluster: str, service: str) -> pd.DataFrame:
    """Each ScalingActivityCompleted fact of the service: x (ISO time), to (count), text."""
    return _activities(lab, cluster, service)


def _activities(lab, cluster: str, service: str) -> pd.DataFrame:
    ev = lab.events
    rows = ev[ev["kind"] == "ScalingActivityCompleted"]
    out = [
        (
            t.isoformat(),
            d["to_count"],
            _("set desired count to {n} ({status})").format(
                n=d["to_count"], status=d["status_code"]
            ),
        )
        for t, d in zip(rows["time"], rows["detail"], strict=True)
        if d.get("resource_id") == f"service/{cluster}/{service}"
    ]
    return pd.DataFrame(out, columns=["x", "to", "text"])


def scaling_layout(lab, cluster: str, service: str, target: float | None) -> dict:
    """Title, axes, the target line and the alarm bands (shapes) as a layout dict."""
    shapes = []
    bands = alarm_intervals(lab, f"TargetTracking-service/{cluster}/{service}-")
    for row in bands[bands["state"] == "ALARM"].itertuples():
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": row.start.isoformat(),
                "x1": row.end.isoformat(),
                "y0": 0,
                "y1": 1,
                "fillcolor": _BAND.get(row.kind, ROLE["muted"]),
                "opacity": 0.15,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    if target is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y2",
                "x0": 0,
                "x1": 1,
                "y0": target,
                "y1": target,
                "line": {"color": OKABE_ITO["orange"], "dash": "dash", "width": 1},
            }
        )
    sub = (
        _("target {target} % CPU (dashed)").format(target=f"{target:g}")
        if target is not None
        else _("target none")
    )
    return {
        "title": {
            "text": _("Service {service}: load, CPU and tasks over time").format(service=service)
            + "<br><sub>"
            + _(
                "{target}; red bands: AlarmHigh in ALARM (scale out), blue: AlarmLow "
                "(scale in); diamonds: scaling activities"
            ).format(target=sub)
            + "</sub>"
        },
        "shapes": shapes,
        "height": 560,
        "xaxis2": {"title": {"text": _("simulated time (UTC)")}},
        "yaxis": {"title": {"text": _("requests/s")}, "rangemode": "tozero"},
        "yaxis2": {
            "title": {"text": "CPU %"},
            "range": [0, 105],
            "tickvals": [0, 25, 50, 75, 100],
            "showgrid": False,
        },
        "yaxis3": {"title": {"text": _("tasks")}, "rangemode": "tozero"},
    }


def scaling_figure(
    lab, cluster: str, service: str, target: float | None = None, start=None
) -> go.Figure:
    """The scaling story of ``service`` (see the module docstring) from the event table and
    CloudWatch's datapoints."""
    history = scaling_history(lab, cluster, service, start)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.55, 0.45],
        specs=[[{"secondary_y": True}], [{}]],
    )
    fig.update_layout(template=TEMPLATE)
    for t in scaling_traces(history, _activities(lab, cluster, service)):
        fig.add_trace(go.Scatter({k: v for k, v in t.items() if k != "type"}))
    fig.update_layout(scaling_layout(lab, cluster, service, target))
    return fig
