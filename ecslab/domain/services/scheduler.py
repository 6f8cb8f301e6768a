"""The REPLICA service scheduler: one pass of :func:`reconcile`, run on the simulated clock.

A pass is scheduled (``Services.kick``) whenever something the service depends on changes -- an
API call, one of its tasks changing state or health, a container instance registering, draining
or going away, a placement retry or a launch back-off ending. Each pass:

1. stops tasks that failed their health checks (outside the grace period);
2. sorts the live tasks into *keep* (PRIMARY deployment, on an ACTIVE instance) and *retiring*
   (older deployments, or on a DRAINING / lost instance);
3. scales in *keep* beyond desiredCount, choosing victims by the placement strategy's rules
   (spread: from the most loaded AZ / instance, random within; binpack: from the instance that
   keeps the most free resource; pending and unhealthy tasks first);
4. stops retiring tasks: those not healthy at once, healthy ones only while the service keeps at
   least ``ceil(desired x minimumHealthyPercent / 100)`` healthy tasks;
5. starts PRIMARY tasks up to desiredCount, never above ``floor(desired x maximumPercent / 100)``
   live tasks while retiring tasks remain;
6. if retiring tasks remain and nothing could move, says so ("unable to stop or start tasks
   during a deployment because of the service deployment configuration ...");
7. completes the deployment and reports "has reached a steady state." when only the PRIMARY is
   left with desiredCount healthy tasks and nothing is stopping.

Placement failures are reported with the closest matching container instance and retried after
30 s, 60 s, ... (at most 5 min; modelled). DAEMON services: :mod:`.daemon`.
"""

from __future__ import annotations

from ...core.errors import AwsError
from ..tasks import lifecycle
from . import deployments as D
from . import events as E
from . import health as H
from .model import Service, ServiceTask, max_tasks, min_healthy

__all__ = ["reconcile", "stop_tasks", "launch", "finish_pass"]


def reconcile(dom, svc: Service) -> None:
    svc.timer = None
    if svc.status == "INACTIVE":
        return
    lab = dom.lab
    desired = svc.desired_count if svc.status == "ACTIVE" else 0
    primary = svc.primary
    bad = [st for st in svc.live() if st.unhealthy]
    for st in bad:
        stop_tasks(dom, svc, [st], st.unhealthy)
    gone = dom.lost_instances(svc.cluster)
    keep, retiring = [], []
    for st in svc.live():
        if st.deployment is primary and st.task.container_instance_arn not in gone:
            keep.append(st)
        else:
            retiring.append(st)
    moved = bool(bad)
    if len(keep) > desired:
        # Scale-in protection (UpdateTaskProtection): protected tasks are never chosen; the
        # service stays above its desired count until their protection ends.
        prot = getattr(lab, "task_protection", None)
        free = [st for st in keep if prot is None or not prot.is_protected(st.task.arn)]
        victims = choose_victims(dom, svc, free, min(len(keep) - desired, len(free)))
        if victims:
            stop_tasks(dom, svc, victims)
            keep = [st for st in keep if st not in victims]
            moved = True
    lo = min_healthy(desired, svc.minimum_healthy_percent)
    hi = max_tasks(desired, svc.maximum_percent)
    hold = dom.history.holding(svc)  # blue/green: the blue tasks stay until clean-up
    if retiring and not hold:
        healthy = sum(1 for st in svc.live() if st.healthy)
        weak = [st for st in retiring if not st.healthy]
        strong = [st for st in retiring if st.healthy]
        allowed = max(healthy - lo, 0)
        victims = weak + choose_victims(dom, svc, strong, min(allowed, len(strong)))
        if victims:
            stop_tasks(dom, svc, victims)
            retiring = [st for st in retiring if st not in victims]
            moved = True
    need = desired - len(keep)
    room = hi - len(svc.live()) if retiring and not hold else need
    count = max(0, min(need, room))
    placed_all = True
    if count and _may_launch(dom, svc):
        started, placed_all = launch(dom, svc, primary, count)
        moved = moved or bool(started)
    in_flight = any(not st.healthy for st in keep)
    if (
        retiring
        and not hold
        and not moved
        and not in_flight
        and placed_all
        and need > 0
        and room <= 0
    ):
        if not svc.stuck:
            E.add_event(lab, svc, E.NO_PROGRESS)
            svc.stuck = True
    elif moved:
        svc.stuck = False
    finish_pass(dom, svc, desired)


def _may_launch(dom, svc: Service) -> bool:
    lab = dom.lab
    if svc.primary.rollout_state == "FAILED":
        return False  # circuit breaker without rollback: the failed deployment launches no more
    if not dom.history.may_launch(svc):
        return False  # blue/green before SCALE_UP
    if svc.backoff_until is not None and lab.now < svc.backoff_until:
        dom.kick(svc, (svc.backoff_until - lab.now).total_seconds())
        return False
    return True


