"""Fargate vs EC2 cost explorer: two live FigureWidgets (cost against task count and against
utilisation) driven by a task size, a count, instance types, utilisation, network mode, trunking
and the Fargate rate. Every number comes from ``lab.compare_launch_types``."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ecslab.core import catalog

from ..aws import Outcome
from ..charts.cost import cost_vs_count_figure, count_layout, count_traces
from ..charts.utilization import (
    cost_vs_utilization_figure,
    utilization_layout,
    utilization_traces,
)
from ..i18n import _, money
from ..views.capacity import task_label
from ..views.costs import comparison_table
from ..views.taskdefs import fargate_sizes
from .base import Panel, header

__all__ = ["CostExplorer", "FARGATE_RATES", "MAX_TYPES"]

#: Instance types the charts hold at once (each has its own colour and marker).
MAX_TYPES = 6
#: Label -> (arch, capacity) of the Fargate rate compared.
FARGATE_RATES = {
    "On-Demand x86_64": ("x86_64", "on_demand"),
    "On-Demand arm64 (Graviton)": ("arm64", "on_demand"),
    "Spot x86_64 (unverified price)": ("x86_64", "spot"),
}


def fargate_rate_labels() -> list[tuple[str, str]]:
    """(label in the reader's language, key of :data:`FARGATE_RATES`) for the dropdown."""
    labels = (
        _("On-Demand x86_64"),
        _("On-Demand arm64 (Graviton)"),
        _("Spot x86_64 (unverified price)"),
    )
    return list(zip(labels, FARGATE_RATES, strict=True))


def _size_options() -> list[tuple[str, tuple[int, int]]]:
    sizes = fargate_sizes()
    return [
        (task_label(int(c), int(m)), (int(c), int(m)))
        for c, m in zip(sizes["cpu_units"], sizes["memory_mib"], strict=True)
    ]


class CostExplorer(Panel):
    """Pick a workload; both charts and the table follow.

    Actions (what the controls call): :meth:`set_task`, :meth:`set_count`, :meth:`select_types`,
    :meth:`set_utilization`, :meth:`set_network`, :meth:`set_fargate`. :attr:`comparison` is the
    ``Comparison`` on the charts, :attr:`table` its rows at the chosen count (money to the cent),
    :attr:`count_figure` and :attr:`utilization_figure` the ``go.FigureWidget`` s."""

    @property
    def title(self) -> str:
        return _("Fargate vs EC2 cost explorer")

    def __init__(
        self,
        lab,
        task_cpu: int = 512,
        task_memory: int = 1024,
        count: int = 10,
        instance_types: Iterable[str] = ("m5.large", "c5.large"),
        utilization: float = 1.0,
        network_mode: str = "awsvpc",
        trunking: bool = True,
        arch: str = "x86_64",
        capacity: str = "on_demand",
        hours: float = 730.0,
    ) -> None:
        super().__init__()
        self.lab = lab
        self.hours = hours
        sizes = _size_options()
        values = [v for _, v in sizes]
        if (task_cpu, task_memory) not in values:
            sizes.append(
                (
                    _("{size} (not a Fargate size)").format(size=task_label(task_cpu, task_memory)),
                    (task_cpu, task_memory),
                )
            )
        self.size = w.Dropdown(
            options=sizes, value=(task_cpu, task_memory), description=_("Task size")
        )
        self.count = w.IntSlider(value=count, min=1, max=100, description=_("Tasks"))
        self.types = w.SelectMultiple(
            options=list(catalog.instance_types().index),
            value=tuple(instance_types),
            description=_("EC2 types"),
            rows=8,
        )
        self.utilization = w.IntSlider(
            value=round(100 * utilization), min=1, max=100, description=_("Runs (%)")
        )
        self.network = w.ToggleButtons(options=["awsvpc", "bridge"], value=network_mode)
        self.trunking = w.Checkbox(value=bool(trunking), description=_("ENI trunking on"))
        rate = next((k for k, v in FARGATE_RATES.items() if v == (arch, capacity)), None)
        if rate is None:
            raise ValueError(f"no Fargate rate choice for {arch}/{capacity}")
        # Labels in the reader's language; the value stays the English key of FARGATE_RATES.
        self.fargate = w.Dropdown(options=fargate_rate_labels(), value=rate, description="Fargate")
        controls = (
            self.size,
            self.count,
            self.types,
            self.utilization,
            self.network,
            self.trunking,
            self.fargate,
        )
        for control in controls:
            control.observe(self._changed, names="value")
        self.comparison = self._compute()
        self.count_figure = go.FigureWidget(cost_vs_count_figure(self.comparison, MAX_TYPES))
        self.utilization_figure = go.FigureWidget(
            cost_vs_utilization_figure(self.comparison, MAX_TYPES)
        )
        self.table = comparison_table(self.comparison, [count])
        self.widget = w.VBox(
            [
                header(self.title),
                w.HBox(
                    [
                        w.VBox([self.size, self.count, self.utilization, self.fargate]),
                        w.VBox([self.types]),
                        w.VBox([self.network, self.trunking]),
                    ]
                ),
                self.status,
                self.count_figure,
                self.utilization_figure,
            ]
        )
        self._say()

    # -- state -------------------------------------------------------------------------------------

    def _compute(self):
        types = list(self.types.value)
        if not 1 <= len(types) <= MAX_TYPES:
            raise ValueError(_("choose 1 to {n} EC2 instance types").format(n=MAX_TYPES))
        cpu, memory = self.size.value
        arch, capacity = FARGATE_RATES[self.fargate.value]
        return self.lab.compare_launch_types(
            cpu=cpu,
            memory=memory,
            count=self.count.value,
            hours=self.hours,
            instance_types=types,
            utilization=self.utilization.value / 100,
            network_mode=self.network.value,
            trunking=self.trunking.value,
            arch=arch,
            capacity=capacity,
        )

    # -- actions -------------------------------------------------------------------------------------

    def set_task(self, cpu: int, memory: int) -> pd.DataFrame:
        """Task size in CPU units (1024 = 1 vCPU) and MiB (a Fargate size)."""
        if (cpu, memory) not in [v for _, v in self.size.options]:
            return self._refuse(
                _("{size} is not a Fargate task size").format(size=task_label(cpu, memory))
            )
        with self._hold():
            self.size.value = (cpu, memory)
        return self.update()

    def set_count(self, count: int) -> pd.DataFrame:
        if not self.count.min <= count <= self.count.max:
            return self._refuse(
                _("tasks: {low} to {high}").format(low=self.count.min, high=self.count.max)
            )
        with self._hold():
            self.count.value = int(count)
        return self.update()

    def select_types(self, types: Iterable[str]) -> pd.DataFrame:
        types = tuple(types)
        unknown = [t for t in types if t not in self.types.options]
        if unknown:
            return self._refuse(_("not in the catalog: {types}").format(types=", ".join(unknown)))
        if not 1 <= len(types) <= MAX_TYPES:
            return self._refuse(_("choose 1 to {n} EC2 instance types").format(n=MAX_TYPES))
        with self._hold():
            self.types.value = types
        return self.update()

    def set_utilization(self, percent: float) -> pd.DataFrame:
        """Share of the hours the tasks run, in % (1 to 100)."""
        if not 1 <= percent <= 100:
            return self._refuse(_("utilisation is a share of the hours: 1 to 100 %"))
        with self._hold():
            self.utilization.value = round(percent)
        return self.update()

    def set_network(self, mode: str, trunking: bool | None = None) -> pd.DataFrame:
        """``awsvpc`` (one ENI per task; trunking raises the limit) or ``bridge``."""
        if mode not in self.network.options:
            return self._refuse(
                _("network mode: one of {modes}").format(modes=", ".join(self.network.options))
            )
        with self._hold():
            self.network.value = mode
            if trunking is not None:
                self.trunking.value = bool(trunking)
        return self.update()

    def set_fargate(self, arch: str = "x86_64", capacity: str = "on_demand") -> pd.DataFrame:
        label = next((k for k, v in FARGATE_RATES.items() if v == (arch, capacity)), None)
        if label is None:
            return self._refuse(
                _("ecslab ships no Fargate {capacity} price for {arch}").format(
                    capacity=capacity, arch=arch
                )
            )
        with self._hold():
            self.fargate.value = label
        return self.update()

    def update(self) -> pd.DataFrame:
        """Recompute and redraw both charts (one ``batch_update`` each)."""
        try:
            cmp = self._compute()
        except ValueError as exc:
            return self._refuse(str(exc))
        self.comparison = cmp
        self.table = comparison_table(cmp, [cmp.workload["count"]])
        with self.count_figure.batch_update():
            for trace, data in zip(
                self.count_figure.data, count_traces(cmp, MAX_TYPES), strict=True
            ):
                trace.update(data)
            self.count_figure.layout.update(count_layout(cmp))
        with self.utilization_figure.batch_update():
            for trace, data in zip(
                self.utilization_figure.data, utilization_traces(cmp, MAX_TYPES), strict=True
            ):
                trace.update(data)
            self.utilization_figure.layout.update(utilization_layout(cmp))
        self._say()
        return self.table

    def _refuse(self, message: str) -> pd.DataFrame:
        self.show(Outcome(False, message))
        return self.table

    def _say(self) -> None:
        cmp = self.comparison
        n = cmp.workload["count"]
        parts = []
        for t, be in cmp.break_even_count.items():
            row = self.table[self.table["instance_type"] == t].iloc[0]
            ec2 = _("does not fit") if pd.isna(row["ec2_usd"]) else money(row["ec2_usd"])
            even = _("{n} tasks").format(n=be) if be is not None else _("none")
            parts.append(
                _(
                    "{instance_type}: {n} tasks cost {ec2} on EC2 vs {fargate} on Fargate, "
                    "break-even {even}"
                ).format(
                    instance_type=t, n=n, ec2=ec2, fargate=money(row["fargate_usd"]), even=even
                )
            )
        self.show(Outcome(True, "; ".join(parts)))

    def _changed(self, change) -> None:
        if not self._holding:
            self.update()
