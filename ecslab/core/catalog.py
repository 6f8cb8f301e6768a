"""Catalog data shipped in ``ecslab/data`` (each file names its source and the date of its figures).

Registered resources of a container instance are modelled here, once:

* CPU = vCPUs x 1024 (the agent registers ``GetNumCPU() * 1024``).
* MEMORY = OS-visible memory (MiB) - ECS_RESERVED_MEMORY. The OS sees less than the nominal size;
  no per-type table exists, so ecslab scales the nominal MiB by the one documented example:
  an m4.large (8 GiB nominal) registers 7985 MiB, i.e. x 7985/8192 (about 2.5 % less). This is an
  **approximation** (marked so in the docs and lessons).
* PORTS = the agent's reserved TCP ports; PORTS_UDP is empty.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "instance_types",
    "instance_type",
    "eni_trunking",
    "fargate_prices",
    "registered_memory_mib",
    "registered_cpu",
    "RESERVED_TCP_PORTS",
    "OS_MEMORY_RATIO",
    "EPHEMERAL_PORT_RANGE",
]

#: Linux agent defaults (amazon-ecs-agent agent/config, commit 8dfceca6cf38).
RESERVED_TCP_PORTS = (22, 2375, 2376, 51678, 51679)
#: Bridge-mode dynamic host ports: the Linux kernel default ip_local_port_range.
EPHEMERAL_PORT_RANGE = (32768, 60999)
#: OS-visible / nominal memory, from the m4.large example (7985 MiB of 8192). An approximation.
OS_MEMORY_RATIO = 7985 / 8192


def _read(name: str) -> pd.DataFrame:
    with resources.files("ecslab.data").joinpath(name).open("r") as f:
        return pd.read_csv(f, comment="#")


@cache
def _instance_types() -> pd.DataFrame:
    df = _read("instance_types.csv").set_index("type")
    df["memory_mib"] = (df["memory_gib"] * 1024).round().astype("int64")
    df["trunking_supported"] = df["trunk_tasks_with"].notna()
    df["trunk_tasks_with"] = df["trunk_tasks_with"].astype("Int64")
    df["price_ap_east_1"] = pd.to_numeric(df["price_ap_east_1"], errors="coerce")
    df["registered_cpu"] = df["vcpu"] * 1024
    df["registered_memory_mib"] = [registered_memory_mib(m) for m in df["memory_mib"]]
    return df


def instance_types() -> pd.DataFrame:
    """One row per instance type (index ``type``): family, arch, vcpu, memory_gib, memory_mib,
    max_enis, ipv4_per_eni, trunk_tasks_without, trunk_tasks_with (<NA> if unsupported),
    trunking_supported, price_us_east_1 (USD/h), registered_cpu, registered_memory_mib."""
    return _instance_types().copy()


def instance_type(name: str) -> dict | None:
    """The catalog row for ``name`` as a dict, or None if ecslab does not know the type."""
    row = _instance_type_row(name)
    return None if row is None else dict(row)


@cache
def _instance_type_row(name: str) -> dict | None:
    # Cached: RunInstances and agent registration ask per instance (a pandas row lookup each).
    df = _instance_types()
    if name not in df.index:
        return None
    row = df.loc[name].to_dict()
    row["type"] = name
    if pd.isna(row["trunk_tasks_with"]):
        row["trunk_tasks_with"] = None
    else:
        row["trunk_tasks_with"] = int(row["trunk_tasks_with"])
    for k in (
        "vcpu",
        "max_enis",
        "ipv4_per_eni",
        "trunk_tasks_without",
        "memory_mib",
        "registered_cpu",
        "registered_memory_mib",
    ):
        row[k] = int(row[k])
    return row


def registered_memory_mib(nominal_mib: int, reserved_mib: int = 0) -> int:
    """MEMORY the agent registers: floor(nominal x OS ratio) - ECS_RESERVED_MEMORY."""
    return int(math.floor(nominal_mib * OS_MEMORY_RATIO)) - int(reserved_mib)


def registered_cpu(vcpu: int) -> int:
    return int(vcpu) * 1024


@cache
def _eni_trunking() -> pd.DataFrame:
    df = _read("eni_trunking.csv").set_index("instance_type")
    # The 2023 table prints "-2" for i4i.large with trunking: a typo in the doc, not modelled.
    df.loc[df["tasks_with_trunking"] < 0, "tasks_with_trunking"] = pd.NA
    df["tasks_with_trunking"] = df["tasks_with_trunking"].astype("Int64")
    return df


def eni_trunking() -> pd.DataFrame:
    """The whole ECS trunking table (index instance_type): category, tasks_without_trunking,
    tasks_with_trunking."""
    return _eni_trunking().copy()


@cache
def _fargate_prices() -> pd.DataFrame:
    return _read("fargate_pricing.csv")


def fargate_prices() -> pd.DataFrame:
    """Fargate list prices (us-east-1) with their status, date and source per row."""
    return _fargate_prices().copy()
