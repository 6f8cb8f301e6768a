"""The placement engine: a vectorised pipeline over a table of candidate container instances.

* :mod:`.table` -- the candidate-instance table schema (``COLUMNS``, ``check_table``) and
  :class:`InstanceTable`, the mutable numpy view placement works on;
* :mod:`.request` -- :class:`TaskRequest` (what a task needs) and strategy/constraint parsing;
* :mod:`.filters` -- the named filters with their ECS failure reasons, and the "why" table;
* :mod:`.strategies` -- binpack / spread / random as a lexicographic ranking;
* :mod:`.query` -- the cluster query language (memberOf, ListContainerInstances filter);
* :mod:`.place` -- ``place`` (RunTask), ``start_on`` (StartTask), ``release``.

Pure functions of their inputs and the generator passed in: no lab, clock or facts here; the task
domain calls them and emits the facts.

Verified vs modelled (details in each module's docstring):

* verified -- failure reason names and that each failure carries a container-instance ARN;
  "closest matching container-instance" in service events; memory need = memoryReservation else
  memory; RunTask limits (count 10, 5 strategies, 10 constraints, 2000-character expressions);
  the query language's subjects, operators, list syntax and the doc's examples; ``!=`` on an
  attribute needs the attribute; "distinctInstance expression should not be specified.";
  strategy semantics (binpack least remaining, spread per group/service, random; best effort);
  dynamic host ports from 32768-60999 after the agent's last assigned port; ENI limits.
* modelled -- one failure entry per unplaced task (all naming the closest instance); how the
  closest instance is chosen (furthest down the filter pipeline, then earliest row); the filter
  order; INACTIVE for every non-ACTIVE status; the constraint reasons' wording; the final random
  tie-break; error message wording and positions of malformed expressions.
"""

from .filters import FILTERS, Filter, explain
from .place import Placement, PlacementResult, place, release, start_on
from .query import Query, parse
from .request import (
    Constraint,
    Strategy,
    TaskRequest,
    parse_constraints,
    parse_strategies,
    task_request,
)
from .strategies import score_table
from .table import COLUMNS, InstanceTable, check_table

__all__ = [
    "COLUMNS",
    "FILTERS",
    "Constraint",
    "Filter",
    "InstanceTable",
    "Placement",
    "PlacementResult",
    "Query",
    "Strategy",
    "TaskRequest",
    "check_table",
    "explain",
    "parse",
    "parse_constraints",
    "parse_strategies",
    "place",
    "release",
    "score_table",
    "start_on",
    "task_request",
]
