"""Scenario 14: the service scaled out for a peak and never scales back in.

Service ``api`` in ``scale-lab`` has a target-tracking policy on ECSServiceAverageCPUUtilization
(target 50 %). A load peak (150 requests/s) scaled it out; the load has fallen to 15 requests/s
(2 tasks' worth at the target), yet the desired count stays at the peak's. Variants: the
policy has ``DisableScaleIn`` (so there is no AlarmLow at all), or a ``ScaleInCooldown`` of a
day (AlarmLow is in ALARM, but every scale-in waits for the cooldown). The check passes when the
policy can scale in (scale-in enabled, ScaleInCooldown at most 15 minutes) and the desired count
has come down to at most 3.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..core.checks import CheckResult
from .kit import client, launch
from .model import Scenario
from .text import F_, N_, joined

__all__ = ["NEVER_SCALES_IN"]

CLUSTER, NAME = "scale-lab", "api"
RID = f"service/{CLUSTER}/{NAME}"
DIM = "ecs:service:DesiredCount"
POLICY = "cpu50-target-tracking"
MAX_COOLDOWN = 900
SETTLED = 3  # 15 rps at 50 % of 25 rps a task: 2 tasks (one spare allowed)


def _config(variant: str) -> dict:
    cfg = {
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
        },
        "ScaleOutCooldown": 60,
        "ScaleInCooldown": 300,
    }
    if variant == "scale-in-disabled":
        cfg["DisableScaleIn"] = True
    else:
        cfg["ScaleInCooldown"] = 86400
    return cfg


def put_policy(lab, config: dict) -> dict:
    return client(lab, "application-autoscaling").put_scaling_policy(
        PolicyName=POLICY,
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration=config,
    )


def _setup(lab, variant: str) -> None:
    ecs, aas = client(lab, "ecs"), client(lab, "application-autoscaling")
    ecs.create_cluster(clusterName=CLUSTER)
    for i in (1, 2):
        launch(lab, f"scale-{i}", CLUSTER, "m5.xlarge")
    lab.advance("1m")
    ecs.register_task_definition(
        family=NAME,
        containerDefinitions=[
            {"name": "api", "image": "httpd:2.4", "cpu": 256, "memory": 256, "essential": True}
        ],
    )
    ecs.create_service(cluster=CLUSTER, serviceName=NAME, taskDefinition=NAME, desiredCount=2)
    aas.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=RID, ScalableDimension=DIM, MinCapacity=1, MaxCapacity=12
    )
    put_policy(lab, _config(variant))
    # A 20-minute peak of 150 rps, then 15 rps from minute 25 on.
    lab.act(
        "set_load",
        cluster=CLUSTER,
        service=NAME,
        points=[[0, 150], [1200, 150], [1500, 15]],
        noise=0.03,
    )
    lab.advance("60m")


def _policy(lab) -> dict | None:
    try:
        got = client(lab, "application-autoscaling").describe_scaling_policies(
            ServiceNamespace="ecs", ResourceId=RID
        )["ScalingPolicies"]
    except ClientError:
        return None
    tt = [p for p in got if p["PolicyType"] == "TargetTrackingScaling"]
    return tt[0] if tt else None


def _desired(lab) -> int | None:
    try:
        svc = client(lab, "ecs").describe_services(cluster=CLUSTER, services=[NAME])["services"]
    except ClientError:
        return None
    return svc[0]["desiredCount"] if svc else None


def _observe(lab, variant: str) -> str:
    desired = _desired(lab)
    pol = _policy(lab)
    lines = [
        F_(
            "service {name}: desiredCount {desired}, offered load now 15 requests/s",
            name=NAME,
            desired=desired,
        )
    ]
    alarms = client(lab, "cloudwatch").describe_alarms(AlarmNamePrefix=f"TargetTracking-{RID}-")[
        "MetricAlarms"
    ]
    for a in alarms:
        kind = "AlarmHigh" if "-AlarmHigh-" in a["AlarmName"] else "AlarmLow"
        lines.append(f"{kind}: {a['StateValue']} ({a['StateReason'][:90]}...)")
    if pol is not None:
        cfg = pol["TargetTrackingScalingPolicyConfiguration"]
        lines.append(
            F_(
                "policy {name}: ScaleInCooldown {cooldown}, DisableScaleIn {disable}",
                name=pol["PolicyName"],
                cooldown=cfg.get("ScaleInCooldown"),
                disable=cfg.get("DisableScaleIn"),
            )
        )
    return joined("\n", lines)


def _check(lab, variant: str) -> CheckResult:
    pol = _policy(lab)
    desired = _desired(lab)
    if pol is None:
        return CheckResult(
            "",
            False,
            F_("service {name} has no target-tracking policy", name=NAME),
            N_("Keep the policy (it scales out for the next peak); change how it scales in."),
        )
    cfg = pol["TargetTrackingScalingPolicyConfiguration"]
    if cfg.get("DisableScaleIn"):
        return CheckResult(
            "",
            False,
            F_(
                "policy {policy} has DisableScaleIn true (desiredCount {desired})",
                policy=pol["PolicyName"],
                desired=desired,
            ),
            N_(
                "With DisableScaleIn the policy only ever adds tasks (and creates no AlarmLow). "
                "Setting desiredCount by hand lasts until the next peak: fix the policy."
            ),
        )
    cooldown = cfg.get("ScaleInCooldown", 300)
    if cooldown > MAX_COOLDOWN:
        return CheckResult(
            "",
            False,
            F_(
                "policy {policy} waits {cooldown} s after each scale-in (desiredCount {desired})",
                policy=pol["PolicyName"],
                cooldown=cooldown,
                desired=desired,
            ),
            N_(
                "ScaleInCooldown is how long each scale-in waits for the previous one; a day means "
                "one task a day. Put the policy again with ScaleInCooldown 300."
            ),
        )
    if desired is None or desired > SETTLED:
        return CheckResult(
            "",
            False,
            F_("the policy can scale in now, but desiredCount is still {desired}", desired=desired),
            N_(
                "AlarmLow needs 15 one-minute datapoints below 90 % of the target, then each "
                "scale-in waits ScaleInCooldown: advance the clock (lab.advance('30m'))."
            ),
        )
    return CheckResult(
        "",
        True,
        F_(
            "policy {policy} scales in (ScaleInCooldown {cooldown} s); desiredCount {desired} "
            "for 15 requests/s",
            policy=pol["PolicyName"],
            cooldown=cooldown,
            desired=desired,
        ),
    )


def _fix(lab, variant: str) -> None:
    cfg = _config(variant)
    cfg.pop("DisableScaleIn", None)
    cfg["ScaleInCooldown"] = 300
    put_policy(lab, cfg)
    lab.advance("45m")


NEVER_SCALES_IN = Scenario(
    number=14,
    slug="never-scales-in",
    title=N_("Service never scales in after a peak"),
    cluster=CLUSTER,
    variants=("scale-in-disabled", "scale-in-cooldown"),
    brief=(
        N_(
            "Service api in scale-lab scaled out for this morning's peak. The load is back to 15 "
            "requests/s, yet it still runs the peak's tasks (and the bill shows it). Make it scale "
            "in by itself, and keep it able to scale out for the next peak."
        )
    ),
    questions=(
        N_("What does aws application-autoscaling describe-scaling-policies say about scale-in?"),
        N_("How many CloudWatch alarms did the target-tracking policy create, and in what state?"),
        N_("What do describe-scaling-activities show since the load fell?"),
        N_("What would happen at the next peak if you only set desiredCount by hand?"),
    ),
    fix=(
        N_(
            "Put the target-tracking policy again with DisableScaleIn false (or omitted) and a "
            "ScaleInCooldown of 300 s, then let simulated time pass while AlarmLow scales it in."
        )
    ),
    hints=(
        N_(
            "A target-tracking policy scales in through its AlarmLow alarm and waits "
            "ScaleInCooldown between scale-ins."
        ),
        N_(
            "aws application-autoscaling put-scaling-policy ... --target-tracking-scaling-policy-"
            "configuration with DisableScaleIn false and ScaleInCooldown 300, then advance 30 min."
        ),
    ),
    setup=_setup,
    observe=_observe,
    checker=_check,
    fixer=_fix,
    variant_notes={
        "scale-in-disabled": "DisableScaleIn true: no AlarmLow alarm exists",
        "scale-in-cooldown": "ScaleInCooldown 86400 s: AlarmLow in ALARM, nothing happens",
    },
)
