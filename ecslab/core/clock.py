"""Simulated UTC time and a heap of timers.

Like SimPy's core: a clock, a heap ordered by (due time, sequence number) so timers due at the
same instant fire in the order they were set, and four verbs: ``at``, ``after``, ``cancel``,
``advance_to``. Nothing here reads the wall clock.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass(order=True)
class Timer:
    due: datetime
    seq: int
    fn: Callable[[], None] = field(compare=False)
    label: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)


class Clock:
    """Simulated time. ``now`` moves only through :meth:`advance_to`."""

    def __init__(self, start: datetime = EPOCH_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the start instant must be timezone-aware (UTC)")
        self.now: datetime = start.astimezone(timezone.utc)
        self._heap: list[Timer] = []
        self._seq = 0

    def at(self, due: datetime, fn: Callable[[], None], label: str = "") -> Timer:
        """Run ``fn`` when the clock reaches ``due`` (never in the past: clamped to now)."""
        self._seq += 1
        timer = Timer(max(due, self.now), self._seq, fn, label)
        heapq.heappush(self._heap, timer)
        return timer

    def after(self, delay: float | timedelta, fn: Callable[[], None], label: str = "") -> Timer:
        if not isinstance(delay, timedelta):
            delay = timedelta(seconds=delay)
        return self.at(self.now + delay, fn, label)

    def cancel(self, timer: Timer | None) -> None:
        if timer is not None:
            timer.cancelled = True  # lazily dropped when it reaches the top of the heap

    def advance_to(self, target: datetime) -> int:
        """Fire every timer due at or before ``target`` in (due, seq) order; return how many."""
        if target < self.now:
            raise ValueError("the simulated clock cannot move backwards")
        fired = 0
        while self._heap and self._heap[0].due <= target:
            timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self.now = timer.due
            timer.fn()
            fired += 1
        self.now = target
        return fired

    def peek(self) -> datetime | None:
        """When the next live timer is due, or None."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def __len__(self) -> int:
        return sum(1 for t in self._heap if not t.cancelled)
