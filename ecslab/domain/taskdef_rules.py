"""RegisterTaskDefinition validation: a list of small named rules, run in order before any change.

Each rule takes a :class:`RuleContext` (the request in snake_case) and raises the AWS error for the
first problem it finds. ``RULES`` always run; ``FARGATE_RULES`` raise when ``requiresCompatibilities``
names FARGATE and otherwise only decide whether FARGATE appears in ``compatibilities``; they live
in :mod:`ecslab.domain.taskdef_fargate`, with ``run_rules`` that runs both lists.

Message provenance: [V] quoted from AWS error output seen in public issue threads (for example
"Invalid setting for container 'x'. At least one of 'memory' or 'memoryReservation' must be
specified.", "Links are not supported when networkMode=awsvpc.", "No Fargate configuration exists
for given values: 1024 CPU, 1024 memory. ..."); [U] worded by ecslab where no AWS text was found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ClientException, InvalidParameterException
from .taskdef_sizes import (
    EC2_TASK_CPU_MAX,
    EC2_TASK_CPU_MIN,
    parse_task_cpu,
    parse_task_memory,
)

__all__ = ["RuleContext", "RULES", "FARGATE_RULES", "rule", "fargate_rule", "is_ecr_image"]

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
ECR_IMAGE_RE = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")
NETWORK_MODES = ("bridge", "host", "awsvpc", "none")
LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
MAX_CONTAINERS = 10  # S-ECSDOC service quotas: containers per task definition
# (low, high) per healthCheck member. timeout: the issue and current ECS docs say 2-120; the
# botocore 1.44.8 model text still says 2-60. ecslab follows the newer 120.
HEALTH_BOUNDS = {
    "interval": (5, 300),
    "timeout": (2, 120),
    "retries": (1, 10),
    "start_period": (0, 300),
}
HEALTH_NAMES = {"start_period": "startPeriod"}


@dataclass
class RuleContext:
    spec: dict[str, Any]
    containers: list[dict[str, Any]] = field(default_factory=list)
    network_mode: str = "bridge"
    requires: list[str] = field(default_factory=list)
    cpu_units: int | None = None
    memory_mib: int | None = None

    @classmethod
    def of(cls, spec: dict[str, Any]) -> RuleContext:
        return cls(
            spec=spec,
            containers=list(spec.get("container_definitions") or []),
            network_mode=spec.get("network_mode") or "bridge",
            requires=list(spec.get("requires_compatibilities") or []),
        )

    @property
    def execution_role(self) -> str | None:
        return self.spec.get("execution_role_arn") or None


Rule = Callable[[RuleContext], None]
RULES: list[Rule] = []
FARGATE_RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def fargate_rule(fn: Rule) -> Rule:
    FARGATE_RULES.append(fn)
    return fn


def is_ecr_image(image: str) -> bool:
    return bool(ECR_IMAGE_RE.match(image or ""))


# -- names and containers ------------------------------------------------------------------------


@rule
def family_name(ctx: RuleContext) -> None:
    family = ctx.spec.get("family") or ""
    if not family:
        raise ClientException("Family can not be blank.")  # [V] seen via aws-actions
    if not NAME_RE.match(family):
        raise ClientException("Family contains invalid characters.")  # [V]


@rule
def container_count(ctx: RuleContext) -> None:
    if not ctx.containers:
        raise ClientException("Container list cannot be empty.")  # [V]
    if len(ctx.containers) > MAX_CONTAINERS:
        raise ClientException("Too many containers.")  # [V]


@rule
def container_name_and_image(ctx: RuleContext) -> None:
    for c in ctx.containers:
        if not c.get("name"):
            raise ClientException("Container.name should not be null or empty.")  # [V]
        if not NAME_RE.match(c["name"]):
            raise ClientException("Container.name contains invalid characters.")  # [V]
        if not c.get("image"):
            raise ClientException("Container.image should not be null or empty.")  # [V]


@rule
def unique_container_names(ctx: RuleContext) -> None:
    names = [c["name"] for c in ctx.containers]
    if len(set(names)) != len(names):
        raise ClientException("Container names must be unique within a Task Definition.")  # [V]


@rule
def essential_container(ctx: RuleContext) -> None:
    # essential defaults to true, so only an explicit false on every container fails.
    if not any(c.get("essential", True) for c in ctx.containers):
        raise ClientException("Task definition doesn't have any essential container.")  # [V]


# -- task size and network mode ------------------------------------------------------------------


@rule
def task_size(ctx: RuleContext) -> None:
    cpu, memory = ctx.spec.get("cpu"), ctx.spec.get("memory")
    if cpu is not None:
        ctx.cpu_units = parse_task_cpu(cpu)
        if ctx.cpu_units is None or not EC2_TASK_CPU_MIN <= ctx.cpu_units <= EC2_TASK_CPU_MAX:
            raise InvalidParameterException(
                "Invalid 'cpu' setting for task. Use CPU units such as '1024' or vCPUs such as "
                "'1 vCPU', between 128 (0.125 vCPU) and 196608 (192 vCPU)."
            )  # first sentence [V], hint [U]
    if memory is not None:
        ctx.memory_mib = parse_task_memory(memory)
        if ctx.memory_mib is None:
            raise InvalidParameterException(
                "Invalid 'memory' setting for task. Use MiB such as '512' or GB such as '0.5GB'."
            )  # first sentence by analogy with cpu [U]


@rule
def network_mode_value(ctx: RuleContext) -> None:
    if ctx.network_mode not in NETWORK_MODES:
        raise ClientException(
            f"Invalid networkMode '{ctx.network_mode}'. Valid values are bridge, host, awsvpc and none."
        )  # [U]


@rule
def launch_type_values(ctx: RuleContext) -> None:
    for lt in ctx.requires:
        if lt not in LAUNCH_TYPES:
            raise ClientException(
                f"Invalid requiresCompatibilities value '{lt}'. Valid values are EC2, FARGATE, EXTERNAL and MANAGED_INSTANCES."
            )  # [U]


# -- container memory and cpu --------------------------------------------------------------------


@rule
def container_memory_present(ctx: RuleContext) -> None:
    for c in ctx.containers:
        for key, label in (("memory", "memory"), ("memory_reservation", "memoryReservation")):
            if c.get(key) is not None and c[key] < 0:
                raise ClientException(
                    f"Invalid '{label}' setting for container '{c['name']}'."
                )  # [U]
        if ctx.memory_mib is None and not (c.get("memory") or c.get("memory_reservation")):
            raise ClientException(
                f"Invalid setting for container '{c['name']}'. At least one of 'memory' or 'memoryReservation' must be specified."
            )  # [V]


@rule
def reservation_within_limit(ctx: RuleContext) -> None:
    for c in ctx.containers:
        hard, soft = c.get("memory"), c.get("memory_reservation")
        if hard and soft and soft > hard:
            raise ClientException(
                f"Invalid setting for container '{c['name']}'. 'memoryReservation' ({soft} MiB) must be less than or equal to 'memory' ({hard} MiB)."
            )  # [U]


@rule
def containers_fit_task_memory(ctx: RuleContext) -> None:
    if ctx.memory_mib is None:
        return
    for c in ctx.containers:
        if (c.get("memory") or 0) > ctx.memory_mib:
            raise ClientException(
                f"The 'memory' setting for container '{c['name']}' is greater than for the task."
            )  # [V]
    if sum(c.get("memory_reservation") or 0 for c in ctx.containers) > ctx.memory_mib:
        raise ClientException(
            "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."
        )  # [V]


@rule
def containers_fit_task_cpu(ctx: RuleContext) -> None:
    if ctx.cpu_units is None:
        return
    for c in ctx.containers:
        if (c.get("cpu") or 0) > ctx.cpu_units:
            raise ClientException(
                f"The 'cpu' setting for container '{c['name']}' is greater than for the task."
            )  # [U] by analogy with memory
    if sum(c.get("cpu") or 0 for c in ctx.containers) > ctx.cpu_units:
        raise ClientException(
            "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."
        )  # [U] by analogy with memoryReservation


# -- ports and links -----------------------------------------------------------------------------


@rule
def port_mappings(ctx: RuleContext) -> None:
    for c in ctx.containers:
        name = c["name"]
        mappings = c.get("port_mappings") or []
        if mappings and ctx.network_mode == "none":
            raise ClientException(
                f"Port mappings are not supported when networkMode=none (container '{name}')."
            )  # [U]
        for pm in mappings:
            cport, hport = pm.get("container_port"), pm.get("host_port")
            if pm.get("container_port_range"):
                continue  # ranges are validated by AWS separately; not modelled
            if cport is None or not 1 <= cport <= 65535:
                raise ClientException(
                    f"Invalid 'containerPort' setting for container '{name}'."
                )  # [V]
            if hport is not None and not 0 <= hport <= 65535:
                raise ClientException(f"Invalid 'hostPort' setting for container '{name}'.")  # [U]
            if pm.get("protocol", "tcp") not in ("tcp", "udp"):
                raise ClientException(
                    f"Invalid 'protocol' setting for container '{name}'. Valid values are tcp and udp."
                )  # [U]
            if ctx.network_mode in ("awsvpc", "host") and hport not in (None, cport):
                raise ClientException(
                    f"When networkMode={ctx.network_mode}, the host ports and container ports in port mappings must match."
                )  # [V] for awsvpc, same wording for host [U]


@rule
def links(ctx: RuleContext) -> None:
    names = {c["name"] for c in ctx.containers}
    for c in ctx.containers:
        if not c.get("links"):
            continue
        if ctx.network_mode != "bridge":
            raise ClientException(
                f"Links are not supported when networkMode={ctx.network_mode}."
            )  # [V] awsvpc
        for link in c["links"]:
            if link.split(":", 1)[0] not in names:
                raise ClientException(
                    f"Invalid link '{link}' in container '{c['name']}': no container of that name in the task definition."
                )  # [U]


# -- health checks and dependencies ----------------------------------------------------------------


@rule
def health_check(ctx: RuleContext) -> None:
    for c in ctx.containers:
        hc = c.get("health_check")
        if hc is None:
            continue
        cmd = hc.get("command") or []
        if not cmd or cmd[0] not in ("CMD", "CMD-SHELL"):
            raise ClientException(
                f"Invalid 'healthCheck' setting for container '{c['name']}'. The command must start with CMD (run the arguments directly) or CMD-SHELL (run them with the container's shell)."
            )  # [U]
        for key, (low, high) in HEALTH_BOUNDS.items():
            value, label = hc.get(key), HEALTH_NAMES.get(key, key)
            if value is None:
                continue
            if value > high:
                raise ClientException(
                    f"Health check {label} must be less than or equal to the maximum allowed value {high} for container '{c['name']}'"
                )  # [V] for retries (AWS prints no final period)
            if value < low:
                raise ClientException(
                    f"Health check {label} must be greater than or equal to the minimum allowed value {low} for container '{c['name']}'"
                )  # [U] mirror of the maximum message


@rule
def depends_on(ctx: RuleContext) -> None:
    by_name = {c["name"]: c for c in ctx.containers}
    for c in ctx.containers:
        for dep in c.get("depends_on") or []:
            target = by_name.get(dep.get("container_name"))
            if target is None:
                raise ClientException(
                    f"Container '{c['name']}' depends on container '{dep.get('container_name')}', which is not in the task definition."
                )  # [U]
            cond = dep.get("condition")
            if cond in ("SUCCESS", "COMPLETE") and target.get("essential", True):
                raise ClientException(
                    "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container"
                )  # [V]
            if cond == "HEALTHY" and not target.get("health_check"):
                raise ClientException(
                    f"Container '{target['name']}' has no healthCheck, so '{c['name']}' cannot depend on it with condition HEALTHY."
                )  # [U]


# -- roles, placement, storage ---------------------------------------------------------------------


@rule
def secrets_need_execution_role(ctx: RuleContext) -> None:
    if ctx.execution_role:
        return
    for c in ctx.containers:
        log_secrets = (c.get("log_configuration") or {}).get("secret_options")
        if c.get("secrets") or log_secrets:
            raise ClientException(
                "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."
            )  # [V] (applies to every launch type)
        if c.get("repository_credentials"):
            raise ClientException(
                "Private repository authentication requires that the task definition specify a value for executionRoleArn."
            )  # [V]


@rule
def placement_constraints(ctx: RuleContext) -> None:
    constraints = ctx.spec.get("placement_constraints") or []
    if len(constraints) > 10:
        raise ClientException("A task definition can have at most 10 placement constraints.")  # [U]
    for pc in constraints:
        if pc.get("type") != "memberOf":
            raise ClientException(
                f"Invalid placement constraint type '{pc.get('type')}'. Task definitions accept only memberOf (distinctInstance belongs on RunTask or CreateService)."
            )  # [U]
        if not pc.get("expression"):
            raise ClientException("A memberOf placement constraint needs an expression.")  # [U]


@rule
def ephemeral_storage(ctx: RuleContext) -> None:
    size = (ctx.spec.get("ephemeral_storage") or {}).get("size_in_gi_b")
    if size is not None and not 21 <= size <= 200:
        raise ClientException(
            f"Invalid ephemeralStorage sizeInGiB {size}. The minimum supported value is 21 GiB and the maximum supported value is 200 GiB."
        )  # [U] bounds from S-BOTO


@rule
def external_launch_type(ctx: RuleContext) -> None:
    if "EXTERNAL" in ctx.requires and ctx.network_mode == "awsvpc":
        raise ClientException(
            "Tasks using the External launch type do not support network mode awsvpc; use bridge, host or none."
        )  # [U]; fact: ECS Anywhere supports bridge, host and none only
