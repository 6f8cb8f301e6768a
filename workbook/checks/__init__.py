"""Exercise checks: look at the lab (through its API, never its internals) and say pass or fail,
with a hint in plain words. Usable from plain Python and shown nicely in a notebook.

In a lesson's graded cell, ``checks.cluster_exists(lab, "MyCluster").require()`` shows the result
when it passes and raises :class:`CheckFailed` (an AssertionError, so nbgrader counts it) carrying
the hint when it does not.

One module per topic; :mod:`.result` (``CheckResult``) is at the bottom and every module imports
it from there, so the package has no import cycle.
"""

from __future__ import annotations

from .autoscaling import scaled_out_and_in, scaling_policy
from .core import cluster_deleted, cluster_exists, fargate_task_price
from .cost import break_even_count, lab_cost
from .deployments import bluegreen_deployed, rolled_back
from .insights import insights_hourly_cost
from .providers import provider_split, provider_target_reached
from .result import CheckFailed, CheckResult
from .service import service_recovered
from .services import deployment_completed, service_steady, targets_healthy
from .steps import (
    image_tagged,
    instance_registered,
    no_untagged_images,
    taskdef_deregistered,
    taskdef_registered,
)
from .tasks import tasks_running

__all__ = [
    "CheckFailed",
    "CheckResult",
    "break_even_count",
    "bluegreen_deployed",
    "cluster_exists",
    "cluster_deleted",
    "deployment_completed",
    "fargate_task_price",
    "image_tagged",
    "insights_hourly_cost",
    "provider_split",
    "provider_target_reached",
    "rolled_back",
    "instance_registered",
    "lab_cost",
    "no_untagged_images",
    "scaled_out_and_in",
    "scaling_policy",
    "service_steady",
    "service_recovered",
    "taskdef_deregistered",
    "taskdef_registered",
    "tasks_running",
    "targets_healthy",
]
