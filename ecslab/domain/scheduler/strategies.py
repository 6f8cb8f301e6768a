"""Placement strategies: rank the instances the filters kept, never reject them.

Strategies apply in the order given (up to 5) as a lexicographic ranking: each one keeps only
the candidates with its best score, the next one breaks the ties, and a final draw from the
lab's seeded generator picks among whatever ties remain (S-ECSDOC task-placement.md: "apply the
strategies in order; each one narrows or ranks the candidates").

* ``binpack`` cpu|memory -- least remaining of that resource first.
* ``spread`` instanceId (alias host) -- fewest tasks of the same group on the instance;
  ``spread`` attribute:<name> -- fewest tasks of the same group per attribute value (instances
  without the attribute form one more value). "Same group" is the request's task group;
  service tasks use ``service:<name>`` as their group, so they spread relative to the service.
* ``random`` -- one candidate uniformly at random.
* No strategy at all: random (RunTask's default). A service's default
  (spread on attribute:ecs.availability-zone) is the caller's to pass.

Modelled: the final uniform tie-break (ECS does not document how exact ties are broken).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .request import Strategy, TaskRequest
from .table import InstanceTable

__all__ = ["Ranker", "score_table"]


class Ranker:
    """Per-call ranking state; :meth:`pick` chooses one instance, :meth:`placed` records it."""

    def __init__(self, table: InstanceTable, request: TaskRequest) -> None:
        self.table = table
        self.group = request.group
        self.strategies = request.strategies or (Strategy("random"),)
        # Each step: (kind, live score source). Spread-by-attribute counts tasks of the group per
        # attribute value, kept up to date by placed()/released() instead of recounted per task.
        self.steps: list[tuple[str, object]] = []
        group_col = table.groups.column(self.group)
        for s in self.strategies:
            if s.type == "binpack":
                reg, res = (
                    (table.cpu_registered, table.cpu_reserved)
                    if s.field == "cpu"
                    else (table.mem_registered, table.mem_reserved)
                )
                self.steps.append(("binpack", (reg, res)))
            elif s.type == "spread" and s.field == "instanceId":
                self.steps.append(("spread_instance", group_col))
            elif s.type == "spread":
                codes, k = table.codes(s.field[len("attribute:") :])
                counts = np.bincount(codes, weights=group_col, minlength=k).astype(np.int64)
                self.steps.append(("spread_value", (codes, counts)))
            else:
                self.steps.append(("random", None))

    def pick(self, cands: np.ndarray, u_random: float, u_tie: float) -> int:
        """The chosen row among ``cands`` (the feasible rows, ascending; at least one). ``u_*``
        are uniforms in [0,1) drawn from the lab's generator (random strategy, final tie-break).
        Scores are read for the candidates only: a step keeps those with the lowest."""
        for kind, src in self.steps:
            if kind == "random":
                return int(cands[int(u_random * len(cands))])
            if kind == "binpack":
                reg, res = src
                score = reg[cands] - res[cands]
            elif kind == "spread_instance":
                score = src[cands]
            else:
                codes, counts = src
                score = counts[codes[cands]]
            cands = cands[score == score.min()]
        return int(cands[int(u_tie * len(cands))])

    def placed(self, i: int, delta: int = 1) -> None:
        for kind, src in self.steps:
            if kind == "spread_value":
                codes, counts = src
                counts[codes[i]] += delta


def score_table(table: InstanceTable, request: TaskRequest) -> pd.DataFrame:
    """Each strategy's score per instance (lower ranks first) -- for learners' "why here?"."""
    out = {"arn": table.arn}
    group_col = table.groups[request.group]
    for n, s in enumerate(request.strategies or (Strategy("random"),), start=1):
        label = f"{n}:{s.type}" + (f"({s.field})" if s.field else "")
        if s.type == "binpack":
            out[label] = (
                table.cpu_registered - table.cpu_reserved
                if s.field == "cpu"
                else table.mem_registered - table.mem_reserved
            )
        elif s.type == "spread" and s.field == "instanceId":
            out[label] = group_col.copy()
        elif s.type == "spread":
            codes, k = table.codes(s.field[len("attribute:") :])
            out[label] = np.bincount(codes, weights=group_col, minlength=k).astype(np.int64)[codes]
        else:
            out[label] = np.zeros(table.n, dtype=np.int64)
    return pd.DataFrame(out)
