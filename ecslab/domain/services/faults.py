"""Fault injection (``lab.faults``): recorded lab actions that break things on purpose.

Each fault is a ``LabActed`` input (replayed on load) and a ``FaultInjected`` fact in the event
table, followed by the facts of what it caused (a container exiting, tasks stopping, instances
terminating ...). Services recover within their rules and their events say what they did.

* ``crash_container(task, exit_code=1, container=None)`` -- the container's process exits now
  with ``exit_code`` (an essential container stops the task: EssentialContainerExited);
* ``fail_health_check(task, at=None)`` -- from ``at`` (a datetime, ISO text, or seconds from
  now; default now) the task's container health-check commands fail and its load balancer
  probes get HTTP 503;
* ``terminate_instance(instance_id)`` -- the EC2 instance terminates (its tasks die with it);
* ``az_down(az)`` / ``az_up(az)`` -- an Availability Zone fails: its running EC2 instances
  terminate, Fargate tasks there stop (TerminationNotice), and service tasks are not placed in
  its subnets until ``az_up``. Modelled: instances a learner launches into a down AZ still run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ...core.errors import InvalidParameterException
from ...core.record import lab_action
from ..tasks import lifecycle

__all__ = ["Faults"]


class Faults:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.down_azs: dict[str, datetime] = {}
        self._fail_from: dict[str, datetime] = {}  # task arn -> health checks fail from then

    def failing(self, task_arn: str) -> bool:
        at = self._fail_from.get(task_arn)
        return at is not None and self.lab.now >= at

    # -- friendly methods (recorded) ---------------------------------------------------------------

    def crash_container(self, task, exit_code: int = 1, container: str | None = None) -> None:
        self.lab.act(
            "fault_crash_container", task=_arn(task), exit_code=int(exit_code), container=container
        )

    def fail_health_check(self, task, at: datetime | str | float | None = None) -> None:
        if at is None:
            when = self.lab.now
        elif isinstance(at, (int, float)):
            when = self.lab.now + timedelta(seconds=at)
        elif isinstance(at, str):
            when = datetime.fromisoformat(at)
        else:
            when = at
        self.lab.act("fault_fail_health_check", task=_arn(task), at=when.isoformat())

    def terminate_instance(self, instance_id: str) -> None:
        self.lab.act("fault_terminate_instance", instance_id=instance_id)

    def az_down(self, az: str) -> None:
        self.lab.act("fault_az_down", az=az)

    def az_up(self, az: str) -> None:
        self.lab.act("fault_az_up", az=az)


def _arn(task) -> str:
    if isinstance(task, dict):
        return task["taskArn"]
    return getattr(task, "arn", task)


def _task(lab, ref: str):
    task = lab.tasks.locate(ref)
    if task is None:
        raise InvalidParameterException("The referenced task was not found.")
    return task


@lab_action
def fault_crash_container(lab, task: str, exit_code: int = 1, container: str | None = None):
    t = _task(lab, task)
    running = [c for c in t.containers if c.last_status == "RUNNING"]
    c = next((c for c in running if c.name == container), None) if container else None
    if c is None:
        c = next((c for c in running if c.essential), running[0] if running else None)
    if c is None:
        raise ValueError(f"task {t.id} has no running container to crash")
    lab.emit(
        "FaultInjected",
        "lab",
        cluster=t.cluster,
        resource=t.arn,
        fault="crash_container",
        container=c.name,
        exit_code=exit_code,
    )
    lab.clock.cancel(c.timer)
    lifecycle.container_exited(lab.tasks, t, c, exit_code)


@lab_action
def fault_fail_health_check(lab, task: str, at: str):
    t = _task(lab, task)
    when = datetime.fromisoformat(at)
    lab.faults._fail_from[t.arn] = when
    lab.emit(
        "FaultInjected", "lab", cluster=t.cluster, resource=t.arn, fault="fail_health_check", at=at
    )


@lab_action
def fault_terminate_instance(lab, instance_id: str):
    lab.instances.get(instance_id)  # raises InvalidInstanceID.NotFound
    lab.emit("FaultInjected", "lab", resource=instance_id, fault="terminate_instance")
    lab.instances.terminate([instance_id])


@lab_action
def fault_az_down(lab, az: str):
    if az not in {s.az for s in lab.network.subnets.values()}:
        raise ValueError(f"unknown Availability Zone {az!r}")
    lab.faults.down_azs[az] = lab.now
    lab.emit("FaultInjected", "lab", resource=az, fault="az_down")
    ids = [
        i.id
        for i in lab.instances._by_id.values()
        if i.az == az and i.state in ("pending", "running")
    ]
    if ids:
        lab.instances.terminate(ids)
    for t in lab.tasks.all():
        if t.fargate and t.az == az and t.live:
            lifecycle.kill(
                lab.tasks, t, "TerminationNotice", f"Availability Zone {az} is unavailable."
            )  # [M]
    for svc in [s for c in list(lab.services._by_cluster) for s in lab.services.in_cluster(c)]:
        lab.services.kick(svc)


@lab_action
def fault_az_up(lab, az: str):
    if lab.faults.down_azs.pop(az, None) is None:
        return
    lab.emit("FaultRepaired", "lab", resource=az, fault="az_down")
    for c in list(lab.services._by_cluster):
        for svc in lab.services.in_cluster(c):
            lab.services.kick(svc)
