"""Fargate vs EC2 for the same workload: what each would cost, and where they break even.

The number of EC2 instances is not a division: the real placement engine bin-packs the tasks
(binpack on memory, with the agent's registered CPU/MEMORY per instance type and, for awsvpc, the
ENI limit) onto as many instances of the type as it needs. Fargate bills each task's requested
vCPU and memory for the hours it runs; EC2 bills the instances for every hour, whether or not
tasks run (``utilization`` is the share of the hours the tasks actually run).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ...core.errors import AwsError
from ..scheduler.place import place
from ..scheduler.request import Strategy, task_request
from ..scheduler.sample import sample_instances
from ..scheduler.table import InstanceTable
from ..taskdef_sizes import fargate_sizes
from .prices import PriceBook

__all__ = [
    "Comparison",
    "compare_launch_types",
    "fargate_size_for",
    "instances_curve",
    "instances_needed",
    "tasks_per_instance",
]


def fargate_size_for(cpu: int, memory: int) -> tuple[int, int]:
    """The smallest valid Fargate (cpu units, MiB) pair that holds the request (Fargate bills the
    task size, not what the containers ask for)."""
    fits = sorted((c, m) for c, m, _ in fargate_sizes() if c >= cpu and m >= memory)
    if not fits:
        raise ValueError(f"no Fargate task size holds {cpu} CPU units and {memory} MiB")
    return min(fits, key=lambda p: (p[0], p[1]))


def _request(cpu: int, memory: int, network_mode: str, host_ports: tuple[int, ...]):
    ports = [{"container_port": p, "host_port": p} for p in host_ports]
    try:
        return task_request(
            [{"name": "app", "cpu": cpu, "memory": memory, "port_mappings": ports}],
            network_mode=network_mode,
            task_cpu=cpu,
            task_memory=memory,
            strategies=[Strategy("binpack", "memory")],
        )
    except AwsError as exc:  # a bad network mode or duplicated host ports
        raise ValueError(exc.message) from None


MAX_PER_INSTANCE = 10_000  # enough for any catalog type (the smallest task is 1 MiB)


@lru_cache(maxsize=1024)
def tasks_per_instance(
    instance_type: str,
    cpu: int,
    memory: int,
    network_mode: str = "awsvpc",
    trunking: bool = False,
    host_ports: tuple[int, ...] = (),
) -> int:
    """How many such tasks the scheduler places on one empty instance of the type (CPU, memory,
    ENIs in awsvpc mode, static host ports), the same for every instance of the type."""
    if memory <= 0:
        raise ValueError("a task reserves some memory: memory must be at least 1 MiB")
    req = _request(cpu, memory, network_mode, tuple(host_ports))
    one = InstanceTable(sample_instances(instance_type, 1, trunking=trunking))
    return len(place(one, req, MAX_PER_INSTANCE, np.random.default_rng(0)).placements)


@lru_cache(maxsize=1024)
def instances_curve(
    instance_type: str,
    max_count: int,
    cpu: int,
    memory: int,
    network_mode: str = "awsvpc",
    trunking: bool = False,
    host_ports: tuple[int, ...] = (),
) -> tuple[int | None, ...]:
    """Instances the scheduler uses for k = 0..max_count tasks (``None`` where they do not fit).

    One placement per type, not one per count: the scheduler places ``max_count`` tasks one by
    one (binpack on memory) on a cluster big enough for all of them, and the instances used after
    the first k placements are what k tasks need (binpack fills an instance before it opens the
    next, so the first k placements are exactly what placing k tasks alone does). Cached: a pure
    function of the catalog and its arguments."""
    if memory <= 0:
        raise ValueError("a task reserves some memory: memory must be at least 1 MiB")
    req = _request(cpu, memory, network_mode, tuple(host_ports))
    if max_count <= 0:
        return (0,)
    per = tasks_per_instance(instance_type, cpu, memory, network_mode, trunking, host_ports)
    if per == 0:
        return (0,) + (None,) * max_count
    table = InstanceTable(
        sample_instances(instance_type, math.ceil(max_count / per), trunking=trunking)
    )
    placed = place(table, req, max_count, np.random.default_rng(0)).placements
    curve: list[int | None] = [0]
    used: set[int] = set()
    for p in placed:
        used.add(p.row)
        curve.append(len(used))
    return tuple(curve) + (None,) * (max_count - len(placed))


def instances_needed(
    instance_type: str,
    count: int,
    cpu: int,
    memory: int,
    *,
    network_mode: str = "awsvpc",
    trunking: bool = False,
    host_ports: Sequence[int] = (),
) -> int | None:
    """Instances of ``instance_type`` the scheduler fills to place ``count`` tasks (None if one
    task does not fit on an empty instance). ``host_ports``: static host ports each task maps
    (bridge/host mode), so two such tasks never share an instance."""
    if count <= 0:
        return 0
    curve = instances_curve(
        instance_type, count, cpu, memory, network_mode, trunking, tuple(host_ports)
    )
    return curve[count]


@dataclass(frozen=True)
class Comparison:
    table: pd.DataFrame  # one row per (instance_type, count)
    # Smallest count where EC2 <= Fargate with the tasks running all the time (utilisation 1).
    break_even_count: dict[str, int | None]
    # At ``count``: the utilisation at which EC2 = Fargate (above 1: Fargate is cheaper even when
    # the tasks run all the time).
    break_even_utilization: dict[str, float | None]
    note: str
    #: The workload and the rates used: cpu, memory, count, hours, utilization, network_mode,
    #: trunking, arch, capacity, host_ports, fargate_size, fargate_usd_per_task_hour,
    #: fargate_price_source, ec2_usd_per_hour {type: USD}, tasks_per_instance {type: n or None}.
    workload: dict = field(default_factory=dict)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.table.to_html(index=False) + (
            f"<p><em>{self.note}</em></p>" if self.note else ""
        )


def compare_launch_types(
    prices: PriceBook,
    *,
    cpu: int = 256,
    memory: int = 512,
    count: int = 10,
    hours: float = 730.0,
    instance_types: str | Sequence[str] = ("m5.large",),
    utilization: float = 1.0,
    network_mode: str = "awsvpc",
    trunking: bool = False,
    arch: str = "x86_64",
    counts: Sequence[int] | None = None,
    host_ports: Sequence[int] = (),
    capacity: str = "on_demand",
) -> Comparison:
    """Cost of running ``count`` tasks of ``cpu`` units / ``memory`` MiB for ``hours`` on Fargate
    and on EC2 instances of each type, and the break-even task count and utilisation.

    ``arch`` and ``capacity`` ("on_demand" or "spot") choose the Fargate rate; ``host_ports`` are
    static host ports each task maps on EC2 (bridge/host mode: one such task per instance)."""
    if not 0 < utilization <= 1:
        raise ValueError("utilization is the share of the hours the tasks run: 0 < u <= 1")
    if count < 1 or hours < 0:
        raise ValueError("count must be at least 1 and hours at least 0")
    types = [instance_types] if isinstance(instance_types, str) else list(instance_types)
    counts = sorted(set(counts or range(1, count * 2 + 1)) | {count})
    if counts[0] < 1:
        raise ValueError("counts are task counts: 1 or more")
    v, g = prices.fargate("linux", arch, capacity)
    f_cpu, f_mem = fargate_size_for(cpu, memory)
    per_task_hour = f_cpu / 1024 * v.usd + f_mem / 1024 * g.usd
    ports = tuple(int(p) for p in host_ports)
    rows, hourly, per_instance = [], {}, {}
    for t in types:
        price = prices.ec2_hourly(t)
        hourly[t] = price.usd
        curve = instances_curve(t, counts[-1], cpu, memory, network_mode, trunking, ports)
        per_instance[t] = tasks_per_instance(t, cpu, memory, network_mode, trunking, ports)
        for c in counts:
            n = curve[c]
            fargate = c * hours * utilization * per_task_hour
            ec2 = None if n is None else n * hours * price.usd
            rows.append(
                {
                    "instance_type": t,
                    "tasks": c,
                    "instances": n,
                    "fargate_size": f"{f_cpu}/{f_mem}",
                    "fargate_usd": fargate,
                    "ec2_usd": ec2,
                    "cheaper": None if ec2 is None else ("EC2" if ec2 < fargate else "Fargate"),
                    "fargate_price_source": v.source,
                    "ec2_price_source": price.source,
                }
            )
    table = pd.DataFrame(rows)
    be_count, be_util = {}, {}
    for t in types:
        sub = table[table.instance_type == t]
        full = sub.assign(f_full=sub.tasks * hours * per_task_hour)
        hit = full[full.ec2_usd.notna() & (full.ec2_usd <= full.f_full)]
        be_count[t] = int(hit.tasks.min()) if len(hit) else None
        at = full[full.tasks == count].iloc[0]
        be_util[t] = (
            None
            if pd.isna(at.ec2_usd) or at.f_full == 0
            else float(min(at.ec2_usd / at.f_full, math.inf))
        )
    workload = {
        "cpu": cpu,
        "memory": memory,
        "count": count,
        "hours": hours,
        "utilization": utilization,
        "network_mode": network_mode,
        "trunking": trunking,
        "arch": arch,
        "capacity": capacity,
        "host_ports": list(ports),
        "fargate_size": (f_cpu, f_mem),
        "fargate_usd_per_task_hour": per_task_hour,
        "fargate_price_source": v.source,
        "ec2_usd_per_hour": hourly,
        "tasks_per_instance": per_instance,
    }
    return Comparison(table, be_count, be_util, prices.note, workload)
