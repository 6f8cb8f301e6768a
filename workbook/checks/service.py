"""Exercise checks for a deployed service (lesson 11): back to its desired count, spread."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
from ..views.deploy import service_tasks
from .result import CheckResult

__all__ = ["service_recovered"]


def service_recovered(
    lab, cluster: str, service: str, desired: int, min_azs: int = 2
) -> CheckResult:
    """``service`` is ACTIVE with ``desired`` tasks wanted and running, in a single deployment,
    spread over at least ``min_azs`` Availability Zones that are up."""
    title = _("service {service} runs {desired} tasks again").format(
        service=service, desired=desired
    )
    hint = _(
        "The scheduler can only place tasks on container instances that are ACTIVE in an "
        "Availability Zone that is up, with a free ENI for each awsvpc task. Launch instances "
        "(ECS-optimized AMI, ecsInstanceRole, user data naming the cluster) in subnets of AZs "
        "that are up, then let time pass: ecs.get_waiter('services_stable').wait(cluster="
        "{cluster}, services=[{service}])."
    ).format(cluster=repr(cluster), service=repr(service))
    try:
        s = client(lab, "ecs").describe_services(cluster=cluster, services=[service])["services"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    if not s or s[0]["status"] != "ACTIVE":
        return CheckResult(
            title,
            False,
            _("no ACTIVE service {service} in {cluster}").format(service=service, cluster=cluster),
            hint,
        )
    s = s[0]
    if s["desiredCount"] != desired:
        return CheckResult(
            title,
            False,
            _("its desired count is {got}, not {want}").format(got=s["desiredCount"], want=desired),
            hint,
        )
    tasks = service_tasks(lab, cluster, service)
    running = tasks[tasks["status"] == "RUNNING"]
    if len(running) != desired or s["runningCount"] != desired:
        return CheckResult(
            title,
            False,
            _("{n} of {desired} tasks are RUNNING").format(n=len(running), desired=desired),
            hint,
        )
    if len(s["deployments"]) != 1:
        return CheckResult(title, False, _("a deployment is still in progress"), hint)
    azs = sorted(set(running["az"]))
    if len(azs) < min_azs:
        return CheckResult(
            title,
            False,
            _("all its tasks run in {azs}: one AZ failure stops it").format(azs=", ".join(azs)),
            hint,
        )
    return CheckResult(
        title,
        True,
        _("{desired} tasks RUNNING in {azs}").format(desired=desired, azs=", ".join(azs)),
    )
