"""Clock panel: move the lab's simulated time forward and see what time it is.

Three ways to move it, all through ``lab.advance`` (the engine's clock moves only there):

* the step buttons (+10 s, +1 m, +10 m);
* **until steady** (:meth:`ClockPanel.until_steady`): jump from one due timer to the next until
  the lab is *steady* -- no task between states (every task RUNNING or STOPPED) and no
  container instance REGISTERING or DEREGISTERING -- or until no timer is due within
  ``within`` (default 5 minutes: nothing would change soon), and never more than ``limit``
  (default 1 hour). A RUNNING ``sleep 360`` task is steady even though it will exit later;
  "until steady" does not wait for that.
* **play/pause**: an ``ipywidgets.Play`` beats once a second in the browser (a front-end
  timer, so the kernel stays free between beats); each beat calls :meth:`ClockPanel.tick`,
  which advances ``speed`` simulated seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import ipywidgets as w

from ecslab.core.clock import parse_duration

from ..aws import Outcome
from ..i18n import _, when
from ..views.placement import unsteady
from .base import Panel, header

__all__ = ["ClockPanel", "STEPS", "SPEEDS"]

#: Button label -> seconds.
STEPS = {"+10 s": 10, "+1 m": 60, "+10 m": 600}
#: Play speeds: label -> simulated seconds per beat (one beat a second).
SPEEDS = {"1 s/s": 1, "10 s/s": 10, "1 min/s": 60, "10 min/s": 600}
_MAX_JUMPS = 500


def _since(delta: timedelta) -> str:
    s = int(delta.total_seconds())
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return _("{h}h {m:02d}m {s:02d}s").format(h=h, m=m, s=sec)


class ClockPanel(Panel):
    """Buttons for +10 s, +1 m, +10 m (each calls :meth:`advance`), "until steady"
    (:meth:`until_steady`), play/pause at a speed (:meth:`play`, :meth:`pause`, :meth:`tick`),
    and the time shown. ``on_change`` callbacks run after every move (panels redraw there)."""

    css_class = "ecslab-clock-panel"

    @property
    def title(self) -> str:
        return _("Clock panel")

    def __init__(self, lab, speed: str = "10 s/s") -> None:
        super().__init__()
        self.lab = lab
        self.on_change: list = []
        self.now_label = w.HTML().add_class("ecslab-clock-now")
        self.buttons = {label: w.Button(description=label) for label in STEPS}
        for label, button in self.buttons.items():
            button.on_click(lambda _b, s=STEPS[label]: self.advance(s))
        self.steady_button = w.Button(description=_("until steady"))
        self.steady_button.add_class("ecslab-clock-steady")
        self.steady_button.on_click(lambda _b: self.until_steady())
        self.speed = w.Dropdown(options=list(SPEEDS), value=speed, description=_("Speed"))
        self.player = w.Play(value=0, min=0, max=10**9, step=1, interval=1000, show_repeat=False)
        self.player.add_class("ecslab-clock-play")
        self.player.observe(self._beat, names="value")
        self.widget = w.VBox(
            [
                header(_("Simulated clock")),
                self.now_label,
                w.HBox(list(self.buttons.values()) + [self.steady_button]),
                w.HBox([self.player, self.speed]),
                self.status,
            ]
        )
        self._mark()
        self.refresh()

    @property
    def now_text(self) -> str:
        now = self.lab.now
        return _("{time} UTC ({elapsed} since the lab started)").format(
            time=when(now), elapsed=_since(now - self.lab.start)
        )

    @property
    def playing(self) -> bool:
        return bool(self.player.playing)

    def refresh(self) -> None:
        self.now_label.value = _("Simulated time: {time}").format(
            time=f"<code>{self.now_text}</code>"
        )

    def _moved(self) -> None:
        self.refresh()
        for fn in list(self.on_change):
            fn()

    def advance(self, duration: str | float | int | timedelta) -> datetime:
        """``lab.advance(duration)`` (fires whatever falls due), then refresh."""
        try:
            before = self.lab.now
            now = self.lab.advance(duration)
        except ValueError as exc:
            self.show(Outcome(False, str(exc)))
            return self.lab.now
        self._moved()
        self.show(
            Outcome(
                True,
                _("advanced {elapsed} to {time} UTC").format(
                    elapsed=_since(now - before), time=f"{now:%H:%M:%S}"
                ),
            )
        )
        return now

    def until_steady(
        self, within: str | float | timedelta = "5m", limit: str | float | timedelta = "1h"
    ) -> Outcome:
        """Advance from due timer to due timer until the lab is steady (see the module doc)."""
        lab = self.lab
        within, limit = parse_duration(within), parse_duration(limit)
        start = lab.now
        jumps = 0
        why = ""
        while True:
            moving = unsteady(lab)
            if not moving:
                why = _("steady: every task RUNNING or STOPPED, no instance registering")
                break
            due = lab.clock.peek()
            if due is None or due - lab.now > within:
                why = _("nothing due within {within}: {n} still in between").format(
                    within=_since(within), n=len(moving)
                )
                break
            if due - start > limit or jumps >= _MAX_JUMPS:
                why = _("stopped after {elapsed}: {n} still in between").format(
                    elapsed=_since(lab.now - start), n=len(moving)
                )
                break
            lab.advance_to(max(due, lab.now))
            jumps += 1
        if lab.now != start:
            self._moved()
        return self.show(
            Outcome(
                True,
                _("advanced {elapsed} to {time} UTC; {why}").format(
                    elapsed=_since(lab.now - start), time=f"{lab.now:%H:%M:%S}", why=why
                ),
            )
        )

    # -- play / pause --------------------------------------------------------------------------------

    def play(self, speed: str | None = None) -> None:
        """Start the beat (in a browser: one :meth:`tick` a second)."""
        if speed is not None:
            self.speed.value = speed
        self.player.playing = True

    def pause(self) -> None:
        self.player.playing = False

    def tick(self) -> datetime:
        """One beat: advance by the chosen speed's simulated seconds."""
        return self.advance(SPEEDS[self.speed.value])

    def _beat(self, change) -> None:
        if change["new"] != change["old"] and self.player.playing:
            self.tick()
