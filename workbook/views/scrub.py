"""The time scrubber's helpers: the lab is its event table, so "the lab as of time t" is either
the events up to t (what every chart of :mod:`workbook.charts` draws, with ``until=t``) or, when
you need the API's answers as of t, a replay of the saved table up to t (``Lab.load(path,
until=t)``)."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from .placement import events_until

__all__ = ["as_of", "event_times", "lab_as_of", "moments", "at_offset"]


def as_of(source, until: datetime) -> pd.DataFrame:
    """The event table of ``source`` (a Lab or a DataFrame) up to ``until`` (inclusive)."""
    return events_until(source, until)


def event_times(source) -> list[datetime]:
    """The distinct times at which something happened (inputs or facts), in order."""
    ev = source.events if hasattr(source, "events") else source
    return [t.to_pydatetime() for t in pd.Series(ev["time"].unique()).sort_values()]


def moments(source, start: datetime | None = None) -> list[tuple[str, float]]:
    """(label, seconds since ``start``) for each distinct event time: the scrubber's stops.
    ``start`` defaults to the lab's start (a Lab) or the first event."""
    times = event_times(source)
    if start is None:
        start = source.start if hasattr(source, "start") else (times[0] if times else None)
    return [(f"{t:%H:%M:%S}", (t - start).total_seconds()) for t in times]


def at_offset(start: datetime, seconds: float) -> datetime:
    return start + timedelta(seconds=float(seconds))


def lab_as_of(lab, until: datetime):
    """A new Lab rebuilt from ``lab``'s event table up to ``until`` (``Lab.load(..., until=)``):
    ask it anything through its clients, as if the clock had stopped then. ``lab`` is not
    changed."""
    from ecslab import Lab

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lab.jsonl"
        lab.save(path)
        return Lab.load(path, until=until)
