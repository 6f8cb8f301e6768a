"""ELBv2 resources (snake_case) and the figures AWS documents for them.

Sources: the Application Load Balancer guide (target-group-health-checks: settings, defaults,
states, reason codes and their descriptions), the ELBv2 API reference (TargetHealth), the NLB
guide for TCP target groups, and the Elastic Load Balancing endpoints page (hosted zone ids).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "LoadBalancer",
    "Listener",
    "TargetGroup",
    "Target",
    "TargetSpec",
    "HealthSettings",
    "health_defaults",
    "DESCRIPTIONS",
    "PROVISIONING_SECONDS",
    "DEFAULT_ATTRIBUTES",
    "HOSTED_ZONES",
]

#: provisioning -> active. AWS says "a few minutes"; about three is what consoles show (unverified).
PROVISIONING_SECONDS = 180

#: Reason code -> description, as the ALB guide lists them (ResponseCodeMismatch fills the codes).
DESCRIPTIONS = {
    "Elb.RegistrationInProgress": "Target registration is in progress",
    "Elb.InitialHealthChecking": "Initial health checks in progress",
    "Elb.InternalError": "Health checks failed due to an internal error",
    "Target.DeregistrationInProgress": "Target deregistration is in progress",
    "Target.FailedHealthChecks": "Health checks failed",
    "Target.InvalidState": "Target is in the terminated state",
    "Target.NotInUse": "Target group is not configured to receive traffic from the load balancer",
    "Target.NotRegistered": "Target is not registered to the target group",
    "Target.ResponseCodeMismatch": "Health checks failed with these codes: [{code}]",
    "Target.Timeout": "Request timed out",
    "Target.HealthCheckDisabled": "Health checks are disabled",  # wording unverified
}

#: Canonical hosted zone ids of ALBs per region (Elastic Load Balancing endpoints page).
HOSTED_ZONES = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "ap-east-1": "Z3DQVH9N71FHZ0",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-central-1": "Z215JYRZR1TBD5",
}

#: Target group attributes a new instance/ip target group reports (ALB guide, attributes).
DEFAULT_ATTRIBUTES = {
    "deregistration_delay.timeout_seconds": "300",
    "stickiness.enabled": "false",
    "stickiness.type": "lb_cookie",
    "stickiness.lb_cookie.duration_seconds": "86400",
    "slow_start.duration_seconds": "0",
    "load_balancing.algorithm.type": "round_robin",
    "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
}
LAMBDA_ATTRIBUTES = {"lambda.multi_value_headers.enabled": "false"}


@dataclass
class HealthSettings:
    enabled: bool
    protocol: str | None
    port: str | None  # "traffic-port" or a number as text
    path: str | None
    interval: int
    timeout: int
    healthy: int
    unhealthy: int
    matcher: str | None  # HttpCode, e.g. "200" or "200-299"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def health_defaults(target_type: str, protocol: str | None) -> HealthSettings:
    """AWS's defaults: ALB HTTP(S) 30 s / 5 s / 5 / 2 / "200" on "/"; lambda 35 s / 30 s and
    disabled; TCP-family (NLB) target groups probe TCP every 30 s with a 10 s timeout, 5 / 2."""
    if target_type == "lambda":
        return HealthSettings(False, None, None, "/", 35, 30, 5, 2, "200")
    if protocol in ("HTTP", "HTTPS"):
        return HealthSettings(True, protocol, "traffic-port", "/", 30, 5, 5, 2, "200")
    return HealthSettings(True, "TCP", "traffic-port", None, 30, 10, 5, 2, None)


@dataclass
class LoadBalancer:
    arn: str
    name: str
    dns_name: str
    scheme: str
    type: str
    vpc_id: str
    subnets: list[tuple[str, str]]  # (az, subnet id), in AZ order
    security_groups: list[str]
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    state: str = "provisioning"
    timer: object = None


@dataclass
class Listener:
    arn: str
    lb_arn: str
    protocol: str
    port: int
    target_group_arns: list[str]  # where its default actions forward
    actions: list[Any]  # the default actions as the caller gave them (echoed back, opaque here)


@dataclass(frozen=True)
class TargetSpec:
    """A target as named in RegisterTargets / DeregisterTargets / DescribeTargetHealth."""

    id: str
    port: int | None = None  # None: the target group's port
    az: str | None = None


@dataclass
class Target:
    id: str
    port: int | None
    az: str | None
    state: str = "unused"
    reason: str | None = "Target.NotInUse"
    description: str | None = DESCRIPTIONS["Target.NotInUse"]
    successes: int = 0  # consecutive, while unhealthy
    failures: int = 0  # consecutive
    timer: object = None  # next probe, or end of draining
    verdict: object = None  # a probe waiting for its timeout
    draining: bool = False
    responder: object = None  # set by the code that registered it (e.g. the service scheduler)

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.id, self.port)


@dataclass
class TargetGroup:
    arn: str
    name: str
    target_type: str
    protocol: str | None
    port: int | None
    vpc_id: str | None
    health: HealthSettings
    protocol_version: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    targets: dict[tuple[str, int | None], Target] = field(default_factory=dict)

    @property
    def deregistration_delay(self) -> int:
        return int(self.attributes.get("deregistration_delay.timeout_seconds", "300"))

    def matches_code(self, code: int) -> bool:
        for part in (self.health.matcher or "200").split(","):
            lo, _, hi = part.strip().partition("-")
            if int(lo) <= code <= int(hi or lo):
                return True
        return False


_NAME = re.compile(r"^[A-Za-z0-9-]+$")


def check_name(kind: str, name: str, *, forbid_internal: bool = False) -> None:
    """ELBv2's name rules for load balancers and target groups (``kind`` is "Load balancer" or
    "Target group"). Wording as ELBv2 answers, from public reports and moto's tests; not on an
    AWS page."""
    from ...core.errors import error_for_code

    invalid = error_for_code("ValidationError")
    if len(name) > 32:
        raise invalid(f"{kind} name '{name}' cannot be longer than '32' characters")
    if not _NAME.match(name):
        raise invalid(
            f"{kind} name '{name}' can only contain characters that are alphanumeric "
            "characters or hyphens(-)"
        )
    if name.startswith("-") or name.endswith("-"):
        raise invalid(f"{kind} name '{name}' cannot begin or end with '-'")
    if forbid_internal and name.lower().startswith("internal-"):
        raise invalid(f"{kind} name '{name}' cannot begin with 'internal-'")
