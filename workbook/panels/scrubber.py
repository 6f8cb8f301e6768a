"""Time scrubber: any chart drawn as of a chosen past time, with a slider over the moments
something happened (the lab is its event table; nothing is replayed to draw the past)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w
import plotly.graph_objects as go

from ..aws import Outcome
from ..charts.placement import placement_figure
from ..charts.task_timeline import task_timeline_figure
from ..i18n import _
from ..views.scrub import at_offset, moments
from .base import Panel, header, sync_figure

__all__ = ["TimeScrubber", "CHARTS"]

#: Named charts the scrubber can draw: name -> f(lab, cluster, until) -> go.Figure.
CHARTS: dict[str, Callable] = {
    "placement": lambda lab, cluster, until: placement_figure(lab, cluster, until),
    "timeline": lambda lab, cluster, until: task_timeline_figure(lab, cluster, until),
}


class TimeScrubber(Panel):
    """A slider over the lab's event times and a chart redrawn as of the chosen one.

    ``chart`` is a name of :data:`CHARTS` or any ``f(lab, cluster, until) -> go.Figure``.
    :meth:`show_at` picks a time (``datetime``, or seconds since the lab started);
    :meth:`refresh` re-reads the lab's events (new moments appear on the slider)."""

    css_class = "ecslab-time-scrubber"

    @property
    def title(self) -> str:
        return _("Time scrubber")

    def __init__(self, lab, chart: str | Callable = "placement", cluster: str = "default") -> None:
        super().__init__()
        self.lab = lab
        self.cluster = cluster
        self.draw = CHARTS[chart] if isinstance(chart, str) else chart
        self.slider = w.SelectionSlider(options=[(_("start"), 0.0)], description=_("As of"))
        self.slider.add_class("ecslab-scrub-slider")
        self.slider.observe(lambda c: None if self._holding else self.show_at(c["new"]), "value")
        self.until: datetime = lab.now
        self.figure = go.FigureWidget(self.draw(lab, cluster, self.until))
        self.widget = w.VBox([header(self.title), self.slider, self.status, self.figure])
        self._mark()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the lab's moments; the slider moves to now."""
        stops = moments(self.lab) or [(_("start"), 0.0)]
        now = (self.lab.now - self.lab.start).total_seconds()
        if stops[-1][1] != now:
            stops.append((_("{time} (now)").format(time=f"{self.lab.now:%H:%M:%S}"), now))
        with self._hold():
            self.slider.options = stops
            self.slider.value = stops[-1][1]
        self.show_at(stops[-1][1])

    def show_at(self, when: datetime | float) -> go.FigureWidget:
        """Redraw the chart as of ``when`` (one ``batch_update``)."""
        until = when if isinstance(when, datetime) else at_offset(self.lab.start, when)
        self.until = until
        fig = self.draw(self.lab, self.cluster, until)
        traces = [{**t.to_plotly_json()} for t in fig.data]
        layout = fig.layout.to_plotly_json()
        layout.pop("template", None)
        sync_figure(self.figure, traces, layout)
        self.show(Outcome(True, _("as of {time} UTC").format(time=f"{until:%H:%M:%S}")))
        return self.figure
