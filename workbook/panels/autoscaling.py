"""Service auto scaling panel: a load slider (peak requests per second) and an advance button
drive a live scaling chart (load, CPU, desired and running counts, alarm bands, activities)."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ..aws import Outcome
from ..charts.autoscaling import activity_points, scaling_figure, scaling_layout, scaling_traces
from ..i18n import _
from ..views.autoscaling import scaling_history
from .base import Panel, header, sync_figure

__all__ = ["ScalingPanel"]


class ScalingPanel(Panel):
    """Set a service's offered load with the slider, move the clock, watch the policy act.

    Actions: :meth:`set_load` (what the slider calls: ramps the load to ``rps`` over
    ``ramp_s`` seconds and holds it), :meth:`advance`, :meth:`refresh`. :attr:`figure` is the
    ``go.FigureWidget``; :attr:`history` the per-minute table it draws."""

    css_class = "ecslab-scaling-panel"

    @property
    def title(self) -> str:
        return _("Service auto scaling panel")

    def __init__(
        self,
        lab,
        cluster: str,
        service: str,
        target: float | None = 50.0,
        max_rps: int = 400,
        step: str = "10m",
        noise: float = 0.05,
    ) -> None:
        super().__init__()
        self.lab, self.cluster, self.service, self.target = lab, cluster, service, target
        self.noise = noise
        self.start = lab.now
        self.slider = w.IntSlider(
            value=0,
            min=0,
            max=max_rps,
            step=10,
            description=_("load (rps)"),
            continuous_update=False,
        )
        self.step = w.Dropdown(
            options=["1m", "5m", "10m", "30m"], value=step, description=_("step")
        )
        self.go = w.Button(description=_("advance"), icon="forward")
        self.go.on_click(lambda _b: self.advance(self.step.value))
        self.slider.observe(self._slid, names="value")
        self.history = scaling_history(lab, cluster, service, self.start)
        self.figure = go.FigureWidget(scaling_figure(lab, cluster, service, target, self.start))
        self.widget = w.VBox(
            [
                header(self.title),
                w.HBox([self.slider, self.step, self.go]),
                self.status,
                self.figure,
            ]
        )
        self._mark()
        self.show(
            Outcome(
                True, _("service {service}: move the slider, then advance").format(service=service)
            )
        )

    def _slid(self, change) -> None:
        if not self._holding:
            self.set_load(int(change["new"]))

    def set_load(self, rps: float, ramp_s: int = 300) -> Outcome:
        """Ramp the offered load from what it is now to ``rps`` over ``ramp_s`` seconds."""
        now = self.lab.alarms.offered_load(self.cluster, self.service, [self.lab.now])[0]
        self.lab.act(
            "set_load",
            cluster=self.cluster,
            service=self.service,
            points=[[0, round(now, 3)], [ramp_s, float(rps)]],
            noise=self.noise,
        )
        with self._hold():
            self.slider.value = int(rps)
        return self.show(
            Outcome(
                True,
                _("load ramps to {rps} requests/s over {seconds} s").format(
                    rps=f"{rps:g}", seconds=ramp_s
                ),
            )
        )

    def advance(self, duration: str = "10m") -> Outcome:
        self.lab.advance(duration)
        self.refresh()
        last = self.history.iloc[-1]
        cpu = (
            _("no datapoint")
            if pd.isna(last["cpu"])
            else _("CPU {cpu} %").format(cpu=f"{last['cpu']:.0f}")
        )
        return self.show(
            Outcome(
                True,
                _(
                    "{time} UTC: {rps} requests/s, {cpu}, desired {desired}, running {running}"
                ).format(
                    time=f"{self.lab.now:%H:%M}",
                    rps=f"{last['load_rps']:.0f}",
                    cpu=cpu,
                    desired=last["desired"],
                    running=last["running"],
                ),
            )
        )

    def refresh(self) -> None:
        lab = self.lab
        self.history = scaling_history(lab, self.cluster, self.service, self.start)
        traces = scaling_traces(self.history, activity_points(lab, self.cluster, self.service))
        for t in traces:  # the figure's subplot axes carry over; only the data changes
            t.pop("xaxis", None), t.pop("yaxis", None)
        layout = scaling_layout(lab, self.cluster, self.service, self.target)
        sync_figure(self.figure, traces, {"shapes": layout["shapes"]})
