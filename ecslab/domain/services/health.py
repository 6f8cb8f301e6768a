"""When a service task counts as healthy, and what happens when it is not.

* **Load balancer**: when the task reaches RUNNING the scheduler registers it with each target
  group -- bridge/host: the instance id and the container's host port; awsvpc: the task ENI's IP
  and the container port -- and the task is healthy once every target is ``healthy``. Probes are
  answered by the task itself (:func:`responder`): the container named in ``loadBalancers``
  serves what its image serves (``lab.web``), so a health-check path the image does not serve
  answers 404 and the target goes unhealthy.
* **Container health checks** (the task definition's ``healthCheck`` only): a
  :class:`~ecslab.domain.health.HealthMonitor` per checked container; the task is healthy once
  every checked container is HEALTHY; an essential container going UNHEALTHY fails the task.
* **Neither**: healthy 40 s after RUNNING ([V] reference I).

A slow-starting app (a command such as ``sleep 90 && httpd-foreground``) refuses connections
until its server starts: probes and ``curl`` checks fail until then.

``healthCheckGracePeriodSeconds`` ([V]): failures inside the grace period (from the task's start)
are ignored; the scheduler looks again when it ends. A failed task is stopped by the scheduler
(:mod:`.scheduler`) with ``Task failed ELB health checks in (target-group ...)`` or ``Task failed
container health checks`` and replaced.

Fault injection (``lab.faults.fail_health_check``): from then on its probes get HTTP 503 and its
container health-check commands fail.
"""

from __future__ import annotations

from datetime import timedelta

from ..elb import TargetSpec
from ..health import UNHEALTHY, HealthCheck, HealthMonitor, command_outcome
from ..web import Reply
from . import events as E
from .model import HEALTHY_AFTER_S, Service, ServiceTask

__all__ = ["task_running", "target_changed", "release_targets", "responder", "past_grace"]


def past_grace(lab, svc: Service, st: ServiceTask) -> bool:
    started = st.task.started_at
    grace = svc.health_check_grace_period
    return started is None or lab.now >= started + timedelta(seconds=grace)


def _listening(lab, c) -> bool:
    """Has the container's server started (``sleep 90 && httpd-foreground`` answers nothing for
    its first 90 s: a slow-starting app)?"""
    wait = c.process.listens_after if c.process is not None else 0.0
    return not wait or (
        c.started_at is not None and lab.now >= c.started_at + timedelta(seconds=wait)
    )


def _container_site(lab, st: ServiceTask, name: str):
    c = st.task.container(name)
    if c is None or c.last_status != "RUNNING" or c.process is None:
        return None
    if not c.process.runs_forever or not _listening(lab, c):
        return None  # a one-shot program listens on nothing; a slow one not yet
    return lab.web.site_for_image(c.image)


def responder(lab, st: ServiceTask, container: str, container_port: int):
    """Answers the load balancer's probes for one target of ``st``."""

    def answer(probe):
        if lab.faults.failing(st.task.arn):
            return Reply.http(503)
        site = _container_site(lab, st, container)
        if site is None:
            return Reply.refuse()
        if site.port is not None and site.port != container_port:
            return Reply.refuse()  # the image serves another port than the one mapped
        return site.on(None)(probe)

    return answer


def task_running(dom, svc: Service, st: ServiceTask) -> None:
    """The task reached RUNNING: register targets, start health checks or the 40 s timer."""
    lab, task = dom.lab, st.task
    # An EXTERNAL service's tasks use their task set's load balancers.
    lbs = st.deployment.load_balancers if svc.external else svc.load_balancers
    for lb in lbs:
        tg_arn = dom.history.target_group_for(svc, st, lb)  # blue/green: green's own group
        c = task.container(lb.container_name)
        if task.network_mode == "awsvpc":
            tid, port = task.eni.private_ip, lb.container_port
        else:
            binding = next(
                (b for b in c.network_bindings if b["container_port"] == lb.container_port), None
            )
            if binding is None:
                continue
            tid, port = task.ec2_instance_id, binding["host_port"]
        lab.elb.register_targets(
            tg_arn,
            [TargetSpec(tid, port)],
            responder=responder(lab, st, lb.container_name, lb.container_port),
        )
        st.targets.append((tg_arn, tid, port))
        dom.by_target[(tg_arn, tid, port)] = (svc, st)
        E.add_event(lab, svc, E.registered(1, tg_arn))
    for c in task.containers:
        check = HealthCheck.from_spec(_spec(task, c.name).get("health_check"))
        if check is None:
            continue
        c.health_status = "UNKNOWN"
        st.monitors.append(
            HealthMonitor(
                lab,
                check,
                _outcome(lab, st, c, check),
                lambda tr, c=c: _container_changed(dom, svc, st, c, tr),
            )
        )
    if not lbs and not st.monitors:
        st.timer = lab.clock.after(
            HEALTHY_AFTER_S, lambda: _settle(dom, svc, st), "service-task-healthy"
        )
    elif svc.health_check_grace_period:
        st.timer = lab.clock.after(
            svc.health_check_grace_period, lambda: _settle(dom, svc, st), "service-grace-end"
        )


