"""Container Insights panel: a live FigureWidget of CPU/memory reserved vs utilised and running
tasks, with a level (cluster / service / task family) and a group selector."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go

from ..aws import Outcome
from ..charts.insights import (
    LEVEL_DIMENSIONS,
    insights_figure,
    metric_groups,
    metric_series,
    metric_traces,
)
from ..i18n import _
from .base import Panel, header

__all__ = ["InsightsPanel"]


class InsightsPanel(Panel):
    """Pick a level and a cluster, service or family; the three charts follow.

    Actions: :meth:`select_level`, :meth:`select`, :meth:`refresh` (after the lab moved on).
    :attr:`figure` is the ``go.FigureWidget``; :attr:`series` the wide table on it."""

    css_class = "ecslab-insights-panel"

    @property
    def title(self) -> str:
        return _("Container Insights panel")

    def __init__(self, lab, level: str = "cluster", group: str | None = None) -> None:
        super().__init__()
        self.lab = lab
        if level not in LEVEL_DIMENSIONS:
            raise ValueError(f"level must be one of {', '.join(LEVEL_DIMENSIONS)}")
        self.level = w.ToggleButtons(options=list(LEVEL_DIMENSIONS), value=level)
        groups = metric_groups(lab, level)
        self.group = w.Dropdown(
            options=groups, value=group if group in groups else (groups[0] if groups else None)
        )
        self.published = w.Checkbox(value=True, description=_("only what CloudWatch would have"))
        self.figure = go.FigureWidget(insights_figure(lab, level, self.group.value))
        self.series = metric_series(lab, level, self.group.value or "-")
        for control in (self.level, self.group, self.published):
            control.observe(self._changed, names="value")
        self.widget = w.VBox(
            [
                header(self.title),
                w.HBox([self.level, self.group, self.published]),
                self.status,
                self.figure,
            ]
        )
        self._mark()
        self._say()

    def _changed(self, _change=None) -> None:
        if not self._holding:
            self._update()

    def _say(self) -> Outcome:
        if not self.group.value:
            return self.show(
                Outcome(
                    False,
                    _("no {level} has metrics yet: run a task").format(level=self.level.value),
                )
            )
        points = (
            int(self.series["CpuReserved"].notna().sum()) if "CpuReserved" in self.series else 0
        )
        dim = LEVEL_DIMENSIONS[self.level.value]
        return self.show(
            Outcome(
                True,
                _("{dimension} {group}: {points} one-minute datapoints").format(
                    dimension=dim, group=self.group.value, points=points
                ),
            )
        )

    def _update(self) -> None:
        level, group = self.level.value, self.group.value
        self.series = metric_series(self.lab, level, group or "-", self.published.value)
        fresh = insights_figure(self.lab, level, group, self.published.value)
        with self.figure.batch_update():
            for old, new in zip(self.figure.data, metric_traces(self.series, level), strict=True):
                old.x, old.y, old.hovertemplate = new.x, new.y, new.hovertemplate
            self.figure.layout.title = fresh.layout.title
            self.figure.layout.annotations = fresh.layout.annotations
        self._say()

    # -- actions -----------------------------------------------------------------------------------

    def select_level(self, level: str) -> Outcome:
        if level not in LEVEL_DIMENSIONS:
            return self.show(
                Outcome(
                    False, _("level: one of {levels}").format(levels=", ".join(LEVEL_DIMENSIONS))
                )
            )
        groups = metric_groups(self.lab, level)
        with self._hold():
            self.level.value = level
            self.group.options = groups
            self.group.value = groups[0] if groups else None
        self._update()
        return self.last

    def select(self, group: str) -> Outcome:
        if group not in self.group.options:
            return self.show(
                Outcome(
                    False,
                    _("no {level} {group} has metrics; try one of {groups}").format(
                        level=self.level.value, group=repr(group), groups=list(self.group.options)
                    ),
                )
            )
        with self._hold():
            self.group.value = group
        self._update()
        return self.last

    def refresh(self) -> Outcome:
        """Re-read the lab (after the clock moved or tasks started)."""
        groups = metric_groups(self.lab, self.level.value)
        with self._hold():
            current = self.group.value
            self.group.options = groups
            self.group.value = current if current in groups else (groups[0] if groups else None)
        self._update()
        return self.last
