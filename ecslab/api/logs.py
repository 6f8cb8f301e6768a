"""CloudWatch Logs subset: groups, streams, events (what ``awslogs`` containers write)."""

from __future__ import annotations

from ..core.errors import InvalidParameterException
from .paging import page
from .registry import handler


def _group_out(g):
    return {
        "logGroupName": g.name,
        "creationTime": g.created_ms,
        "retentionInDays": g.retention_days,
        "metricFilterCount": 0,
        "arn": g.arn + ":*",
        "logGroupArn": g.arn,
        "storedBytes": sum(s.stored_bytes for s in g.streams.values()),
        "logGroupClass": "STANDARD",
    }


def _stream_out(lab, group, s):
    out = {
        "logStreamName": s.name,
        "creationTime": s.created_ms,
        "arn": f"{group.arn}:log-stream:{s.name}",
        "storedBytes": s.stored_bytes,
    }
    if s.events:
        out.update(
            firstEventTimestamp=min(e[0] for e in s.events),
            lastEventTimestamp=max(e[0] for e in s.events),
            lastIngestionTime=max(e[2] for e in s.events),
        )
    return out


@handler("logs", "CreateLogGroup")
def create_log_group(lab, p):
    lab.logs.create_group(p["logGroupName"])
    return {}


@handler("logs", "DeleteLogGroup")
def delete_log_group(lab, p):
    lab.logs.delete_group(p["logGroupName"])
    return {}


@handler("logs", "PutRetentionPolicy")
def put_retention_policy(lab, p):
    lab.logs.set_retention(p["logGroupName"], p["retentionInDays"])
    return {}


@handler("logs", "DescribeLogGroups")
def describe_log_groups(lab, p):
    prefix = p.get("logGroupNamePrefix") or ""
    groups = [g for name, g in sorted(lab.logs.groups.items()) if name.startswith(prefix)]
    chunk, token = page(groups, p, default_max=50, max_limit=50, key="limit")
    return {"logGroups": [_group_out(g) for g in chunk], "nextToken": token}


@handler("logs", "CreateLogStream")
def create_log_stream(lab, p):
    lab.logs.create_stream(p["logGroupName"], p["logStreamName"])
    return {}


@handler("logs", "DescribeLogStreams")
def describe_log_streams(lab, p):
    name = p.get("logGroupName") or (p.get("logGroupIdentifier") or "").rsplit(":", 1)[-1]
    g = lab.logs.group(name)
    prefix = p.get("logStreamNamePrefix") or ""
    order = p.get("orderBy", "LogStreamName")
    if order == "LastEventTime" and prefix:
        raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
    streams = [s for s in g.streams.values() if s.name.startswith(prefix)]
    if order == "LastEventTime":
        streams.sort(key=lambda s: (max((e[0] for e in s.events), default=0), s.name))
    else:
        streams.sort(key=lambda s: s.name)
    if p.get("descending"):
        streams.reverse()
    chunk, token = page(streams, p, default_max=50, max_limit=50, key="limit")
    return {"logStreams": [_stream_out(lab, g, s) for s in chunk], "nextToken": token}


@handler("logs", "PutLogEvents")
def put_log_events(lab, p):
    events = sorted((e["timestamp"], e["message"]) for e in p["logEvents"])
    if not events:
        raise InvalidParameterException("logEvents must contain at least one event.")
    lab.logs.put(p["logGroupName"], p["logStreamName"], events)
    return {}


@handler("logs", "GetLogEvents")
def get_log_events(lab, p):
    name = p.get("logGroupName") or (p.get("logGroupIdentifier") or "").rsplit(":", 1)[-1]
    s = lab.logs.stream(name, p["logStreamName"])
    events = [e for e in s.events if p.get("startTime") is None or e[0] >= p["startTime"]]
    events = [e for e in events if p.get("endTime") is None or e[0] < p["endTime"]]
    limit = p.get("limit") or 10000
    # Without startFromHead the newest events come back (AWS's default).
    chunk = events[:limit] if p.get("startFromHead") else events[-limit:]
    out = [{"timestamp": t, "message": m, "ingestionTime": i} for t, m, i in chunk]
    n = len(events)
    return {"events": out, "nextForwardToken": f"f/{n:056d}", "nextBackwardToken": f"b/{0:056d}"}
