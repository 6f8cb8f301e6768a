"""CloudWatch Logs: log groups, streams and their events (what the awslogs driver writes).

Times in this API are milliseconds since the epoch (``long``), not timestamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.errors import InvalidParameterException, ResourceNotFoundException, error_for_code
from ..core.ids import arn

__all__ = ["LogGroup", "LogStream", "Logs", "millis"]

ResourceAlreadyExistsException = error_for_code("ResourceAlreadyExistsException")
GROUP_RE = re.compile(r"^[\.\-_/#A-Za-z0-9]{1,512}$")
STREAM_RE = re.compile(r"^[^:*]{1,512}$")
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def millis(dt) -> int:
    return int(round(dt.timestamp() * 1000))


@dataclass
class LogStream:
    name: str
    created_ms: int
    events: list[tuple[int, str, int]] = field(
        default_factory=list
    )  # (timestamp, message, ingestion)

    @property
    def stored_bytes(self) -> int:
        return sum(
            len(m.encode()) + 26 for _, m, _ in self.events
        )  # 26 bytes overhead per event, as CloudWatch bills


@dataclass
class LogGroup:
    name: str
    arn: str
    created_ms: int
    retention_days: int | None = None
    streams: dict[str, LogStream] = field(default_factory=dict)


class Logs:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.groups: dict[str, LogGroup] = {}

    def _group_arn(self, name: str) -> str:
        return arn("logs", self.lab.region, self.lab.account_id, f"log-group:{name}")

    def group(self, name: str) -> LogGroup:
        g = self.groups.get(name)
        if g is None:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return g

    def create_group(self, name: str) -> LogGroup:
        if not GROUP_RE.match(name or ""):
            raise InvalidParameterException(
                f"1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
            )
        if name in self.groups:
            raise ResourceAlreadyExistsException("The specified log group already exists")
        g = LogGroup(name, self._group_arn(name), millis(self.lab.now))
        self.groups[name] = g
        self.lab.emit("LogGroupCreated", "logs", resource=g.arn, name=name)
        return g

    def delete_group(self, name: str) -> None:
        g = self.group(name)
        del self.groups[name]
        self.lab.emit("LogGroupDeleted", "logs", resource=g.arn, name=name)

    def set_retention(self, name: str, days: int) -> None:
        g = self.group(name)
        if days not in RETENTION_DAYS:
            raise InvalidParameterException(
                f"Invalid retentionInDays value {days}. Valid values are {', '.join(map(str, RETENTION_DAYS))}."
            )
        g.retention_days = days
        self.lab.emit("LogRetentionSet", "logs", resource=g.arn, days=days)

    def create_stream(self, group: str, name: str) -> LogStream:
        g = self.group(group)
        if not STREAM_RE.match(name or ""):
            raise InvalidParameterException(
                "Log stream names cannot contain ':' or '*' and must be 1-512 characters."
            )
        if name in g.streams:
            raise ResourceAlreadyExistsException("The specified log stream already exists")
        s = LogStream(name, millis(self.lab.now))
        g.streams[name] = s
        self.lab.emit("LogStreamCreated", "logs", resource=g.arn, stream=name)
        return s

    def stream(self, group: str, name: str) -> LogStream:
        s = self.group(group).streams.get(name)
        if s is None:
            raise ResourceNotFoundException("The specified log stream does not exist.")
        return s

    def put(self, group: str, stream: str, events: list[tuple[int, str]]) -> None:
        """Append (timestamp_ms, message) events; ingestion time is now."""
        s = self.stream(group, stream)
        now = millis(self.lab.now)
        for ts, msg in events:
            s.events.append((int(ts), msg, now))
        self.lab.emit(
            "LogEventsPut",
            "logs",
            resource=self._group_arn(group),
            stream=stream,
            count=len(events),
            bytes=sum(len(m.encode()) for _, m in events),
        )

    def write(self, group: str, stream: str, lines: list[str]) -> bool:
        """What a log driver does: write lines at the current time (creating the stream). Returns
        False (writing nothing) if the group does not exist."""
        g = self.groups.get(group)
        if g is None:
            return False
        if stream not in g.streams:
            self.create_stream(group, stream)
        self.put(group, stream, [(millis(self.lab.now), line) for line in lines])
        return True
