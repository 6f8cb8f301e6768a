"""A deployed service at a glance (lesson 11): its running tasks, its events, its targets' health,
and the running-task count over time with the faults that hit it.

Everything is read through the ECS / ELBv2 APIs and the event table. Task ids (32 hex digits)
are shortened to their first 8 digits and target-group ARNs to their names, so the tables are
readable and a notebook can compare them (the ids are seeded, but long ids make poor reading).
"""

from __future__ import annotations

import re

import pandas as pd

from ..aws import client

__all__ = [
    "readable",
    "running_counts",
    "service_events",
    "service_summary",
    "service_tasks",
    "target_health_table",
]

_HEX32 = re.compile(r"\b([0-9a-f]{8})[0-9a-f]{24}\b")
_TARGET_GROUP = re.compile(r"arn:aws:elasticloadbalancing:[^:]+:\d+:targetgroup/([^/]+)/[0-9a-f]+")
_TASK_DEF = re.compile(r"arn:aws:ecs:[^:]+:\d+:task-definition/")

TASK_COLUMNS = ["task", "az", "instance", "ip", "status", "health", "started", "revision"]


def readable(text: str) -> str:
    """Task / container-instance ids cut to 8 digits, target groups and task definitions by name."""
    text = _TARGET_GROUP.sub(r"\1", text)
    text = _TASK_DEF.sub("", text)
    return _HEX32.sub(r"\1", text)


def _describe(lab, cluster: str, service: str) -> dict:
    return client(lab, "ecs").describe_services(cluster=cluster, services=[service])["services"][0]


def service_summary(lab, cluster: str, service: str) -> dict:
    """desired / running / pending counts, the task definition and each deployment's state."""
    s = _describe(lab, cluster, service)
    return {
        "status": s["status"],
        "desired": s["desiredCount"],
        "running": s["runningCount"],
        "pending": s["pendingCount"],
        # An EXTERNAL service without a primary task set has no task definition.
        "task_definition": readable(s["taskDefinition"]) if "taskDefinition" in s else "",
        "deployments": [
            f"{d['status']} {readable(d['taskDefinition'])} {d.get('rolloutState', '')}".strip()
            for d in s["deployments"]
        ],
    }


def service_tasks(lab, cluster: str, service: str, status: str = "RUNNING") -> pd.DataFrame:
    """The service's tasks (ListTasks desiredStatus=``status``, then DescribeTasks), sorted by
    Availability Zone then start time: short id, AZ, EC2 instance (Fargate: blank), the task's
    private IP (awsvpc), last status, health status, start time (simulated UTC), revision."""
    ecs = client(lab, "ecs")
    arns = [
        a
        for page in ecs.get_paginator("list_tasks").paginate(
            cluster=cluster, serviceName=service, desiredStatus=status
        )
        for a in page["taskArns"]
    ]
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    instance_of = _instances_of(lab, cluster, {t.get("containerInstanceArn") for t in tasks})
    rows = []
    for t in tasks:
        ip = next(
            (
                d["value"]
                for a in t.get("attachments", [])
                for d in a.get("details", [])
                if d["name"] == "privateIPv4Address"
            ),
            "",
        )
        started = t.get("startedAt")
        rows.append(
            {
                "task": readable(t["taskArn"].rsplit("/", 1)[-1]),
                "az": t.get("availabilityZone", ""),
                "instance": instance_of.get(t.get("containerInstanceArn"), ""),
                "ip": ip,
                "status": t["lastStatus"],
                "health": t.get("healthStatus", "UNKNOWN"),
                "started": started.strftime("%H:%M:%S") if started else "",
                "revision": readable(t["taskDefinitionArn"]),
            }
        )
    table = pd.DataFrame(rows, columns=TASK_COLUMNS)
    return table.sort_values(["az", "started", "task"], ignore_index=True)


def _instances_of(lab, cluster: str, arns) -> dict[str, str]:
    arns = sorted(a for a in arns if a)
    if not arns:
        return {}
    found = client(lab, "ecs").describe_container_instances(
        cluster=cluster, containerInstances=arns
    )["containerInstances"]
    return {c["containerInstanceArn"]: c["ec2InstanceId"] for c in found}


def service_events(lab, cluster: str, service: str, since=None, limit: int = 100) -> pd.DataFrame:
    """The service's event messages oldest first (DescribeServices lists the newest first), from
    ``since`` (a datetime) if given: time (HH:MM:SS simulated UTC) and message (ids shortened)."""
    events = list(reversed(_describe(lab, cluster, service)["events"]))
    if since is not None:
        events = [e for e in events if e["createdAt"] >= since]
    rows = [
        {"time": e["createdAt"].strftime("%H:%M:%S"), "message": readable(e["message"])}
        for e in events[-limit:]
    ]
    return pd.DataFrame(rows, columns=["time", "message"])


def target_health_table(lab, target_group_arn: str) -> pd.DataFrame:
    """DescribeTargetHealth as a table: target (IP or instance), port, state, reason."""
    found = client(lab, "elbv2").describe_target_health(TargetGroupArn=target_group_arn)
    rows = [
        {
            "target": d["Target"]["Id"],
            "port": d["Target"].get("Port"),
            "state": d["TargetHealth"]["State"],
            "reason": d["TargetHealth"].get("Reason", ""),
        }
        for d in found["TargetHealthDescriptions"]
    ]
    table = pd.DataFrame(rows, columns=["target", "port", "state", "reason"])
    return table.sort_values("target", ignore_index=True)


def running_counts(lab, cluster: str, service: str) -> pd.DataFrame:
    """How many of the service's tasks were RUNNING over time (from the event table): a task
    counts from its TaskRunning fact until it starts stopping. Columns: time, running."""
    ev = lab.events
    ev = ev[(ev["cluster"] == cluster) & ev["kind"].isin(["TaskRunning", "TaskStopping"])]
    ours = {
        r
        for r, d in zip(ev["resource"], ev["detail"], strict=True)
        if isinstance(d, dict) and d.get("service") == service
    }
    ev = ev[ev["resource"].isin(ours)]
    started: set[str] = set()
    steps = []
    for time, kind, resource in zip(ev["time"], ev["kind"], ev["resource"], strict=True):
        if kind == "TaskRunning":
            started.add(resource)
            steps.append((time, +1))
        elif resource in started:  # stopping after it ran (not a task that never started)
            started.discard(resource)
            steps.append((time, -1))
    table = pd.DataFrame(steps, columns=["time", "change"])
    table["running"] = table["change"].cumsum()
    return table.groupby("time", as_index=False)["running"].last()
