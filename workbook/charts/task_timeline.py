"""The task timeline: a Gantt of each task's lifecycle states over simulated time, with stops,
container exits and failed placements marked, and an optional band per deployment."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from ..i18n import _
from ..palette import OKABE_ITO, ROLE, TEMPLATE
from ..views.placement import STATES, task_states
from .rows import time_rows_layout

__all__ = ["task_timeline_figure", "deployment_bands", "STATE_COLORS"]

#: One colour per state (colour-blind safe); RUNNING is the solid one to look for.
STATE_COLORS = {
    "PROVISIONING": OKABE_ITO["sky_blue"],
    "PENDING": OKABE_ITO["yellow"],
    "ACTIVATING": OKABE_ITO["orange"],
    "RUNNING": OKABE_ITO["bluish_green"],
    "DEACTIVATING": OKABE_ITO["reddish_purple"],
    "STOPPING": OKABE_ITO["vermillion"],
    "DEPROVISIONING": OKABE_ITO["black"],
}
_FMT = "%Y-%m-%d %H:%M:%S.%f"


def deployment_bands(events: pd.DataFrame) -> pd.DataFrame:
    """Deployments as bands (columns start, end, label, new): the hook the services lessons
    fill. Until the engine records deployment facts this is empty; pass your own table as
    ``bands=`` to :func:`task_timeline_figure` meanwhile."""
    return pd.DataFrame(columns=["start", "end", "label", "new"])


def _t(ts) -> str:
    return pd.Timestamp(ts).strftime(_FMT)[:-3]


def task_timeline_figure(
    source,
    cluster: str | None = None,
    until: datetime | None = None,
    bands: pd.DataFrame | None = None,
) -> go.Figure:
    """One row per task (``family #n`` in creation order), a bar per lifecycle state from
    PROVISIONING to DEPROVISIONING (STOPPED ends the row), a diamond where a task began stopping
    (vermillion when the stop is a fault), a cross per container exit with a non-zero code and a
    row of failed placements. ``until`` draws the lab as of an earlier time; ``bands`` (start,
    end, label, new) shades deployments (:func:`deployment_bands`)."""
    events = source.events if hasattr(source, "events") else source
    seg, marks = task_states(events, cluster, until)
    labels = list(dict.fromkeys(seg["label"].tolist() + marks["label"].tolist()))
    fig = go.Figure(layout={"template": TEMPLATE})
    for state in STATES[:-1]:
        part = seg[seg["state"] == state]
        ms = ((part["end"] - part["start"]).dt.total_seconds() * 1000).tolist()
        fig.add_trace(
            go.Bar(
                name=state,
                orientation="h",
                y=part["label"].tolist(),
                x=ms,
                base=[_t(s) for s in part["start"]],
                marker={"color": STATE_COLORS[state], "line": {"color": "white", "width": 0.5}},
                customdata=part["task_id"].tolist(),
                hovertext=[
                    _(
                        "<b>{label}</b> {state}<br>{start} to {end} ({seconds} s{still})"
                        "<br>task {task}"
                    ).format(
                        label=lab,
                        state=state,
                        start=f"{s:%H:%M:%S.%f}"[:-3],
                        end=f"{e:%H:%M:%S.%f}"[:-3],
                        seconds=f"{m / 1000:g}",
                        still=_(", still") if o else "",
                        task=tid,
                    )
                    for lab, s, e, m, o, tid in zip(
                        part["label"],
                        part["start"],
                        part["end"],
                        ms,
                        part["open"],
                        part["task_id"],
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    styles = {
        "stopping": (_("stop (fault in vermillion)"), "diamond", 11),
        "container exited": (_("container exited (non-zero in vermillion)"), "x", 9),
        "placement failed": (_("placement failed"), "x-thin-open", 12),
    }
    for kind, (name, symbol, size) in styles.items():
        part = marks[marks["kind"] == kind]
        if kind == "container exited":
            part = part[part["fault"].astype(bool)]
        colors = [ROLE["fail"] if f else ROLE["input"] for f in part["fault"]]
        fig.add_trace(
            go.Scatter(
                name=name,
                mode="markers",
                x=[_t(t) for t in part["time"]],
                y=part["label"].tolist(),
                marker={"symbol": symbol, "size": size, "color": colors, "line": {"width": 2}},
                hovertext=part["text"].tolist(),
                hoverinfo="text",
            )
        )
    if bands is None:
        bands = deployment_bands(events)
    for _i, b in bands.iterrows():
        fig.add_vrect(
            x0=_t(b["start"]),
            x1=_t(b["end"]),
            fillcolor=ROLE["with_trunking" if b.get("new", True) else "without_trunking"],
            opacity=0.12,
            line_width=0,
            annotation_text=str(b["label"]),
            annotation_position="top left",
        )
    as_of = (
        _(" as of {time}").format(time=f"{pd.Timestamp(until):%H:%M:%S}")
        if until is not None
        else ""
    )
    n = seg["task_id"].nunique()
    return time_rows_layout(
        fig,
        title=_("Task lifecycle over simulated time{as_of} ({n} task(s))").format(as_of=as_of, n=n),
        y_title=_("task (family #n, in creation order)"),
        rows=labels,
        empty_text=None if labels else _("no tasks yet"),
        base_height=220,
        per_row=26,
        barmode="overlay",
        yaxis={"dtick": 1},
    )
