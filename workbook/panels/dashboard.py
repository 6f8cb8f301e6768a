"""A console-style dashboard: pick a cluster, see its instances, tasks, services and their events
as tables, with the placement map and the task timeline next to them."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go

from ..aws import Outcome
from ..charts.placement import placement_figure
from ..charts.task_timeline import task_timeline_figure
from ..i18n import _
from ..progress import advance_with_progress
from ..views.console import Console
from ..views.headers import display
from .base import Panel, header, sync_figure

__all__ = ["ConsoleDashboard"]


def _html(df) -> str:
    if df.empty:
        return "<em>{}</em>".format(_("none"))
    return display(df).to_html(index=df.index.name is not None, border=0)


class ConsoleDashboard(Panel):
    css_class = "ecslab-dashboard"

    @property
    def title(self) -> str:
        return _("console dashboard")

    def __init__(self, lab, cluster: str | None = None) -> None:
        super().__init__()
        self.lab = lab
        self.console = Console(lab, cluster)
        self.cluster = w.Dropdown(description=_("cluster"))
        self.cluster.observe(
            lambda ch: self.select(ch["new"]) if ch["new"] else None, names="value"
        )
        self.refresh_button = w.Button(description=_("Refresh"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.advance_button = w.Button(description="+10 m")
        self.advance_button.on_click(lambda _: self.advance("10m"))
        self.progress = w.IntProgress(min=0, max=1, value=0, layout={"visibility": "hidden"})
        self.tables = {
            k: w.HTML() for k in ("clusters", "instances", "tasks", "services", "events")
        }
        tabs = w.Tab(
            children=[self.tables[k] for k in ("instances", "tasks", "services", "events")]
        )
        names = (_("Instances"), _("Tasks"), _("Services"), _("Service events"))
        for i, name in enumerate(names):
            tabs.set_title(i, name)
        self.map = go.FigureWidget()
        self.timeline = go.FigureWidget()
        self.widget = w.VBox(
            [
                header(_("Clusters")),
                self.tables["clusters"],
                w.HBox([self.cluster, self.refresh_button, self.advance_button, self.progress]),
                tabs,
                w.HBox([self.map, self.timeline]),
                self.status,
            ]
        )
        self._mark()
        self.refresh()

    # -- actions (tests call these) ---------------------------------------------------------------

    def select(self, cluster: str) -> Outcome:
        try:
            self.console.select(cluster)
        except ValueError as e:
            return self.show(Outcome(False, str(e)))
        self.refresh()
        return self.last or self.show(Outcome(True, _("showing {cluster}").format(cluster=cluster)))

    def advance(self, duration: str = "10m") -> Outcome:
        """Move the lab's clock in steps, with a progress bar, then redraw."""
        self.progress.layout.visibility = "visible"
        advance_with_progress(self.lab, duration, bar=self.progress)
        self.progress.layout.visibility = "hidden"
        self.refresh()
        return self.last

    def refresh(self) -> Outcome:
        clusters = self.console.clusters()
        self.tables["clusters"].value = _html(clusters)
        names = list(clusters.index)
        if not names:
            return self.show(Outcome(True, _("no clusters yet: create one to see it here")))
        current = self.console.cluster if self.console.cluster in names else names[0]
        self.console.cluster = current
        with self._hold():
            self.cluster.options = names
            self.cluster.value = current
        self.tables["instances"].value = _html(self.console.instances())
        self.tables["tasks"].value = _html(self.console.tasks())
        services = self.console.services()
        self.tables["services"].value = _html(services)
        self.tables["events"].value = "".join(
            f"<b>{s}</b>" + _html(self.console.events(s)) for s in services["service"]
        ) or "<em>{}</em>".format(_("no services"))
        for widget, fig in (
            (self.map, placement_figure(self.lab, current)),
            (self.timeline, task_timeline_figure(self.lab, current)),
        ):
            sync_figure(widget, [t.to_plotly_json() for t in fig.data], fig.layout.to_plotly_json())
        return self.show(
            Outcome(
                True,
                _("{cluster}: {instances} instance(s), {services} service(s) at {time}").format(
                    cluster=current,
                    instances=len(self.console.instances()),
                    services=len(services),
                    time=f"{self.lab.now:%H:%M:%S}",
                ),
            )
        )