def _spec(task, name: str) -> dict:
    return next((c for c in task.td.containers if c["name"] == name), {})


def _outcome(lab, st: ServiceTask, c, check: HealthCheck):
    def outcome():
        if lab.faults.failing(st.task.arn):
            return False
        running = c.last_status == "RUNNING" and _listening(lab, c)
        site = lab.web.site_for_image(c.image) if running else None
        return command_outcome(check.command, site, timeout=check.timeout)

    return outcome


def _container_changed(dom, svc: Service, st: ServiceTask, c, tr) -> None:
    c.health_status = tr.new
    task = st.task
    checked = [x for x in task.containers if x.health_status is not None]
    statuses = [x.health_status for x in checked if x.essential] or [
        x.health_status for x in checked
    ]
    if any(s == UNHEALTHY for s in statuses):
        task.health_status = UNHEALTHY
    elif all(s == "HEALTHY" for s in statuses):
        task.health_status = "HEALTHY"
    else:
        task.health_status = "UNKNOWN"
    task.version += 1
    dom.lab.tasks.fact("ContainerHealthChanged", task, container=c.name, old=tr.old, new=tr.new)
    _settle(dom, svc, st)


def target_changed(dom, tg, target, old: str) -> None:
    """The ELB hook: a target of one of our tasks changed state."""
    found = dom.by_target.get((tg.arn, target.id, target.port))
    if found is None:
        return
    svc, st = found
    if target.state == "unhealthy" and st.task.desired_status == "RUNNING":
        E.add_event(
            dom.lab,
            svc,
            E.unhealthy_target(st.task, target.id, target.port, tg.arn, target.description),
        )
    _settle(dom, svc, st)


def _settle(dom, svc: Service, st: ServiceTask) -> None:
    """Recompute the task's health flags; ask the scheduler to look if they changed."""
    lab, task = dom.lab, st.task
    if task.desired_status != "RUNNING" or task.last_status != "RUNNING":
        return
    ok, bad = True, None
    for tg_arn, tid, port in st.targets:
        t = lab.elb.target_groups[tg_arn].targets.get((tid, port))
        state = t.state if t is not None else "unused"
        if state == "unhealthy":
            bad = f"Task failed ELB health checks in (target-group {tg_arn})"
        if state != "healthy":
            ok = False
    for c in task.containers:
        if c.health_status is None:
            continue
        if c.health_status == UNHEALTHY and c.essential:
            bad = bad or "Task failed container health checks"
        if c.health_status != "HEALTHY":
            ok = False
    if not st.targets and not st.monitors:
        ok = lab.now >= task.started_at + timedelta(seconds=HEALTHY_AFTER_S)
    if bad is not None and not past_grace(lab, svc, st):
        bad = None  # ignored during the grace period
    if bad is not None and c_event_needed(st, bad):
        E.add_event(lab, svc, E.unhealthy_container(task))
    changed = (ok, bad) != (st.healthy, st.unhealthy)
    st.healthy, st.unhealthy = ok and bad is None, bad
    if st.healthy and not st.ever_healthy:
        st.ever_healthy = True
        dom.became_healthy(svc, st)
    if changed:
        dom.kick(svc)


def c_event_needed(st: ServiceTask, bad: str) -> bool:
    return bad == "Task failed container health checks" and st.unhealthy != bad


def release_targets(dom, svc: Service, st: ServiceTask) -> float:
    """Deregister the task's targets and stop its health checks; returns the longest
    deregistration delay (how long the task stays DEACTIVATING)."""
    lab = dom.lab
    for m in st.monitors:
        m.stop()
    st.monitors = []
    lab.clock.cancel(st.timer)
    st.timer = None
    delay = 0.0
    for tg_arn, tid, port in st.targets:
        dom.by_target.pop((tg_arn, tid, port), None)
        tg = lab.elb.target_groups.get(tg_arn)
        if tg is None or (tid, port) not in tg.targets:
            continue
        lab.elb.deregister_targets(tg_arn, [TargetSpec(tid, port)])
        if lab.elb.load_balancers_of(tg_arn):
            delay = max(delay, float(tg.deregistration_delay))
        E.add_event(lab, svc, E.deregistered(1, tg_arn))
    st.targets = []
    return delay
