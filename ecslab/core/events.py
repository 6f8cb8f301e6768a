"""The event table: an append-only record of everything that happened in a lab.

Two kinds of rows share one schema:

* **inputs** (``origin == "input"``): what was asked of the lab -- an API call that changed state
  (``ApiCalled``), the clock moving (``ClockAdvanced``), a lab action such as a fault
  (``LabActed``). Their payload is enough to do it again, and :meth:`Lab.load` does exactly that.
* **facts** (``origin == "fact"``): past-tense consequences (``ClusterCreated``, ``TaskPlaced``,
  ``InstanceTerminated`` ...). Billing, metrics, timelines and charts are queries over them, and
  replay regenerates them and checks they match, row for row.

Appends go to plain Python lists (amortised O(1)); the DataFrame is built on demand and only the
rows added since the last build are converted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

__all__ = ["COLUMNS", "DTYPES", "Event", "EventLog"]

#: Column -> dtype. Declared once; :meth:`EventLog.frame` and :func:`check_schema` use it.
DTYPES: dict[str, str] = {
    "seq": "int64",  # 0, 1, 2 ... in append order
    "time": "datetime64[ns, UTC]",  # simulated time of the event
    "origin": "category",  # "input" | "fact"
    "kind": "category",  # ApiCalled, ClusterCreated, TaskPlaced ...
    "service": "category",  # ecs, ec2, ecr ... (the AWS service the resource belongs to)
    "cluster": "string",  # cluster name where it applies, else <NA>
    "resource": "string",  # ARN or id of the main resource, else <NA>
    "detail": "object",  # dict payload (JSON-serialisable)
}
COLUMNS = list(DTYPES)


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    time: datetime
    origin: str
    kind: str
    service: str
    cluster: str | None
    resource: str | None
    detail: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "time": self.time.isoformat(),
                "origin": self.origin,
                "kind": self.kind,
                "service": self.service,
                "cluster": self.cluster,
                "resource": self.resource,
                "detail": self.detail,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, line: str) -> Event:
        d = json.loads(line)
        return cls(
            d["seq"],
            datetime.fromisoformat(d["time"]),
            d["origin"],
            d["kind"],
            d["service"],
            d["cluster"],
            d["resource"],
            d["detail"],
        )

    def same_fact(self, other: Event) -> bool:
        return self.to_json() == other.to_json()


class EventLog:
    def __init__(self) -> None:
        self._rows: list[Event] = []
        self._frame: pd.DataFrame | None = None
        self._framed = 0  # rows already in self._frame

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self):
        return iter(self._rows)

    def __getitem__(self, i):
        return self._rows[i]

    def append(
        self,
        time: datetime,
        origin: str,
        kind: str,
        service: str,
        cluster: str | None = None,
        resource: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Event:
        event = Event(len(self._rows), time, origin, kind, service, cluster, resource, detail or {})
        self._rows.append(event)
        return event

    def truncate(self, length: int) -> None:
        """Drop rows appended after ``length`` (a failed command leaves no trace)."""
        if length < len(self._rows):
            del self._rows[length:]
            if self._framed > length:
                self._frame, self._framed = None, 0

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame with the declared dtypes (a copy; safe to modify)."""
        n = len(self._rows)
        if self._frame is None or self._framed != n:
            new = self._rows[self._framed :]
            part = _to_frame(new, start=self._framed)
            if self._frame is None or self._framed == 0:
                self._frame = part
            else:
                self._frame = pd.concat([self._frame, part], ignore_index=True)
                for col in ("origin", "kind", "service"):
                    self._frame[col] = self._frame[col].astype("category")
            self._framed = n
        return self._frame.copy()


def _to_frame(rows: list[Event], start: int = 0) -> pd.DataFrame:
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    for e in rows:
        cols["seq"].append(e.seq)
        cols["time"].append(e.time)
        cols["origin"].append(e.origin)
        cols["kind"].append(e.kind)
        cols["service"].append(e.service)
        cols["cluster"].append(e.cluster)
        cols["resource"].append(e.resource)
        cols["detail"].append(e.detail)
    df = pd.DataFrame(cols, columns=COLUMNS)
    df["time"] = pd.to_datetime(df["time"], utc=True).astype(DTYPES["time"])
    for col, dtype in DTYPES.items():
        if col not in ("time", "detail"):
            df[col] = df[col].astype(dtype)
    df["detail"] = df["detail"].astype(object)
    df.index = pd.RangeIndex(start, start + len(rows))
    return df


def check_schema(df: pd.DataFrame) -> None:
    """Raise if ``df`` does not have exactly the event-table columns and dtypes."""
    if list(df.columns) != COLUMNS:
        raise TypeError(f"event table columns {list(df.columns)} != {COLUMNS}")
    for col, dtype in DTYPES.items():
        if str(df[col].dtype) != dtype:
            raise TypeError(
                f"event table column {col!r} has dtype {df[col].dtype}, expected {dtype}"
            )
