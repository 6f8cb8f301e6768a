"""Service charts: tasks per deployment over time against the desired count (deployments as
bands, faults marked), and a target group's target health over time.

Both are drawn from the event table (:mod:`workbook.views.services`), so ``until=`` draws the service
as it was at an earlier simulated time.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from ..i18n import _
from ..palette import OKABE_ITO, ROLE, SEQUENCE, TEMPLATE
from ..views.service_history import deployment_bands, service_history, target_health_history
from .rows import time_rows_layout

__all__ = ["service_timeline_figure", "target_health_figure", "HEALTH_COLORS"]

_FMT = "%Y-%m-%d %H:%M:%S.%f"

#: Target states: healthy green, unhealthy vermillion, the in-between ones lighter.
HEALTH_COLORS = {
    "initial": OKABE_ITO["sky_blue"],
    "healthy": ROLE["ok"],
    "unhealthy": ROLE["fail"],
    "draining": OKABE_ITO["orange"],
    "unused": ROLE["muted"],
    "unavailable": OKABE_ITO["black"],
}
_PATTERNS = {"unhealthy": "x", "draining": "/", "initial": ".", "unused": "-"}


#: How each count is stacked: running solid, pending dotted, stopping (draining) hatched.
_LAYERS = (("running", 0.85, ""), ("pending", 0.25, "."), ("stopping", 0.25, "/"))


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _t(ts) -> str:
    return pd.Timestamp(ts).strftime(_FMT)[:-3]


def _short(dep: str) -> str:
    """``ecs-svc/8427540007841252186`` -> ``…2186`` (enough to tell deployments apart)."""
    return "…" + dep[-4:]


def service_timeline_figure(
    lab, cluster: str, service: str, until: datetime | None = None
) -> go.Figure:
    """Tasks of each deployment stacked over simulated time -- running (solid), pending (dotted)
    and stopping (hatched: draining from the load balancer, then stopping) -- against the
    service's desired count (black steps), each deployment as a shaded band from its start to
    its end, and faults injected into the lab as vertical marks."""
    hist = service_history(lab, cluster, service, until=until)
    bands = deployment_bands(lab, cluster, service)
    deps = list(dict.fromkeys(list(bands["deployment"]) + list(hist["deployment"])))
    revision = dict(zip(bands["deployment"], bands["revision"], strict=True))
    fig = go.Figure(layout={"template": TEMPLATE})
    end = pd.Timestamp(until) if until is not None else pd.Timestamp(lab.now)
    times = list(dict.fromkeys(hist["time"]))
    x = [_t(t) for t in times] + [_t(end)]
    # Running first (all deployments), then pending, then stopping: the bottom of the stack is
    # what serves traffic, and its top edge against the desired line shows maximumPercent at work.
    for col, opacity, pattern in _LAYERS:
        for i, dep in enumerate(deps):
            rows = hist[hist["deployment"] == dep].set_index("time")[col]
            y = rows.reindex(times, fill_value=0).tolist()
            if not any(y):
                continue
            color = SEQUENCE[i % len(SEQUENCE)]
            label = f"{_short(dep)} ({revision.get(dep, '?')})"
            fig.add_trace(
                go.Scatter(
                    name=f"{col}: {label}",
                    x=x,
                    y=y + y[-1:],
                    mode="lines",
                    stackgroup="tasks",
                    line={"shape": "hv", "color": color, "width": 1},
                    fillcolor=_rgba(color, opacity),
                    fillpattern={"shape": pattern, "fgcolor": color} if pattern else None,
                    hovertemplate=f"{label}<br>%{{x}}<br>{col}: %{{y}}<extra></extra>",
                )
            )
    desired = hist.drop_duplicates("time")[["time", "desired"]].dropna()
    if not desired.empty:
        fig.add_trace(
            go.Scatter(
                name=_("desired count"),
                x=[_t(t) for t in desired["time"]] + [_t(end)],
                y=desired["desired"].tolist() + desired["desired"].tolist()[-1:],
                mode="lines",
                line={"shape": "hv", "color": ROLE["input"], "width": 1.5, "dash": "dash"},
                hovertemplate=_("%{x}<br>desired: %{y}<extra></extra>"),
            )
        )
    for i, b in enumerate(bands.itertuples()):
        if until is not None and b.start > pd.Timestamp(until):
            continue
        stop = end if pd.isna(b.end) else min(b.end, end)
        fig.add_vrect(
            x0=_t(b.start),
            x1=_t(stop),
            fillcolor=SEQUENCE[deps.index(b.deployment) % len(SEQUENCE)],
            opacity=0.06,
            line_width=0,
            annotation_text=f"{_short(b.deployment)} {b.revision}: {b.outcome}",
            annotation_position="top left",
            annotation_font_size=10,
            annotation_yshift=-12 * (i % 3),
        )
    for i, (t, what) in enumerate(_faults(lab, until)):
        fig.add_vline(x=_t(t), line={"color": ROLE["fail"], "dash": "dot", "width": 1})
        fig.add_annotation(
            x=_t(t),
            y=0.02 + 0.08 * (i % 3),  # staggered: faults close in time do not overprint
            yref="paper",
            text=f"⚡ {what}",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 10, "color": ROLE["fail"]},
        )
    live = hist.assign(n=hist["running"] + hist["pending"] + hist["stopping"])
    top = max([1, *live.groupby("time")["n"].sum().tolist(), *desired["desired"].tolist()])
    fig.update_layout(
        title={
            "text": _("Service {service}: tasks per deployment vs desired count").format(
                service=service
            )
        },
        xaxis={"title": {"text": _("simulated time (UTC)")}, "type": "date"},
        yaxis={"title": {"text": _("tasks")}, "range": [0, top + 0.5], "dtick": 1},
        legend={"traceorder": "normal"},
        height=460,
    )
    if hist.empty:
        fig.add_annotation(
            text=_("no tasks yet"), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
        )
    return fig


def _faults(lab, until) -> list[tuple[pd.Timestamp, str]]:
    ev = lab.events
    ev = ev[ev["kind"].isin(["FaultInjected", "FaultRepaired"])]
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    out = []
    for t, k, r, d in zip(ev["time"], ev["kind"], ev["resource"], ev["detail"], strict=True):
        what = d.get("fault", "fault")
        if k == "FaultRepaired":
            what = f"{what} repaired"
        elif what in ("az_down", "terminate_instance"):
            what = f"{what} {r}"
        out.append((t, what))
    return out


def target_health_figure(lab, target_group_arn: str, until: datetime | None = None) -> go.Figure:
    """One row per target (instance Name tag or IP, and port): its state over simulated time as
    coloured bars (initial, healthy, unhealthy, draining ...), patterns as well as colours."""
    h = target_health_history(lab, target_group_arn, until=until)
    end = pd.Timestamp(until) if until is not None else pd.Timestamp(lab.now)
    h = h.assign(row=[f"{t}:{p}" for t, p in zip(h["target"], h["port"], strict=True)])
    h["next"] = h.groupby("row")["time"].shift(-1).fillna(end)
    rows = list(dict.fromkeys(h["row"]))
    tg_name = target_group_arn.split(":targetgroup/")[-1].split("/")[0]
    fig = go.Figure(layout={"template": TEMPLATE})
    for state, color in HEALTH_COLORS.items():
        part = h[h["to"] == state]
        if part.empty:
            continue
        ms = ((part["next"] - part["time"]).dt.total_seconds() * 1000).round().tolist()
        fig.add_trace(
            go.Bar(
                name=state,
                orientation="h",
                y=part["row"].tolist(),
                base=[_t(t) for t in part["time"]],
                x=ms,
                marker={
                    "color": color,
                    "pattern": {"shape": _PATTERNS.get(state, "")},
                    "line": {"width": 0},
                },
                customdata=list(
                    zip(
                        [_t(t)[11:19] for t in part["time"]],
                        [_t(t)[11:19] for t in part["next"]],
                        part["reason"].tolist(),
                        strict=True,
                    )
                ),
                hovertemplate="%{y}: "
                + state
                + " %{customdata[0]} → %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
            )
        )
    return time_rows_layout(
        fig,
        title=_("Target health in {target_group} over simulated time").format(target_group=tg_name),
        y_title=_("target (instance:port or IP:port)"),
        rows=rows,
        empty_text=_("no targets yet") if h.empty else None,
        barmode="overlay",
    )
