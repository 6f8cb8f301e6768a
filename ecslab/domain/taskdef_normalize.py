"""What ECS adds to a registered task definition: container defaults, compatibilities, attributes.

Defaults follow AWS output in the aws-cli examples (register-task-definition, describe-task-definition,
delete-task-definitions): every container comes back with ``environment``, ``mountPoints``,
``portMappings`` and ``volumesFrom`` (empty lists when not given), ``essential`` (true by default)
and ``cpu`` (0 when not given); port mappings get ``protocol: tcp`` and a ``hostPort`` (the
container port for awsvpc/host, 0 = dynamic for bridge); a health check gets interval 30,
timeout 5 and retries 3 (S-BOTO HealthCheck defaults). The task gets ``volumes`` and
``placementConstraints`` (empty lists); ``networkMode`` and ``requiresCompatibilities`` come back
only when they were given, as in the aws-cli sleep360 example.
"""

from __future__ import annotations

import copy
from typing import Any

from .taskdef_fargate import fargate_problem
from .taskdef_rules import RuleContext, is_ecr_image

__all__ = ["normalize_container", "compatibilities", "requires_attributes", "MODELLED_ATTRIBUTES"]

_CONTAINER_LISTS = ("port_mappings", "environment", "mount_points", "volumes_from")
_HEALTH_DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3}


def normalize_container(container: dict[str, Any], network_mode: str) -> dict[str, Any]:
    c = copy.deepcopy(container)
    c.setdefault("cpu", 0)
    c.setdefault("essential", True)
    for key in _CONTAINER_LISTS:
        c.setdefault(key, [])
    for pm in c["port_mappings"]:
        pm.setdefault("protocol", "tcp")
        if "container_port" in pm and pm.get("host_port") is None:
            pm["host_port"] = pm["container_port"] if network_mode in ("awsvpc", "host") else 0
    if c.get("health_check") is not None:
        for key, value in _HEALTH_DEFAULTS.items():
            c["health_check"].setdefault(key, value)
    return c


def compatibilities(ctx: RuleContext) -> list[str]:
    """Launch types the definition validates against, in AWS's order (EXTERNAL, EC2 / EC2, FARGATE).

    EC2 always; EXTERNAL (ECS Anywhere) unless awsvpc; FARGATE when every Fargate rule passes.
    MANAGED_INSTANCES is listed only when requested (its rules are not modelled).
    """
    out = []
    if ctx.network_mode != "awsvpc":
        out.append("EXTERNAL")
    out.append("EC2")
    if fargate_problem(ctx) is None:
        out.append("FARGATE")
    if "MANAGED_INSTANCES" in ctx.requires:
        out.append("MANAGED_INSTANCES")
    return out


#: The container-instance attributes ecslab derives (others AWS may add are not modelled).
#: Mapping from the ECS developer guide's "requires Docker Remote API x / capability y" notes;
#: the docker-remote-api versions for memoryReservation (1.21) and healthCheck (1.24) are [U].
MODELLED_ATTRIBUTES = (
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "ecs.capability.execution-role-awslogs",
    "com.amazonaws.ecs.capability.ecr-auth",
    "ecs.capability.execution-role-ecr-pull",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager",
    "ecs.capability.secrets.ssm.environment-variables",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.container-health-check",
    "ecs.capability.container-ordering",
    "com.amazonaws.ecs.capability.docker-remote-api.1.18",
    "com.amazonaws.ecs.capability.docker-remote-api.1.19",
    "com.amazonaws.ecs.capability.docker-remote-api.1.21",
    "com.amazonaws.ecs.capability.docker-remote-api.1.24",
    "ecs.capability.task-eni",
)


def requires_attributes(ctx: RuleContext) -> list[str]:
    """Attributes a container instance must have to run the task (EC2 placement uses them)."""
    need: list[str] = []

    def add(*names: str) -> None:
        need.extend(n for n in names if n not in need)

    role = bool(ctx.execution_role)
    for c in ctx.containers:
        log = c.get("log_configuration") or {}
        if log:
            add("com.amazonaws.ecs.capability.docker-remote-api.1.18")
        if log.get("log_driver") == "awslogs":
            add(
                "com.amazonaws.ecs.capability.logging-driver.awslogs",
                "com.amazonaws.ecs.capability.docker-remote-api.1.19",
            )
            if role:
                add("ecs.capability.execution-role-awslogs")
        if is_ecr_image(c.get("image", "")):
            add("com.amazonaws.ecs.capability.ecr-auth")
            if role:
                add("ecs.capability.execution-role-ecr-pull")
        if c.get("repository_credentials"):
            add("com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager")
        for secret in c.get("secrets") or []:
            source = secret.get("value_from", "")
            if source.startswith("arn:aws:secretsmanager:"):
                add("ecs.capability.secrets.asm.environment-variables")
            else:
                add("ecs.capability.secrets.ssm.environment-variables")
        if c.get("ulimits") or c.get("docker_labels"):
            add("com.amazonaws.ecs.capability.docker-remote-api.1.18")
        if c.get("memory_reservation"):
            add("com.amazonaws.ecs.capability.docker-remote-api.1.21")
        if c.get("health_check"):
            add(
                "ecs.capability.container-health-check",
                "com.amazonaws.ecs.capability.docker-remote-api.1.24",
            )
        if c.get("depends_on"):
            add("ecs.capability.container-ordering")
    if ctx.spec.get("task_role_arn"):
        add("com.amazonaws.ecs.capability.task-iam-role")
    if ctx.network_mode == "awsvpc":
        add("com.amazonaws.ecs.capability.docker-remote-api.1.18", "ecs.capability.task-eni")
    return need
