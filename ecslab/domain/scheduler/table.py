"""The candidate-instance table: what the scheduler knows about each container instance.

The container-instance domain produces one row per container instance of a cluster as a pandas
DataFrame with the columns of :data:`COLUMNS` (declared once, checked once by
:func:`check_table` at the boundary), then wraps it in an :class:`InstanceTable` for placement.

=====================  ==========  ==========================================================
column                 kind        meaning
=====================  ==========  ==========================================================
arn                    str         container-instance ARN
ec2_instance_id        str         ``i-...``
cluster                str         cluster ARN
status                 str         ACTIVE | DRAINING | REGISTERING | DEREGISTERING |
                                   REGISTRATION_FAILED | INACTIVE
agent_connected        bool        the ECS agent is connected
az, subnet_id, vpc_id  str         placement of the instance (attributes ecs.availability-zone,
                                   ecs.subnet-id, ecs.vpc-id)
instance_type          str         ecs.instance-type
arch                   str         ecs.cpu-architecture: x86_64 | arm64
os_type                str         ecs.os-type: linux | windows
ami_id                 str         ecs.ami-id
cpu_registered         int         CPU units registered (vCPU x 1024)
mem_registered         int         MiB registered
cpu_reserved           int         CPU units held by PENDING/RUNNING tasks
mem_reserved           int         MiB held by PENDING/RUNNING tasks
eni_capacity           int         max awsvpc tasks (ENIs - 1, or the trunking limit)
eni_used               int         awsvpc tasks holding an ENI on the instance
registered_at          datetime    registration time (UTC)
running_tasks_count    int         tasks on the instance (the query language's runningTasksCount)
agent_version          str         e.g. ``1.82.0``
attributes             dict        custom and capability attributes {name: value or None}
ports_tcp              ports       TCP host ports unavailable: the agent's reserved ports
                                   (registered PORTS) plus ports bound by tasks
ports_udp              ports       UDP host ports unavailable (PORTS_UDP plus bound ports)
task_groups            dict        {task group: number of tasks of that group on the instance}
last_dynamic_port      int         the agent's last assigned dynamic host port (0 = none yet)
=====================  ==========  ==========================================================

Ports and groups are kept, inside :class:`InstanceTable`, as *column books*: one boolean (ports)
or integer (groups) numpy column per port / group that any instance uses, created on first use.
"Is host port 8080 free on every instance?" is then one array lookup, and a task's static-port
check is an OR over its few ports -- vectorised over instances, whatever the cluster size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ecslab.core.errors import InvalidParameterException

__all__ = [
    "COLUMNS",
    "STATUSES",
    "BUILTIN_ATTRIBUTES",
    "check_table",
    "ColumnBook",
    "InstanceTable",
]

#: The schema, declared once: column name -> kind (str, bool, int, datetime, dict, ports).
COLUMNS: dict[str, str] = {
    "arn": "str",
    "ec2_instance_id": "str",
    "cluster": "str",
    "status": "str",
    "agent_connected": "bool",
    "az": "str",
    "subnet_id": "str",
    "vpc_id": "str",
    "instance_type": "str",
    "arch": "str",
    "os_type": "str",
    "ami_id": "str",
    "cpu_registered": "int",
    "mem_registered": "int",
    "cpu_reserved": "int",
    "mem_reserved": "int",
    "eni_capacity": "int",
    "eni_used": "int",
    "registered_at": "datetime",
    "running_tasks_count": "int",
    "agent_version": "str",
    "attributes": "dict",
    "ports_tcp": "ports",
    "ports_udp": "ports",
    "task_groups": "dict",
    "last_dynamic_port": "int",
}
#: Columns a producer may omit; they default to "nothing used".
_OPTIONAL = {"ports_tcp", "ports_udp", "task_groups", "last_dynamic_port", "attributes"}

STATUSES = (
    "ACTIVE",
    "DRAINING",
    "REGISTERING",
    "DEREGISTERING",
    "REGISTRATION_FAILED",
    "INACTIVE",
)

#: Built-in ECS attributes that are columns of the table.
BUILTIN_ATTRIBUTES: dict[str, str] = {
    "ecs.availability-zone": "az",
    "ecs.instance-type": "instance_type",
    "ecs.cpu-architecture": "arch",
    "ecs.os-type": "os_type",
    "ecs.ami-id": "ami_id",
    "ecs.vpc-id": "vpc_id",
    "ecs.subnet-id": "subnet_id",
}

_RESOURCE_PAIRS = (
    ("cpu_reserved", "cpu_registered"),
    ("mem_reserved", "mem_registered"),
    ("eni_used", "eni_capacity"),
)


def _bad(msg: str) -> InvalidParameterException:
    # A malformed table is a programming error in the producer, reported in AWS's shape.
    return InvalidParameterException(f"Invalid container-instance table: {msg}")


def check_table(df: pd.DataFrame) -> pd.DataFrame:
    """Validate ``df`` against :data:`COLUMNS` and return a normalised copy (index 0..n-1).

    Strings become object columns, ints int64, times UTC; optional columns get defaults.
    Raises InvalidParameterException naming the first problem.
    """
    out = df.reset_index(drop=True).copy()
    n = len(out)
    for name in _OPTIONAL:
        if name not in out.columns:
            if name == "last_dynamic_port":
                out[name] = np.zeros(n, dtype=np.int64)
            else:
                out[name] = pd.Series([() if name.startswith("ports") else {}] * n, dtype=object)
    missing = [c for c in COLUMNS if c not in out.columns]
    if missing:
        raise _bad(f"missing columns {missing}")
    for name, kind in COLUMNS.items():
        col = out[name]
        if kind == "str":
            # every value a str: infer_dtype says "string" (it lets None pass, isna does not)
            if n and (pd.api.types.infer_dtype(col, skipna=False) != "string" or col.isna().any()):
                raise _bad(f"column {name} must hold strings")
            out[name] = col.astype(object)
        elif kind == "bool":
            if not pd.api.types.is_bool_dtype(col):
                raise _bad(f"column {name} must be bool")
        elif kind == "int":
            if not pd.api.types.is_integer_dtype(col):
                raise _bad(f"column {name} must be integer")
            if n and (col < 0).any():
                raise _bad(f"column {name} must be >= 0")
            out[name] = col.astype(np.int64)
        elif kind == "datetime":
            out[name] = pd.to_datetime(col, utc=True).dt.as_unit("ns")
        elif kind in ("dict", "ports"):
            want = Mapping if kind == "dict" else (tuple, list, set, frozenset)
            if n and not all(isinstance(v, want) for v in col.to_numpy(dtype=object)):
                raise _bad(f"column {name} must hold {'dicts' if kind == 'dict' else 'lists'}")
            out[name] = col.astype(object)
    if n and not out["status"].isin(STATUSES).all():
        raise _bad(f"status must be one of {list(STATUSES)}")
    for used, cap in _RESOURCE_PAIRS:
        if n and (out[used] > out[cap]).any():
            raise _bad(f"{used} exceeds {cap}")
    if out["arn"].duplicated().any():
        raise _bad("duplicate arn")
    return out


class ColumnBook:
    """Sparse columns keyed by port number or group name: ``book[key]`` is a length-n array.

    Absent keys read as a shared zero column (never written). Booleans for ports, int64 counts
    for task groups.
    """

    def __init__(self, n: int, dtype) -> None:
        self.n = n
        self.dtype = np.dtype(dtype)
        self.cols: dict = {}
        self._zero = np.zeros(n, dtype=self.dtype)
        self._zero.flags.writeable = False

    def __getitem__(self, key) -> np.ndarray:
        return self.cols.get(key, self._zero)

    def column(self, key) -> np.ndarray:
        """The writable column for ``key`` (created on first use)."""
        col = self.cols.get(key)
        if col is None:
            col = self.cols[key] = np.zeros(self.n, dtype=self.dtype)
        return col

    def any_of(self, keys: Iterable, rows=slice(None)) -> np.ndarray:
        """Rows (of ``rows``) where any of ``keys`` is set (non-zero)."""
        out = np.zeros(self.n, dtype=bool)[rows]
        for k in keys:
            col = self.cols.get(k)
            if col is not None:
                out |= col[rows].astype(bool, copy=False)
        return out

    def row(self, i: int) -> dict:
        """{key: value} of the non-zero entries of row ``i`` (keys sorted)."""
        return {k: c[i].item() for k, c in sorted(self.cols.items()) if c[i]}

    @classmethod
    def from_rows(cls, rows: Iterable, n: int, dtype) -> ColumnBook:
        """Build from per-row iterables of keys (ports) or mappings {key: count} (groups)."""
        book = cls(n, dtype)
        s = pd.Series(list(rows), dtype=object)
        if book.dtype == bool:
            flat = s.explode().dropna()
            if len(flat):
                frame = pd.DataFrame({"row": flat.index.to_numpy(), "key": flat.to_numpy()})
                for key, idx in frame.groupby("key")["row"]:
                    book.column(int(key))[idx.to_numpy()] = True
        else:
            pairs = [(i, k, v) for i, d in enumerate(s) for k, v in dict(d).items() if v]
            for i, k, v in pairs:
                book.column(k)[i] += int(v)
        return book


class InstanceTable:
    """A checked candidate table plus its mutable numpy state (the placement engine's view).

    ``cpu_reserved``, ``mem_reserved``, ``eni_used``, ``running_tasks_count`` and
    ``last_dynamic_port`` are writable int64 arrays; ``tcp``/``udp`` are port books and
    ``groups`` the task-group count book. Placement updates them in place;
    :meth:`to_frame` returns the current state as a DataFrame of :data:`COLUMNS`.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = check_table(frame)
        f = self.frame
        self.n = len(f)
        self.arn = f["arn"].to_numpy(dtype=object)
        self.cpu_registered = f["cpu_registered"].to_numpy(dtype=np.int64, copy=True)
        self.mem_registered = f["mem_registered"].to_numpy(dtype=np.int64, copy=True)
        self.eni_capacity = f["eni_capacity"].to_numpy(dtype=np.int64, copy=True)
        self.cpu_reserved = f["cpu_reserved"].to_numpy(dtype=np.int64, copy=True)
        self.mem_reserved = f["mem_reserved"].to_numpy(dtype=np.int64, copy=True)
        self.eni_used = f["eni_used"].to_numpy(dtype=np.int64, copy=True)
        self.running_tasks_count = f["running_tasks_count"].to_numpy(dtype=np.int64, copy=True)
        self.last_dynamic_port = f["last_dynamic_port"].to_numpy(dtype=np.int64, copy=True)
        self.registered_ns = f["registered_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        self.tcp = ColumnBook.from_rows(f["ports_tcp"], self.n, bool)
        self.udp = ColumnBook.from_rows(f["ports_udp"], self.n, bool)
        self.groups = ColumnBook.from_rows(f["task_groups"], self.n, np.int64)
        self._attr_cache: dict[str, np.ndarray] = {}
        self._static_cache: dict[str, np.ndarray] = {}
        self._codes_cache: dict[str, tuple[np.ndarray, int]] = {}
        self._row_of = {a: i for i, a in enumerate(self.arn)}

    def __len__(self) -> int:
        return self.n

    def index_of(self, arn: str) -> int | None:
        return self._row_of.get(arn)

    def column(self, name: str) -> np.ndarray:
        """Current values of a column (mutable ones reflect placements so far)."""
        live = getattr(self, name, None)
        if isinstance(live, np.ndarray) and name in COLUMNS:
            return live
        got = self._static_cache.get(name)
        if got is None:  # static columns never change: convert once
            got = self._static_cache[name] = self.frame[name].to_numpy()
        return got

    def attribute(self, name: str) -> np.ndarray:
        """Values of attribute ``name`` per instance (object array; None where absent)."""
        cached = self._attr_cache.get(name)
        if cached is None:
            if name in BUILTIN_ATTRIBUTES:
                cached = self.frame[BUILTIN_ATTRIBUTES[name]].to_numpy(dtype=object)
            else:
                # An attribute without a value (a capability) reads as "" so that it exists.
                cached = (
                    self.frame["attributes"]
                    .map(lambda d: None if name not in d else ("" if d[name] is None else d[name]))
                    .to_numpy(dtype=object, copy=True)  # writable under pandas copy-on-write
                )
                cached[pd.isna(cached)] = None  # pandas may have turned None into NaN
            self._attr_cache[name] = cached
        return cached

    def codes(self, name: str) -> tuple[np.ndarray, int]:
        """Integer codes of attribute ``name`` (missing = its own code) and the code count."""
        got = self._codes_cache.get(name)
        if got is None:
            codes, uniques = pd.factorize(pd.Series(self.attribute(name), dtype=object))
            codes = codes.astype(np.int64)
            k = len(uniques)
            codes[codes < 0] = k  # instances without the attribute form one more bucket
            got = self._codes_cache[name] = (codes, k + 1)
        return got

    def to_frame(self) -> pd.DataFrame:
        """The table's current state as a DataFrame of :data:`COLUMNS`."""
        f = self.frame.copy()
        for name in (
            "cpu_reserved",
            "mem_reserved",
            "eni_used",
            "running_tasks_count",
            "last_dynamic_port",
        ):
            f[name] = getattr(self, name).copy()
        f["ports_tcp"] = pd.Series([tuple(self.tcp.row(i)) for i in range(self.n)], dtype=object)
        f["ports_udp"] = pd.Series([tuple(self.udp.row(i)) for i in range(self.n)], dtype=object)
        f["task_groups"] = pd.Series([self.groups.row(i) for i in range(self.n)], dtype=object)
        f["cpu_remaining"] = f["cpu_registered"] - f["cpu_reserved"]
        f["mem_remaining"] = f["mem_registered"] - f["mem_reserved"]
        return f
