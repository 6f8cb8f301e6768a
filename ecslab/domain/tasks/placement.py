"""The scheduler's view of each cluster, kept in step with the container-instance domain.

Two places hold what tasks reserve on an instance, and they never disagree:

* the **container-instance objects** (``cpu_reserved``, ``mem_reserved``, ``ports_reserved``,
  ``ports_udp_reserved``, ``eni_used``, ``pending_tasks`` / ``running_tasks``) are the source of
  truth: DescribeContainerInstances reads them (remainingResources = registered - reserved);
* the per-cluster :class:`~ecslab.domain.scheduler.InstanceTable` is a *cache* for placement:
  built once from those objects (plus what only placement knows -- the dynamic host ports tasks
  hold, the task groups on each instance, the agent's last dynamic port) and then updated in
  place by every placement and release, in the same call that updates the objects.

The cache is keyed by ``lab.container_instances.version``, which moves on every change that is
not task bookkeeping (an instance registers or deregisters, changes status, its agent
disconnects, its attributes change). So a RunTask on a stable 1,000-instance cluster costs
array work only; the next RunTask after a registration rebuilds the table (a few ms).

Only dynamic ports live in the table alone: ECS does not list them in remainingResources (the
API doc: "ports ... reserved by the agent ... and any task containers that have reserved port
mappings on the host"; [V] reference G: dynamically assigned ports do not count as reserved).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..scheduler import InstanceTable, Placement, PlacementResult, TaskRequest, explain
from ..scheduler import place as scheduler_place
from ..scheduler import release as scheduler_release
from ..scheduler import start_on as scheduler_start_on

__all__ = ["ClusterPlacement", "WHY_COLUMNS"]

WHY_COLUMNS = ["arn", "ec2_instance_id", "filter", "reason"]


class ClusterPlacement:
    """Per-cluster placement state for the task domain (``lab.tasks.placement``)."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self._tables: dict[str, tuple[int, InstanceTable]] = {}
        # ci arn -> {task arn: Placement} for tasks that hold resources (not yet STOPPED)
        self._held: dict[str, dict[str, Placement]] = {}
        self._last_port: dict[str, int] = {}  # ci arn -> the agent's last dynamic host port
        # cluster -> {family or None: (request, why DataFrame or None)}
        self._last: dict[str, dict[str | None, tuple[TaskRequest, pd.DataFrame | None]]] = {}

    # -- the cached table --------------------------------------------------------------------------

    def table(self, cluster: str) -> InstanceTable:
        """The cluster's instance table (cached until a container instance changes)."""
        version = self.lab.container_instances.version
        got = self._tables.get(cluster)
        if got is not None and got[0] == version:
            return got[1]
        table = self._build(cluster)
        self._tables[cluster] = (version, table)
        return table

    def _build(self, cluster: str) -> InstanceTable:
        cis = [
            c for c in self.lab.container_instances.in_cluster(cluster) if c.status != "INACTIVE"
        ]
        rows: dict[str, list] = {k: [] for k in _TABLE_COLUMNS}
        for ci in cis:
            held = self._held.get(ci.arn, {})
            dyn_tcp = [p for pl in held.values() for p in pl.dynamic_tcp]
            dyn_udp = [p for pl in held.values() for p in pl.dynamic_udp]
            groups: dict[str, int] = {}
            for pl in held.values():
                groups[pl.group] = groups.get(pl.group, 0) + 1
            rows["arn"].append(ci.arn)
            rows["ec2_instance_id"].append(ci.ec2_instance_id)
            rows["cluster"].append(ci.cluster_arn)
            rows["status"].append(ci.status)
            rows["agent_connected"].append(bool(ci.agent_connected))
            rows["az"].append(ci.az)
            rows["subnet_id"].append(ci.subnet_id)
            rows["vpc_id"].append(ci.vpc_id)
            rows["instance_type"].append(ci.instance_type)
            rows["arch"].append(ci.arch)
            rows["os_type"].append("linux")
            rows["ami_id"].append(ci.ami_id)
            rows["cpu_registered"].append(ci.cpu)
            rows["mem_registered"].append(ci.memory)
            rows["cpu_reserved"].append(ci.cpu_reserved)
            rows["mem_reserved"].append(ci.mem_reserved)
            rows["eni_capacity"].append(max(ci.eni_capacity, ci.eni_used))
            rows["eni_used"].append(ci.eni_used)
            rows["registered_at"].append(ci.registered_at)
            rows["running_tasks_count"].append(len(held))
            rows["agent_version"].append(ci.agent_version or "")
            rows["attributes"].append(ci.attributes())
            rows["ports_tcp"].append(tuple(ci.ports) + tuple(ci.ports_reserved) + tuple(dyn_tcp))
            rows["ports_udp"].append(
                tuple(ci.ports_udp) + tuple(ci.ports_udp_reserved) + tuple(dyn_udp)
            )
            rows["task_groups"].append(groups)
            rows["last_dynamic_port"].append(self._last_port.get(ci.arn, 0))
        frame = pd.DataFrame(rows)
        for col in ("attributes", "ports_tcp", "ports_udp", "task_groups"):
            frame[col] = pd.Series(rows[col], dtype=object)
        frame["agent_connected"] = frame["agent_connected"].astype(bool)
        for col in _INT_COLUMNS:
            frame[col] = frame[col].astype("int64")
        frame["registered_at"] = pd.to_datetime(frame["registered_at"], utc=True)
        return InstanceTable(frame)

    # -- placing and releasing -------------------------------------------------------------------

    def place(
        self, cluster: str, request: TaskRequest, count: int, rng, family: str
    ) -> PlacementResult:
        """RunTask: place ``count`` tasks (raises the no-instances error before changing
        anything). Updates the table; the caller then calls :meth:`hold` per placement."""
        table = self.table(cluster)
        result = scheduler_place(table, request, count, rng)
        self._remember(cluster, family, request, result.why)
        return result

    def start_on(
        self, cluster: str, request: TaskRequest, arns: list[str], family: str
    ) -> PlacementResult:
        table = self.table(cluster)
        result = scheduler_start_on(table, request, arns)
        why = explain(table, request) if result.failures else None
        self._remember(cluster, family, request, why)
        return result

    def hold(self, task_arn: str, placement: Placement, request: TaskRequest) -> None:
        """Book a placement on the container-instance object (the table already has it)."""
        n_tcp = len(placement.tcp_ports) - len(placement.dynamic_tcp)
        n_udp = len(placement.udp_ports) - len(placement.dynamic_udp)
        self.lab.container_instances.reserve(
            placement.arn,
            placement.cpu,
            placement.memory,
            ports=placement.tcp_ports[:n_tcp],
            enis=placement.eni,
            udp_ports=placement.udp_ports[:n_udp],
        )
        self._held.setdefault(placement.arn, {})[task_arn] = placement
        if placement.dynamic_tcp or placement.dynamic_udp:
            table = self._tables[self.lab.container_instances.get(placement.arn).cluster][1]
            self._last_port[placement.arn] = int(table.last_dynamic_port[placement.row])

    def release(self, task_arn: str, placement: Placement) -> None:
        """The task reached STOPPED: give everything back, in both places."""
        held = self._held.get(placement.arn, {})
        if held.pop(task_arn, None) is None:
            return
        n_tcp = len(placement.tcp_ports) - len(placement.dynamic_tcp)
        n_udp = len(placement.udp_ports) - len(placement.dynamic_udp)
        ci = self.lab.container_instances.get(placement.arn)
        self.lab.container_instances.release(
            placement.arn,
            placement.cpu,
            placement.memory,
            ports=placement.tcp_ports[:n_tcp],
            enis=placement.eni,
            udp_ports=placement.udp_ports[:n_udp],
        )
        got = self._tables.get(ci.cluster) if ci is not None else None
        if got is None or got[0] != self.lab.container_instances.version:
            return  # the next table() rebuilds from the objects
        table = got[1]
        row = table.index_of(placement.arn)
        if row is not None:
            scheduler_release(table, dataclasses.replace(placement, row=row))

    def held(self, ci_arn: str) -> dict[str, Placement]:
        return dict(self._held.get(ci_arn, {}))

    # -- "why not placed?" -----------------------------------------------------------------------

    def _remember(self, cluster, family, request, why) -> None:
        last = self._last.setdefault(cluster, {})
        last[family] = last[None] = (request, why)

    def why_not_placed(self, cluster: str, family: str | None = None) -> pd.DataFrame:
        """One row per container instance with the first filter that removed it (``filter`` and
        ``reason`` are None where the instance can take the task).

        For the last placement in ``cluster`` (of ``family`` if given). If it failed, the table
        is as it was at that moment; if it succeeded, it is evaluated against the instances as
        they are now."""
        got = self._last.get(cluster, {}).get(family)
        if got is None:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in WHY_COLUMNS})
        request, why = got
        if why is None:
            why = explain(self.table(cluster), request)
        return why[WHY_COLUMNS].copy()


_TABLE_COLUMNS = [
    "arn",
    "ec2_instance_id",
    "cluster",
    "status",
    "agent_connected",
    "az",
    "subnet_id",
    "vpc_id",
    "instance_type",
    "arch",
    "os_type",
    "ami_id",
    "cpu_registered",
    "mem_registered",
    "cpu_reserved",
    "mem_reserved",
    "eni_capacity",
    "eni_used",
    "registered_at",
    "running_tasks_count",
    "agent_version",
    "attributes",
    "ports_tcp",
    "ports_udp",
    "task_groups",
    "last_dynamic_port",
]
_INT_COLUMNS = [
    "cpu_registered",
    "mem_registered",
    "cpu_reserved",
    "mem_reserved",
    "eni_capacity",
    "eni_used",
    "running_tasks_count",
    "last_dynamic_port",
]
