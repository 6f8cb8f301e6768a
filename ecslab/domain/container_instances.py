"""ECS container instances: what the agent registered, their state and resource bookkeeping.

The scheduler vectorises over :meth:`ContainerInstances.table`, a pandas DataFrame with one row
per container instance (every status, INACTIVE included) and these columns:

=================  ==========  ==============================================================
arn                string      container-instance ARN
id                 string      its 32-hex id
cluster            string      cluster name
status             string      REGISTERING | ACTIVE | DRAINING | DEREGISTERING | INACTIVE
agent_connected    bool
ec2_instance_id    string
az                 string      e.g. ap-east-1a
subnet_id, vpc_id  string
instance_type      string
arch               string      x86_64 | arm64
cpu_registered     int64       vCPU x 1024
mem_registered     int64       MiB (catalog model, minus ECS_RESERVED_MEMORY)
cpu_reserved       int64       by tasks placed on it (see :meth:`reserve` / :meth:`release`)
mem_reserved       int64
eni_capacity       int64       awsvpc tasks it can hold: max ENIs - 1, or the trunking limit
eni_used           int64
trunked            bool        has a trunk ENI (launched with awsvpcTrunking on, type supports it)
ports_reserved     object      tuple of reserved TCP host ports (agent defaults + tasks')
registered_at      datetime64[ns, UTC]
running_tasks      int64
pending_tasks      int64
=================  ==========  ==============================================================

``reserve`` / ``release`` / ``count_tasks`` change only the bookkeeping: the caller (the task
domain) emits the fact (TaskCreated, TaskStopped ...) that explains the change, so replay
reproduces it. ``version`` counts the *other* changes (registration, status, agent, attributes):
the task domain keeps its per-cluster scheduler table until the version moves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ..core import catalog
from ..core.errors import (
    ClusterContainsContainerInstancesException,
    InvalidParameterException,
)
from ..core.ids import arn as make_arn
from ..core.ids import parse_arn
from .attributes import builtin_attributes
from .ec2.images import IMAGES

__all__ = ["ContainerInstance", "ContainerInstances", "TRUNK_SECONDS"]

TRUNK_SECONDS = 10  # REGISTERING -> ACTIVE while the trunk ENI is attached
_COLUMNS = {
    "arn": "string",
    "id": "string",
    "cluster": "string",
    "status": "string",
    "agent_connected": "bool",
    "ec2_instance_id": "string",
    "az": "string",
    "subnet_id": "string",
    "vpc_id": "string",
    "instance_type": "string",
    "arch": "string",
    "cpu_registered": "int64",
    "mem_registered": "int64",
    "cpu_reserved": "int64",
    "mem_reserved": "int64",
    "eni_capacity": "int64",
    "eni_used": "int64",
    "trunked": "bool",
    "ports_reserved": "object",
    "registered_at": "datetime64[ns, UTC]",
    "running_tasks": "int64",
    "pending_tasks": "int64",
}


@dataclass
class ContainerInstance:
    arn: str
    id: str
    cluster: str
    cluster_arn: str
    ec2_instance_id: str
    instance_type: str
    arch: str
    az: str
    subnet_id: str
    vpc_id: str
    ami_id: str
    registered_at: datetime
    cpu: int
    memory: int
    ports: list[int]
    ports_udp: list[int]
    eni_capacity: int
    status: str = "ACTIVE"
    status_reason: str | None = None
    agent_connected: bool = True
    trunk_eni_id: str | None = None
    cpu_reserved: int = 0
    mem_reserved: int = 0
    ports_reserved: list[int] = field(default_factory=list)
    ports_udp_reserved: list[int] = field(default_factory=list)
    eni_used: int = 0
    running_tasks: int = 0
    pending_tasks: int = 0
    builtin: dict[str, str | None] = field(default_factory=dict)
    custom: dict[str, str | None] = field(default_factory=dict)
    agent_version: str = ""
    docker_version: str = ""
    agent_update_status: str | None = None  # UpdateContainerAgent: PENDING ... UPDATED

    @property
    def trunked(self) -> bool:
        return self.trunk_eni_id is not None or self.status == "REGISTERING"

    def attributes(self) -> dict[str, str | None]:
        return {**self.builtin, **self.custom}


EXTERNAL_ATTRIBUTE = "ecs.capability.external"  # [M] see register()
EC2_ONLY_ATTRIBUTES = (
    "ecs.ami-id",
    "ecs.availability-zone",
    "ecs.instance-type",
    "ecs.subnet-id",
    "ecs.vpc-id",
)


class ContainerInstances:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_arn: dict[str, ContainerInstance] = {}
        # EC2 instance id -> its container instances in registration order (for_instance runs
        # once per registration: a scan of every container instance made a fleet quadratic).
        self._by_instance: dict[str, list[ContainerInstance]] = {}
        self._frame: pd.DataFrame | None = None
        self.version = 0  # bumped by every change except task bookkeeping (see module doc)

    def _changed(self, ci: ContainerInstance | None = None) -> None:
        self._frame = None
        self.version += 1
        # The service scheduler reacts (daemon tasks on new instances, draining ...).
        for d in self.lab.domains:
            hook = getattr(d, "on_container_instances_changed", None)
            if hook is not None:
                hook(ci.cluster if ci is not None else None)

    # -- lookups ---------------------------------------------------------------------------------

    def all(self) -> list[ContainerInstance]:
        return list(self._by_arn.values())

    def in_cluster(self, cluster_name: str) -> list[ContainerInstance]:
        return [c for c in self._by_arn.values() if c.cluster == cluster_name]

    def for_instance(self, ec2_instance_id: str) -> ContainerInstance | None:
        found = [c for c in self._by_instance.get(ec2_instance_id, ()) if c.status != "INACTIVE"]
        return found[-1] if found else None

    def arn_for(self, cluster: str, ref: str) -> str:
        if ref.startswith("arn:"):
            return ref
        return make_arn(
            "ecs", self.lab.region, self.lab.account_id, f"container-instance/{cluster}/{ref}"
        )

    def find(self, cluster: str, ref: str) -> ContainerInstance | None:
        """By id, ARN (new or old format); only within ``cluster``."""
        if ref.startswith("arn:"):
            parts = parse_arn(ref)
            if not parts or not parts["resource"].startswith("container-instance/"):
                raise InvalidParameterException("Invalid Arn")
            if parts["region"] != self.lab.region or parts["account"] != self.lab.account_id:
                return None
            ref = parts["resource"].rsplit("/", 1)[1]
        c = self._by_arn.get(self.arn_for(cluster, ref))
        return c

    def owns(self, resource_arn: str) -> bool:
        c = self._by_arn.get(resource_arn)
        return c is not None and c.status != "INACTIVE"

    def listed(self, cluster: str, status: str | None = None) -> list[ContainerInstance]:
        """ListContainerInstances: every status but INACTIVE unless ``status`` narrows it."""
        return [
            c
            for c in self.in_cluster(cluster)
            if c.status != "INACTIVE" and (status is None or c.status == status)
        ]

    # -- registration (called by the agent) ------------------------------------------------------

    def register(
        self,
        inst,
        cluster_name: str,
        config: dict[str, str],
        *,
        cpu: int | None = None,
        memory: int | None = None,
        attributes: dict[str, str | None] | None = None,
    ) -> ContainerInstance:
        """The one registration path: the simulated agent and RegisterContainerInstance both
        come here. An instance already registered with the cluster gets its existing container
        instance back (as AWS answers a re-registration); ``cpu``/``memory`` are an explicit
        totalResources, ``attributes`` custom attributes given in the call."""
        lab = self.lab
        cluster = lab.clusters.get(cluster_name)
        existing = self.for_instance(inst.id)
        if existing is not None and existing.cluster == cluster.name:
            return existing
        external = getattr(inst, "external", False)  # an ECS Anywhere managed instance (mi-)
        if external:
            info = inst.type_info
            agent_version, docker_version = inst.agent_version, inst.docker_version
        else:
            info = catalog.instance_type(inst.instance_type)
            image = IMAGES[inst.image_id]
            agent_version, docker_version = image.agent_version, image.docker_version
        reserved_mem = int(config.get("ECS_RESERVED_MEMORY", "0") or 0)
        ports = list(catalog.RESERVED_TCP_PORTS) + _int_list(config.get("ECS_RESERVED_PORTS"))
        udp = _int_list(config.get("ECS_RESERVED_PORTS_UDP"))
        task_eni = not external and config.get("ECS_ENABLE_TASK_ENI", "true").lower() != "false"
        trunk = task_eni and inst.trunking_at_launch and info["trunking_supported"]
        if trunk:
            capacity = info["trunk_tasks_with"]
        else:
            capacity = info["max_enis"] - 1 if task_eni else 0
        cid = lab.random.hex(32)
        ci = ContainerInstance(
            arn=self.arn_for(cluster.name, cid),
            id=cid,
            cluster=cluster.name,
            cluster_arn=cluster.arn,
            ec2_instance_id=inst.id,
            instance_type=inst.instance_type,
            arch=info["arch"],
            az=inst.az,
            subnet_id=inst.subnet_id,
            vpc_id=inst.vpc_id,
            ami_id=inst.image_id,
            registered_at=lab.now,
            cpu=info["registered_cpu"],
            memory=catalog.registered_memory_mib(info["memory_mib"], reserved_mem),
            ports=sorted(set(ports)),
            ports_udp=sorted(set(udp)),
            eni_capacity=int(capacity),
            status="REGISTERING" if trunk else "ACTIVE",
            agent_version=agent_version or "",
            docker_version=docker_version or "",
        )
        ci.builtin = builtin_attributes(ci, task_eni, trunk)
        if external:
            # No EC2 facts on a machine outside AWS; the marker the EXTERNAL launch type places
            # on is modelled [M] (ECS keeps the launch type of a container instance internally).
            for name in EC2_ONLY_ATTRIBUTES:
                ci.builtin.pop(name, None)
            ci.builtin[EXTERNAL_ATTRIBUTE] = None
        ci.custom = _custom(config.get("ECS_INSTANCE_ATTRIBUTES"))
        if cpu is not None:
            ci.cpu = cpu
        if memory is not None:
            ci.memory = memory
        ci.custom.update(attributes or {})
        self._by_arn[ci.arn] = ci
        self._by_instance.setdefault(ci.ec2_instance_id, []).append(ci)
        self._changed(ci)
        lab.emit(
            "ContainerInstanceRegistered",
            "ecs",
            cluster=cluster.name,
            resource=ci.arn,
            ec2_instance_id=inst.id,
            instance_type=ci.instance_type,
            az=ci.az,
            cpu=ci.cpu,
            memory=ci.memory,
            eni_capacity=ci.eni_capacity,
            status=ci.status,
        )
        if trunk:
            lab.clock.after(TRUNK_SECONDS, lambda: self._trunk_attached(ci), "trunk")
        for d in lab.domains:
            hook = getattr(d, "on_container_instance_registered", None)
            if hook is not None:
                hook(ci)
        return ci

    def _trunk_attached(self, ci: ContainerInstance) -> None:
        if ci.status != "REGISTERING":
            return
        ci.trunk_eni_id = "eni-" + self.lab.random.hex(17)
        ci.builtin["ecs.awsvpc-trunk-id"] = ci.trunk_eni_id
        ci.builtin = dict(sorted(ci.builtin.items()))
        self._set_status(ci, "ACTIVE", trunk_eni_id=ci.trunk_eni_id)

    def _set_status(self, ci: ContainerInstance, status: str, **detail) -> None:
        ci.status = status
        self._changed(ci)
        self.lab.emit(
            "ContainerInstanceStatusChanged",
            "ecs",
            cluster=ci.cluster,
            resource=ci.arn,
            status=status,
            **detail,
        )

    # -- EC2 hooks -------------------------------------------------------------------------------

    def on_instance_terminating(self, inst) -> None:
        ci = self.for_instance(inst.id)
        if ci is None:
            return
        ci.agent_connected = False
        if ci.trunk_eni_id is not None:
            self._set_status(ci, "DEREGISTERING", reason="EC2 instance terminated")
            self.lab.clock.after(
                TRUNK_SECONDS, lambda: self._inactive(ci, "EC2 instance terminated")
            )
        else:
            self._inactive(ci, "EC2 instance terminated")

    def _inactive(self, ci: ContainerInstance, reason: str) -> None:
        ci.status, ci.agent_connected = "INACTIVE", False
        self._changed(ci)
        self.lab.emit(
            "ContainerInstanceDeregistered",
            "ecs",
            cluster=ci.cluster,
            resource=ci.arn,
            ec2_instance_id=ci.ec2_instance_id,
            reason=reason,
        )

    # -- API operations --------------------------------------------------------------------------

    def deregister(self, cluster: str, ref: str, force: bool = False) -> ContainerInstance:
        c = self.lab.clusters.get(cluster)
        ci = self.find(c.name, ref)
        if ci is None:
            raise InvalidParameterException("The referenced container instance could not be found.")
        if ci.status == "INACTIVE":
            return ci
        if (ci.running_tasks or ci.pending_tasks) and not force:
            raise InvalidParameterException(
                "Found running tasks on the instance. Use force to deregister it."
            )
        self._inactive(ci, "DeregisterContainerInstance")
        return ci

    def update_state(
        self, cluster: str, refs: list[str], status: str
    ) -> tuple[list[ContainerInstance], list[str]]:
        c = self.lab.clusters.get(cluster)
        if status not in ("ACTIVE", "DRAINING"):
            raise InvalidParameterException(
                "Container instance status can only be updated to ACTIVE or DRAINING."
            )
        found, missing = [], []
        for ref in refs:
            ci = self.find(c.name, ref)
            if ci is None or ci.status == "INACTIVE":
                missing.append(ref)
            else:
                found.append(ci)
        for ci in found:
            if ci.status != status and ci.status in ("ACTIVE", "DRAINING"):
                self._set_status(ci, status)
        return found, missing

    # -- bookkeeping for the scheduler -----------------------------------------------------------

    def get(self, arn: str) -> ContainerInstance | None:
        return self._by_arn.get(arn)

    def reserve(
        self, arn: str, cpu: int, memory: int, ports=(), enis: int = 0, udp_ports=()
    ) -> None:
        ci = self._by_arn[arn]
        ci.cpu_reserved += cpu
        ci.mem_reserved += memory
        ci.ports_reserved.extend(ports)
        ci.ports_udp_reserved.extend(udp_ports)
        ci.eni_used += enis
        self._frame = None  # bookkeeping only: version unchanged

    def release(
        self, arn: str, cpu: int, memory: int, ports=(), enis: int = 0, udp_ports=()
    ) -> None:
        ci = self._by_arn[arn]
        ci.cpu_reserved -= cpu
        ci.mem_reserved -= memory
        for p in ports:
            ci.ports_reserved.remove(p)
        for p in udp_ports:
            ci.ports_udp_reserved.remove(p)
        ci.eni_used -= enis
        self._frame = None

    def count_tasks(self, arn: str, pending: int = 0, running: int = 0) -> None:
        """Move the instance's pendingTasksCount / runningTasksCount (task lifecycle)."""
        ci = self._by_arn.get(arn)
        if ci is not None:
            ci.pending_tasks += pending
            ci.running_tasks += running
            self._frame = None

    def table(self) -> pd.DataFrame:
        """One row per container instance (see the module docstring for the columns)."""
        if self._frame is None:
            rows = {c: [] for c in _COLUMNS}
            for ci in self._by_arn.values():
                for col in _COLUMNS:
                    if col == "cpu_registered":
                        v = ci.cpu
                    elif col == "mem_registered":
                        v = ci.memory
                    elif col == "ports_reserved":
                        v = tuple(ci.ports + ci.ports_reserved)
                    else:
                        v = getattr(ci, col)
                    rows[col].append(v)
            df = pd.DataFrame(rows)
            df["registered_at"] = pd.to_datetime(df["registered_at"], utc=True)
            self._frame = df.astype(_COLUMNS)
        return self._frame.copy()

    # -- cluster hooks ---------------------------------------------------------------------------

    def cluster_counts(self, cluster_arn: str) -> dict[str, int]:
        n = sum(
            1
            for c in self._by_arn.values()
            if c.cluster_arn == cluster_arn and c.status in ("ACTIVE", "DRAINING")
        )
        return {"registeredContainerInstancesCount": n}

    def blocks_cluster_delete(self, cluster_arn: str) -> None:
        if any(
            c.cluster_arn == cluster_arn and c.status in ("ACTIVE", "DRAINING", "REGISTERING")
            for c in self._by_arn.values()
        ):
            raise ClusterContainsContainerInstancesException(
                "The Cluster cannot be deleted while Container Instances are active or draining."
            )


def _int_list(text: str | None) -> list[int]:
    if not text:
        return []
    try:
        return [int(x) for x in json.loads(text)]
    except (ValueError, TypeError):
        return []


def _custom(text: str | None) -> dict[str, str | None]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
