"""Deployments: starting one, finishing one, and the circuit breaker.

A new task definition, ``forceNewDeployment`` or a change of network/placement settings starts a
rolling deployment: a new PRIMARY deployment, the previous ones become ACTIVE and are drained by
the scheduler within minimumHealthyPercent / maximumPercent (:mod:`.scheduler`). When only the
PRIMARY is left with desiredCount healthy tasks its rolloutState goes IN_PROGRESS -> COMPLETED
("(deployment ecs-svc/...) deployment completed.").

Circuit breaker ([V] reference I): a task of the PRIMARY deployment that stops before it was ever
healthy (failed to start, exited, failed its health checks) counts as a failure; with
``resetOnHealthyTask`` (default true) a task becoming healthy resets the count. At
``clamp(ceil(0.5 x desired), 10, 200)`` failures the rollout is FAILED; with ``rollback`` the
service redeploys the task definition of its last COMPLETED deployment. Without rollback a FAILED
deployment launches no more tasks (modelled) until the next UpdateService.
"""

from __future__ import annotations

from datetime import timedelta

from ..tasks.launch import prepare
from . import events as E
from .model import Deployment, Service, breaker_threshold

__all__ = ["new_deployment", "launch_for", "complete", "count_failure", "deployment_id"]


def deployment_id(lab) -> str:
    """``ecs-svc/`` and 19 digits, as ECS deployment ids (and task ``startedBy``) look."""
    n = int(lab.random.hex(16), 16) % (9 * 10**18) + 10**18
    return f"ecs-svc/{n}"


def launch_for(lab, svc: Service, dep: Deployment):
    """The validated Launch for ``dep``'s tasks (built once per deployment)."""
    if dep.launch is None:
        dep.launch = prepare(lab, lab.clusters.get(svc.cluster), dep.td, request(lab, svc, dep))
    return dep.launch


def request(lab, svc: Service, dep: Deployment | None, td=None) -> dict:
    """The RunTask-shaped (snake_case) request for a service's tasks."""
    strategies = list(svc.placement_strategy)
    if not strategies and svc.launch_type == "EC2" and not svc.daemon:
        # The service default: spread across AZs, then instances, relative to the service.
        strategies = [
            {"type": "spread", "field": "attribute:ecs.availability-zone"},
            {"type": "spread", "field": "instanceId"},
        ]
    tags = {}
    if svc.propagate_tags == "SERVICE":
        tags = dict(lab.tags.of(svc.arn))
    return {
        "launch_type": None if svc.capacity_provider_strategy else svc.launch_type,
        "capacity_provider_strategy": list(svc.capacity_provider_strategy) or None,
        "network_configuration": svc.network_configuration,
        "placement_constraints": list(svc.placement_constraints),
        "placement_strategy": strategies,
        "group": f"service:{svc.name}",
        "started_by": dep.id if dep is not None else "ecs-svc/0000000000000000000",
        "enable_execute_command": svc.enable_execute_command,
        "platform_version": svc.platform_version,
        "propagate_tags": "TASK_DEFINITION" if svc.propagate_tags == "TASK_DEFINITION" else None,
        "tags": tags,
        "task_definition": (td or dep.td).arn,
    }


def new_deployment(dom, svc: Service, td, reason: str = "", record: bool = True) -> Deployment:
    """Make a new PRIMARY deployment of ``td``; earlier ones become ACTIVE. ``record``: it is a
    new service deployment (not a rollback inside one; see :mod:`.history`)."""
    lab = dom.lab
    dep = Deployment(
        id=deployment_id(lab),
        td=td,
        created_at=lab.now,
        updated_at=lab.now,
        desired_count=svc.desired_count,
    )
    dep.rollout_reason = reason or f"ECS deployment {dep.id} in progress."
    for old in svc.deployments:
        old.status, old.updated_at = "ACTIVE", lab.now
    svc.deployments.insert(0, dep)
    svc.td = td
    svc.steady = False
    svc.consecutive_failures = 0
    svc.backoff_until = None
    svc.stuck = False
    recorded = dom.history.started(svc, dep) if record else {}
    lab.emit(
        "DeploymentStarted",
        "ecs",
        cluster=svc.cluster,
        resource=svc.arn,
        deployment=dep.id,
        task_definition=td.arn,
        desired_count=svc.desired_count,
        **recorded,
    )
    return dep


def complete(dom, svc: Service) -> None:
    """The PRIMARY deployment has all its tasks healthy and no other deployment is left."""
    lab, dep = dom.lab, svc.primary
    if dep.rollout_state != "IN_PROGRESS":
        return
    dep.rollout_state = "COMPLETED"
    dep.rollout_reason = f"ECS deployment {dep.id} completed."
    dep.updated_at = lab.now
    svc.last_completed = dep
    E.add_event(lab, svc, E.completed(dep.id))
    recorded = dom.history.completed(svc, dep)
    lab.emit(
        "DeploymentCompleted",
        "ecs",
        cluster=svc.cluster,
        resource=svc.arn,
        deployment=dep.id,
        **recorded,
    )


def count_failure(dom, svc: Service, dep: Deployment) -> None:
    """A task of ``dep`` failed before it was ever healthy."""
    lab = dom.lab
    dep.failed_tasks += 1
    dep.updated_at = lab.now
    svc.consecutive_failures += 1
    if svc.consecutive_failures >= INCONSISTENT_AFTER:
        E.add_event(lab, svc, E.INCONSISTENT)
    # Throttle relaunches after repeated failures (modelled back-off: 10 s per failure, <= 5 min).
    svc.backoff_until = lab.now + timedelta(seconds=min(10 * svc.consecutive_failures, 300))
    if (
        dep is svc.primary
        and svc.breaker_enable
        and dep.rollout_state == "IN_PROGRESS"
        and dep.failed_tasks >= breaker_threshold(dep.desired_count)
    ):
        _trip(dom, svc, dep)


#: [M] consecutive task failures before "is unable to consistently start tasks successfully."
INCONSISTENT_AFTER = 3


def _trip(dom, svc: Service, dep: Deployment) -> None:
    lab = dom.lab
    dep.rollout_state = "FAILED"
    dep.rollout_reason = "ECS deployment circuit breaker: tasks failed to start."
    dep.updated_at = lab.now
    E.add_event(lab, svc, E.failed(dep.id))
    lab.emit(
        "DeploymentFailed",
        "ecs",
        cluster=svc.cluster,
        resource=svc.arn,
        deployment=dep.id,
        failed_tasks=dep.failed_tasks,
        rollback=svc.breaker_rollback,
    )
    target = svc.last_completed
    if not (svc.breaker_rollback and target is not None):
        dom.history.tripped(svc, dep, None)
    else:
        E.add_event(lab, svc, E.rolling_back(target.id))
        new = new_deployment(
            dom,
            svc,
            target.td,
            reason=f"ECS deployment circuit breaker: rolling back to deploymentId {target.id}.",
            record=False,
        )
        dom.history.tripped(svc, dep, new)
        lab.emit(
            "DeploymentRolledBack",
            "ecs",
            cluster=svc.cluster,
            resource=svc.arn,
            deployment=new.id,
            failed=dep.id,
            to=target.id,
        )
