"""The realtime clock for ``ecslab serve --clock realtime --speed X`` (classroom demos).

This module (with the waiter pacing in ``waiters.py``) is the only part of ecslab that looks at
the wall clock. It never changes how the engine works: it calls ``lab.advance_to`` like a learner
would, so every move is a recorded ``ClockAdvanced`` input and a saved lab replays exactly.

Time moves lazily: before each request the server calls :meth:`RealtimeClock.sync` (at most one
input row per simulated second), and a background thread syncs whenever a timer falls due, so
tasks start and health checks fire on time even when nobody is calling.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

__all__ = ["RealtimeClock"]


class RealtimeClock:
    def __init__(
        self,
        lab,
        speed: float = 1.0,
        *,
        tick: float = 0.2,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        if not speed > 0:
            raise ValueError("speed must be a positive number (simulated seconds per second)")
        self.lab = lab
        self.speed = float(speed)
        self.tick = tick
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rebase()

    def rebase(self) -> None:
        """Anchor simulated time ``lab.now`` to the wall clock's present (after a manual jump)."""
        with self.lab._lock:
            self._anchor = (self.lab.now, time.monotonic())

    def target(self):
        sim, wall = self._anchor
        t = sim + timedelta(seconds=(time.monotonic() - wall) * self.speed)
        return t.replace(microsecond=0)

    def sync(self) -> bool:
        """Bring the lab's clock up to the wall clock; True if it moved."""
        with self.lab._lock:
            target = self.target()
            if target <= self.lab.now:
                return False
            self.lab.advance_to(target)
            return True

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            moved = False
            with self.lab._lock:
                due = self.lab.clock.peek()
                if due is not None and due <= self.target():
                    moved = self.sync()
            if moved and self.on_change is not None:
                self.on_change()

    def start(self) -> RealtimeClock:
        self._thread = threading.Thread(target=self._run, name="ecslab-realtime", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
