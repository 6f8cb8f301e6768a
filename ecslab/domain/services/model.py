"""What a service is: its configuration, deployments, events and the tasks it keeps.

Snake_case throughout; ``ecslab/api/ecs_services.py`` shapes it as AWS's ``Service``.

Deployment arithmetic ([V] reference I, S-BOTO DeploymentConfiguration):

* the *minimum healthy* task count is ``ceil(desired x minimumHealthyPercent / 100)``;
* the *maximum* task count is ``floor(desired x maximumPercent / 100)``;
* the circuit breaker's failure threshold is ``clamp(ceil(0.5 x desired), 10, 200)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "Service",
    "Deployment",
    "ServiceTask",
    "LbSpec",
    "ServiceEvent",
    "TaskSet",
    "min_healthy",
    "max_tasks",
    "breaker_threshold",
    "HEALTHY_AFTER_S",
]

#: [V] Without a load balancer or container health check a task counts as healthy 40 s after it
#: reached RUNNING.
HEALTHY_AFTER_S = 40.0


def min_healthy(desired: int, percent: int) -> int:
    """The fewest healthy tasks a deployment may leave running (rounded up)."""
    return math.ceil(desired * percent / 100)


def max_tasks(desired: int, percent: int) -> int:
    """The most RUNNING or PENDING tasks a deployment may run (rounded down)."""
    return math.floor(desired * percent / 100)


def breaker_threshold(desired: int) -> int:
    """[V] The classic circuit-breaker threshold: clamp(ceil(0.5 x desired), 10, 200)."""
    return min(max(math.ceil(0.5 * desired), 10), 200)


@dataclass(frozen=True)
class LbSpec:
    target_group_arn: str
    container_name: str
    container_port: int


@dataclass(frozen=True)
class ServiceEvent:
    id: str
    created_at: datetime
    message: str


@dataclass
class Deployment:
    id: str  # ecs-svc/<19 digits>
    td: Any  # TaskDefinition
    created_at: datetime
    updated_at: datetime
    desired_count: int
    status: str = "PRIMARY"  # PRIMARY | ACTIVE | INACTIVE
    rollout_state: str = "IN_PROGRESS"  # IN_PROGRESS | COMPLETED | FAILED
    rollout_reason: str = "ECS deployment ecs-svc/{id} in progress."
    failed_tasks: int = 0  # the circuit breaker's count
    launch: Any = None  # cached tasks.launch.Launch (validated once)


@dataclass
class TaskSet:
    """A task set of a service using the EXTERNAL deployment controller (CreateTaskSet): its
    own task definition, launch settings and load balancers, and a ``scale`` (a percentage of
    the service's desiredCount, rounded up: computedDesiredCount). Its tasks are ServiceTasks
    whose ``deployment`` is the task set."""

    id: str  # ecs-svc/<19 digits>
    arn: str  # ...:task-set/<cluster>/<service>/ecs-svc/<19 digits>
    td: Any  # TaskDefinition
    created_at: datetime
    updated_at: datetime
    scale: float  # percent, 0..100
    launch_type: str  # EC2 | FARGATE | EXTERNAL
    capacity_provider_strategy: list[dict[str, Any]]  # snake_case, [] with a launch type
    platform_version: str | None
    network_configuration: dict[str, Any] | None  # snake_case, as given
    load_balancers: list[LbSpec]
    external_id: str | None = None
    status: str = "ACTIVE"  # PRIMARY | ACTIVE | DRAINING
    stability_status: str = "STABILIZING"  # STEADY_STATE | STABILIZING
    stability_at: datetime | None = None
    failed_tasks: int = 0
    launch: Any = None  # cached tasks.launch.Launch (validated at CreateTaskSet)

    def computed_desired(self, svc_desired: int) -> int:
        """computedDesiredCount: ceil(desiredCount x scale / 100) ([V] the TaskSet shape)."""
        return math.ceil(round(svc_desired * self.scale / 100, 9))


@dataclass(slots=True)
class ServiceTask:
    """The scheduler's view of one task it started."""

    task: Any  # tasks.model.Task
    deployment: Any  # Deployment, or the TaskSet of an EXTERNAL service
    healthy: bool = False
    unhealthy: str | None = None  # why it failed its health checks (then it is replaced)
    targets: list[tuple[str, str, int]] = field(default_factory=list)  # (tg arn, id, port)
    monitors: list[Any] = field(default_factory=list)  # HealthMonitor per checked container
    timer: Any = None  # the 40 s healthy timer or the grace-period end
    stopping_by_us: bool = False
    ever_healthy: bool = False


@dataclass
class Service:
    name: str
    arn: str
    cluster: str  # name
    cluster_arn: str
    created_at: datetime
    scheduling_strategy: str  # REPLICA | DAEMON
    launch_type: str  # EC2 | FARGATE
    desired_count: int
    td: Any  # the primary deployment's TaskDefinition
    load_balancers: list[LbSpec]
    network_configuration: dict[str, Any] | None  # snake_case, as given
    placement_constraints: list[dict[str, Any]]
    placement_strategy: list[dict[str, Any]]
    health_check_grace_period: int
    minimum_healthy_percent: int
    maximum_percent: int
    breaker_enable: bool = False
    breaker_rollback: bool = False
    enable_execute_command: bool = False
    propagate_tags: str | None = None
    enable_ecs_managed_tags: bool = False
    platform_version: str | None = None
    role_arn: str | None = None
    #: [{capacity_provider, weight, base}] (snake_case) when the service uses a strategy
    capacity_provider_strategy: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ACTIVE"  # ACTIVE | DRAINING | INACTIVE
    deployments: list[Deployment] = field(default_factory=list)  # PRIMARY first
    events: list[ServiceEvent] = field(default_factory=list)  # newest first
    tasks: dict[str, ServiceTask] = field(default_factory=dict)  # task arn -> record
    last_completed: Deployment | None = None  # what a circuit-breaker rollback returns to
    steady: bool = False
    timer: Any = None  # the next reconcile
    backoff_until: datetime | None = None  # launches throttled after failures
    consecutive_failures: int = 0
    placement_retries: int = 0
    service_connect_namespace: str | None = None  # ListServicesByNamespace (Service Connect)
    stuck: bool = False  # said "unable to stop or start tasks ..." for this situation
    deployment_controller: str = "ECS"  # ECS | EXTERNAL (task sets, CreateTaskSet)
    task_sets: list[TaskSet] = field(default_factory=list)  # EXTERNAL: oldest first

    @property
    def external(self) -> bool:
        return self.deployment_controller == "EXTERNAL"

    @property
    def primary(self) -> Deployment:
        return self.deployments[0]

    @property
    def daemon(self) -> bool:
        return self.scheduling_strategy == "DAEMON"

    def live(self) -> list[ServiceTask]:
        """Tasks the scheduler still wants (desiredStatus RUNNING), oldest first."""
        return [st for st in self.tasks.values() if st.task.desired_status == "RUNNING"]
