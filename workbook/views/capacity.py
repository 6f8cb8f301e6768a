"""How many awsvpc tasks fit on one instance: the ENI, CPU and memory limits (no plotly here).

Figures come from the catalog (``ecslab.core.catalog``): the ENI limits are the ECS developer
guide's trunking table; CPU and memory are what the agent registers (vCPUs x 1024, and the OS-visible
memory, an approximation described in the catalog).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ecslab.core import catalog

__all__ = ["LIMITS", "eni_capacity_table", "families", "task_label"]

#: The limits, in the order a tie is reported.
LIMITS = ("ENI", "CPU", "memory")


def task_label(task_cpu: int, task_memory: int) -> str:
    """``1024, 2048`` -> ``"1 vCPU / 2048 MiB"``."""
    vcpu = task_cpu / 1024
    text = f"{vcpu:g} vCPU"
    return f"{text} / {task_memory} MiB"


def families() -> list[str]:
    """Instance families in catalog order (t3, t3a, m5 ...)."""
    return list(dict.fromkeys(catalog.instance_types()["family"]))


def eni_capacity_table(
    task_cpu: int,
    task_memory: int,
    trunking: bool,
    types: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per instance type (catalog order, or the order of ``types``).

    Columns: family, arch, vcpu, registered_cpu, registered_memory_mib, tasks_without_trunking,
    tasks_with_trunking (<NA> if unsupported), trunking_supported, eni_limit (the one that applies
    given ``trunking``), cpu_limit, memory_limit, effective (the minimum) and binding (the limit
    that decides, ties joined with " = ").
    """
    task_cpu, task_memory = int(task_cpu), int(task_memory)
    if task_cpu <= 0 or task_memory <= 0:
        raise ValueError("task_cpu (CPU units, 1024 = 1 vCPU) and task_memory (MiB) must be > 0")
    df = catalog.instance_types()
    if types is not None:
        wanted = list(types)
        unknown = [t for t in wanted if t not in df.index]
        if unknown:
            raise ValueError(f"not in the catalog: {', '.join(unknown)}")
        df = df.loc[wanted]
    out = pd.DataFrame(index=df.index.rename("type"))
    for col in ("family", "arch", "vcpu", "registered_cpu", "registered_memory_mib"):
        out[col] = df[col]
    out["tasks_without_trunking"] = df["trunk_tasks_without"].astype("int64")
    out["tasks_with_trunking"] = df["trunk_tasks_with"].astype("Int64")
    out["trunking_supported"] = df["trunking_supported"].astype(bool)
    use_trunk = bool(trunking) & out["trunking_supported"]
    eni = out["tasks_without_trunking"].where(
        ~use_trunk, out["tasks_with_trunking"].fillna(0).astype("int64")
    )
    out["eni_limit"] = eni.astype("int64")
    out["cpu_limit"] = (out["registered_cpu"] // task_cpu).astype("int64")
    out["memory_limit"] = (out["registered_memory_mib"] // task_memory).astype("int64")
    limits = out[["eni_limit", "cpu_limit", "memory_limit"]].to_numpy()
    out["effective"] = limits.min(axis=1)
    ties = limits == out["effective"].to_numpy()[:, None]
    out["binding"] = [
        " = ".join(n for n, hit in zip(LIMITS, row, strict=True) if hit) for row in ties
    ]
    return out
