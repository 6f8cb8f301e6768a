"""Realistic candidate tables built from the instance-type catalog (tests, benchmarks, lessons).

Registered CPU/memory and the awsvpc task limit come from :mod:`ecslab.core.catalog`, the
reserved TCP ports are the agent's defaults; ids are drawn from a seeded generator so the same
arguments always give the same table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecslab.core import catalog

__all__ = ["sample_instances"]

_BASE_TIME = pd.Timestamp("2026-01-05T09:00:00Z")


def sample_instances(
    types: str | Sequence[str] = "m5.large",
    n: int | None = None,
    *,
    azs: Sequence[str] = ("ap-east-1a", "ap-east-1b", "ap-east-1c"),
    trunking: bool = False,
    cluster: str = "arn:aws:ecs:ap-east-1:123456789012:cluster/default",
    seed: int = 0,
    **columns,
) -> pd.DataFrame:
    """``n`` instances cycling through ``types`` and ``azs`` (n defaults to len(types)).

    Any column of the schema can be overridden with a scalar or a per-row sequence, e.g.
    ``status=["ACTIVE", "DRAINING"]`` or ``attributes=[{"stack": "prod"}, {}]``.
    """
    types = [types] if isinstance(types, str) else list(types)
    n = len(types) if n is None else n
    rng = np.random.default_rng(seed)
    rows = np.arange(n)
    kinds = [types[i % len(types)] for i in rows]
    specs = [catalog.instance_type(t) for t in kinds]
    if any(s is None for s in specs):
        raise ValueError(f"unknown instance type in {types}")
    words = rng.integers(0, 2**32, size=(n, 6), dtype=np.uint64)
    ids = ["".join(f"{int(w):08x}" for w in r) for r in words]
    cluster_name = cluster.rsplit("/", 1)[-1]
    az = [azs[i % len(azs)] for i in rows]

    def eni(s: dict) -> int:
        if trunking and s["trunk_tasks_with"] is not None:
            return s["trunk_tasks_with"]
        return s["trunk_tasks_without"]

    frame = pd.DataFrame(
        {
            "arn": [
                f"arn:aws:ecs:ap-east-1:123456789012:container-instance/{cluster_name}/{h[:32]}"
                for h in ids
            ],
            "ec2_instance_id": [f"i-{h[32:]}"[:19] for h in ids],
            "cluster": cluster,
            "status": "ACTIVE",
            "agent_connected": np.ones(n, dtype=bool),
            "az": az,
            "subnet_id": [f"subnet-{azs.index(a):08x}lab" for a in az],
            "vpc_id": "vpc-0ecslab",
            "instance_type": kinds,
            "arch": [s["arch"] for s in specs],
            "os_type": "linux",
            "ami_id": "ami-0ecsoptimized",
            "cpu_registered": np.array([s["registered_cpu"] for s in specs], dtype=np.int64),
            "mem_registered": np.array([s["registered_memory_mib"] for s in specs], dtype=np.int64),
            "cpu_reserved": np.zeros(n, dtype=np.int64),
            "mem_reserved": np.zeros(n, dtype=np.int64),
            "eni_capacity": np.array([eni(s) for s in specs], dtype=np.int64),
            "eni_used": np.zeros(n, dtype=np.int64),
            "registered_at": _BASE_TIME + pd.to_timedelta(rows * 60, unit="s"),
            "running_tasks_count": np.zeros(n, dtype=np.int64),
            "agent_version": "1.82.0",
            "attributes": pd.Series(
                [{"ecs.capability.task-eni": None} for _ in rows], dtype=object
            ),
            "ports_tcp": pd.Series([catalog.RESERVED_TCP_PORTS] * n, dtype=object),
            "ports_udp": pd.Series([()] * n, dtype=object),
            "task_groups": pd.Series([{} for _ in rows], dtype=object),
        }
    )
    for name, value in columns.items():
        if isinstance(value, (list, tuple, np.ndarray, pd.Series)) and len(value) == n:
            frame[name] = pd.Series(list(value), dtype=object if name in _OBJ else None)
        else:
            frame[name] = [value] * n if name in _OBJ else value
    return frame


_OBJ = {"attributes", "ports_tcp", "ports_udp", "task_groups"}
