"""Exercise checks for a deployed service (lesson 11): back to its desired count, spread."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..views.deploy import service_tasks
from .result import CheckResult

__all__ = ["service_recovered"]


def service_recovered(
    lab, cluster: str, service: str, desired: int, min_azs: int = 2
) -> CheckResult:
    """``service`` is ACTIVE with ``desired`` tasks wanted and running, in a single deployment,
    spread over at least ``min_azs`` Availability Zones that are up."""
    title = f"service {service} runs {desired} tasks again"
    hint = (
        "The scheduler can only place tasks on container instances that are ACTIVE in an "
        "Availability Zone that is up, with a free ENI for each awsvpc task. Launch instances "
        "(ECS-optimized AMI, ecsInstanceRole, user data naming the cluster) in subnets of AZs "
        f"that are up, then let time pass: ecs.get_waiter('services_stable').wait(cluster="
        f"{cluster!r}, services=[{service!r}])."
    )
    try:
        s = client(lab, "ecs").describe_services(cluster=cluster, services=[service])["services"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    if not s or s[0]["status"] != "ACTIVE":
        return CheckResult(title, False, f"no ACTIVE service {service} in {cluster}", hint)
    s = s[0]
    if s["desiredCount"] != desired:
        return CheckResult(
            title, False, f"its desired count is {s['desiredCount']}, not {desired}", hint
        )
    tasks = service_tasks(lab, cluster, service)
    running = tasks[tasks["status"] == "RUNNING"]
    if len(running) != desired or s["runningCount"] != desired:
        return CheckResult(title, False, f"{len(running)} of {desired} tasks are RUNNING", hint)
    if len(s["deployments"]) != 1:
        return CheckResult(title, False, "a deployment is still in progress", hint)
    azs = sorted(set(running["az"]))
    if len(azs) < min_azs:
        return CheckResult(
            title, False, f"all its tasks run in {', '.join(azs)}: one AZ failure stops it", hint
        )
    return CheckResult(title, True, f"{desired} tasks RUNNING in {', '.join(azs)}")
