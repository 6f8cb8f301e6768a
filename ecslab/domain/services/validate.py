"""CreateService / UpdateService input checks (everything before any state changes).

Texts: [V] "Creation of service was not idempotent." (duplicate name), the DeleteService
"scaled above 0" text ([V3]), ServiceNotFoundException "Service not found.", ServiceNotActive
"Service was not ACTIVE." ([V3]); "The container <name> did not have a container port <port>
defined." ([V3]); the rest modelled [M] in ECS's style.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.errors import InvalidParameterException
from ..tasks.launch import prepare
from .model import LbSpec

__all__ = ["NAME_RE", "check_name", "deployment_config", "load_balancers", "check_launch"]

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,254}$")
DAEMON_FARGATE = "The DAEMON scheduling strategy is not supported with the FARGATE launch type."
DAEMON_COUNT = "The daemon scheduling strategy does not support a desired count for services."
DAEMON_STRATEGY = "The daemon scheduling strategy does not support placement strategies."
DAEMON_MAX = "The maximumPercent for a service using the DAEMON scheduling strategy must be 100."


def check_name(name: str) -> None:
    if not NAME_RE.match(name or ""):
        raise InvalidParameterException(
            "Service name must be 1-255 characters long, start with a letter and contain only "
            "letters (uppercase and lowercase), numbers, hyphens and underscores."
        )  # [M]


def deployment_config(
    given: dict[str, Any] | None, daemon: bool, current: tuple | None = None
) -> tuple[int, int, bool, bool]:
    """(minimumHealthyPercent, maximumPercent, breaker enable, breaker rollback)."""
    given = given or {}
    if current is None:
        current = (0, 100, False, False) if daemon else (100, 200, False, False)
    lo = given.get("minimum_healthy_percent", current[0])
    hi = given.get("maximum_percent", current[1])
    cb = given.get("deployment_circuit_breaker")
    enable, rollback = (bool(cb.get("enable")), bool(cb.get("rollback"))) if cb else current[2:]
    if daemon and hi != 100:
        raise InvalidParameterException(DAEMON_MAX)
    if lo < 0 or hi < 0:
        raise InvalidParameterException(
            "minimumHealthyPercent and maximumPercent must not be negative."
        )  # [M]
    if lo > 100:
        raise InvalidParameterException("minimumHealthyPercent must be between 0 and 100.")  # [M]
    if hi < lo:
        raise InvalidParameterException(
            "maximumPercent must be greater than or equal to minimumHealthyPercent."
        )  # [M]
    return int(lo), int(hi), enable, rollback


def load_balancers(lab, items: list[dict] | None, td) -> list[LbSpec]:
    out = []
    for lb in items or []:
        if lb.get("load_balancer_name") and not lb.get("target_group_arn"):
            raise InvalidParameterException(
                "ecslab simulates Application Load Balancers: give targetGroupArn, not "
                "loadBalancerName (Classic Load Balancers are not simulated)."
            )  # [M]
        tg_arn = lb.get("target_group_arn")
        if not tg_arn:
            raise InvalidParameterException("targetGroupArn is required.")  # [M]
        name, port = lb.get("container_name"), lb.get("container_port")
        if not name or port is None:
            raise InvalidParameterException(
                "containerName and containerPort are required for a load balancer."
            )  # [M]
        c = next((c for c in td.containers if c["name"] == name), None)
        if c is None:
            raise InvalidParameterException(
                f"The container {name} does not exist in the task definition."
            )  # [V3]
        if not any(m.get("container_port") == port for m in c.get("port_mappings") or []):
            raise InvalidParameterException(
                f"The container {name} did not have a container port {port} defined."
            )  # [V3]
        lab.elb.check_service_target_group(tg_arn, td.network_mode)
        out.append(LbSpec(tg_arn, name, int(port)))
    return out


def check_launch(lab, cluster, td, request: dict) -> None:
    """Everything RunTask would check for these tasks (network, placement, launch type)."""
    prepare(lab, cluster, td, request)
