"""What every panel shares: a root widget, a status line, and a deterministic text repr."""

from __future__ import annotations

import html
from contextlib import contextmanager
from typing import Any

import ipywidgets as w

from ..aws import Outcome
from ..i18n import _
from ..palette import ROLE
from .snapshot import snapshot_html

__all__ = ["Panel"]


class Panel:
    """Base of the panels. Subclasses build ``self.widget`` (the root) and call ``show(outcome)``."""

    #: English name of the panel; subclasses override :attr:`title` as a property that
    #: translates it when read (the language is chosen after import, in the lesson's first cell).
    title = "panel"
    #: CSS class of the root widget: a stable hook for browser tests and user stylesheets.
    css_class = "ecslab-panel"

    def __init__(self) -> None:
        self.status = w.HTML(value="")
        self.status.add_class("ecslab-status")
        self.last: Outcome | None = None
        self._holding = False
        self.widget: w.Widget = w.VBox()

    # -- status ------------------------------------------------------------------------------------

    def show(self, outcome: Outcome) -> Outcome:
        """Put an action's result on the status line (green tick or vermillion cross)."""
        self.last = outcome
        mark, color = ("✓", ROLE["ok"]) if outcome.ok else ("✗", ROLE["fail"])
        self.status.value = (
            f'<span style="color:{color};font-weight:bold">{mark}</span> '
            f"{html.escape(outcome.message)}"
        )
        return outcome

    @property
    def status_text(self) -> str:
        """The status line as plain text (what a test or a screen reader gets)."""
        return "" if self.last is None else ("✓ " if self.last.ok else "✗ ") + self.last.message

    @contextmanager
    def _hold(self):
        """Set several widget values without an update per change; the caller updates once."""
        self._holding, before = True, self._holding
        try:
            yield
        finally:
            self._holding = before

    def _mark(self) -> None:
        """Give the root widget its CSS classes (subclasses call this after building it)."""
        self.widget.add_class("ecslab-panel")
        self.widget.add_class(self.css_class)

    # -- display -------------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        # The widget's own text repr embeds random model/trace ids; say what it is instead.
        data["text/plain"] = _("{title} (an interactive panel: run the cell to use it)").format(
            title=self.title
        )
        # A static reader (no widget state is saved) shows this snapshot instead of the widget.
        data["text/html"] = self.snapshot()
        return bundle

    def snapshot(self) -> str:
        """The panel as it looks now, as static HTML (see :mod:`.snapshot`)."""
        return snapshot_html(self.widget, self.title)


def header(text: str) -> w.HTML:
    return w.HTML(value=f"<b>{html.escape(text)}</b>")


def sync_figure(widget, traces: list[dict], layout: dict) -> None:
    """Make a ``go.FigureWidget`` show ``traces`` (dicts with a ``type``) and ``layout``: in place
    inside one ``batch_update`` when the traces line up (same count, types and names), sending
    only the properties that changed since the last sync; else by replacing the traces (a new
    group appeared or went)."""
    last = getattr(widget, "_ecslab_last", None)
    same = len(widget.data) == len(traces) and all(
        old.type == t["type"] and old.name == t.get("name")
        for old, t in zip(widget.data, traces, strict=True)
    )
    if not same:
        widget.data = ()
        widget.add_traces([{**t} for t in traces])
        last = None
    with widget.batch_update():
        if same:
            for i, (old, t) in enumerate(zip(widget.data, traces, strict=True)):
                before = last[i] if last is not None else {}
                changed = {k: v for k, v in t.items() if k != "type" and before.get(k) != v}
                if changed:
                    old.update(changed, overwrite=True)
        widget.layout.update(layout, overwrite=True)
    widget._ecslab_last = traces
