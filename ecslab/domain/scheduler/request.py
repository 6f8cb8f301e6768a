"""What one task asks of the scheduler: resources, ports, attributes, location, rules.

:class:`TaskRequest` is built by the task domain from a task definition (plus RunTask overrides)
with :func:`task_request`; strategies and constraints come from the API through
:func:`parse_strategies` / :func:`parse_constraints`, which validate them the way ECS does.

Resource needs (AWS docs, task_definition_parameters "memory"/"memoryReservation"; verified):

* a container's memory need is its ``memoryReservation`` (soft limit) when given, otherwise its
  ``memory`` (hard limit); the task needs the sum over containers;
* a task-level ``memory`` / ``cpu``, when given, is what the task reserves instead (modelled:
  the task size is the reservation on EC2, as on Fargate);
* a container without ``cpu`` reserves 0 units (modelled: the agent gives it minimum shares but
  the scheduler counts 0).

Host ports: in ``bridge`` mode a mapping with hostPort 0/None takes a dynamic port, any other
hostPort is static; in ``host`` mode hostPort == containerPort (always static); ``awsvpc`` and
``none`` use no host ports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ecslab.core.errors import InvalidParameterException

from .query import parse

__all__ = [
    "Constraint",
    "Strategy",
    "TaskRequest",
    "task_request",
    "memory_need",
    "cpu_need",
    "parse_strategies",
    "parse_constraints",
    "MAX_STRATEGIES",
    "MAX_CONSTRAINTS",
]

MAX_STRATEGIES = 5
MAX_CONSTRAINTS = 10
NETWORK_MODES = ("bridge", "host", "awsvpc", "none")


@dataclass(frozen=True)
class Constraint:
    """``distinctInstance`` or ``memberOf`` with its parsed expression (see query.py)."""

    type: str
    expression: str | None = None
    query: object = None  # query.Query for memberOf


@dataclass(frozen=True)
class Strategy:
    """``binpack`` (field cpu|memory), ``spread`` (instanceId or attribute:<name>) or ``random``."""

    type: str
    field: str | None = None


@dataclass(frozen=True)
class TaskRequest:
    cpu: int = 0
    memory: int = 0
    network_mode: str = "bridge"
    tcp_ports: tuple[int, ...] = ()  # static host ports
    udp_ports: tuple[int, ...] = ()
    dynamic_tcp: int = 0  # bridge-mode mappings with hostPort 0 / omitted
    dynamic_udp: int = 0
    required_attributes: tuple[tuple[str, str | None], ...] = ()  # (name, value or None)
    vpc_id: str | None = None  # awsvpc: the subnets' VPC
    subnet_azs: tuple[str, ...] = ()  # awsvpc: AZs of the given subnets
    constraints: tuple[Constraint, ...] = ()
    strategies: tuple[Strategy, ...] = ()
    group: str = ""
    # EXTERNAL tasks only on ECS Anywhere instances, EC2 tasks only on EC2 ones (None: either).
    external: bool | None = None
    meta: dict = field(default_factory=dict, compare=False)  # free for the caller

    @property
    def needs_eni(self) -> bool:
        return self.network_mode == "awsvpc"


def memory_need(containers: Iterable[Mapping], task_memory: int | None = None) -> int:
    """MiB the task reserves on an instance (see the module docstring)."""
    if task_memory:
        return int(task_memory)
    total = 0
    for c in containers:
        soft, hard = c.get("memory_reservation"), c.get("memory")
        total += int(soft if soft else (hard or 0))
    return total


def cpu_need(containers: Iterable[Mapping], task_cpu: int | None = None) -> int:
    """CPU units the task reserves on an instance."""
    if task_cpu:
        return int(task_cpu)
    return sum(int(c.get("cpu") or 0) for c in containers)


def _ports(containers: Iterable[Mapping], network_mode: str):
    static = {"tcp": [], "udp": []}
    dynamic = {"tcp": 0, "udp": 0}
    if network_mode in ("awsvpc", "none"):
        return static, dynamic
    for c in containers:
        for m in c.get("port_mappings") or ():
            proto = (m.get("protocol") or "tcp").lower()
            host = m.get("host_port")
            if network_mode == "host":
                host = m.get("container_port") if not host else host
            if host:
                static[proto].append(int(host))
            else:
                dynamic[proto] += 1
    return static, dynamic


def task_request(
    containers: Iterable[Mapping],
    *,
    network_mode: str = "bridge",
    task_cpu: int | None = None,
    task_memory: int | None = None,
    cpu_architecture: str | None = None,
    requires_attributes: Iterable[tuple[str, str | None]] = (),
    vpc_id: str | None = None,
    subnet_azs: Iterable[str] = (),
    constraints: Iterable[Constraint] = (),
    strategies: Iterable[Strategy] = (),
    group: str = "",
    external: bool | None = None,
) -> TaskRequest:
    """A TaskRequest from snake_case container definitions (``memory``, ``memory_reservation``,
    ``cpu``, ``port_mappings`` = [{container_port, host_port, protocol}])."""
    containers = list(containers)
    if network_mode not in NETWORK_MODES:
        raise InvalidParameterException(f"Invalid network mode: {network_mode}")
    static, dynamic = _ports(containers, network_mode)
    for proto, ports in static.items():
        if len(set(ports)) != len(ports):
            raise InvalidParameterException(
                f"Host port {_dup(ports)} ({proto}) is used by more than one port mapping."
            )
    attrs = list(requires_attributes)
    if cpu_architecture:
        # runtimePlatform.cpuArchitecture X86_64/ARM64 -> the attribute value x86_64/arm64.
        attrs.append(("ecs.cpu-architecture", cpu_architecture.lower()))
    return TaskRequest(
        cpu=cpu_need(containers, task_cpu),
        memory=memory_need(containers, task_memory),
        network_mode=network_mode,
        tcp_ports=tuple(static["tcp"]),
        udp_ports=tuple(static["udp"]),
        dynamic_tcp=dynamic["tcp"],
        dynamic_udp=dynamic["udp"],
        required_attributes=tuple(attrs),
        vpc_id=vpc_id,
        subnet_azs=tuple(subnet_azs),
        constraints=tuple(constraints),
        strategies=tuple(strategies),
        group=group,
        external=external,
    )


def _dup(ports: list[int]) -> int:
    seen: set[int] = set()
    for p in ports:
        if p in seen:
            return p
        seen.add(p)
    return ports[0]


_SPREAD_ALIASES = {"instanceid": "instanceId", "host": "instanceId"}


def parse_strategies(items: Iterable[Mapping] | None) -> tuple[Strategy, ...]:
    """Validate API placementStrategy entries ({type, field}); messages are modelled."""
    items = list(items or ())
    if len(items) > MAX_STRATEGIES:
        raise InvalidParameterException(
            f"The number of placement strategies cannot exceed {MAX_STRATEGIES}."
        )
    out = []
    for it in items:
        kind, fld = it.get("type"), it.get("field")
        if kind == "random":
            if fld:
                raise InvalidParameterException("Field is not supported for random strategy.")
            out.append(Strategy("random"))
        elif kind == "binpack":
            if (fld or "").lower() not in ("cpu", "memory"):
                raise InvalidParameterException(
                    f"Invalid binpack field: {fld!r}. Valid fields are cpu and memory."
                )
            out.append(Strategy("binpack", fld.lower()))
        elif kind == "spread":
            if not fld:
                raise InvalidParameterException("Field is required for spread strategy.")
            fld = _SPREAD_ALIASES.get(fld.lower(), fld)
            if fld != "instanceId" and not fld.startswith("attribute:"):
                raise InvalidParameterException(
                    f"Invalid spread field: {fld!r}. Use instanceId, host or attribute:<name>."
                )
            out.append(Strategy("spread", fld))
        else:
            raise InvalidParameterException(f"Invalid placement strategy type: {kind!r}")
    return tuple(out)


def parse_constraints(items: Iterable[Mapping] | None) -> tuple[Constraint, ...]:
    """Validate API placementConstraints entries ({type, expression}) and parse expressions."""
    items = list(items or ())
    if len(items) > MAX_CONSTRAINTS:
        raise InvalidParameterException(
            f"The number of placement constraints cannot exceed {MAX_CONSTRAINTS}."
        )
    out = []
    for it in items:
        kind, expr = it.get("type"), it.get("expression")
        if kind == "distinctInstance":
            if expr:
                # Verified wording (an AWS response quoted in hashicorp/terraform#11471).
                raise InvalidParameterException(
                    "distinctInstance expression should not be specified."
                )
            out.append(Constraint("distinctInstance"))
        elif kind == "memberOf":
            if not expr:
                raise InvalidParameterException("memberOf expression must be specified.")
            out.append(Constraint("memberOf", expr, parse(expr)))
        else:
            raise InvalidParameterException(f"Invalid placement constraint type: {kind!r}")
    return tuple(out)
