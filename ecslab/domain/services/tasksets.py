"""Task sets: services using the EXTERNAL deployment controller (``lab.services.task_sets``).

AWS Developer Guide, "Deploy Amazon ECS services using a third-party controller"; API Reference
CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet, DescribeTaskSets:

* CreateService with ``deploymentController {type: EXTERNAL}`` makes a service without a task
  definition; it runs no task until a task set exists. The task definition, launch type or
  capacity provider strategy, platform version, network configuration and load balancers belong
  to task sets.
* A task set keeps ``computedDesiredCount = ceil(service desiredCount x scale / 100)`` tasks
  (``scale`` 0-100 PERCENT, [V] 0 when not given, as the ``create-task-set`` CLI example
  shows); a new task set is ACTIVE; UpdateServicePrimaryTaskSet makes one PRIMARY (the previous
  PRIMARY becomes ACTIVE) and copies its settings to the service (what DescribeServices shows;
  without a primary task set those fields are absent).
* UpdateTaskSet changes ``scale`` only. DeleteTaskSet makes the task set DRAINING (``force``
  unless its scale is 0, [M]); its tasks stop and it is gone once they have.
* ``stabilityStatus``: STEADY_STATE when runningCount equals computedDesiredCount, nothing is
  pending, no task is on a DRAINING instance and every task is healthy; else STABILIZING.
  ``stabilityStatusAt`` is when it last changed, and ``updatedAt`` moves with it (as the CLI
  examples show); a call that changes what the task set must run makes it STABILIZING at once.
* [V] at most 5 task sets a service ("5 deployments exist on the service. ...").

Facts: ``TaskSetCreated``, ``TaskSetUpdated`` (scale), ``TaskSetMadePrimary``,
``TaskSetDeleted`` (DRAINING), ``TaskSetDrained`` (its last task stopped; removed),
``TaskSetSteadyState``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from ...core.errors import InvalidParameterException, ServiceNotActiveException, error_for_code
from ..capacity.model import FARGATE_PROVIDERS
from ..tasks.launch import prepare
from . import events as E
from . import validate as V
from .deployments import INCONSISTENT_AFTER, deployment_id
from .model import Service, ServiceTask, TaskSet
from .scheduler import choose_victims, launch, stop_tasks

__all__ = [
    "TaskSets",
    "TaskSetNotFoundException",
    "reconcile_external",
    "NOT_EXTERNAL",
    "MAX_TASK_SETS",
]

TaskSetNotFoundException = error_for_code("TaskSetNotFoundException")

#: [V] the CLI's answer to CreateTaskSet on a rolling-update service (terraform-provider-aws#30347)
NOT_EXTERNAL = (
    "Amazon ECS only supports task set management on services configured to use external "
    "deployment controllers."
)
#: [V] the limit and its message (aws-samples/ecs-bg-external-controller#6)
MAX_TASK_SETS = 5
TOO_MANY = (
    "{n} deployments exist on the service. Unable to create new TaskSet since this exceeds the "
    "maximum limit."
)
BAD_ID = "Task Set Identifier is invalid"  # [U] as reported in boto/boto3#3895
NOT_FOUND = "The specified task set does not exist."  # [M]
DRAINING = "The specified task set is DRAINING."  # [M]
NOT_ZERO = (
    "The task set cannot be deleted while it is scaled above 0. Use force to delete it."  # [M]
)
_ID = re.compile(r"ecs-svc/\d{19}")


class TaskSets:
    def __init__(self, dom) -> None:
        self.dom = dom
        self.lab = dom.lab

    # -- lookups ---------------------------------------------------------------------------------

    def service(self, cluster_ref: str | None, ref: str, *, active: bool = True) -> Service:
        """The EXTERNAL service a task-set call names (its AWS error otherwise)."""
        svc = self.dom.get(cluster_ref, ref, active=active)
        if svc.status == "INACTIVE":
            raise ServiceNotActiveException("Service was not ACTIVE.")
        if not svc.external:
            raise InvalidParameterException(NOT_EXTERNAL)
        return svc

    def arn_for(self, svc: Service, ts_id: str) -> str:
        lab = self.lab
        return (
            f"arn:aws:ecs:{lab.region}:{lab.account_id}:task-set/{svc.cluster}/{svc.name}/{ts_id}"
        )

    def find(self, svc: Service, ref: str) -> TaskSet | None:
        """The task set ``ref`` (an id ``ecs-svc/...`` or an ARN) names, None if none does."""
        if ref.startswith("arn:"):
            prefix = f"task-set/{svc.cluster}/{svc.name}/"
            resource = ref.split(":", 5)[-1] if ref.count(":") >= 5 else ""
            if not resource.startswith("task-set/"):
                raise InvalidParameterException(BAD_ID)
            if not resource.startswith(prefix):
                return None
            ts_id = resource.removeprefix(prefix)
        else:
            ts_id = ref
        if not _ID.fullmatch(ts_id):
            raise InvalidParameterException(BAD_ID)
        return next((ts for ts in svc.task_sets if ts.id == ts_id), None)

    def get(self, svc: Service, ref: str) -> TaskSet:
        ts = self.find(svc, ref)
        if ts is None:
            raise TaskSetNotFoundException(NOT_FOUND)
        return ts

    def owns(self, resource_arn: str) -> bool:
        path = resource_arn.split(":", 5)[-1].split("/")
        if len(path) != 5 or path[0] != "task-set":
            return False
        svc = self.dom.find(path[1], path[2])
        return svc is not None and any(ts.arn == resource_arn for ts in svc.task_sets)

    # -- CreateTaskSet ---------------------------------------------------------------------------

    def create(self, p: dict[str, Any]) -> tuple[Service, TaskSet]:
        lab = self.lab
        svc = self.service(p.get("cluster"), p["service"])
        if len(svc.task_sets) >= MAX_TASK_SETS:
            raise InvalidParameterException(TOO_MANY.format(n=len(svc.task_sets)))
        if p.get("service_registries"):
            raise InvalidParameterException(
                "ecslab does not simulate service discovery (serviceRegistries)."
            )  # [M]
        scale = _scale(p.get("scale"))
        td = lab.taskdefs.resolve(p["task_definition"], for_use=True)
        cluster = lab.clusters.get(svc.cluster)
        items = lab.capacity.resolve(
            cluster, p.get("capacity_provider_strategy"), p.get("launch_type")
        )
        cps = [{"capacity_provider": i.provider, "weight": i.weight, "base": i.base} for i in items]
        lbs = V.load_balancers(lab, p.get("load_balancers"), td)
        tags = dict(p.get("tags") or {})
        lab.tags.validate(tags)
        ts_id = deployment_id(lab)
        ts = TaskSet(
            id=ts_id,
            arn=self.arn_for(svc, ts_id),
            td=td,
            created_at=lab.now,
            updated_at=lab.now,
            scale=scale,
            launch_type="EC2",
            capacity_provider_strategy=cps,
            platform_version=p.get("platform_version"),
            network_configuration=p.get("network_configuration"),
            load_balancers=lbs,
            external_id=p.get("external_id"),
            stability_at=lab.now,
        )
        lt = p.get("launch_type")
        if cps:
            lt = "FARGATE" if cps[0]["capacity_provider"] in FARGATE_PROVIDERS else "EC2"
        ts.launch = prepare(lab, cluster, td, request(lab, svc, ts, lt or "EC2"))
        ts.launch_type = ts.launch.launch_type
        # -- valid: change state
        svc.task_sets.append(ts)
        lab.emit(
            "TaskSetCreated",
            "ecs",
            cluster=svc.cluster,
            resource=ts.arn,
            service=svc.arn,
            task_set=ts.id,
            task_definition=td.arn,
            scale=scale,
            launch_type=ts.launch_type,
            external_id=ts.external_id,
            target_groups=[lb.target_group_arn for lb in lbs],
        )
        if tags:
            lab.tags.set(ts.arn, tags, check=False, cluster=svc.cluster)
        svc.steady = False
        self.dom.kick(svc)
        return svc, ts

    # -- UpdateTaskSet ---------------------------------------------------------------------------

    def update(self, p: dict[str, Any]) -> tuple[Service, TaskSet]:
        svc = self.service(p.get("cluster"), p["service"])
        ts = self.get(svc, p["task_set"])
        if ts.status == "DRAINING":
            raise InvalidParameterException(DRAINING)
        scale = _scale(p.get("scale"))
        # -- valid: change state
        ts.scale, ts.updated_at = scale, self.lab.now
        self.lab.emit(
            "TaskSetUpdated",
            "ecs",
            cluster=svc.cluster,
            resource=ts.arn,
            service=svc.arn,
            task_set=ts.id,
            scale=scale,
        )
        unsettle(self.lab, svc, ts)
        self.dom.kick(svc)
        return svc, ts

    # -- UpdateServicePrimaryTaskSet -------------------------------------------------------------

    def make_primary(self, p: dict[str, Any]) -> tuple[Service, TaskSet]:
        lab = self.lab
        svc = self.service(p.get("cluster"), p["service"])
        ts = self.get(svc, p["primary_task_set"])
        if ts.status == "DRAINING":
            raise InvalidParameterException(DRAINING)
        if ts.status == "PRIMARY":
            return svc, ts
        # -- valid: change state
        previous = primary_of(svc)
        if previous is not None:
            previous.status, previous.updated_at = "ACTIVE", lab.now
        ts.status, ts.updated_at = "PRIMARY", lab.now
        # "Any parameters that are updated on the primary task set ... transition to the service."
        svc.td = ts.td
        svc.launch_type = ts.launch_type
        svc.capacity_provider_strategy = list(ts.capacity_provider_strategy)
        svc.platform_version = ts.platform_version
        svc.network_configuration = ts.network_configuration
        svc.load_balancers = list(ts.load_balancers)
        lab.emit(
            "TaskSetMadePrimary",
            "ecs",
            cluster=svc.cluster,
            resource=ts.arn,
            service=svc.arn,
            task_set=ts.id,
            previous=previous.id if previous is not None else None,
            task_definition=ts.td.arn,
        )
        return svc, ts

    # -- DeleteTaskSet ---------------------------------------------------------------------------

    def delete(self, p: dict[str, Any]) -> tuple[Service, TaskSet]:
        svc = self.service(p.get("cluster"), p["service"])
        ts = self.get(svc, p["task_set"])
        force = bool(p.get("force"))
        if ts.status == "DRAINING":
            return svc, ts
        if ts.scale > 0 and not force:
            raise InvalidParameterException(NOT_ZERO)
        # -- valid: change state
        ts.status, ts.updated_at = "DRAINING", self.lab.now
        self.lab.emit(
            "TaskSetDeleted",
            "ecs",
            cluster=svc.cluster,
            resource=ts.arn,
            service=svc.arn,
            task_set=ts.id,
            force=force,
        )
        unsettle(self.lab, svc, ts)
        self.dom.kick(svc)
        return svc, ts


# -- helpers ---------------------------------------------------------------------------------------


def _scale(given: dict[str, Any] | None) -> float:
    if given is None:
        return 0.0  # [V] the create-task-set example: scale {value: 0.0, unit: PERCENT}
    unit = given.get("unit") or "PERCENT"
    if unit != "PERCENT":
        raise InvalidParameterException(f"Invalid scale unit: {unit}. Valid units: PERCENT.")  # [M]
    value = given.get("value")
    if value is None:
        value = 0.0
    if not 0 <= float(value) <= 100:
        raise InvalidParameterException("The scale value must be between 0 and 100.")  # [M]
    return float(value)


def primary_of(svc: Service) -> TaskSet | None:
    return next((ts for ts in svc.task_sets if ts.status == "PRIMARY"), None)


def desired_of(svc: Service, ts: TaskSet) -> int:
    """computedDesiredCount: 0 once DRAINING or while the service is being deleted."""
    if ts.status == "DRAINING" or svc.status != "ACTIVE":
        return 0
    return ts.computed_desired(svc.desired_count)


def tasks_of(svc: Service, ts: TaskSet) -> list[ServiceTask]:
    return [st for st in svc.tasks.values() if st.deployment is ts]


def request(lab, svc: Service, ts: TaskSet, launch_type: str) -> dict[str, Any]:
    """The RunTask-shaped (snake_case) request for a task set's tasks."""
    strategies = list(svc.placement_strategy)
    if not strategies and launch_type == "EC2":
        strategies = [
            {"type": "spread", "field": "attribute:ecs.availability-zone"},
            {"type": "spread", "field": "instanceId"},
        ]
    tags = dict(lab.tags.of(svc.arn)) if svc.propagate_tags == "SERVICE" else {}
    return {
        "launch_type": None if ts.capacity_provider_strategy else launch_type,
        "capacity_provider_strategy": list(ts.capacity_provider_strategy) or None,
        "network_configuration": ts.network_configuration,
        "placement_constraints": list(svc.placement_constraints),
        "placement_strategy": strategies,
        "group": f"service:{svc.name}",
        "started_by": ts.id,
        "enable_execute_command": svc.enable_execute_command,
        "platform_version": ts.platform_version,
        "propagate_tags": "TASK_DEFINITION" if svc.propagate_tags == "TASK_DEFINITION" else None,
        "tags": tags,
        "task_definition": ts.td.arn,
    }


