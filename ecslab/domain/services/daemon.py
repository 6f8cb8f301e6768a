"""The DAEMON scheduler: one task on each ACTIVE container instance that meets the constraints.

[V] reference I: no desiredCount (ECS reports the number of eligible instances), no strategies,
maximumPercent 100, minimumHealthyPercent 0 by default; a newly registered instance gets its
task, a DRAINING (or lost) instance's task is stopped. A deployment replaces the old task on each
instance: the old one stops first (within minimumHealthyPercent), the new one starts once the old
one has released the instance's resources.

Eligible instances are those that pass the placement filters that do not depend on free
resources (status ACTIVE, agent connected, attributes, memberOf); an eligible instance without
room for the task counts in desiredCount and gets the "unable to place a task" event. Modelled:
a running daemon task whose instance stops meeting a memberOf constraint later is left running.
"""

from __future__ import annotations

import numpy as np

from ...core.errors import AwsError
from ..scheduler import FILTERS
from . import deployments as D
from . import events as E
from .model import ServiceTask, min_healthy
from .scheduler import _retry, finish_pass, stop_tasks

__all__ = ["reconcile_daemon", "eligible_instances"]

_STATIC = ("status", "agent", "attribute", "location", "member_of")


def eligible_instances(dom, svc, launch) -> list[str]:
    """ARNs of the container instances a daemon task belongs on, in registration order."""
    table = dom.lab.tasks.placement.table(svc.cluster)
    if table.n == 0:
        return []
    ok = np.ones(table.n, dtype=bool)
    for f in FILTERS:
        if f.name in _STATIC:
            ok &= f(table, launch.request)
    return [str(a) for a in np.asarray(table.arn)[ok]]


def reconcile_daemon(dom, svc) -> None:
    lab = dom.lab
    primary = svc.primary
    try:
        launch = D.launch_for(lab, svc, primary)
    except AwsError as e:
        E.add_event(lab, svc, f"was unable to place a task. Reason: {e.message}")
        return
    wanted = eligible_instances(dom, svc, launch) if svc.status == "ACTIVE" else []
    if svc.desired_count != len(wanted):
        svc.desired_count = primary.desired_count = len(wanted)
    where: dict[str, list[ServiceTask]] = {}
    for st in svc.tasks.values():
        where.setdefault(st.task.container_instance_arn, []).append(st)
    wanted_set = set(wanted)
    # Tasks on instances that no longer want one (draining, gone, service deleted) stop now.
    away = [st for st in svc.live() if st.task.container_instance_arn not in wanted_set]
    stop_tasks(dom, svc, away)
    # Old deployments' tasks, within minimumHealthyPercent of the eligible instances.
    old = [st for st in svc.live() if st.deployment is not primary]
    weak = [st for st in old if not st.healthy]
    strong = [st for st in old if st.healthy]
    healthy = sum(1 for st in svc.live() if st.healthy)
    allowed = max(healthy - min_healthy(len(wanted), svc.minimum_healthy_percent), 0)
    stop_tasks(dom, svc, weak + strong[:allowed])
    # Start where nothing of this service is left on the instance (a stopping task still holds
    # its resources and ports).
    empty = [a for a in wanted if not where.get(a)]
    if empty and primary.rollout_state != "FAILED":
        if svc.backoff_until is not None and lab.now < svc.backoff_until:
            dom.kick(svc, (svc.backoff_until - lab.now).total_seconds())
        else:
            tasks, failures = lab.tasks.start_prepared(launch, empty, service=svc.name)
            for t in tasks:
                svc.tasks[t.arn] = ServiceTask(t, primary)
            if tasks:
                E.add_event(lab, svc, E.started(tasks))
            if failures:
                E.add_event(lab, svc, E.placement_message(failures[0]))
                _retry(dom, svc)
    finish_pass(dom, svc, len(wanted) if svc.status == "ACTIVE" else 0)
