"""Named checkpoints: "jump to here" for lessons, because a lab is its event table.

``lab.checkpoint("step-2")`` is a recorded lab action: its ``CheckpointSaved`` fact names the
checkpoint and the number of events up to and including it, so a saved lab keeps its checkpoints
(``Lab.load(path, checkpoint="step-2")``). The lab also keeps, in memory, the events up to each
checkpoint, so ``lab.restore("step-2")`` rebuilds the lab *in place* by replaying them (clients made
from the lab keep working) -- to retry a step, or to jump forward past a step a learner is stuck
on, as long as the checkpoint was made in this process or loaded with the lab.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from .core.record import lab_action

__all__ = ["Checkpoint", "save", "restore", "table", "prefix_of"]


@dataclass(frozen=True)
class Checkpoint:
    name: str
    time: datetime
    events: int  # rows of the event table up to and including the CheckpointSaved fact
    rows: tuple  # those rows (Event objects are immutable)


def save(lab, name: str) -> Checkpoint:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a checkpoint needs a non-empty name")
    lab.act("checkpoint_saved", name=name)
    return lab._checkpoints[name]


@lab_action
def checkpoint_saved(lab, name: str) -> None:
    n = len(lab.log) + 1  # the fact emitted here is the checkpoint's last row
    lab.emit("CheckpointSaved", "lab", resource=name, events=n)
    # Replaying to an earlier checkpoint must not forget later ones made in this process.
    if not (lab._replaying and name in lab._checkpoints):
        lab._checkpoints[name] = Checkpoint(name, lab.now, n, tuple(lab.log))


def restore(lab, name: str) -> None:
    """Rebuild ``lab`` in place as it was when checkpoint ``name`` was saved."""
    cp = lab._checkpoints.get(name)
    if cp is None:
        known = ", ".join(sorted(lab._checkpoints)) or "none yet"
        raise KeyError(f"no checkpoint named {name!r} (checkpoints: {known})")
    with lab._lock:
        lab._reset()
        lab._replay(list(cp.rows), check=True)


def table(lab) -> pd.DataFrame:
    """One row per checkpoint: name, time, events."""
    rows = [{"name": c.name, "time": c.time, "events": c.events} for c in lab._checkpoints.values()]
    return pd.DataFrame(rows, columns=["name", "time", "events"]).sort_values(
        "events", ignore_index=True
    )


def prefix_of(events: list, name: str) -> list:
    """The rows of a saved table up to checkpoint ``name`` (its last CheckpointSaved fact)."""
    marks = [
        e
        for e in events
        if e.origin == "fact" and e.kind == "CheckpointSaved" and e.resource == name
    ]
    if not marks:
        known = sorted({e.resource for e in events if e.kind == "CheckpointSaved"})
        raise KeyError(f"no checkpoint named {name!r} in this event table (checkpoints: {known})")
    return events[: marks[-1].detail["events"]]
