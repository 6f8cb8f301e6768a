"""Simulated UTC time and a heap of timers.

Like SimPy's core: a clock, a heap ordered by (due time, sequence number) so timers due at the
same instant fire in the order they were set, and four verbs: ``at``, ``after``, ``cancel``,
``advance_to``. Nothing here reads the wall clock.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = ["Clock", "Timer", "parse_duration", "EPOCH_START"]

#: Every new lab starts at this instant unless told otherwise (a fixed UTC time, so outputs are
#: reproducible byte for byte).
EPOCH_START = datetime(2025, 1, 6, 9, 0, 0, tzinfo=timezone.utc)

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*")


def parse_duration(value: str | float | int | timedelta) -> timedelta:
    """``"90s"``, ``"5m"``, ``"1h30m"``, seconds as a number, or a timedelta -> timedelta."""
    if isinstance(value, timedelta):
        delta = value
    elif isinstance(value, bool):
        raise TypeError("a duration must be a string like '5m', a number of seconds or a timedelta")
    elif isinstance(value, (int, float)):
        delta = timedelta(seconds=value)
    elif isinstance(value, str):
        pos, total = 0, 0.0
        text = value.strip()
        if not text:
            raise ValueError("empty duration")
        while pos < len(text):
            m = _DURATION.match(text, pos)
            if not m:
                raise ValueError(
                    f"cannot read duration {value!r}: use forms like '90s', '5m', '1h30m'"
                )
            total += float(m.group(1)) * _UNITS[m.group(2)]
            pos = m.end()
        delta = timedelta(seconds=total)
    else:
        raise TypeError("a duration must be a string like '5m', a number of seconds or a timedelta")
    if delta < timedelta(0):
        raise ValueError("time only moves forward: the duration must not be negative")
    return delta


@dataclass(slots=True)
class Timer:
    """A callback due at ``due``: ``fn(*args)``. The arguments live here rather than in a
    ``functools.partial`` per timer: one object fewer for the collector per task."""

    due: datetime
    seq: int
    fn: Callable[..., None]
    label: str = ""
    args: tuple = ()
    cancelled: bool = False


class Clock:
    """Simulated time. ``now`` moves only through :meth:`advance_to`."""

    def __init__(self, start: datetime = EPOCH_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the start instant must be timezone-aware (UTC)")
        self.now: datetime = start.astimezone(timezone.utc)
        # (due, seq) tuples compare in C; seq is unique and names the timer in ``_timers``. They
        # hold no tracked object, so the collector untracks them (one object fewer per timer
        # for every full collection to walk).
        self._heap: list[tuple[datetime, int]] = []
        self._timers: dict[int, Timer] = {}
        self._seq = 0

    def at(
        self, due: datetime, fn: Callable[..., None], label: str = "", args: tuple = ()
    ) -> Timer:
        """Run ``fn(*args)`` when the clock reaches ``due`` (never in the past: clamped to now)."""
        self._seq = seq = self._seq + 1
        due = max(due, self.now)
        timer = self._timers[seq] = Timer(due, seq, fn, label, args)
        heapq.heappush(self._heap, (due, seq))
        return timer

    def after(
        self, delay: float | timedelta, fn: Callable[..., None], label: str = "", args: tuple = ()
    ) -> Timer:
        if not isinstance(delay, timedelta):
            delay = timedelta(seconds=delay)
        return self.at(self.now + delay, fn, label, args)

    def cancel(self, timer: Timer | None) -> None:
        if timer is not None:
            timer.cancelled = True  # for its holders; the clock keeps only live timers
            if self._timers.get(timer.seq) is timer:
                del self._timers[timer.seq]  # its heap entry is skipped when it comes up

    def advance_to(self, target: datetime) -> int:
        """Fire every timer due at or before ``target`` in (due, seq) order; return how many."""
        if target < self.now:
            raise ValueError("the simulated clock cannot move backwards")
        fired = 0
        heap, timers = self._heap, self._timers
        while heap and heap[0][0] <= target:
            due, seq = heapq.heappop(heap)
            timer = timers.pop(seq, None)
            if timer is None:  # cancelled
                continue
            self.now = due
            timer.fn(*timer.args)
            fired += 1
        self.now = target
        return fired

    def peek(self) -> datetime | None:
        """When the next live timer is due, or None."""
        heap, timers = self._heap, self._timers
        while heap and heap[0][1] not in timers:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def __len__(self) -> int:
        return len(self._timers)
