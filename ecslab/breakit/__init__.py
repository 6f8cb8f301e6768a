"""Break-it labs: the classic ECS beginner failures, reproduced on demand, diagnosed by the
learner, graded offline.

>>> from ecslab import breakit
>>> s = breakit.get("no-route-to-registry")
>>> lab = s.start(7)              # a new lab (seed 7), broken
>>> s.symptom(lab)                # the stoppedReason, as ECS words it
>>> s.check(lab)                  # NOT YET, with a hint, until the lab shows the fix

See :mod:`ecslab.breakit.model` for what a scenario holds, :func:`why_not_placed_view` for the
"why not placed?" table and :mod:`ecslab.breakit.report` for the instructor's class report.
"""

from __future__ import annotations

from . import actions  # noqa: F401  (registers the lab actions)
from .catalogue import SCENARIOS, available, catalogue_table, get
from .model import NotAvailable, Scenario
from .placement import why_not_placed_view
from .scenarios_size import broken_size_definition

__all__ = [
    "SCENARIOS",
    "NotAvailable",
    "Scenario",
    "available",
    "broken_size_definition",
    "catalogue_table",
    "get",
    "why_not_placed_view",
]
