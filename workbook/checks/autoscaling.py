"""Exercise checks for service auto scaling (lesson 14): a target-tracking policy on a service,
and a service that scaled out and back in by itself."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
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
    title = f"service {service} tracks {metric} at {target:g}"
    hint = (
        "First register the service as a scalable target (RegisterScalableTarget: namespace ecs, "
        f"resource id {_rid(cluster, service)}, dimension ecs:service:DesiredCount, min and max "
        "capacity), then PutScalingPolicy with PolicyType TargetTrackingScaling and a "
        "TargetTrackingScalingPolicyConfiguration naming the predefined metric and TargetValue."
    )
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
        return CheckResult(title, False, f"{_rid(cluster, service)} is not a scalable target", hint)
    t = targets[0]
    for key, want in (("MinCapacity", min_capacity), ("MaxCapacity", max_capacity)):
        if want is not None and t[key] != want:
            return CheckResult(title, False, f"its {key} is {t[key]}, not {want}", hint)
    tt = [p for p in policies if p["PolicyType"] == "TargetTrackingScaling"]
    if not tt:
        return CheckResult(title, False, "it has no target-tracking scaling policy", hint)
    matching = [
        p
        for p in tt
        if p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        == metric
    ]
    if not matching:
        return CheckResult(title, False, f"no target-tracking policy on {metric}", hint)
    p = matching[0]
    value = p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]
    if value != target:
        return CheckResult(title, False, f"policy {p['PolicyName']} targets {value:g}", hint)
    return CheckResult(
        title,
        True,
        f"policy {p['PolicyName']} keeps {metric} near {target:g} with {len(p['Alarms'])} alarms "
        f"(capacity {t['MinCapacity']}..{t['MaxCapacity']})",
    )


def scaled_out_and_in(lab, cluster: str, service: str, at_least: int = 2) -> CheckResult:
    """``service`` scaled out to at least ``at_least`` tasks and back in, by its policy's
    alarms, every activity Successful, and it runs its desired count now."""
    title = f"service {service} scaled out and back in by itself"
    hint = (
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
        return CheckResult(title, False, "no scale-out activity yet", hint)
    peak = max(int(a["Description"].split()[-1].rstrip(".")) for a in outs)
    if peak < at_least:
        return CheckResult(title, False, f"it scaled out to {peak}, not {at_least} tasks", hint)
    if not ins:
        return CheckResult(title, False, f"it scaled out to {peak} but has not scaled in", hint)
    failed = [a for a in acts if a["StatusCode"] != "Successful"]
    if failed:
        return CheckResult(title, False, f"an activity is {failed[0]['StatusCode']}", hint)
    if not s or s[0]["runningCount"] != s[0]["desiredCount"]:
        return CheckResult(title, False, "its running count has not caught up yet", hint)
    return CheckResult(
        title,
        True,
        f"out to {peak} tasks ({len(outs)} scale-outs), back to {s[0]['desiredCount']} "
        f"({len(ins)} scale-ins)",
    )
