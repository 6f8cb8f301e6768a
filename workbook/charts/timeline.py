"""A first timeline: the lab's event table over simulated time, one row per event kind."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from ..i18n import _
from ..palette import ROLE, TEMPLATE
from .rows import time_rows_layout

__all__ = ["event_timeline_figure", "events_of"]


def events_of(source) -> pd.DataFrame:
    """The event table of a Lab (``lab.events``) or an event DataFrame as is."""
    return source.events if hasattr(source, "events") else source


def _detail(d: dict) -> str:
    text = json.dumps(d, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= 120 else text[:117] + "..."


def event_timeline_figure(source, until: datetime | None = None) -> go.Figure:
    """Events over simulated time: one row per kind, inputs (what was asked) as open circles and
    facts (what happened) as filled diamonds. ``until`` draws the lab as of an earlier time."""
    ev = events_of(source)
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    kinds = list(dict.fromkeys(ev["kind"].astype(str)))  # first-seen order: reads top-down
    fig = go.Figure(layout={"template": TEMPLATE})
    styles = {
        "input": (_("inputs (API calls, clock, lab actions)"), "circle-open", ROLE["input"]),
        "fact": (_("facts (what changed)"), "diamond", ROLE["fact"]),
    }
    for origin, (name, symbol, color) in styles.items():
        part = ev[ev["origin"].astype(str) == origin]
        hover = [
            _("#{seq} {kind} at {time} UTC").format(seq=s, kind=k, time=f"{t:%Y-%m-%d %H:%M:%S}")
            + ("<br>" + _("cluster: {cluster}").format(cluster=c) if isinstance(c, str) else "")
            + (f"<br>{r}" if isinstance(r, str) else "")
            + f"<br>{_detail(d)}"
            for s, k, t, c, r, d in zip(
                part["seq"],
                part["kind"].astype(str),
                part["time"],
                part["cluster"].astype(object).where(part["cluster"].notna(), None),
                part["resource"].astype(object).where(part["resource"].notna(), None),
                part["detail"],
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                name=name,
                x=[t.strftime("%Y-%m-%d %H:%M:%S") for t in part["time"]],
                y=part["kind"].astype(str).tolist(),
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": color, "line": {"width": 2}},
                hovertext=hover,
                hoverinfo="text",
            )
        )
    return time_rows_layout(
        fig,
        title=_("Lab events over simulated time ({n} events)").format(n=len(ev)),
        y_title=_("event kind"),
        rows=kinds,
        empty_text=_("no events yet") if ev.empty else None,
        base_height=180,
        per_row=28,
    )