def counts(svc: Service, ts: TaskSet) -> tuple[int, int]:
    """(running, pending) tasks of the task set."""
    tasks = [st.task for st in tasks_of(svc, ts)]
    running = sum(1 for t in tasks if t.last_status == "RUNNING")
    pending = sum(1 for t in tasks if t.live and t.last_status != "RUNNING")
    return running, pending


def unsettle(lab, svc: Service, ts: TaskSet) -> None:
    """A change the scheduler has yet to act on: STABILIZING from now (as the CLI examples of
    UpdateTaskSet and DeleteTaskSet answer) until the next pass finds it steady."""
    svc.steady = False
    if ts.stability_status != "STABILIZING":
        ts.stability_status, ts.stability_at = "STABILIZING", lab.now
        ts.updated_at = lab.now


def refresh_stability(dom, svc: Service, ts: TaskSet) -> None:
    """Set the task set's stabilityStatus from its tasks (and record reaching STEADY_STATE)."""
    lab = dom.lab
    sts = tasks_of(svc, ts)
    running, pending = counts(svc, ts)
    gone = dom.lost_instances(svc.cluster)
    steady = (
        running == desired_of(svc, ts)
        and pending == 0
        and len(sts) == running  # nothing still stopping
        and not any(st.task.container_instance_arn in gone for st in sts)
        and all(st.healthy for st in sts)
    )
    status = "STEADY_STATE" if steady else "STABILIZING"
    if status == ts.stability_status:
        return
    # updatedAt moves with it (the describe-task-sets CLI example: updatedAt == stabilityStatusAt)
    ts.stability_status, ts.stability_at, ts.updated_at = status, lab.now, lab.now
    if steady:
        lab.emit(
            "TaskSetSteadyState",
            "ecs",
            cluster=svc.cluster,
            resource=ts.arn,
            service=svc.arn,
            task_set=ts.id,
            running=running,
        )


