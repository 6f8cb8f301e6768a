"""CreateService and UpdateService of a service using the EXTERNAL deployment controller (its
task sets: :mod:`.tasksets`).

Developer Guide (external deployments): UpdateService changes the desired count and the health
check grace period; "If the launch type, platform version, load balancer details, network
configuration, or task definition need to be updated, you must create a new task set." The
EXTERNAL controller does not support the DAEMON scheduling strategy.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import InvalidParameterException
from .model import Service
from .tasksets import unsettle

__all__ = ["check_create", "update", "TASK_SET_FIELDS", "TS_FIELD"]


#: What belongs to an EXTERNAL service's task sets, not to the service (Developer Guide,
#: external deployments): snake_case request key -> the AWS member name.
TASK_SET_FIELDS = {
    "task_definition": "taskDefinition",
    "load_balancers": "loadBalancers",
    "network_configuration": "networkConfiguration",
    "platform_version": "platformVersion",
    "launch_type": "launchType",
    "capacity_provider_strategy": "capacityProviderStrategy",
    "force_new_deployment": "forceNewDeployment",
}
TS_FIELD = (
    "{field} is set on the task sets of a service using the EXTERNAL deployment controller "
    "(CreateTaskSet), not on the service."
)  # [M]


def check_create(p: dict[str, Any], daemon: bool) -> None:
    """CreateService with deploymentController EXTERNAL: no DAEMON, no task-set settings."""
    if daemon:
        raise InvalidParameterException(
            "The EXTERNAL deployment controller does not support the DAEMON scheduling strategy."
        )  # [V] "EXTERNAL deployment controller types don't support the DAEMON ..." ([M] text)
    for key, field in TASK_SET_FIELDS.items():
        if p.get(key):
            raise InvalidParameterException(TS_FIELD.format(field=field))
    if (p.get("deployment_configuration") or {}).get("strategy") == "BLUE_GREEN":
        raise InvalidParameterException(
            "The BLUE_GREEN deployment strategy requires the ECS deployment controller."
        )  # [M]


def update(dom, svc: Service, p: dict[str, Any]) -> Service:
    """UpdateService of an EXTERNAL service: desiredCount and healthCheckGracePeriodSeconds."""
    for key, field in TASK_SET_FIELDS.items():
        if p.get(key):
            raise InvalidParameterException(TS_FIELD.format(field=field))
    changes: dict[str, Any] = {}
    desired = p.get("desired_count")
    if desired is not None:
        if desired < 0:
            raise InvalidParameterException(
                "desiredCount must be greater than or equal to 0."
            )  # [M] as for any service
        changes["desired_count"] = desired
    grace = p.get("health_check_grace_period_seconds")
    if grace is not None:
        if grace < 0:
            raise InvalidParameterException("healthCheckGracePeriodSeconds must be >= 0.")  # [M]
        changes["health_check_grace_period_seconds"] = grace
    # -- valid: change state
    if desired is not None and desired != svc.desired_count:
        svc.desired_count = desired
        for ts in svc.task_sets:
            unsettle(dom.lab, svc, ts)
    if grace is not None:
        svc.health_check_grace_period = int(grace)
    dom.lab.emit(
        "ServiceUpdated",
        "ecs",
        cluster=svc.cluster,
        resource=svc.arn,
        changes=changes,
        force_new_deployment=False,
    )
    dom.kick(svc)
    return svc
