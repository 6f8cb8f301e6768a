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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..scheduler.place import place
from ..scheduler.request import Strategy, task_request
from ..scheduler.sample import sample_instances
from ..scheduler.table import InstanceTable
from ..taskdef_sizes import fargate_sizes
from .prices import PriceBook

__all__ = ["Comparison", "compare_launch_types", "instances_needed", "fargate_size_for"]


def fargate_size_for(cpu: int, memory: int) -> tuple[int, int]:
    """The smallest valid Fargate (cpu units, MiB) pair that holds the request (Fargate bills the
    task size, not what the containers ask for)."""
    fits = sorted((c, m) for c, m, _ in fargate_sizes() if c >= cpu and m >= memory)
    if not fits:
        raise ValueError(f"no Fargate task size holds {cpu} CPU units and {memory} MiB")
    return min(fits, key=lambda p: (p[0], p[1]))


def instances_needed(
    instance_type: str,
    count: int,
    cpu: int,
    memory: int,
    *,
    network_mode: str = "awsvpc",
    trunking: bool = False,
) -> int | None:
    """Instances of ``instance_type`` the scheduler fills to place ``count`` tasks (None if one
    task does not fit on an empty instance)."""
    if count <= 0:
        return 0
    req = task_request(
        [{"name": "app", "cpu": cpu, "memory": memory}],
        network_mode=network_mode,
        task_cpu=cpu,
        task_memory=memory,
        strategies=[Strategy("binpack", "memory")],
    )
    one = InstanceTable(sample_instances(instance_type, 1, trunking=trunking))
    per = 0
    while True:  # tasks per empty instance (the same for every instance of the type)
        r = place(one, req, 1, np.random.default_rng(0))
        if r.failures:
            break
        per += 1
        if per > 100_000:
            break
    if per == 0:
        return None
    n = math.ceil(count / per)
    # Confirm with the scheduler on a cluster of exactly n instances (the real bin-packing).
    table = InstanceTable(sample_instances(instance_type, n, trunking=trunking))
    res = place(table, req, count, np.random.default_rng(0))
    if res.failures:
        return None
    return int((table.cpu_reserved > 0).sum())


@dataclass(frozen=True)
class Comparison:
    table: pd.DataFrame  # one row per (instance_type, count)
    break_even_count: dict[
        str, int | None
    ]  # smallest count where EC2 <= Fargate at full utilisation
    # At ``count``: the utilisation at which EC2 = Fargate (above 1: Fargate is cheaper even when
    # the tasks run all the time).
    break_even_utilization: dict[str, float | None]
    note: str

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
) -> Comparison:
    """Cost of running ``count`` tasks of ``cpu`` units / ``memory`` MiB for ``hours`` on Fargate
    and on EC2 instances of each type, and the break-even task count and utilisation."""
    if not 0 < utilization <= 1:
        raise ValueError("utilization is the share of the hours the tasks run: 0 < u <= 1")
    types = [instance_types] if isinstance(instance_types, str) else list(instance_types)
    counts = sorted(set(counts or range(1, max(count, 1) * 2 + 1)) | {count})
    v, g = prices.fargate("linux", arch, "on_demand")
    f_cpu, f_mem = fargate_size_for(cpu, memory)
    per_task_hour = f_cpu / 1024 * v.usd + f_mem / 1024 * g.usd
    rows = []
    for t in types:
        price = prices.ec2_hourly(t)
        for c in counts:
            n = instances_needed(t, c, cpu, memory, network_mode=network_mode, trunking=trunking)
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
    return Comparison(table, be_count, be_util, prices.note)
