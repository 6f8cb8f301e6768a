"""Progress feedback for long simulations: advance the clock in steps and move a bar."""

from __future__ import annotations

import math

from ecslab.core.clock import parse_duration

__all__ = ["advance_with_progress"]


def advance_with_progress(lab, duration, *, step="1m", bar=None) -> int:
    """Advance ``lab`` by ``duration`` in ``step``-sized moves (same result as one advance: timers
    fire in time order either way), updating an ``ipywidgets.IntProgress`` ``bar`` if given, or a
    text bar when shown in a notebook without one. Returns the number of steps."""
    total = parse_duration(duration)
    size = parse_duration(step)
    n = max(1, math.ceil(total / size)) if total.total_seconds() > 0 else 0
    end = lab.now + total
    if bar is not None:
        bar.max, bar.value = max(n, 1), 0
    for i in range(n):
        lab.advance_to(min(lab.now + size, end))
        if bar is not None:
            bar.value = i + 1
    return n
