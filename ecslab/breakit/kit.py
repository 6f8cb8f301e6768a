"""Helpers the scenarios share: clients, launching instances, task lookups -- all public calls."""

from __future__ import annotations

import weakref

from botocore.exceptions import ClientError

from ..core import catalog
from .text import F_

__all__ = [
    "client",
    "error_text",
    "ami",
    "user_data",
    "launch",
    "public_subnets",
    "tasks_of",
    "latest_task",
    "running",
    "started_at",
    "last_placement_failures",
    "failures_text",
    "role_arn",
]

_CLIENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
ECS_AMI = {
    "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
    "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id",
}


def client(lab, service: str):
    """One boto3 client per (lab, service): making one costs ~50 ms."""
    per_lab = _CLIENTS.setdefault(lab, {})
    if service not in per_lab:
        per_lab[service] = lab.client(service)
    return per_lab[service]


def error_text(exc: ClientError) -> str:
    err = exc.response.get("Error", {})
    return f"{err.get('Code', 'Error')}: {err.get('Message', '')}"


def role_arn(lab, name: str) -> str:
    return f"arn:aws:iam::{lab.account_id}:role/{name}"


def ami(lab, instance_type: str = "m5.large") -> str:
    arch = catalog.instance_type(instance_type)["arch"]
    return client(lab, "ssm").get_parameter(Name=ECS_AMI[arch])["Parameter"]["Value"]


def user_data(cluster: str | None) -> str:
    if cluster is None:  # the classic: no ECS_CLUSTER line, so the agent joins "default"
        return "#!/bin/bash\nyum install -y amazon-efs-utils\n"
    return f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"


def launch(
    lab,
    name: str,
    cluster: str | None,
    instance_type: str = "m5.large",
    *,
    profile: bool = True,
    subnet_id: str | None = None,
) -> str:
    """RunInstances of one ECS-optimized instance tagged ``Name=name``; returns its id."""
    kw = {}
    if profile:
        kw["IamInstanceProfile"] = {"Name": "ecsInstanceRole"}
    if subnet_id:
        kw["SubnetId"] = subnet_id
    resp = client(lab, "ec2").run_instances(
        ImageId=ami(lab, instance_type),
        InstanceType=instance_type,
        MinCount=1,
        MaxCount=1,
        UserData=user_data(cluster),
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
        **kw,
    )
    return resp["Instances"][0]["InstanceId"]


def public_subnets(lab) -> list[str]:
    subnets = client(lab, "ec2").describe_subnets()["Subnets"]
    return [s["SubnetId"] for s in subnets if s.get("MapPublicIpOnLaunch")]


def started_at(lab, slug: str):
    """When scenario ``slug`` was last started (tasks before that do not count)."""
    ev = lab.events
    rows = ev[(ev["kind"] == "BreakItStarted") & (ev["resource"] == slug)]
    return rows["time"].iloc[-1] if not rows.empty else None


def tasks_of(lab, cluster: str, family: str, since=None) -> list[dict]:
    """Every task of ``family`` the cluster still describes (running and stopped), oldest first,
    created at or after ``since``."""
    ecs = client(lab, "ecs")
    try:
        arns = []
        for status in ("RUNNING", "STOPPED"):
            arns += ecs.list_tasks(cluster=cluster, family=family, desiredStatus=status)["taskArns"]
    except ClientError:
        return []
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    if since is not None:
        tasks = [t for t in tasks if t["createdAt"] >= since]
    return sorted(tasks, key=lambda t: (t["createdAt"], t["taskArn"]))


def latest_task(lab, cluster: str, family: str, since=None) -> dict | None:
    tasks = tasks_of(lab, cluster, family, since)
    return tasks[-1] if tasks else None


def running(lab, cluster: str, family: str) -> list[dict]:
    return [t for t in tasks_of(lab, cluster, family) if t["lastStatus"] == "RUNNING"]


def last_placement_failures(lab, cluster: str, family: str, since=None) -> list[dict]:
    """The failures of the last RunTask/StartTask of ``family`` that could not place everything
    (from the TaskPlacementFailed fact; RunTask's answer is not stored anywhere else)."""
    ev = lab.events
    rows = ev[
        (ev["kind"] == "TaskPlacementFailed")
        & (ev["cluster"] == cluster)
        & ev["detail"].map(lambda d: d.get("family") == family)
    ]
    if since is not None:
        rows = rows[rows["time"] >= since]
    return list(rows["detail"].iloc[-1]["failures"]) if not rows.empty else []


def failures_text(failures: list[dict]) -> str:
    """RunTask's failures in one line: how many, and their reasons."""
    if not failures:
        return F_("no placement failure recorded")
    reasons = sorted({f["reason"] for f in failures})
    return F_(
        "RunTask failures: {count} x {reasons}", count=len(failures), reasons=", ".join(reasons)
    )