def finish_pass(dom, svc: Service, desired: int) -> None:
    """Drop drained deployments; complete the deployment; report a steady state."""
    lab = dom.lab
    for dep in svc.deployments[1:]:
        if not any(st.deployment is dep for st in svc.tasks.values()):
            dep.status, dep.updated_at = "INACTIVE", lab.now
            svc.deployments.remove(dep)
    if svc.status == "DRAINING" and not svc.tasks:
        dom.deactivated(svc)
        return
    live = svc.live()
    steady = (
        svc.status == "ACTIVE"
        and len(svc.deployments) == 1
        and svc.primary.rollout_state != "FAILED"
        and len(live) == desired
        and len(svc.tasks) == desired  # nothing still stopping
        and all(st.healthy for st in live)
    )
    if steady:
        D.complete(dom, svc)
        if not svc.steady:
            svc.steady = True
            E.add_event(lab, svc, E.STEADY)
            lab.emit("ServiceSteadyState", "ecs", cluster=svc.cluster, resource=svc.arn)
    else:
        svc.steady = False
    dom.history.after_pass(svc)


# -- starting ------------------------------------------------------------------------------------


def launch(dom, svc: Service, dep, count: int) -> tuple[list, bool]:
    """Start up to ``count`` tasks of ``dep``; returns (tasks, all placed)."""
    lab = dom.lab
    try:
        launch_ = D.launch_for(lab, svc, dep)
        subnets = None
        if launch_.launch_type == "FARGATE":
            subnets = [s for s in launch_.subnets if s.az not in lab.faults.down_azs]
            if not subnets:
                E.add_event(
                    lab,
                    svc,
                    "was unable to place a task. Reason: no Availability Zone of the service's "
                    "subnets is available.",
                )  # [M]
                _retry(dom, svc)
                return [], False
        tasks, failures = lab.tasks.run_prepared(launch_, count, service=svc.name, subnets=subnets)
    except AwsError as e:
        first = None if "No Container Instances" in e.message else {"arn": "", "reason": ""}
        E.add_event(lab, svc, E.placement_message(first))
        _retry(dom, svc)
        return [], False
    for t in tasks:
        svc.tasks[t.arn] = ServiceTask(t, dep)
    if tasks:
        E.add_event(lab, svc, E.started(tasks))
    if failures:
        E.add_event(lab, svc, E.placement_message(failures[0]))
        _retry(dom, svc)
    else:
        svc.placement_retries = 0
    return tasks, not failures


def _retry(dom, svc: Service) -> None:
    delay = min(30 * 2**svc.placement_retries, 300)
    svc.placement_retries += 1
    dom.kick(svc, delay)


# -- stopping ------------------------------------------------------------------------------------


def stop_tasks(dom, svc: Service, sts: list[ServiceTask], reason: str | None = None) -> None:
    """Stop tasks the scheduler no longer wants (deregistering their targets first)."""
    if not sts:
        return
    lab = dom.lab
    why = reason or f"Scaling activity initiated by (deployment {svc.primary.id})"
    running = [st.task for st in sts if st.task.last_status == "RUNNING"]
    for st in sts:
        delay = H.release_targets(dom, svc, st)
        st.stopping_by_us = True
        lifecycle.begin_stop(
            lab.tasks, st.task, "ServiceSchedulerInitiated", why, deactivate_s=delay
        )
    if running:
        E.add_event(lab, svc, E.stopped(running))


def choose_victims(dom, svc: Service, sts: list[ServiceTask], n: int) -> list[ServiceTask]:
    """``n`` tasks to stop, by the scale-in rules of the service's placement strategy."""
    if n <= 0:
        return []
    if n >= len(sts):
        return list(sts)
    lab = dom.lab
    draws = iter(lab.random.uniforms(n))
    pool = list(sts)
    out = []
    cis = lab.container_instances
    strategies = list(svc.placement_strategy) or [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "spread", "field": "instanceId"},
    ]
    for _ in range(n):
        # Not yet running, then not yet healthy, go first.
        cands = [st for st in pool if st.task.last_status != "RUNNING"] or [
            st for st in pool if not st.healthy
        ]
        cands = cands or pool
        for s in strategies:
            cands = _narrow(cis, pool, cands, s)
        pick = cands[int(next(draws) * len(cands))]
        pool.remove(pick)
        out.append(pick)
    return out


def _key(cis, st: ServiceTask, field: str | None):
    task = st.task
    if field in ("instanceId", "host"):
        return task.container_instance_arn
    name = (field or "").removeprefix("attribute:")
    if name == "ecs.availability-zone":
        return task.az
    ci = cis.get(task.container_instance_arn or "")
    return ci.attributes().get(name) if ci is not None else None


def _narrow(cis, pool, cands, strategy: dict) -> list:
    kind, field = strategy.get("type"), strategy.get("field")
    if kind == "spread":
        counts: dict = {}
        for st in pool:
            k = _key(cis, st, field)
            counts[k] = counts.get(k, 0) + 1
        top = max(counts.get(_key(cis, st, field), 0) for st in cands)
        return [st for st in cands if counts.get(_key(cis, st, field), 0) == top]
    if kind == "binpack":

        def free(st):
            ci = cis.get(st.task.container_instance_arn or "")
            if ci is None:
                return 0
            return ci.cpu - ci.cpu_reserved if field == "cpu" else ci.memory - ci.mem_reserved

        most = max(free(st) for st in cands)
        return [st for st in cands if free(st) == most]
    return cands
