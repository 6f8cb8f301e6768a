"""Managed scaling and managed termination protection for Auto Scaling group providers.

Every minute (the metric's period) ECS works out, for each provider with managed scaling:

* N -- the instances in the group (in service or still launching: they are on their way);
* M -- the instances needed: the members running non-daemon tasks, plus the instances the
  tasks waiting in PROVISIONING for this provider need (first-fit onto the launch template's
  instance type);
* ``CapacityProviderReservation`` = M / N x 100, or 200 when N = 0 and M > 0, or 100 when both are
  0 [V: Amazon ECS Developer Guide, "Amazon ECS cluster auto scaling"; the 200 for an empty group
  is how the first scale-out from zero starts].

The value is published as a fact (``ManagedScalingMetricPublished``: namespace
``AWS/ECS/ManagedScaling``, dimensions ClusterName and CapacityProviderName) and target tracking
on ``targetCapacity`` sets the group's desired capacity to ceil(M x 100 / targetCapacity):
scale-out at once when the metric is above the target (one datapoint), by at least
minimumScalingStepSize and at most maximumScalingStepSize instances; scale-in only after 15
consecutive datapoints below the target [V: the target-tracking alarms AWS creates use 1 and 15
one-minute datapoints], never below the group's MinSize. [M] instanceWarmupPeriod is not
modelled separately: launching instances already count in N.

Managed termination protection: each minute ECS protects the members running non-daemon tasks
from scale-in and lifts the protection from idle ones, so a scale-in only ever removes empty
instances [V].
"""

from __future__ import annotations

import math

from ...core import catalog

__all__ = ["ManagedScaling", "TICK_SECONDS", "SCALE_IN_DATAPOINTS", "reservation"]

TICK_SECONDS = 60
SCALE_IN_DATAPOINTS = 15
NAMESPACE = "AWS/ECS/ManagedScaling"


def reservation(m: int, n: int) -> float:
    if n == 0:
        return 100.0 if m == 0 else 200.0
    return m / n * 100.0


class ManagedScaling:
    """``lab.managed_scaling``: the minute tick over every cluster's ASG providers."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self._timer = None
        self._below: dict[str, int] = {}  # provider -> consecutive datapoints below target
        self.last: dict[str, dict] = {}  # provider -> the last datapoint (for views)

    def ensure_ticking(self) -> None:
        if self._timer is None:
            self._timer = self.lab.clock.after(TICK_SECONDS, self._tick, "managed-scaling")

    def on_cluster_capacity_changed(self) -> None:
        self.ensure_ticking()

    # -- the tick --------------------------------------------------------------------------------

    def _tick(self) -> None:
        self._timer = None
        lab = self.lab
        from ..tasks.capacity import place_waiting

        active = False
        for cluster in lab.clusters.active():
            assoc = lab.capacity.of_cluster(cluster.name)
            asg_providers = [
                p
                for n in assoc.providers
                if (p := lab.capacity.find(n)) is not None and not p.fargate
            ]
            if not asg_providers:
                continue
            active = True
            if lab.tasks.waiting:
                place_waiting(lab.tasks, cluster.name)
            busy = self._busy_instances(cluster.name)
            for prov in asg_providers:
                self._provider(cluster, prov, busy)
        if active:
            self.ensure_ticking()

    def _busy_instances(self, cluster: str) -> dict[str, int]:
        """EC2 instance id -> live non-daemon tasks on it."""
        daemons = {s.name for s in self.lab.services.in_cluster(cluster) if s.daemon}
        out: dict[str, int] = {}
        for t in self.lab.tasks.in_cluster(cluster):
            if t.live and t.ec2_instance_id and t.service not in daemons:
                out[t.ec2_instance_id] = out.get(t.ec2_instance_id, 0) + 1
        return out

    def _extra_needed(self, prov, group) -> int:
        """Instances the tasks waiting for ``prov`` need (first-fit on the template's type)."""
        lab = self.lab
        waiting = [
            w.task
            for w in lab.tasks.waiting.values()
            if w.provider == prov.name and w.task.live and w.task.desired_status == "RUNNING"
        ]
        if not waiting:
            return 0
        lt = lab.launch_templates.find(template_id=group.template_id)
        info = catalog.instance_type(lt.data(group.template_version).get("instance_type") or "")
        if info is None:
            return len(waiting)
        cap_cpu = info["registered_cpu"]
        cap_mem = catalog.registered_memory_mib(info["memory_mib"], 0)
        bins: list[list[int]] = []
        for t in waiting:
            for b in bins:
                if b[0] >= t.cpu and b[1] >= t.memory:
                    b[0] -= t.cpu
                    b[1] -= t.memory
                    break
            else:
                bins.append([cap_cpu - t.cpu, cap_mem - t.memory])
        return len(bins)

    def _provider(self, cluster, prov, busy: dict[str, int]) -> None:
        lab = self.lab
        group = lab.asg.find(prov.group_name)
        if group is None or group.deleting:
            return
        members = group.live()
        n = len(members)
        m = sum(1 for mem in members if busy.get(mem.instance_id)) + self._extra_needed(prov, group)
        value = reservation(m, n)
        self.last[prov.name] = {"m": m, "n": n, "value": value, "target": prov.target_capacity}
        if prov.termination_protection == "ENABLED":
            self._protect(group, busy)
        if not prov.managed:
            return
        lab.emit(
            "ManagedScalingMetricPublished",
            "cloudwatch",
            cluster=cluster.name,
            resource=prov.arn,
            namespace=NAMESPACE,
            metric="CapacityProviderReservation",
            capacity_provider=prov.name,
            value=value,
            m=m,
            n=n,
            target=prov.target_capacity,
            desired=group.desired,
            **self._task_counts(cluster.name, prov.name),
        )
        goal = math.ceil(m * 100 / prov.target_capacity)
        if value > prov.target_capacity:
            self._below[prov.name] = 0
            step = min(max(goal - n, prov.min_step), prov.max_step)
            new = min(n + step, group.max_size)
        elif value < prov.target_capacity:
            self._below[prov.name] = self._below.get(prov.name, 0) + 1
            if self._below[prov.name] < SCALE_IN_DATAPOINTS:
                return
            new = max(goal, group.min_size)
        else:
            self._below[prov.name] = 0
            return
        if new != group.desired and group.min_size <= new <= group.max_size:
            lab.asg.set_desired(group.name, new, cause=f"ECS managed scaling ({prov.name})")
            if new < n:
                self._below[prov.name] = 0

    def _task_counts(self, cluster: str, provider: str) -> dict[str, int]:
        """The provider's tasks now (for charts): running and pending (incl. PROVISIONING)."""
        running = pending = 0
        for t in self.lab.tasks.in_cluster(cluster):
            if t.capacity_provider == provider and t.desired_status == "RUNNING":
                running += t.last_status == "RUNNING"
                pending += t.pending
        return {"tasks_running": running, "tasks_pending": pending}

    def _protect(self, group, busy: dict[str, int]) -> None:
        on = [m.instance_id for m in group.live() if busy.get(m.instance_id) and not m.protected]
        off = [m.instance_id for m in group.live() if not busy.get(m.instance_id) and m.protected]
        if on:
            self.lab.asg.set_protection(group.name, on, True)
        if off:
            self.lab.asg.set_protection(group.name, off, False)
