"""Exercise checks for service auto scaling (lesson 14): a target-tracking policy on a service,
and a service that scaled out and back in by itself."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
from .result import CheckResult

__all__ = ["scaling_policy", "scaled_out_and_in"]


def _rid(cluster: str, service: str) -> str:
    return f"service/{cluster}/{service}"


def scaling_policy(
    lab,
    cluster: str,
    service: str,
    target: float,
    metric: str = "ECSServiceAverageCPUUtilization",
    min_capacity: int | None = None,
    max_capacity: int | None = None,
) -> CheckResult:
    """``service`` is a scalable target (with the given capacities) and has a target-tracking
    policy on ``metric`` at ``target``, with its two CloudWatch alarms."""
    title = _("service {service} tracks {metric} at {target}").format(
        service=service, metric=metric, target=f"{target:g}"
    )
    hint = _(
        "First register the service as a scalable target (RegisterScalableTarget: namespace ecs, "
        "resource id {rid}, dimension ecs:service:DesiredCount, min and max "
        "capacity), then PutScalingPolicy with PolicyType TargetTrackingScaling and a "
        "TargetTrackingScalingPolicyConfiguration naming the predefined metric and TargetValue."
    ).format(rid=_rid(cluster, service))
    aas = client(lab, "application-autoscaling")
    try:
        targets = aas.describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[_rid(cluster, service)]
        )["ScalableTargets"]
        policies = aas.describe_scaling_policies(
            ServiceNamespace="ecs", ResourceId=_rid(cluster, service)
        )["ScalingPolicies"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    if not targets:
        return CheckResult(
            title,
            False,
            _("{rid} is not a scalable target").format(rid=_rid(cluster, service)),
            hint,
        )
    t = targets[0]
    for key, want in (("MinCapacity", min_capacity), ("MaxCapacity", max_capacity)):
        if want is not None and t[key] != want:
            return CheckResult(
                title,
                False,
                _("its {key} is {got}, not {want}").format(key=key, got=t[key], want=want),
                hint,
            )
    tt = [p for p in policies if p["PolicyType"] == "TargetTrackingScaling"]
    if not tt:
        return CheckResult(title, False, _("it has no target-tracking scaling policy"), hint)
    matching = [
        p
        for p in tt
        if p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        == metric
    ]
    if not matching:
        return CheckResult(
            title, False, _("no target-tracking policy on {metric}").format(metric=metric), hint
        )
    p = matching[0]
    value = p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]
    if value != target:
        return CheckResult(
            title,
            False,
            _("policy {name} targets {value}").format(name=p["PolicyName"], value=f"{value:g}"),
            hint,
        )
    return CheckResult(
        title,
        True,
        _(
            "policy {name} keeps {metric} near {target} with {alarms} alarms "
            "(capacity {min}..{max})"
        ).format(
            name=p["PolicyName"],
            metric=metric,
            target=f"{target:g}",
            alarms=len(p["Alarms"]),
            min=t["MinCapacity"],
            max=t["MaxCapacity"],
        ),
    )


def scaled_out_and_in(lab, cluster: str, service: str, at_least: int = 2) -> CheckResult:
    """``service`` scaled out to at least ``at_least`` tasks and back in, by its policy's
    alarms, every activity Successful, and it runs its desired count now."""
    title = _("service {service} scaled out and back in by itself").format(service=service)
    hint = _(
        "Give the service a load curve with a peak (lab.act('set_load', ...)) and let simulated "
        "time pass: AlarmHigh needs 3 one-minute datapoints above the target to scale out, "
        "AlarmLow 15 below 90 % of it to scale in, and each waits for its cooldown."
    )
    try:
        acts = client(lab, "application-autoscaling").describe_scaling_activities(
            ServiceNamespace="ecs", ResourceId=_rid(cluster, service)
        )["ScalingActivities"]
        s = client(lab, "ecs").describe_services(cluster=cluster, services=[service])["services"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    outs = [a for a in acts if "-AlarmHigh-" in a["Cause"]]
    ins = [a for a in acts if "-AlarmLow-" in a["Cause"]]
    if not outs:
        return CheckResult(title, False, _("no scale-out activity yet"), hint)
    peak = max(int(a["Description"].split()[-1].rstrip(".")) for a in outs)
    if peak < at_least:
        return CheckResult(
            title,
            False,
            _("it scaled out to {peak}, not {want} tasks").format(peak=peak, want=at_least),
            hint,
        )
    if not ins:
        return CheckResult(
            title, False, _("it scaled out to {peak} but has not scaled in").format(peak=peak), hint
        )
    failed = [a for a in acts if a["StatusCode"] != "Successful"]
    if failed:
        return CheckResult(
            title, False, _("an activity is {status}").format(status=failed[0]["StatusCode"]), hint
        )
    if not s or s[0]["runningCount"] != s[0]["desiredCount"]:
        return CheckResult(title, False, _("its running count has not caught up yet"), hint)
    return CheckResult(
        title,
        True,
        _("out to {peak} tasks ({outs} scale-outs), back to {desired} ({ins} scale-ins)").format(
            peak=peak, outs=len(outs), desired=s[0]["desiredCount"], ins=len(ins)
        ),
    )
