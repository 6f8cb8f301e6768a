"""RunTask / StartTask input: validate everything first, then describe what to start.

:func:`prepare` checks the request the way ECS does and returns a :class:`Launch` (nothing in the
lab has changed yet); the domain then places the tasks and calls :func:`build_task` per task.

Error texts: [V] verified in AWS output quoted by users or AWS docs, [M] modelled.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import (
    ClientException,
    InvalidParameterException,
    error_for_code,
)
from ..capacity.model import FARGATE_PROVIDERS
from ..process import effective_argv
from ..scheduler import TaskRequest, parse_constraints, parse_strategies, task_request
from ..taskdef_fargate import FARGATE_RULES
from ..taskdef_rules import RuleContext
from ..taskdef_sizes import parse_task_cpu, parse_task_memory
from .model import Container, Eni, Task

__all__ = ["Launch", "prepare", "build_task", "AWSVPC_REQUIRED"]

PlatformUnknownException = error_for_code("PlatformUnknownException")

#: [V] RunTask/CreateService with an awsvpc definition and no networkConfiguration.
AWSVPC_REQUIRED = "Network Configuration must be provided when networkMode 'awsvpc' is specified."
#: [V] networkConfiguration with a bridge/host definition.
NOT_AWSVPC = "Network Configuration is not valid for the given networkMode of this task definition."
#: [V3] assignPublicIp ENABLED is a Fargate-only option.
NO_PUBLIC_IP = "Assign public IP is not supported for this launch type."
#: Fargate platform versions ecslab knows; LATEST resolves to 1.4.0 ([V] Linux platform history).
PLATFORM_VERSIONS = {"LATEST": "1.4.0", "1.4.0": "1.4.0", "1.3.0": "1.3.0"}


@dataclass
class Launch:
    """A validated RunTask/StartTask request (snake_case)."""

    cluster: Any
    td: Any
    launch_type: str
    containers: list[dict[str, Any]]  # effective container definitions (overrides applied)
    overrides: dict[str, Any]
    task_cpu: int | None
    task_memory: int | None
    cpu: int
    memory: int
    group: str
    started_by: str | None
    tags: dict[str, str]
    enable_execute_command: bool
    task_role_arn: str | None
    execution_role_arn: str | None
    subnets: list[Any] = field(default_factory=list)  # network.Subnet objects
    security_groups: list[str] = field(default_factory=list)
    assign_public_ip: bool = False
    platform_version: str | None = None
    ephemeral_gib: int = 20
    arch: str = "x86_64"
    request: TaskRequest | None = None
    strategy: list = field(default_factory=list)  # capacity.model.StrategyItem, if any
    #: per container, what all this launch's tasks share (built by build_task on first use)
    templates: list | None = None


def prepare(lab, cluster, td, p: dict[str, Any], *, start_task: bool = False) -> Launch:
    """Validate a RunTask (or StartTask) request in snake_case; raise the AWS error."""
    launch_type = p.get("launch_type")
    strategy = []
    if start_task:
        launch_type = "EC2"
    else:
        # An explicit strategy, else (without a launch type) the cluster's default strategy.
        strategy = lab.capacity.resolve(cluster, p.get("capacity_provider_strategy"), launch_type)
        if strategy:
            launch_type = "FARGATE" if strategy[0].provider in FARGATE_PROVIDERS else "EC2"
    launch_type = launch_type or "EC2"
    if launch_type not in ("EC2", "FARGATE", "EXTERNAL"):
        raise InvalidParameterException(
            f"ecslab simulates the EC2, FARGATE and EXTERNAL launch types; {launch_type} is not "
            "simulated."
        )  # [M]
    if launch_type not in td.compatibilities:
        raise InvalidParameterException(
            f"Task definition does not support launch_type {launch_type}."
        )
    overrides = p.get("overrides") or {}
    containers = _apply_overrides(td, overrides)
    task_cpu = td.cpu_units
    task_memory = td.memory_mib
    if overrides.get("cpu"):
        task_cpu = parse_task_cpu(overrides["cpu"])
        if task_cpu is None:
            raise InvalidParameterException(f"Invalid 'cpu' setting for task: {overrides['cpu']}")
    if overrides.get("memory"):
        task_memory = parse_task_memory(overrides["memory"])
        if task_memory is None:
            raise InvalidParameterException(
                f"Invalid 'memory' setting for task: {overrides['memory']}"
            )
    execution_role = overrides.get("execution_role_arn") or td.execution_role_arn
    task_role = overrides.get("task_role_arn") or td.task_role_arn
    eph = (overrides.get("ephemeral_storage") or {}).get("size_in_gi_b") or (
        (td.spec.get("ephemeral_storage") or {}).get("size_in_gi_b") or 20
    )
    platform = (td.spec.get("runtime_platform") or {}).get("cpu_architecture") or "X86_64"
    tags = dict(p.get("tags") or {})
    if p.get("propagate_tags") == "TASK_DEFINITION":
        tags = {**lab.tags.of(td.arn), **tags}
    lab.tags.validate(tags)
    launch = Launch(
        cluster=cluster,
        td=td,
        launch_type=launch_type,
        containers=containers,
        overrides=overrides,
        task_cpu=task_cpu,
        task_memory=task_memory,
        cpu=0,
        memory=0,
        group=p.get("group") or f"family:{td.family}",
        started_by=p.get("started_by"),
        tags=tags,
        enable_execute_command=bool(p.get("enable_execute_command")),
        task_role_arn=task_role,
        execution_role_arn=execution_role,
        ephemeral_gib=int(eph),
        arch="arm64" if platform.upper() == "ARM64" else "x86_64",
        strategy=strategy,
    )
    _network(lab, launch, p.get("network_configuration"))
    request = task_request(
        containers,
        network_mode=td.network_mode,
        task_cpu=task_cpu,
        task_memory=task_memory,
        cpu_architecture=(td.spec.get("runtime_platform") or {}).get("cpu_architecture"),
        requires_attributes=[(n, None) for n in td.requires_attributes],
        vpc_id=launch.subnets[0].vpc_id if launch.subnets else None,
        subnet_azs=sorted({s.az for s in launch.subnets}),
        constraints=_constraints(td, p, launch_type),
        strategies=_strategies(p, launch_type),
        group=launch.group,
        # Documented: EXTERNAL places only on ECS Anywhere instances, EC2 only on EC2 ones.
        external={"EXTERNAL": True, "EC2": False}.get(launch_type),
    )
    launch.cpu, launch.memory = request.cpu, request.memory
    launch.request = request
    if launch_type == "FARGATE":
        _fargate(launch, p.get("platform_version"))
    elif p.get("platform_version"):
        raise InvalidParameterException(
            "The platform version must be null when specifying an EC2 launch type."
        )  # [V3]
    return launch


def _apply_overrides(td, overrides: dict[str, Any]) -> list[dict[str, Any]]:
    if not overrides.get("container_overrides"):
        return td.containers  # read-only from here on: no copy needed
    containers = copy.deepcopy(td.containers)
    by_name = {c["name"]: c for c in containers}
    for o in overrides.get("container_overrides") or []:
        c = by_name.get(o.get("name"))
        if c is None:
            raise InvalidParameterException(
                f"Override for container named {o.get('name')} is not a container in the TaskDefinition."
            )  # [V3]
        if o.get("command") is not None:
            c["command"] = list(o["command"])
        if o.get("environment"):
            env = {e["name"]: e.get("value", "") for e in c.get("environment") or []}
            env.update({e["name"]: e.get("value", "") for e in o["environment"]})
            c["environment"] = [{"name": k, "value": v} for k, v in env.items()]
        for key in ("cpu", "memory", "memory_reservation"):
            if o.get(key) is not None:
                c[key] = int(o[key])
    return containers


def _strategies(p, launch_type: str):
    if launch_type == "FARGATE":
        if p.get("placement_strategy"):
            raise InvalidParameterException(
                "Task placement strategies are not supported for the FARGATE launch type."
            )  # [M] Fargate takes no strategies ([V] reference H)
        return ()
    return parse_strategies(p.get("placement_strategy"))


def _constraints(td, p, launch_type: str):
    given = list(p.get("placement_constraints") or [])
    if launch_type == "FARGATE":
        if given:
            raise InvalidParameterException(
                "Task placement constraints are not supported for the FARGATE launch type."
            )  # [M]
        return ()
    from_td = list(td.spec.get("placement_constraints") or [])
    if len(given) + len(from_td) > 10:
        raise InvalidParameterException("The number of placement constraints cannot exceed 10.")
    return parse_constraints(from_td + given)


def _network(lab, launch: Launch, netconf: dict[str, Any] | None) -> None:
    if launch.td.network_mode != "awsvpc":
        if netconf:
            raise InvalidParameterException(NOT_AWSVPC)
        return
    vpc = (netconf or {}).get("awsvpc_configuration")
    if not vpc:
        raise InvalidParameterException(AWSVPC_REQUIRED)
    subnet_ids = list(vpc.get("subnets") or [])
    if not subnet_ids:
        raise InvalidParameterException("subnets can not be empty.")  # [M]
    if len(subnet_ids) > 16:
        raise InvalidParameterException("subnets can have at most 16 items.")  # [V] API limit
    missing = [s for s in subnet_ids if s not in lab.network.subnets]
    if missing:
        raise InvalidParameterException(
            f"Error retrieving subnet information for [{', '.join(subnet_ids)}]: The subnet ID "
            f"'{missing[0]}' does not exist (ErrorCode: InvalidSubnetID.NotFound)"
        )  # [V3]
    subnets = [lab.network.subnets[s] for s in dict.fromkeys(subnet_ids)]
    if len({s.vpc_id for s in subnets}) > 1:
        raise InvalidParameterException("The subnets must all belong to the same VPC.")  # [M]
    groups = list(vpc.get("security_groups") or [])
    unknown = [g for g in groups if g not in lab.network.security_groups]
    if unknown:
        raise InvalidParameterException(
            f"Error retrieving security group information for [{', '.join(groups)}]: The security "
            f"group '{unknown[0]}' does not exist (ErrorCode: InvalidGroup.NotFound)"
        )  # [V3]
    if not groups:
        groups = [lab.network.default_security_group(subnets[0].vpc_id).id]
    public = (vpc.get("assign_public_ip") or "DISABLED") == "ENABLED"
    if public and launch.launch_type != "FARGATE":
        raise InvalidParameterException(NO_PUBLIC_IP)
    launch.subnets, launch.security_groups, launch.assign_public_ip = subnets, groups, public


def _fargate(launch: Launch, version: str | None) -> None:
    """Fargate's run-time checks: the definition's Fargate rules with the overrides applied."""
    resolved = PLATFORM_VERSIONS.get(version or "LATEST")
    if resolved is None:
        raise PlatformUnknownException(f"The specified platform does not exist: {version}.")  # [M]
    launch.platform_version = resolved
    spec = dict(launch.td.spec)
    spec["container_definitions"] = launch.containers
    if launch.execution_role_arn:
        spec["execution_role_arn"] = launch.execution_role_arn
    ctx = RuleContext.of(spec)
    ctx.requires = ["FARGATE"]
    ctx.cpu_units, ctx.memory_mib = launch.task_cpu, launch.task_memory
    for check in FARGATE_RULES:
        check(ctx)  # raises ClientException with the registration-time text
    if not 20 <= launch.ephemeral_gib <= 200:
        raise ClientException(
            "The ephemeral storage size must be between 21 GiB and 200 GiB."
        )  # [M] S-BOTO: sizeInGiB 21-200


# -- building a task ---------------------------------------------------------------------------------


def _uuid(hexs: str) -> str:
    return f"{hexs[0:8]}-{hexs[8:12]}-4{hexs[13:16]}-a{hexs[17:20]}-{hexs[20:32]}"


def _template(c: dict[str, Any]) -> tuple[str, tuple | None, dict[str, Any]]:
    """What every task of a launch shares for one container: its name, its awslogs settings
    (group, stream prefix, create-group) and the Container fields that do not depend on the
    task. The lists and dicts in it are shared by those tasks and never changed."""
    log = None
    lc = c.get("log_configuration") or {}
    if lc.get("log_driver") == "awslogs":
        opts = lc.get("options") or {}
        log = (
            opts.get("awslogs-group", ""),
            opts.get("awslogs-stream-prefix"),
            str(opts.get("awslogs-create-group", "")).lower() == "true",
        )
    static = dict(
        name=c["name"],
        image=c["image"],
        essential=bool(c.get("essential", True)),
        cpu=int(c.get("cpu") or 0),
        memory=c.get("memory"),
        memory_reservation=c.get("memory_reservation"),
        argv=list(c.get("command") or []),  # resolved against the image at pull time
        environment={e["name"]: e.get("value", "") for e in c.get("environment") or []},
        secrets={s["name"]: s["value_from"] for s in c.get("secrets") or []},
        port_mappings=list(c.get("port_mappings") or []),
        entry_point=c.get("entry_point"),
        repository_credentials=(c.get("repository_credentials") or {}).get("credentials_parameter"),
    )
    return c["name"], log, static


def build_task(lab, launch: Launch, *, placement=None, subnet=None, az=None, rnd: str = "") -> Task:
    """A new Task (PROVISIONING for awsvpc, else PENDING). Its ids come from ``rnd`` (96 hex
    digits from ``lab.random``; drawn here if not given)."""
    rnd = rnd or lab.random.hex(96)
    task_id = rnd[:32]
    cluster = launch.cluster
    prefix = f"arn:aws:ecs:{lab.region}:{lab.account_id}:"
    arn = f"{prefix}task/{cluster.name}/{task_id}"
    if launch.templates is None:
        launch.templates = [_template(c) for c in launch.containers]
    fargate = launch.launch_type == "FARGATE"
    containers = []
    for name, log, static in launch.templates:
        h = hashlib.sha256(f"{task_id}/{name}".encode()).hexdigest()
        runtime = f"{task_id}-{int(h[:8], 16) % 10**10:010d}" if fargate else h
        if log is not None:
            group, stream_prefix, create = log
            stream = f"{stream_prefix}/{name}/{task_id}" if stream_prefix else task_id
            log = {"group": group, "stream": stream, "create": create}
        containers.append(
            Container(
                arn=f"{prefix}container/{cluster.name}/{task_id}/{_uuid(h[8:40])}",
                log=log,
                runtime_id=runtime,
                **static,
            )
        )
    td = launch.td
    task = Task(
        arn=arn,
        id=task_id,
        cluster=cluster.name,
        cluster_arn=cluster.arn,
        td=td,
        launch_type=launch.launch_type,
        cpu=launch.cpu,
        memory=launch.memory,
        task_cpu=str(launch.task_cpu) if launch.task_cpu else None,
        task_memory=str(launch.task_memory) if launch.task_memory else None,
        containers=containers,
        created_at=lab.now,
        group=launch.group,
        started_by=launch.started_by,
        overrides=launch.overrides,
        enable_execute_command=launch.enable_execute_command,
        task_role_arn=launch.task_role_arn,
        execution_role_arn=launch.execution_role_arn,
        last_status="PROVISIONING" if td.network_mode == "awsvpc" else "PENDING",
        platform_version=launch.platform_version,
        ephemeral_gib=launch.ephemeral_gib,
        arch=launch.arch,
    )
    if placement is not None:
        ci = lab.container_instances.get(placement.arn)
        task.placement = placement
        task.container_instance_arn = placement.arn
        task.ec2_instance_id = placement.ec2_instance_id
        task.az = ci.az
        task.arch = ci.arch
        _bindings(task, placement)
        if subnet is None and launch.subnets:
            subnet = next(s for s in launch.subnets if s.az == ci.az)
    else:
        task.az = az
    if subnet is not None:
        task.eni = Eni(
            attachment_id=_uuid(rnd[32:64]),
            eni_id="eni-" + rnd[64:81],
            subnet_id=subnet.id,
            az=subnet.az,
            private_ip=subnet.next_ip(),
            mac="0a:" + ":".join(rnd[81 + 2 * i : 83 + 2 * i] for i in range(5)),
            security_groups=list(launch.security_groups),
            public_ip=launch.assign_public_ip,
        )
        task.az = subnet.az
    return task


def _bindings(task: Task, placement) -> None:
    """Bridge/host network bindings: static ports as given, dynamic ones from the placement in
    the order the scheduler assigned them (containers, then their port mappings)."""
    mode = task.network_mode
    if mode not in ("bridge", "host") or not any(c.port_mappings for c in task.containers):
        return
    dyn = {"tcp": iter(placement.dynamic_tcp), "udp": iter(placement.dynamic_udp)}
    for c in task.containers:
        bindings = []
        for m in c.port_mappings:
            proto = (m.get("protocol") or "tcp").lower()
            cport = m.get("container_port")
            host = m.get("host_port")
            if mode == "host":
                host = host or cport
            elif not host:
                host = next(dyn[proto])
            bindings.append(
                {
                    "bind_ip": "0.0.0.0",
                    "container_port": cport,
                    "host_port": host,
                    "protocol": proto,
                }
            )
        if bindings:
            c.network_bindings = bindings


def image_argv(c: Container, image) -> list[str]:
    """The process a container runs: its entryPoint/command over the image's ENTRYPOINT/CMD."""
    return effective_argv(
        c.entry_point,
        c.argv or None,
        list(image.entrypoint) if image and image.entrypoint else None,
        list(image.command) if image and image.command else None,
    )
