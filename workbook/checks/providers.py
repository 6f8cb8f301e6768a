"""Exercise checks for capacity providers (lesson 13): a provider's target capacity reached,
and a service's tasks split across FARGATE and FARGATE_SPOT as its strategy says."""

from __future__ import annotations

from datetime import timedelta

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
from .result import CheckResult

__all__ = ["provider_target_reached", "provider_split"]


def _reservation(lab, cluster: str, provider: str) -> float | None:
    got = client(lab, "cloudwatch").get_metric_statistics(
        Namespace="AWS/ECS/ManagedScaling",
        MetricName="CapacityProviderReservation",
        Dimensions=[
            {"Name": "ClusterName", "Value": cluster},
            {"Name": "CapacityProviderName", "Value": provider},
        ],
        StartTime=lab.now - timedelta(minutes=3),
        EndTime=lab.now + timedelta(minutes=1),
        Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]
    if not got:
        return None
    return max(got, key=lambda d: d["Timestamp"])["Maximum"]


def provider_target_reached(
    lab, cluster: str, provider: str, service: str, target: int
) -> CheckResult:
    """``provider`` tracks ``target`` %, the service runs all its tasks and the latest
    CapacityProviderReservation is at or below the target (the group has grown to fit)."""
    title = _("capacity provider {p} keeps its reservation at {t} %").format(p=provider, t=target)
    hint = _(
        "aws ecs update-capacity-provider --name {p} --auto-scaling-group-provider "
        "managedScaling={{status=ENABLED,targetCapacity={t}}}, then advance the clock a few "
        "minutes so managed scaling can grow the group."
    ).format(p=provider, t=target)
    ecs = client(lab, "ecs")
    try:
        got = ecs.describe_capacity_providers(capacityProviders=[provider])["capacityProviders"]
        svc = ecs.describe_services(cluster=cluster, services=[service])["services"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    if not got:
        return CheckResult(
            title, False, _("there is no capacity provider {p}").format(p=provider), hint
        )
    ms = got[0]["autoScalingGroupProvider"]["managedScaling"]
    if ms["status"] != "ENABLED" or ms["targetCapacity"] != target:
        return CheckResult(
            title,
            False,
            _("managed scaling is {s} with targetCapacity {t}").format(
                s=ms["status"], t=ms["targetCapacity"]
            ),
            hint,
        )
    if not svc or svc[0]["runningCount"] != svc[0]["desiredCount"]:
        return CheckResult(
            title, False, _("service {s} is not running all its tasks yet").format(s=service), hint
        )
    value = _reservation(lab, cluster, provider)
    if value is None or value > target:
        return CheckResult(
            title,
            False,
            _("CapacityProviderReservation is {v} %, above the target").format(v=value),
            hint,
        )
    return CheckResult(
        title,
        True,
        _("CapacityProviderReservation {v:.0f} % with targetCapacity {t} %").format(
            v=value, t=target
        ),
    )


def provider_split(lab, cluster: str, service: str, expected: dict[str, int]) -> CheckResult:
    """The service's RUNNING tasks per capacity provider are exactly ``expected``."""
    title = _("service {s} runs {e}").format(
        s=service, e=", ".join(f"{n} x {p}" for p, n in expected.items())
    )
    hint = _(
        "A capacityProviderStrategy puts base tasks on the one provider with a base, and shares "
        "the rest by weight: for example FARGATE base 2 weight 0 and FARGATE_SPOT weight 1."
    )
    ecs = client(lab, "ecs")
    try:
        arns = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    have: dict[str, int] = {}
    for t in tasks:
        if t["lastStatus"] == "RUNNING":
            name = t.get("capacityProviderName", "-")
            have[name] = have.get(name, 0) + 1
    if have != expected:
        return CheckResult(
            title,
            False,
            _("it runs {h}").format(
                h=", ".join(f"{n} x {p}" for p, n in sorted(have.items())) or "0"
            ),
            hint,
        )
    return CheckResult(title, True, _("the split matches its capacity provider strategy"))
