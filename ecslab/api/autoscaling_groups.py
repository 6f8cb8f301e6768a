"""Amazon EC2 Auto Scaling (the ``autoscaling`` query API) -- the subset ECS capacity providers
use: Create/Update/Describe/Delete AutoScalingGroup, SetDesiredCapacity, SetInstanceProtection,
DescribeAutoScalingInstances, DescribeScalingActivities."""

from __future__ import annotations

from ..core.errors import error_for_code
from .registry import handler

ValidationError = error_for_code("ValidationError")


def _spec(p) -> dict:
    """The request in the domain's words (only the members present)."""
    spec: dict = {}
    lt = p.get("LaunchTemplate")
    if p.get("LaunchConfigurationName") is not None:
        raise ValidationError(
            "ecslab simulates launch templates, not launch configurations (AWS no longer offers "
            "launch configurations to new accounts): use LaunchTemplate."
        )  # [M]
    if p.get("MixedInstancesPolicy") is not None:
        lt = (p["MixedInstancesPolicy"].get("LaunchTemplate") or {}).get(
            "LaunchTemplateSpecification"
        )
    if lt is not None:
        if lt.get("LaunchTemplateId") and lt.get("LaunchTemplateName"):
            raise ValidationError(
                "Valid requests must contain either launchTemplateId or LaunchTemplateName"
            )  # [U]
        spec["template_id"] = lt.get("LaunchTemplateId")
        spec["template_name"] = lt.get("LaunchTemplateName")
        spec["template_version"] = lt.get("Version")
    pairs = {
        "MinSize": "min_size",
        "MaxSize": "max_size",
        "DesiredCapacity": "desired",
        "VPCZoneIdentifier": "subnets",
        "AvailabilityZones": "azs",
        "NewInstancesProtectedFromScaleIn": "protect_new",
        "DefaultCooldown": "default_cooldown",
        "HealthCheckType": "health_check_type",
        "HealthCheckGracePeriod": "grace_period",
        "CapacityRebalance": "capacity_rebalance",
    }
    for aws, ours in pairs.items():
        if aws in p:
            spec[ours] = p[aws]
    if p.get("Tags"):
        spec["tags"] = [
            {"key": t["Key"], "value": t.get("Value", ""), "propagate": t.get("PropagateAtLaunch")}
            for t in p["Tags"]
        ]
    return spec


@handler("autoscaling", "CreateAutoScalingGroup")
def create_auto_scaling_group(lab, p):
    spec = _spec(p)
    spec["name"] = p["AutoScalingGroupName"]
    lab.asg.create(spec)
    return {}


@handler("autoscaling", "UpdateAutoScalingGroup")
def update_auto_scaling_group(lab, p):
    lab.asg.update(p["AutoScalingGroupName"], _spec(p))
    return {}


@handler("autoscaling", "SetDesiredCapacity")
def set_desired_capacity(lab, p):
    lab.asg.set_desired(p["AutoScalingGroupName"], p["DesiredCapacity"])
    return {}


@handler("autoscaling", "SetInstanceProtection")
def set_instance_protection(lab, p):
    lab.asg.set_protection(
        p["AutoScalingGroupName"], list(p["InstanceIds"]), bool(p["ProtectedFromScaleIn"])
    )
    return {}


@handler("autoscaling", "DeleteAutoScalingGroup")
def delete_auto_scaling_group(lab, p):
    lab.asg.delete(p["AutoScalingGroupName"], bool(p.get("ForceDelete")))
    return {}


def _template_spec(g, version: str | None = None) -> dict:
    return {
        "LaunchTemplateId": g.template_id,
        "LaunchTemplateName": g.template_name,
        "Version": version or g.template_version,
    }


def _instance_out(g, m) -> dict:
    return {
        "InstanceId": m.instance_id,
        "InstanceType": m.instance_type,
        "AvailabilityZone": m.az,
        "LifecycleState": m.lifecycle,
        "HealthStatus": m.health,
        "LaunchTemplate": _template_spec(g, m.template_version),
        "ProtectedFromScaleIn": m.protected,
    }


