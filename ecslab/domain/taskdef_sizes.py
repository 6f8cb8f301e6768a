"""Task-level cpu / memory: parsing the forms a learner writes, and the Fargate size table.

AWS accepts task ``cpu`` as CPU units ("1024") or vCPUs ("1 vCPU", ".25 vcpu") and task ``memory``
as MiB ("512") or GB ("0.5GB", "2 GB"); on registration both become integer strings of units / MiB
(S-BOTO ``RegisterTaskDefinitionRequest.cpu``/``memory``). The valid Fargate pairs ship in
``ecslab/data/fargate_task_sizes.csv`` (source and date in its header).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

__all__ = [
    "parse_task_cpu",
    "parse_task_memory",
    "fargate_sizes",
    "fargate_pair_ok",
    "fargate_memory_options",
    "EC2_TASK_CPU_MIN",
    "EC2_TASK_CPU_MAX",
]

#: S-BOTO RegisterTaskDefinitionRequest.cpu: "between 128 CPU units (0.125 vCPUs) and 196608 ..."
EC2_TASK_CPU_MIN = 128
EC2_TASK_CPU_MAX = 196608

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_CPU_RE = re.compile(rf"^\s*{_NUMBER}\s*(vcpus?)?\s*$", re.IGNORECASE)
_MEM_RE = re.compile(rf"^\s*{_NUMBER}\s*(gb|gib|mb|mib)?\s*$", re.IGNORECASE)


def _scaled(number: str, factor: int) -> int | None:
    """``number * factor`` when it is a whole, positive number of units, else None."""
    try:
        value = Decimal(number) * factor
    except InvalidOperation:
        return None
    if value <= 0 or value != value.to_integral_value():
        return None
    return int(value)


def parse_task_cpu(value: str) -> int | None:
    """CPU units from "1024", "1 vCPU", ".25 vcpu" ...; None when the text is not a cpu size."""
    m = _CPU_RE.match(value or "")
    if m is None:
        return None
    number, unit = m.groups()
    if unit is None and "." in number:
        return None  # CPU units are whole numbers; "0.5" without "vCPU" is ambiguous
    return _scaled(number, 1024 if unit else 1)


def parse_task_memory(value: str) -> int | None:
    """MiB from "512", "0.5GB", "2 GB" ...; None when the text is not a memory size."""
    m = _MEM_RE.match(value or "")
    if m is None:
        return None
    number, unit = m.groups()
    if unit is None or unit.lower() in ("mb", "mib"):
        return _scaled(number, 1) if "." not in number else None
    return _scaled(number, 1024)


@cache
def fargate_sizes() -> tuple[tuple[int, int, str], ...]:
    """(cpu units, memory MiB, os list) for every valid Fargate task size."""
    text = resources.files("ecslab").joinpath("data/fargate_task_sizes.csv").read_text()
    rows = csv.DictReader(io.StringIO("".join(ln for ln in text.splitlines(True) if ln[:1] != "#")))
    return tuple((int(r["cpu_units"]), int(r["memory_mib"]), r["os_supported"]) for r in rows)


def fargate_pair_ok(cpu_units: int, memory_mib: int) -> bool:
    return any(c == cpu_units and m == memory_mib for c, m, _ in fargate_sizes())


def fargate_memory_options(cpu_units: int) -> list[int]:
    """Valid Fargate memory sizes (MiB) for a cpu size; [] when the cpu size itself is invalid."""
    return [m for c, m, _ in fargate_sizes() if c == cpu_units]
