"""Tasks started through a capacity provider strategy (RunTask, services).

Each new task gets a provider from the strategy (``capacity.strategy.split``). FARGATE and
FARGATE_SPOT tasks start as Fargate tasks (``capacity`` "spot" for FARGATE_SPOT, which billing
reads). A task of an Auto Scaling group provider is placed, with the usual placement logic, on
the container instances of that group only; when none has room it waits in PROVISIONING
without an instance [V: "tasks in the PROVISIONING state ... waiting for capacity", Amazon ECS
Developer Guide, cluster auto scaling] and is placed as soon as capacity appears (a container
instance of the group registers, or the capacity domain's minute tick finds room). Managed
scaling counts these waiting tasks when it works out how many instances are needed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..capacity.strategy import split
from ..scheduler.query import parse
from ..scheduler.request import Constraint
from . import lifecycle
from .launch import Launch, build_task

__all__ = ["run_with_strategy", "place_waiting", "Waiting"]


@dataclasses.dataclass
class Waiting:
    task: Any
    launch: Launch
    provider: str
    rnd: str


def _have(dom, launch: Launch, service: str | None) -> dict[str, int]:
    if service is None:
        return {}
    out: dict[str, int] = {}
    for t in dom.in_cluster(launch.cluster.name):
        if t.service == service and t.live and t.desired_status == "RUNNING":
            out[t.capacity_provider or ""] = out.get(t.capacity_provider or "", 0) + 1
    return out


def run_with_strategy(dom, launch: Launch, count: int, service: str | None, subnets) -> list:
    """Build the tasks (not yet added) of ``count`` new tasks; waiting ones are registered."""
    lab = dom.lab
    picks = split(launch.strategy, count, _have(dom, launch, service))
    per: dict[str, int] = {}
    for p in picks:
        per[p] = per.get(p, 0) + 1
    tasks: list = []
    for name, n in per.items():
        prov = lab.capacity.get(name)
        if prov.fargate:
            ids = lab.random.hex(96 * n)
            chosen = dom._fargate_subnets(launch, n, subnets)
            for k, s in enumerate(chosen):
                t = build_task(lab, launch, subnet=s, rnd=ids[96 * k : 96 * k + 96])
                t.capacity_provider = name
                t.capacity = "spot" if name == "FARGATE_SPOT" else "on_demand"
                tasks.append(t)
        else:
            tasks.extend(_on_group(dom, launch, prov, n))
    return tasks


def _group_request(dom, launch: Launch, prov):
    """The launch's placement request limited to the group's ACTIVE container instances."""
    lab = dom.lab
    group = lab.asg.find(prov.group_name)
    members = set(group.members) if group is not None else set()
    ids = [
        ci.ec2_instance_id
        for ci in lab.container_instances.in_cluster(launch.cluster.name)
        if ci.status == "ACTIVE" and ci.ec2_instance_id in members
    ]
    if not ids:
        return None
    expr = f"ec2InstanceId in [{', '.join(ids)}]"
    extra = Constraint("memberOf", expr, parse(expr))
    return dataclasses.replace(launch.request, constraints=launch.request.constraints + (extra,))


def _on_group(dom, launch: Launch, prov, n: int) -> list:
    lab = dom.lab
    request = _group_request(dom, launch, prov)
    placements = []
    if request is not None:
        result = dom.placement.place(launch.cluster.name, request, n, lab.random, launch.td.family)
        placements = list(result.placements)
    tasks = dom._placed(launch, placements)
    ids = lab.random.hex(96 * (n - len(tasks))) if n > len(tasks) else ""
    for k in range(n - len(tasks)):
        rnd = ids[96 * k : 96 * k + 96]
        t = build_task(lab, launch, rnd=rnd)
        t.last_status = "PROVISIONING"
        dom.waiting[t.arn] = Waiting(t, launch, prov.name, rnd)
        tasks.append(t)
    for t in tasks:
        t.capacity_provider = prov.name
    return tasks


def place_waiting(dom, cluster: str | None = None) -> int:
    """Place the tasks waiting for capacity (in creation order); returns how many were placed."""
    lab = dom.lab
    placed = 0
    for arn, w in list(dom.waiting.items()):
        task = w.task
        if task.desired_status == "STOPPED" or not task.live:
            del dom.waiting[arn]
            continue
        if cluster is not None and task.cluster != cluster:
            continue
        prov = lab.capacity.find(w.provider)
        if prov is None:
            continue
        request = _group_request(dom, w.launch, prov)
        if request is None:
            continue
        result = dom.placement.place(task.cluster, request, 1, lab.random, w.launch.td.family)
        if not result.placements:
            continue
        pl = result.placements[0]
        fresh = build_task(lab, w.launch, placement=pl, rnd=w.rnd)
        for name in ("placement", "container_instance_arn", "ec2_instance_id", "az", "arch", "eni"):
            setattr(task, name, getattr(fresh, name))
        task.containers = fresh.containers  # same ids; bindings from this placement
        dom.placement.hold(task.arn, pl, w.launch.request)
        lab.container_instances.count_tasks(task.container_instance_arn, pending=1)
        del dom.waiting[arn]
        placed += 1
        dom.fact(
            "TaskPlaced",
            task,
            container_instance=task.container_instance_arn,
            instance_id=task.ec2_instance_id,
            az=task.az,
            capacity_provider=w.provider,
            family=task.family,
            service=task.service,
        )
        if task.network_mode != "awsvpc":
            dom.status(task, "PENDING")
        lifecycle.begin(dom, task)
    return placed
