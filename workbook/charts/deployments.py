"""A service's deployments over simulated time (lesson 15): the running tasks of each revision
on top, the share of the production listener rule's traffic each revision gets below; bands
for each blue/green deployment's bake time and a dotted line where a rollback began."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import _
from ..palette import OKABE_ITO, ROLE, SEQUENCE, SYMBOLS, TEMPLATE
from ..views.deployments import stage_history, tasks_per_revision, traffic_history

__all__ = ["deployment_figure", "deployment_traces", "deployment_layout"]


def _colour(revisions: list[str]) -> dict[str, tuple[str, str]]:
    return {
        r: (SEQUENCE[i % len(SEQUENCE)], SYMBOLS[i % len(SYMBOLS)]) for i, r in enumerate(revisions)
    }


def _extend(df: pd.DataFrame, column: str, now) -> pd.DataFrame:
    """Each revision's last value carried to ``now`` (a step line ends at the clock)."""
    if df.empty:
        return df
    last = df[df["time"] == df["time"].max()].copy()
    last["time"] = pd.Timestamp(now)
    return pd.concat([df, last], ignore_index=True)


def deployment_traces(lab, cluster: str, service: str, rule_arn: str | None) -> list[dict]:
    """The chart's traces as dicts (the panel syncs a FigureWidget with them)."""
    tasks = _extend(tasks_per_revision(lab, cluster, service), "running", lab.now)
    traffic = (
        _extend(traffic_history(lab, cluster, service, rule_arn), "share", lab.now)
        if rule_arn
        else pd.DataFrame(columns=["time", "revision", "share"])
    )
    revisions = list(
        dict.fromkeys(list(tasks["revision"].unique()) + list(traffic["revision"].unique()))
    )
    revisions.sort(
        key=lambda r: (r.split(":")[0], int(r.split(":")[-1]) if r[-1:].isdigit() else 0)
    )
    colours = _colour(revisions)
    traces: list[dict] = []
    for rev in revisions:
        colour, symbol = colours[rev]
        mine = tasks[tasks["revision"] == rev]
        traces.append(
            {
                "type": "scatter",
                "name": _("{revision}: running tasks").format(revision=rev),
                "legendgroup": rev,
                "x": [t.isoformat() for t in mine["time"]],
                "y": mine["running"].tolist(),
                "mode": "lines+markers",
                "line": {"color": colour, "shape": "hv", "width": 2.5},
                "marker": {"symbol": symbol, "size": 6, "color": colour},
                "xaxis": "x",
                "yaxis": "y",
                "hovertemplate": _(
                    "%{x|%H:%M:%S} UTC: {revision} %{y} running<extra></extra>"
                ).replace("{revision}", rev),
            }
        )
        share = traffic[traffic["revision"] == rev]
        if share.empty:
            continue
        traces.append(
            {
                "type": "scatter",
                "name": _("{revision}: production traffic").format(revision=rev),
                "legendgroup": rev,
                "showlegend": False,
                "x": [t.isoformat() for t in share["time"]],
                "y": share["share"].tolist(),
                "mode": "lines+markers",
                "line": {"color": colour, "shape": "hv", "width": 2.5},
                "marker": {"symbol": symbol, "size": 6, "color": colour},
                "xaxis": "x2",
                "yaxis": "y2",
                "hovertemplate": _(
                    "%{x|%H:%M:%S} UTC: {revision} gets %{y:.0f} % of production traffic"
                    "<extra></extra>"
                ).replace("{revision}", rev),
            }
        )
    return traces


def _bands(lab, cluster: str, service: str) -> tuple[list[tuple], list]:
    """(start, end) of each BAKE_TIME, and the moments a rollback began."""
    st = stage_history(lab, cluster, service)
    bakes, rollbacks = [], []
    for _dep, rows in st.groupby("deployment", sort=False):
        start, rolled = None, False
        for t, status, stage in zip(rows["time"], rows["status"], rows["stage"], strict=True):
            baking = stage == "BAKE_TIME" and status == "IN_PROGRESS"
            if baking and start is None:
                start = t
            elif not baking and start is not None:
                bakes.append((start, t))
                start = None
            if status.startswith("ROLLBACK") and not rolled:
                rollbacks.append(t)
                rolled = True
        if start is not None:
            bakes.append((start, pd.Timestamp(lab.now)))
    return bakes, rollbacks


def deployment_layout(lab, cluster: str, service: str) -> dict:
    """Title, axes, the bake-time bands and the rollback lines (shapes) as a layout dict."""
    bakes, rollbacks = _bands(lab, cluster, service)
    shapes: list[dict] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": start.isoformat(),
            "x1": end.isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": OKABE_ITO["yellow"],
            "opacity": 0.25,
            "line": {"width": 0},
            "layer": "below",
        }
        for start, end in bakes
    ]
    shapes += [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": t.isoformat(),
            "x1": t.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": ROLE["fail"], "dash": "dot", "width": 2},
        }
        for t in rollbacks
    ]
    return {
        "title": {
            "text": _("Service {service}: which revision runs, and which serves traffic").format(
                service=service
            )
            + "<br><sub>"
            + _(
                "yellow bands: bake time (both revisions run, production on the new one); "
                "dotted red lines: a rollback begins"
            )
            + "</sub>"
        },
        "shapes": shapes,
        "height": 540,
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis2": {"title": {"text": _("simulated time (UTC)")}},
        "yaxis": {"title": {"text": _("running tasks")}, "rangemode": "tozero", "dtick": 1},
        "yaxis2": {
            "title": {"text": _("production traffic (%)")},
            "range": [-5, 105],
            "tickvals": [0, 50, 100],
        },
    }


def deployment_figure(lab, cluster: str, service: str, rule_arn: str | None = None) -> go.Figure:
    """The deployments of ``service`` (see the module docstring); ``rule_arn`` is the production
    listener rule whose traffic the lower panel shows (None: tasks only)."""
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45]
    )
    fig.update_layout(template=TEMPLATE)
    for t in deployment_traces(lab, cluster, service, rule_arn):
        fig.add_trace(go.Scatter({k: v for k, v in t.items() if k != "type"}))
    fig.update_layout(deployment_layout(lab, cluster, service))
    return fig
