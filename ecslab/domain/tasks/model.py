"""What a task is: its containers, placement, network attachment, status and timestamps.

Snake_case throughout; the API layer (ecslab/api/ecs_tasks_out.py) shapes it as AWS's ``Task``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..process import Process

__all__ = [
    "Container",
    "Eni",
    "Task",
    "PRE_RUNNING",
    "STOPPING_STATES",
    "LAUNCH_TYPES",
]

#: lastStatus values before RUNNING: the task counts as *pending* (cluster and instance counts).
PRE_RUNNING = ("PROVISIONING", "PENDING", "ACTIVATING")
#: lastStatus values on the way down, still holding the instance's resources.
STOPPING_STATES = ("DEACTIVATING", "STOPPING", "DEPROVISIONING")
LAUNCH_TYPES = ("EC2", "FARGATE")


@dataclass(slots=True)  # slots: 10,000s of tasks, less for the garbage collector to scan
class Container:
    name: str
    arn: str
    image: str
    essential: bool
    cpu: int
    memory: int | None
    memory_reservation: int | None
    argv: list[str]
    environment: dict[str, str]
    secrets: dict[str, str]  # env name -> secret reference (valueFrom)
    port_mappings: list[dict[str, Any]]
    log: dict[str, Any] | None  # {"group", "stream", "create"} for awslogs
    entry_point: list[str] | None = None
    repository_credentials: str | None = None  # secret holding private-registry credentials
    runtime_id: str = ""
    image_digest: str | None = None
    process: Process | None = None
    graceful_stop: bool = False  # exits promptly on its stop signal (see timings.GRACEFUL_EXIT_S)
    last_status: str = "PENDING"
    exit_code: int | None = None
    reason: str | None = None
    #: bridge/host bindings, set once at placement (a shared empty tuple until then)
    network_bindings: list[dict[str, Any]] | tuple = ()
    started_at: datetime | None = None
    timer: object = None
    health_status: str | None = None  # UNKNOWN/HEALTHY/UNHEALTHY with a healthCheck, else None


@dataclass(slots=True)
class Eni:
    """The task ENI of an awsvpc task (an ``ElasticNetworkInterface`` attachment)."""

    attachment_id: str
    eni_id: str
    subnet_id: str
    az: str
    private_ip: str
    mac: str
    security_groups: list[str]
    public_ip: bool
    status: str = "PRECREATED"  # -> ATTACHED -> DETACHED -> DELETED


@dataclass(slots=True)
class Task:
    arn: str
    id: str
    cluster: str  # name
    cluster_arn: str
    td: Any  # TaskDefinition
    launch_type: str
    cpu: int  # reservation in CPU units (task-level, else the containers' sum)
    memory: int  # MiB (task-level, else the containers' need)
    task_cpu: str | None  # task-level size as DescribeTasks shows it (None when not set)
    task_memory: str | None
    containers: list[Container]
    created_at: datetime
    group: str
    started_by: str | None
    overrides: dict[str, Any]
    enable_execute_command: bool
    task_role_arn: str | None
    execution_role_arn: str | None
    last_status: str
    desired_status: str = "RUNNING"
    container_instance_arn: str | None = None
    ec2_instance_id: str | None = None
    az: str | None = None
    placement: Any = None  # scheduler Placement (EC2)
    eni: Eni | None = None
    platform_version: str | None = None
    ephemeral_gib: int = 20
    arch: str = "x86_64"
    service: str | None = None
    pull_started_at: datetime | None = None
    pull_stopped_at: datetime | None = None
    started_at: datetime | None = None
    stopping_at: datetime | None = None
    execution_stopped_at: datetime | None = None
    stopped_at: datetime | None = None
    connectivity: str | None = None
    connectivity_at: datetime | None = None
    stop_code: str | None = None
    stopped_reason: str | None = None
    version: int = 1
    timer: object = None
    health_status: str = "UNKNOWN"  # from the containers' health checks (services run them)
    images: dict[str, Any] = field(default_factory=dict)  # container name -> ImageRecord
    capacity_provider: str | None = None  # set when started through a capacity provider strategy
    capacity: str = "on_demand"  # "spot" for FARGATE_SPOT (billing reads it)

    @property
    def family(self) -> str:
        return self.td.family

    @property
    def revision(self) -> int:
        return self.td.revision

    @property
    def network_mode(self) -> str:
        return self.td.network_mode

    @property
    def fargate(self) -> bool:
        return self.launch_type == "FARGATE"

    @property
    def pending(self) -> bool:
        return self.last_status in PRE_RUNNING

    @property
    def running(self) -> bool:
        """Counted as running: started and not yet STOPPED (see cluster_counts)."""
        return self.last_status == "RUNNING" or self.last_status in STOPPING_STATES

    @property
    def live(self) -> bool:
        return self.last_status != "STOPPED"

    def container(self, name: str) -> Container | None:
        return next((c for c in self.containers if c.name == name), None)

    def billing_detail(self) -> dict[str, Any]:
        """TaskPullStarted's detail: what Fargate billing reads (a contract)."""
        return {
            "launch_type": self.launch_type,
            "cpu": self.cpu,
            "memory": self.memory,
            "ephemeral_gib": self.ephemeral_gib,
            "os": "linux",
            "arch": self.arch,
            "capacity": self.capacity,
            "service": self.service,
            "family": self.family,
        }

    def running_detail(self) -> dict[str, Any]:
        """TaskRunning's detail: what Container Insights reads (a contract)."""
        return {
            "service": self.service,
            "family": self.family,
            "cpu": self.cpu,
            "memory": self.memory,
        }
