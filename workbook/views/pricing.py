"""List prices from the catalog, and what one task costs on Fargate or on a full EC2 instance.

This is plain arithmetic on list prices (no lab, no billing rules such as minimums); the lab's own
bill is a query over its event table (lesson 09). ecslab ships us-east-1 prices only, so every
table and chart built here carries :func:`price_note` for the lab's region.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd

from ecslab.core import catalog

from .capacity import eni_capacity_table

__all__ = [
    "PRICE_REGION",
    "billed_cost",
    "fargate_rate",
    "fargate_rates",
    "fargate_task_hourly",
    "instance_prices",
    "per_task_table",
    "price_note",
]

#: The only region whose prices ecslab ships.
PRICE_REGION = "us-east-1"


def fargate_rates() -> pd.DataFrame:
    """Fargate rates with figures (us-east-1): os, arch, capacity, USD per vCPU-hour and GB-hour,
    status and date of the figure."""
    df = catalog.fargate_prices()
    df = df[df["usd_per_vcpu_hour"].notna()]
    cols = ["region", "os", "arch", "capacity", "usd_per_vcpu_hour", "usd_per_gb_hour", "status"]
    return df[cols + ["as_of"]].reset_index(drop=True)


def fargate_rate(arch: str = "x86_64", os: str = "linux", capacity: str = "on_demand") -> dict:
    """One Fargate rate row as a dict (us-east-1)."""
    df = fargate_rates()
    hit = df[(df["arch"] == arch) & (df["os"] == os) & (df["capacity"] == capacity)]
    if hit.empty:
        raise ValueError(f"no Fargate price shipped for {os}/{arch}/{capacity}")
    return hit.iloc[0].to_dict()


def fargate_task_hourly(task_cpu: int, task_memory: int, arch: str = "x86_64") -> float:
    """USD per hour for one running Fargate task of ``task_cpu`` units and ``task_memory`` MiB:
    requested vCPU x vCPU-hour rate + requested GB x GB-hour rate (Fargate bills what the task
    asks for, not what it uses)."""
    r = fargate_rate(arch)
    return (task_cpu / 1024) * r["usd_per_vcpu_hour"] + (task_memory / 1024) * r["usd_per_gb_hour"]


def instance_prices(types: Iterable[str] | None = None, arch: str | None = None) -> pd.DataFrame:
    """EC2 on-demand Linux prices (us-east-1) with the instance's size: index ``type``."""
    df = catalog.instance_types()
    if types is not None:
        df = df.loc[list(types)]
    if arch is not None:
        df = df[df["arch"] == arch]
    out = df[["family", "arch", "vcpu", "memory_gib", "price_us_east_1"]]
    return out.rename(columns={"price_us_east_1": "usd_per_hour"})


def per_task_table(
    task_cpu: int,
    task_memory: int,
    types: Iterable[str],
    arch: str = "x86_64",
    awsvpc_trunking: bool | None = None,
) -> pd.DataFrame:
    """For each EC2 type: how many tasks of this size fit (CPU and memory; plus ENIs when
    ``awsvpc_trunking`` is True/False, i.e. awsvpc mode) and the cost per task-hour when the
    instance is full, next to the Fargate cost of the same task."""
    types = list(types)
    cap = eni_capacity_table(task_cpu, task_memory, bool(awsvpc_trunking), types)
    prices = instance_prices(types)
    out = pd.DataFrame(index=cap.index)
    out["arch"] = cap["arch"]
    out["usd_per_hour"] = prices["usd_per_hour"]
    if awsvpc_trunking is None:  # bridge/host mode: no ENI per task
        lim = cap[["cpu_limit", "memory_limit"]]
        out["tasks_fit"] = lim.min(axis=1)
        out["binding"] = ["CPU" if c <= m else "memory" for c, m in lim.to_numpy()]
    else:
        out["tasks_fit"] = cap["effective"]
        out["binding"] = cap["binding"]
    full = out["tasks_fit"].where(out["tasks_fit"] > 0)
    out["usd_per_task_hour"] = (out["usd_per_hour"] / full).round(5)
    out["fargate_usd_per_task_hour"] = round(fargate_task_hourly(task_cpu, task_memory, arch), 5)
    out["cheaper_when_full"] = [
        "does not fit" if pd.isna(e) else ("EC2" if e < f else "Fargate")
        for e, f in zip(out["usd_per_task_hour"], out["fargate_usd_per_task_hour"], strict=True)
    ]
    return out


def billed_cost(
    usd_per_hour: float, durations_s: Iterable[float], minimum_s: int = 60
) -> pd.DataFrame:
    """What running something priced ``usd_per_hour`` costs for each duration: per-second billing
    (rounded up to the second) with a minimum (60 s for Linux EC2 and for Fargate)."""
    rows = []
    for d in durations_s:
        billed = max(math.ceil(d), minimum_s)
        rows.append(
            {
                "runs_for": _human(d),
                "billed_seconds": billed,
                "usd": round(usd_per_hour * billed / 3600, 6),
            }
        )
    return pd.DataFrame(rows).set_index("runs_for")


def _human(seconds: float) -> str:
    if seconds != int(seconds):
        return f"{seconds:g} s"
    s = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if s >= size and s % size == 0:
            return f"{s // size} {unit}"
    return f"{s} s"


@cache
def _ec2_price_source() -> str:
    text = resources.files("ecslab.data").joinpath("instance_types.csv").read_text()
    m = re.search(r"price_us_east_1:.*\(generated (\S+) ", text)
    return m.group(1) if m else "date unknown"


def price_note(region: str) -> str:
    """Where the prices come from, said for the lab's region."""
    fr = fargate_rate()
    src = (
        f"us-east-1 on-demand Linux list prices in USD (Fargate as of {fr['as_of']}; "
        f"EC2 from the AWS Pricing API, {_ec2_price_source()})"
    )
    if region == PRICE_REGION:
        return f"Prices: {src}, the lab's own region."
    return (
        f"Prices: {src}. ecslab ships no {region} price, so these stand in for the lab's "
        f"region ({region}); real prices there differ."
    )