# -- the scheduler pass ----------------------------------------------------------------------------


def reconcile_external(dom, svc: Service) -> None:
    """One scheduler pass of an EXTERNAL service: each task set keeps its computedDesiredCount
    tasks (through the REPLICA pass's placement, scale-in and stop paths); tasks on a DRAINING
    or lost instance are replaced first and stopped once the replacements are healthy ([M]);
    drained DRAINING task sets are removed."""
    svc.timer = None
    if svc.status == "INACTIVE":
        return
    lab = dom.lab
    for st in [st for st in svc.live() if st.unhealthy]:
        stop_tasks(dom, svc, [st], st.unhealthy)
    gone = dom.lost_instances(svc.cluster)
    for ts in list(svc.task_sets):
        want = desired_of(svc, ts)
        live = [st for st in svc.live() if st.deployment is ts]
        keep = [st for st in live if st.task.container_instance_arn not in gone]
        moving = [st for st in live if st not in keep]
        why = f"Scaling activity initiated by (deployment {ts.id})"
        if len(keep) > want:
            prot = getattr(lab, "task_protection", None)
            free = [st for st in keep if prot is None or not prot.is_protected(st.task.arn)]
            victims = choose_victims(dom, svc, free, min(len(keep) - want, len(free)))
            stop_tasks(dom, svc, victims, why)
            keep = [st for st in keep if st not in victims]
        if moving:
            healthy = sum(1 for st in keep if st.healthy)
            done = [st for st in moving if not st.healthy or healthy >= want]
            stop_tasks(dom, svc, done, why)
        need = want - len(keep)
        if need > 0 and _may_launch(dom, svc):
            launch(dom, svc, ts, need)
    for ts in list(svc.task_sets):
        if ts.status == "DRAINING" and not tasks_of(svc, ts):
            svc.task_sets.remove(ts)
            lab.emit(
                "TaskSetDrained",
                "ecs",
                cluster=svc.cluster,
                resource=ts.arn,
                service=svc.arn,
                task_set=ts.id,
            )
        else:
            refresh_stability(dom, svc, ts)
    if svc.status == "DRAINING" and not svc.tasks:
        dom.deactivated(svc)
        return
    steady = (
        svc.status == "ACTIVE"
        and all(ts.stability_status == "STEADY_STATE" for ts in svc.task_sets)
        and all(ts.status != "DRAINING" for ts in svc.task_sets)
        and len(svc.tasks) == len(svc.live())
    )
    if steady and not svc.steady:
        svc.steady = True
        E.add_event(lab, svc, E.STEADY)
        lab.emit("ServiceSteadyState", "ecs", cluster=svc.cluster, resource=svc.arn)
    elif not steady:
        svc.steady = False


def _may_launch(dom, svc: Service) -> bool:
    lab = dom.lab
    if svc.backoff_until is not None and lab.now < svc.backoff_until:
        dom.kick(svc, (svc.backoff_until - lab.now).total_seconds())
        return False
    return True


def count_failure(dom, svc: Service, ts: TaskSet) -> None:
    """A task of ``ts`` failed before it was ever healthy: throttle relaunches as the REPLICA
    scheduler does (no circuit breaker for external deployments, [M])."""
    lab = dom.lab
    ts.failed_tasks += 1
    svc.consecutive_failures += 1
    if svc.consecutive_failures >= INCONSISTENT_AFTER:
        E.add_event(lab, svc, E.INCONSISTENT)
    svc.backoff_until = lab.now + timedelta(seconds=min(10 * svc.consecutive_failures, 300))
