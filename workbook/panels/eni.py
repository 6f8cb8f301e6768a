"""ENI trunking capacity explorer: a live FigureWidget with family, task-size and trunking controls."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ecslab.core import catalog

from ..aws import Outcome
from ..charts.eni import eni_capacity_figure, eni_layout, eni_traces
from ..i18n import _
from ..views.capacity import eni_capacity_table, families
from .base import Panel, header

__all__ = ["EniExplorer", "TASK_CPU_CHOICES"]

TASK_CPU_CHOICES = (256, 512, 1024, 2048, 4096, 8192, 16384)


class EniExplorer(Panel):
    """Pick instance families (or exact types), a task size and trunking; the chart follows.

    Actions: :meth:`set_task`, :meth:`set_trunking`, :meth:`select`; :attr:`table` is the data
    on the chart and :attr:`figure` the ``go.FigureWidget``."""

    css_class = "ecslab-eni-explorer"

    @property
    def title(self) -> str:
        return _("ENI trunking capacity explorer")

    def __init__(
        self,
        task_cpu: int = 256,
        task_memory: int = 512,
        trunking: bool = True,
        families_: Iterable[str] | None = None,
    ) -> None:
        super().__init__()
        all_families = families()
        chosen = list(families_) if families_ is not None else all_families
        self._types: list[str] | None = None
        self.families = w.SelectMultiple(
            options=all_families, value=tuple(chosen), description=_("Families"), rows=6
        )
        self.cpu = w.Dropdown(
            options=[(f"{c / 1024:g} vCPU ({c})", c) for c in TASK_CPU_CHOICES],
            value=task_cpu if task_cpu in TASK_CPU_CHOICES else 256,
            description=_("Task CPU"),
        )
        self.memory = w.BoundedIntText(
            value=task_memory, min=0, max=1_048_576, step=128, description=_("Memory MiB")
        )
        self.trunking = w.Checkbox(value=bool(trunking), description=_("ENI trunking on"))
        for control, hook in (
            (self.families, "families"),
            (self.cpu, "task-cpu"),
            (self.memory, "task-memory"),
            (self.trunking, "trunking"),
        ):
            control.add_class(f"ecslab-eni-{hook}")
            control.observe(self._changed, names="value")
        self._cpu_value = int(task_cpu)
        self.table = self._compute()
        self.figure = go.FigureWidget(
            eni_capacity_figure(self._cpu_value, self.memory.value, self.trunking.value, self.types)
        )
        self.widget = w.VBox(
            [
                header(self.title),
                w.HBox([self.families, w.VBox([self.cpu, self.memory, self.trunking])]),
                self.status,
                self.figure,
            ]
        )
        self._mark()

    # -- state -------------------------------------------------------------------------------------

    @property
    def types(self) -> list[str]:
        """The instance types on the chart (explicit :meth:`select` types, else the families')."""
        if self._types is not None:
            return list(self._types)
        chosen = set(self.families.value)
        family = catalog.instance_types()["family"]
        return [t for t, f in family.items() if f in chosen]

    def _compute(self) -> pd.DataFrame:
        return eni_capacity_table(
            self._cpu_value, self.memory.value, self.trunking.value, self.types
        )

    # -- actions -------------------------------------------------------------------------------------

    def set_task(self, cpu: int, memory: int) -> pd.DataFrame:
        """Task size in CPU units (1024 = 1 vCPU) and MiB; returns the new table."""
        with self._hold():
            if cpu in TASK_CPU_CHOICES:
                self.cpu.value = cpu
            self._cpu_value = int(cpu)
            self.memory.value = int(memory)
        return self.update()

    def set_trunking(self, on: bool) -> pd.DataFrame:
        with self._hold():
            self.trunking.value = bool(on)
        return self.update()

    def select(
        self, families: Iterable[str] | None = None, types: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Show these families, or exactly these types (in this order)."""
        with self._hold():
            if families is not None:
                self.families.value = tuple(families)
                self._types = None
            if types is not None:
                self._types = list(types)
        return self.update()

    def update(self) -> pd.DataFrame:
        """Recompute and redraw (one ``batch_update``: the front end gets one message)."""
        try:
            table = self._compute()
        except ValueError as exc:
            self.show(Outcome(False, str(exc)))
            return self.table
        self.table = table
        cpu, mem, trunk = self._cpu_value, self.memory.value, self.trunking.value
        traces = eni_traces(table, cpu, mem, trunk)
        with self.figure.batch_update():
            for trace, data in zip(self.figure.data, traces, strict=True):
                trace.update(data)
            self.figure.layout.update(eni_layout(len(table), cpu, mem, trunk))
        self.show(
            Outcome(
                True,
                _("{n} instance types; binding limits: {limits}").format(
                    n=len(table), limits=_summary(table)
                ),
            )
        )
        return table

    def _changed(self, change) -> None:
        if self._holding:
            return
        if change["owner"] is self.cpu:
            self._cpu_value = int(change["new"])
        if change["owner"] is self.families:
            self._types = None
        self.update()


def _summary(table: pd.DataFrame) -> str:
    counts = table["binding"].value_counts()
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
