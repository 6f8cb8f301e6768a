"""Clock panel: move the lab's simulated time forward and see what time it is."""

from __future__ import annotations

from datetime import datetime, timedelta

import ipywidgets as w

from ..aws import Outcome
from .base import Panel, header

__all__ = ["ClockPanel", "STEPS"]

#: Button label -> seconds.
STEPS = {"+10 s": 10, "+1 m": 60, "+10 m": 600}


def _since(delta: timedelta) -> str:
    s = int(delta.total_seconds())
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}h {m:02d}m {sec:02d}s"


class ClockPanel(Panel):
    """Buttons for +10 s, +1 m, +10 m (each calls :meth:`advance`), and the time shown."""

    title = "Clock panel"
    css_class = "ecslab-clock-panel"

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.now_label = w.HTML().add_class("ecslab-clock-now")
        self.buttons = {label: w.Button(description=label) for label in STEPS}
        for label, button in self.buttons.items():
            button.on_click(lambda _b, s=STEPS[label]: self.advance(s))
        self.widget = w.VBox(
            [header("Simulated clock"), self.now_label, w.HBox(list(self.buttons.values()))]
            + [self.status]
        )
        self._mark()
        self.refresh()

    @property
    def now_text(self) -> str:
        now = self.lab.now
        return f"{now:%Y-%m-%d %H:%M:%S} UTC ({_since(now - self.lab.start)} since the lab started)"

    def refresh(self) -> None:
        self.now_label.value = f"Simulated time: <code>{self.now_text}</code>"

    def advance(self, duration: str | float | int | timedelta) -> datetime:
        """``lab.advance(duration)`` (fires whatever falls due), then refresh."""
        try:
            before = self.lab.now
            now = self.lab.advance(duration)
        except ValueError as exc:
            self.show(Outcome(False, str(exc)))
            return self.lab.now
        self.refresh()
        self.show(Outcome(True, f"advanced {_since(now - before)} to {now:%H:%M:%S} UTC"))
        return now
