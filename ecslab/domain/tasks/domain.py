"""``lab.tasks``: RunTask, StartTask, StopTask, ListTasks, lookups and the cluster hooks.

Facts (billing and Container Insights read them; field names are a contract):

* ``TaskCreated`` -- detail: launch_type, cpu, memory (the task's reservation: task-level size,
  else the containers' sum), family, revision, service, group, container_instance, instance_id,
  az, ephemeral_gib, os, arch, capacity, status, task_definition, started_by;
* ``TaskPullStarted`` (Fargate billing starts) -- launch_type, cpu, memory, ephemeral_gib, os,
  arch, capacity, service, family; ``TaskPullStopped``;
* ``TaskRunning`` -- service, family, cpu, memory; ``TaskStopping``; ``TaskStopped`` --
  stop_code, reason, exit_codes, service, family; ``ContainerExited``; ``TaskStatusChanged``
  for the other transitions; ``TaskExpired`` when a stopped task is forgotten;
* ``TaskPlacementFailed`` -- family, count, failures.

Counts (modelled where AWS's definitions are loose): a task is *pending* before RUNNING
(PROVISIONING, PENDING, ACTIVATING) and *running* from RUNNING until STOPPED, for clusters and
container instances alike.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import (
    ClusterContainsTasksException,
    InvalidParameterException,
)
from ...core.ids import parse_arn
from . import capacity, lifecycle, shell
from .launch import Launch, build_task, prepare
from .model import Task
from .placement import ClusterPlacement

__all__ = ["Tasks", "NOT_FOUND"]

NOT_FOUND = "The referenced task was not found."  # [V3] StopTask on an unknown task


class Tasks:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_cluster: dict[str, dict[str, Task]] = {}  # cluster name -> {arn: task}
        self.placement = ClusterPlacement(lab)
        self.image_cache: dict[str, set[str]] = {}  # container-instance arn -> image digests
        self.version = 0  # moves on every task change (ListTasks caches on it)
        self._list_cache: dict[tuple, tuple[int, list[str]]] = {}
        #: ``fn(task, kind)`` called after every fact about a service task (the service
        #: scheduler sets it; it only schedules work on the clock, never changes a task).
        self.on_service_task = None
        #: task arn -> capacity.Waiting: capacity-provider tasks waiting for an instance
        self.waiting: dict[str, capacity.Waiting] = {}

    # -- facts -----------------------------------------------------------------------------------

    def fact(self, kind: str, task: Task, **detail: Any) -> None:
        self.fact_detail(kind, task, detail)

    def fact_detail(self, kind: str, task: Task, detail: dict[str, Any]) -> None:
        self.version += 1
        self.lab.emit_detail(kind, "ecs", task.cluster, task.arn, detail)
        if task.service is not None and self.on_service_task is not None:
            self.on_service_task(task, kind)

    def status(self, task: Task, status: str, fact: str = "TaskStatusChanged", **detail) -> None:
        task.last_status = status
        task.version += 1
        self.fact(fact, task, status=status, **detail)

    # -- lookups ---------------------------------------------------------------------------------

    def all(self) -> list[Task]:
        return [t for tasks in self._by_cluster.values() for t in tasks.values()]

    def in_cluster(self, cluster: str) -> list[Task]:
        return list(self._by_cluster.get(cluster, {}).values())

    def arn_for(self, cluster: str, task_id: str) -> str:
        return f"arn:aws:ecs:{self.lab.region}:{self.lab.account_id}:task/{cluster}/{task_id}"

    def find(self, cluster: str, ref: str) -> Task | None:
        """A task of ``cluster`` by id or ARN (new or old format); None if unknown or forgotten."""
        tasks = self._by_cluster.get(cluster, {})
        got = tasks.get(ref)  # the task's own ARN (what DescribeTasks is given most often)
        if got is not None:
            return got
        if ref.startswith("arn:"):
            parts = parse_arn(ref)
            if not parts or parts["service"] != "ecs" or not parts["resource"].startswith("task/"):
                raise InvalidParameterException("Invalid Arn")  # [V] the text ECS uses
            if parts["region"] != self.lab.region or parts["account"] != self.lab.account_id:
                return None
            path = parts["resource"].split("/")
            if len(path) == 3 and path[1] != cluster:
                return None
            ref = path[-1]
        return tasks.get(self.arn_for(cluster, ref))

    def locate(self, ref: str) -> Task | None:
        """A task in any cluster (lab-level helpers): by ARN or id."""
        if ref.startswith("arn:"):
            path = (parse_arn(ref) or {}).get("resource", "").split("/")
            if len(path) == 3:
                return self._by_cluster.get(path[1], {}).get(ref)
            ref = path[-1]
        return next((t for t in self.all() if t.id == ref), None)

    def owns(self, resource_arn: str) -> bool:
        return self.locate(resource_arn) is not None if ":task/" in resource_arn else False

    # -- RunTask / StartTask -----------------------------------------------------------------------

    def run(self, cluster_ref: str | None, p: dict[str, Any]) -> tuple[list[Task], list[dict]]:
        """RunTask (``p`` is the request in snake_case). Returns (tasks, failures)."""
        lab = self.lab
        cluster = lab.clusters.get(cluster_ref)
        count = 1 if p.get("count") is None else p["count"]
        if not 1 <= count <= 10:
            raise InvalidParameterException("count must be between 1 and 10.")  # [M] limit [V]
        td = lab.taskdefs.resolve(p["task_definition"], for_use=True)
        launch = prepare(lab, cluster, td, p)
        return self.run_prepared(launch, count)

    def run_prepared(
        self,
        launch: Launch,
        count: int,
        *,
        service: str | None = None,
        subnets: list | None = None,
    ) -> tuple[list[Task], list[dict]]:
        """Place and create ``count`` tasks of a validated launch (RunTask, and the service
        scheduler, which passes its ``service`` name and, for Fargate, the subnets it may use).
        Raises the no-instances InvalidParameterException before changing anything."""
        lab, cluster, td = self.lab, launch.cluster, launch.td
        if launch.strategy:
            tasks = capacity.run_with_strategy(self, launch, count, service, subnets)
            for task in tasks:
                task.service = service
                self._add(task, launch)
            return tasks, []
        if launch.launch_type == "FARGATE":
            ids = lab.random.hex(96 * count)
            chosen = self._fargate_subnets(launch, count, subnets)
            tasks = [
                build_task(lab, launch, subnet=s, rnd=ids[96 * n : 96 * n + 96])
                for n, s in enumerate(chosen)
            ]
            failures: list[dict] = []
        else:
            result = self.placement.place(
                cluster.name, launch.request, count, lab.random, td.family
            )
            tasks = self._placed(launch, result.placements)
            failures = result.failures
        for task in tasks:
            task.service = service
            self._add(task, launch)
        if failures:
            self._placement_failed(cluster, td, count, failures)
        return tasks, failures

    def start_prepared(
        self, launch: Launch, arns: list[str], *, service: str | None = None
    ) -> tuple[list[Task], list[dict]]:
        """One task on each named ACTIVE container instance (a DAEMON service's placement)."""
        result = self.placement.start_on(
            launch.cluster.name, launch.request, arns, launch.td.family
        )
        tasks = self._placed(launch, result.placements)
        for task in tasks:
            task.service = service
            self._add(task, launch)
        return tasks, result.failures

    def start(self, cluster_ref: str | None, p: dict[str, Any]) -> tuple[list[Task], list[dict]]:
        """StartTask on named container instances."""
        lab = self.lab
        cluster = lab.clusters.get(cluster_ref)
        refs = list(p.get("container_instances") or [])
        if not 1 <= len(refs) <= 10:
            raise InvalidParameterException(
                "containerInstances must contain between 1 and 10 items."
            )  # [M] limit [V]
        td = lab.taskdefs.resolve(p["task_definition"], for_use=True)
        launch = prepare(lab, cluster, td, p, start_task=True)
        arns, slots = [], []  # slots: a failure found here, or None for "ask the scheduler"
        for ref in refs:
            ci = lab.container_instances.find(cluster.name, ref)
            if ci is None:
                arn = lab.container_instances.arn_for(cluster.name, ref)
                slots.append({"arn": arn, "reason": "MISSING"})
            elif ci.status == "INACTIVE":
                slots.append({"arn": ci.arn, "reason": "INACTIVE"})
            else:
                arns.append(ci.arn)
                slots.append(None)
        result = self.placement.start_on(cluster.name, launch.request, arns, td.family)
        tasks = self._placed(launch, result.placements)
        # Failures in the order the instances were named.
        placed = {p.task for p in result.placements}
        theirs, failures, j = iter(result.failures), [], 0
        for slot in slots:
            if slot is not None:
                failures.append(slot)
                continue
            if j not in placed:
                failures.append(next(theirs))
            j += 1
        for task in tasks:
            self._add(task, launch)
        if failures:
            self._placement_failed(cluster, td, len(refs), failures)
        return tasks, failures

    def _placed(self, launch: Launch, placements) -> list[Task]:
        tasks = []
        ids = self.lab.random.hex(96 * len(placements)) if placements else ""  # one draw per call
        for n, pl in enumerate(placements):
            task = build_task(self.lab, launch, placement=pl, rnd=ids[96 * n : 96 * n + 96])
            self.placement.hold(task.arn, pl, launch.request)
            tasks.append(task)
        return tasks

    def _fargate_subnets(self, launch: Launch, count: int, subnets: list | None = None) -> list:
        """One subnet per task, spread over the subnets' AZs: each task goes to the AZ with the
        fewest live tasks of its group (ties: the order the subnets were given)."""
        zones: dict[str, list] = {}
        for s in launch.subnets if subnets is None else subnets:
            zones.setdefault(s.az, []).append(s)
        per_az = dict.fromkeys(zones, 0)
        for t in self.in_cluster(launch.cluster.name):
            if t.live and t.fargate and t.group == launch.group and t.az in per_az:
                per_az[t.az] += 1
        out = []
        for _ in range(count):
            az = min(per_az, key=lambda z: per_az[z])
            out.append(zones[az][per_az[az] % len(zones[az])])
            per_az[az] += 1
        return out

    def _add(self, task: Task, launch: Launch) -> None:
        lab = self.lab
        self._by_cluster.setdefault(task.cluster, {})[task.arn] = task
        if task.container_instance_arn:
            lab.container_instances.count_tasks(task.container_instance_arn, pending=1)
        detail = {
            "launch_type": task.launch_type,
            "cpu": task.cpu,
            "memory": task.memory,
            "family": task.td.family,
            "revision": task.td.revision,
            "service": task.service,
            "group": task.group,
            "container_instance": task.container_instance_arn,
            "instance_id": task.ec2_instance_id,
            "az": task.az,
            "ephemeral_gib": task.ephemeral_gib,
            "os": "linux",
            "arch": task.arch,
            "capacity": task.capacity,
            "status": task.last_status,
            "task_definition": task.td.arn,
            "started_by": task.started_by,
        }
        if task.capacity_provider:
            detail["capacity_provider"] = task.capacity_provider
        self.fact_detail("TaskCreated", task, detail)
        if launch.tags:
            lab.tags.set(task.arn, launch.tags, check=False, cluster=task.cluster)
        if task.arn not in self.waiting:
            lifecycle.begin(self, task)

    def _placement_failed(self, cluster, td, count: int, failures: list[dict]) -> None:
        self.version += 1
        self.lab.emit(
            "TaskPlacementFailed",
            "ecs",
            cluster=cluster.name,
            resource=td.arn,
            family=td.family,
            count=count,
            failures=[dict(f) for f in failures],
        )

    # -- StopTask ----------------------------------------------------------------------------------

    def stop(self, cluster_ref: str | None, task_ref: str, reason: str | None = None) -> Task:
        cluster = self.lab.clusters.get(cluster_ref)
        if reason is not None and len(reason) > 255:
            raise InvalidParameterException("reason can have at most 255 characters.")  # [M]
        task = self.find(cluster.name, task_ref)
        if task is None:
            raise InvalidParameterException(NOT_FOUND)
        lifecycle.begin_stop(self, task, "UserInitiated", reason or "Task stopped by user")
        return task

    def forget(self, task: Task) -> None:
        """An hour after STOPPED the task is no longer described or listed."""
        self._by_cluster.get(task.cluster, {}).pop(task.arn, None)
        self.fact("TaskExpired", task)

    # -- ListTasks ---------------------------------------------------------------------------------

    def list(
        self,
        cluster: str,
        *,
        container_instance: str | None = None,
        family: str | None = None,
        service_name: str | None = None,
        started_by: str | None = None,
        desired_status: str | None = None,
        launch_type: str | None = None,
    ) -> list[str]:
        """Task ARNs, oldest first (desiredStatus defaults to RUNNING, as ListTasks does)."""
        key = (
            cluster,
            container_instance,
            family,
            service_name,
            started_by,
            desired_status,
            launch_type,
        )
        got = self._list_cache.get(key)
        if got is not None and got[0] == self.version:
            return got[1]
        want = desired_status or "RUNNING"
        out = [
            t.arn
            for t in self._by_cluster.get(cluster, {}).values()
            if t.desired_status == want
            and (container_instance is None or t.container_instance_arn == container_instance)
            and (family is None or t.family == family)
            and (service_name is None or t.service == service_name)
            and (started_by is None or t.started_by == started_by)
            and (launch_type is None or t.launch_type == launch_type)
        ]
        if len(self._list_cache) > 64:
            self._list_cache.clear()
        self._list_cache[key] = (self.version, out)
        return out

    # -- learner helpers ---------------------------------------------------------------------------

    def why_not_placed(self, cluster: str | None = None, family: str | None = None):
        """The "why not placed?" table of the last placement in ``cluster`` (of ``family``):
        one row per container instance -- arn, ec2_instance_id, filter, reason."""
        name = self.lab.clusters.name_from_ref(cluster or "default")
        return self.placement.why_not_placed(name, family)

    def execute_command(
        self,
        cluster_ref: str | None,
        task_ref: str,
        container: str | None,
        command: str,
        interactive: bool,
    ):
        """ExecuteCommand: (task, container, session) or the documented refusal."""
        cluster = self.lab.clusters.get(cluster_ref)
        task = self.find(cluster.name, task_ref)
        if task is None:
            raise InvalidParameterException(NOT_FOUND)
        if not interactive:
            raise InvalidParameterException("Interactive is the only mode supported currently.")
        c = shell.check_exec(task, container)
        s = shell.session(self.lab, task, c)
        self.fact(
            "ExecuteCommandStarted",
            task,
            container=c.name,
            command=command,
            session_id=s["session_id"],
        )
        return task, c, s

    def exec(self, task_ref: str, command: str, container: str | None = None) -> str:
        """A simulated shell in a RUNNING task started with enableExecuteCommand: answers env,
        printenv, hostname, cat /etc/hostname and ps from the task's configuration."""
        task = self.locate(task_ref)
        if task is None:
            raise InvalidParameterException(NOT_FOUND)
        c = shell.check_exec(task, container)
        return shell.run_shell(self.lab, task, c, command)

    # -- cluster and instance hooks ----------------------------------------------------------------

    def _cluster_tasks(self, cluster_arn: str) -> list[Task]:
        return self.in_cluster(cluster_arn.rsplit("/", 1)[-1])

    def cluster_counts(self, cluster_arn: str) -> dict[str, int]:
        tasks = self._cluster_tasks(cluster_arn)
        return {
            "runningTasksCount": sum(1 for t in tasks if t.running),
            "pendingTasksCount": sum(1 for t in tasks if t.pending),
        }

    def cluster_statistics(self, cluster_arn: str) -> dict[str, int]:
        out = dict.fromkeys(
            (
                "runningEC2TasksCount",
                "runningFargateTasksCount",
                "pendingEC2TasksCount",
                "pendingFargateTasksCount",
            ),
            0,
        )
        for t in self._cluster_tasks(cluster_arn):
            lt = "Fargate" if t.fargate else "EC2"
            if t.running:
                out[f"running{lt}TasksCount"] += 1
            elif t.pending:
                out[f"pending{lt}TasksCount"] += 1
        return out

    def blocks_cluster_delete(self, cluster_arn: str) -> None:
        if any(t.live for t in self._cluster_tasks(cluster_arn)):
            raise ClusterContainsTasksException(
                "The Cluster cannot be deleted while Tasks are active."
            )

    def on_instance_terminating(self, inst) -> None:
        """Tasks on a terminated EC2 instance die with it ([M] reason text and stop code)."""
        for task in self.all():
            if task.ec2_instance_id == inst.id and task.live:
                lifecycle.kill(
                    self, task, "TerminationNotice", f"Host EC2 (instance {inst.id}) terminated."
                )
