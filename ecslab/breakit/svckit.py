"""Helpers the service scenarios share: a load balancer in front of a target group, service
lookups, the tasks a service stopped for failed health checks -- all public calls."""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import ClientError

from .kit import client, error_text, public_subnets

__all__ = [
    "vpc_id",
    "alb",
    "service",
    "service_tasks",
    "events",
    "last_event",
    "health_stops",
    "stop_time",
    "target_health",
    "create_service_error",
]

HEALTH_STOP = (
    "Task failed"  # "Task failed ELB health checks in ..." / "... container health checks"
)


def vpc_id(lab) -> str:
    return client(lab, "ec2").describe_vpcs()["Vpcs"][0]["VpcId"]


def alb(lab, name: str, tg_name: str, target_type: str = "instance", **health) -> dict:
    """An internet-facing ALB over two public subnets, a target group and an HTTP:80 listener
    forwarding to it; returns {"lb", "tg"} ARNs. (It takes ~3 minutes to become active.)"""
    elb = client(lab, "elbv2")
    lb = elb.create_load_balancer(Name=name, Subnets=public_subnets(lab)[:2])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(
        Name=tg_name,
        Protocol="HTTP",
        Port=80,
        VpcId=vpc_id(lab),
        TargetType=target_type,
        **health,
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    return {"lb": lb_arn, "tg": tg}


def service(lab, cluster: str, name: str) -> dict | None:
    """DescribeServices of one service (None when the cluster or service does not exist)."""
    try:
        got = client(lab, "ecs").describe_services(cluster=cluster, services=[name])
    except ClientError:
        return None
    return got["services"][0] if got["services"] else None


def service_tasks(lab, cluster: str, name: str, status: str = "RUNNING") -> list[dict]:
    """DescribeTasks of the service's tasks with ``desiredStatus`` ``status``, oldest first."""
    ecs = client(lab, "ecs")
    try:
        arns = ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus=status)["taskArns"]
    except ClientError:
        return []
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    return sorted(tasks, key=lambda t: (t["createdAt"], t["taskArn"]))


def events(svc: dict | None) -> list[dict]:
    """The service's events, oldest first (DescribeServices lists them newest first)."""
    return list(reversed(svc["events"])) if svc else []


def last_event(svc: dict | None, *needles: str) -> str | None:
    """The newest event message containing any of ``needles``."""
    for e in svc["events"] if svc else []:
        if any(n in e["message"] for n in needles):
            return e["message"]
    return None


def stop_time(task: dict) -> datetime | None:
    return task.get("stoppingAt") or task.get("stoppedAt")


def health_stops(lab, cluster: str, name: str, since=None) -> list[dict]:
    """The service's tasks it stopped for failed health checks (ELB or container), oldest
    first; only those stopped at or after ``since``."""
    out = [
        t
        for t in service_tasks(lab, cluster, name, "STOPPED")
        if (t.get("stoppedReason") or "").startswith(HEALTH_STOP)
    ]
    if since is not None:
        out = [t for t in out if (stop_time(t) or since) >= since]
    return sorted(out, key=lambda t: (stop_time(t), t["taskArn"]))


def target_health(lab, tg_arn: str) -> list[dict]:
    try:
        got = client(lab, "elbv2").describe_target_health(TargetGroupArn=tg_arn)
    except ClientError:
        return []
    return got["TargetHealthDescriptions"]


def create_service_error(lab, **params) -> str | None:
    """Call CreateService; the error text (``Code: message``) if it is refused, else None (the
    service then exists). A refused call changes nothing, so asking is safe."""
    try:
        client(lab, "ecs").create_service(**params)
    except ClientError as exc:
        return error_text(exc)
    return None
