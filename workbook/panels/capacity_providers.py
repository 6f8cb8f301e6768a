"""Cluster auto scaling panel (lesson 13): a desired-count slider for a service on a capacity
provider and an advance button drive the live capacity chart (instances N and M, desired
capacity, tasks running and waiting, CapacityProviderReservation against the target)."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go

from ..aws import Outcome, client
from ..charts.providers import capacity_figure
from ..i18n import _
from ..views.providers import capacity_history
from .base import Panel, header

__all__ = ["CapacityPanel"]


class CapacityPanel(Panel):
    """Change a service's desired count, move the clock, watch managed scaling follow.

    Actions: :meth:`set_desired` (what the slider calls), :meth:`advance`, :meth:`refresh`.
    :attr:`figure` is the ``go.FigureWidget``; :attr:`history` the per-minute table it draws."""

    title = "Cluster auto scaling panel"
    css_class = "ecslab-capacity-panel"

    def __init__(
        self, lab, cluster: str, service: str, provider: str, max_tasks: int = 20, step="5m"
    ) -> None:
        super().__init__()
        self.lab, self.cluster, self.service, self.provider = lab, cluster, service, provider
        svc = client(lab, "ecs").describe_services(cluster=cluster, services=[service])
        desired = svc["services"][0]["desiredCount"] if svc["services"] else 0
        self.slider = w.IntSlider(
            value=desired, min=0, max=max_tasks, description=_("tasks"), continuous_update=False
        )
        self.step = w.Dropdown(
            options=["1m", "5m", "15m", "30m"], value=step, description=_("step")
        )
        self.go = w.Button(description=_("advance"), icon="forward")
        self.go.on_click(lambda _b: self.advance(self.step.value))
        self.slider.observe(self._slid, names="value")
        self.history = capacity_history(lab, cluster, provider)
        self.figure = go.FigureWidget(capacity_figure(lab, cluster, provider))
        self.widget = w.VBox(
            [
                header(_(self.title)),
                w.HBox([self.slider, self.step, self.go]),
                self.status,
                self.figure,
            ]
        )
        self._mark()
        self.show(Outcome(True, _("service {s}: set its tasks, then advance").format(s=service)))

    def _slid(self, change) -> None:
        if not self._holding:
            self.set_desired(int(change["new"]))

    def set_desired(self, count: int) -> Outcome:
        """UpdateService desiredCount (the slider's action)."""
        client(self.lab, "ecs").update_service(
            cluster=self.cluster, service=self.service, desiredCount=int(count)
        )
        with self._hold():
            self.slider.value = int(count)
        return self.show(
            Outcome(True, _("service {s} wants {n} tasks").format(s=self.service, n=count))
        )

    def advance(self, duration: str = "5m") -> Outcome:
        self.lab.advance(duration)
        self.refresh()
        if self.history.empty:
            return self.show(Outcome(True, _("no managed-scaling datapoint yet")))
        last = self.history.iloc[-1]
        return self.show(
            Outcome(
                True,
                _(
                    "{t} UTC: {n} instances, {m} needed, CapacityProviderReservation {r:.0f} % "
                    "(target {g} %), tasks {run} running, {wait} waiting"
                ).format(
                    t=f"{self.lab.now:%H:%M}",
                    n=last["instances"],
                    m=last["needed"],
                    r=last["reservation"],
                    g=last["target"],
                    run=last["running"],
                    wait=last["pending"],
                ),
            )
        )

    def refresh(self) -> None:
        self.history = capacity_history(self.lab, self.cluster, self.provider)
        fresh = capacity_figure(self.lab, self.cluster, self.provider)
        with self.figure.batch_update():
            for old, new in zip(self.figure.data, fresh.data, strict=True):
                old.x, old.y = new.x, new.y