def group_out(lab, g) -> dict:
    out = {
        "AutoScalingGroupName": g.name,
        "AutoScalingGroupARN": g.arn,
        "LaunchTemplate": _template_spec(g),
        "MinSize": g.min_size,
        "MaxSize": g.max_size,
        "DesiredCapacity": g.desired,
        "DefaultCooldown": g.default_cooldown,
        "AvailabilityZones": list(g.azs),
        "LoadBalancerNames": [],
        "TargetGroupARNs": [],
        "HealthCheckType": g.health_check_type,
        "HealthCheckGracePeriod": g.grace_period,
        "Instances": [_instance_out(g, m) for m in g.members.values()],
        "CreatedTime": g.created_at,
        "SuspendedProcesses": [],
        "VPCZoneIdentifier": ",".join(g.subnet_ids),
        "EnabledMetrics": [],
        "Tags": [
            {
                "ResourceId": g.name,
                "ResourceType": "auto-scaling-group",
                "Key": t["key"],
                "Value": t["value"],
                "PropagateAtLaunch": bool(t.get("propagate")),
            }
            for t in g.tags
        ],
        "TerminationPolicies": list(g.termination_policies),
        "NewInstancesProtectedFromScaleIn": g.protect_new,
        "ServiceLinkedRoleARN": (
            f"arn:aws:iam::{lab.account_id}:role/aws-service-role/autoscaling.amazonaws.com/"
            "AWSServiceRoleForAutoScaling"
        ),
        "CapacityRebalance": g.capacity_rebalance,
    }
    if g.deleting:
        out["Status"] = "Delete in progress"
    return out


def _page(items: list, p, limit_default: int = 50, limit_max: int = 100):
    limit = p.get("MaxRecords") or limit_default
    if not 1 <= limit <= limit_max:
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at 'maxRecords' failed to satisfy "
            f"constraint: Member must have value less than or equal to {limit_max}"
        )
    start = 0
    if p.get("NextToken"):
        try:
            start = int(p["NextToken"])
        except ValueError:
            raise ValidationError("Invalid NextToken") from None
    chunk = items[start : start + limit]
    token = str(start + limit) if start + limit < len(items) else None
    return chunk, token


@handler("autoscaling", "DescribeAutoScalingGroups")
def describe_auto_scaling_groups(lab, p):
    names = p.get("AutoScalingGroupNames") or []
    groups = [g for n in names if (g := lab.asg.find(n)) is not None] if names else lab.asg.all()
    for f in p.get("Filters") or []:
        name, values = f.get("Name", ""), set(f.get("Values") or [])
        if name.startswith("tag:"):
            key = name[4:]
            groups = [
                g for g in groups if any(t["key"] == key and t["value"] in values for t in g.tags)
            ]
        elif name == "tag-key":
            groups = [g for g in groups if any(t["key"] in values for t in g.tags)]
        elif name == "tag-value":
            groups = [g for g in groups if any(t["value"] in values for t in g.tags)]
        else:
            raise ValidationError(f"Filter type {name} is not correct.")  # [U]
    chunk, token = _page(groups, p, 50, 100)
    return {"AutoScalingGroups": [group_out(lab, g) for g in chunk], "NextToken": token}


@handler("autoscaling", "DescribeAutoScalingInstances")
def describe_auto_scaling_instances(lab, p):
    wanted = p.get("InstanceIds") or []
    rows = [(g, m) for g in lab.asg.all() for m in g.members.values()]
    if wanted:
        rows = [r for r in rows if r[1].instance_id in wanted]
    chunk, token = _page(rows, p, 50, 50)
    out = []
    for g, m in chunk:
        d = _instance_out(g, m)
        d["AutoScalingGroupName"] = g.name
        out.append(d)
    return {"AutoScalingInstances": out, "NextToken": token}


@handler("autoscaling", "DescribeScalingActivities")
def describe_scaling_activities(lab, p):
    acts = list(reversed(lab.asg.activities))  # newest first, as AWS lists them
    if p.get("AutoScalingGroupName"):
        acts = [a for a in acts if a.group == p["AutoScalingGroupName"]]
    if p.get("ActivityIds"):
        acts = [a for a in acts if a.id in p["ActivityIds"]]
    chunk, token = _page(acts, p, 100, 100)
    out = []
    for a in chunk:
        g = lab.asg.find(a.group)
        d = {
            "ActivityId": a.id,
            "AutoScalingGroupName": a.group,
            "Description": a.description,
            "Cause": a.cause,
            "StartTime": a.started_at,
            "StatusCode": a.status,
            "Progress": a.progress,
            "Details": "{}",
        }
        if a.ended_at is not None:
            d["EndTime"] = a.ended_at
        if a.message:
            d["StatusMessage"] = a.message
        if g is not None:
            d["AutoScalingGroupARN"] = g.arn
        out.append(d)
    return {"Activities": out, "NextToken": token}
