"""The break-it catalogue: the ten classic ECS beginner failures (1-10) and the newer ones (13:
tasks stuck in PROVISIONING, 14: a service that never scales in, 15: a blue/green deployment
that always rolls back), by number and by name."""

from __future__ import annotations

import pandas as pd

from .model import Scenario
from .scenarios_autoscaling import NEVER_SCALES_IN
from .scenarios_bluegreen import BLUEGREEN_ROLLS_BACK
from .scenarios_capacity import ENI, NEVER_JOINS
from .scenarios_deploy import ROLLING_BLOCKED
from .scenarios_health import HEALTH_KILLS
from .scenarios_placement import PLACEMENT
from .scenarios_providers import STUCK_PROVISIONING
from .scenarios_services import ALB_TARGET_TYPE
from .scenarios_size import FARGATE_SIZE
from .scenarios_start import LOGS, NO_ROUTE, ROLES

__all__ = ["SCENARIOS", "get", "available", "catalogue_table"]

SCENARIOS: tuple[Scenario, ...] = (
    NO_ROUTE,
    PLACEMENT,
    NEVER_JOINS,
    HEALTH_KILLS,
    LOGS,
    ROLES,
    ENI,
    ROLLING_BLOCKED,
    ALB_TARGET_TYPE,
    FARGATE_SIZE,
    STUCK_PROVISIONING,
    NEVER_SCALES_IN,
    BLUEGREEN_ROLLS_BACK,
)


def get(name: str | int) -> Scenario:
    """A scenario by slug or number."""
    for s in SCENARIOS:
        if name in (s.slug, s.number):
            return s
    raise KeyError(f"no break-it scenario {name!r}; known: {[s.slug for s in SCENARIOS]}")


def available() -> list[Scenario]:
    return [s for s in SCENARIOS if s.available]


def catalogue_table() -> pd.DataFrame:
    """One row per scenario: number, slug, title, variants, available, needs."""
    rows = [s.describe() for s in SCENARIOS]
    for r in rows:
        r["variants"] = ", ".join(r["variants"])
    return pd.DataFrame(rows).set_index("number")
