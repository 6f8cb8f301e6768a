"""Application Auto Scaling (the ECS subset): RegisterScalableTarget, DeregisterScalableTarget,
PutScalingPolicy, DeleteScalingPolicy, DescribeScalableTargets, DescribeScalingPolicies,
DescribeScalingActivities. The behaviour lives in ``ecslab/domain/autoscaling``."""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from ..core.errors import error_for_code
from ..domain.autoscaling.targets import DIMENSION
from .registry import handler
from .shape_case import shape, to_camel, to_snake

SERVICE = "application-autoscaling"
ValidationException = error_for_code("ValidationException")
InvalidNextTokenException = error_for_code("InvalidNextTokenException")


@cache
def _shape(name: str):
    return shape(SERVICE, name)


def _snake(p: dict[str, Any], name: str) -> dict[str, Any]:
    return to_snake(_shape(name), p)


def _page(items: list, p: dict[str, Any]) -> tuple[list, str | None]:
    limit = p.get("MaxResults", 50)
    if not 1 <= limit <= 50:
        raise ValidationException("MaxResults must be between 1 and 50.")  # [M]
    start = 0
    if p.get("NextToken"):
        try:
            start = int(json.loads(base64.b64decode(p["NextToken"], validate=True))["offset"])
        except Exception:
            raise InvalidNextTokenException("Invalid token") from None
        if not 0 <= start <= len(items):
            raise InvalidNextTokenException("Invalid token")
    nxt = None
    if start + limit < len(items):
        nxt = base64.b64encode(json.dumps({"offset": start + limit}).encode()).decode()
    return items[start : start + limit], nxt


@handler(SERVICE, "RegisterScalableTarget")
def register_scalable_target(lab, p):
    spec = _snake(p, "RegisterScalableTargetRequest")
    if p.get("Tags"):
        raise ValidationException("ecslab does not simulate tags on scalable targets yet.")  # [M]
    t = lab.appscaling.register(spec)
    return {"ScalableTargetARN": t.arn}


@handler(SERVICE, "DeregisterScalableTarget")
def deregister_scalable_target(lab, p):
    lab.appscaling.deregister(p["ServiceNamespace"], p["ResourceId"], p["ScalableDimension"])
    return {}


@handler(SERVICE, "PutScalingPolicy")
def put_scaling_policy(lab, p):
    if p.get("PredictiveScalingPolicyConfiguration") or p.get("PolicyType") == "PredictiveScaling":
        raise ValidationException("ecslab does not simulate predictive scaling.")  # [M]
    pol = lab.appscaling.put_policy(_snake(p, "PutScalingPolicyRequest"))
    out: dict[str, Any] = {"PolicyARN": pol.arn}
    if pol.alarms:
        out["Alarms"] = [{"AlarmName": a.name, "AlarmARN": a.arn} for a in pol.alarms]
    return out


@handler(SERVICE, "DeleteScalingPolicy")
def delete_scaling_policy(lab, p):
    lab.appscaling.delete_policy(_snake(p, "DeleteScalingPolicyRequest"))
    return {}


def _target_out(t) -> dict[str, Any]:
    return {
        "ServiceNamespace": "ecs",
        "ResourceId": t.resource_id,
        "ScalableDimension": DIMENSION,
        "MinCapacity": t.min_capacity,
        "MaxCapacity": t.max_capacity,
        "RoleARN": t.role_arn,
        "CreationTime": t.created_at,
        "SuspendedState": to_camel(_shape("SuspendedState"), t.suspended),
        "ScalableTargetARN": t.arn,
    }


def _targets(lab, p: dict[str, Any], ids: list[str] | None = None) -> list:
    """The ECS targets a Describe call asks for (another namespace or dimension has none in
    ecslab: an empty answer, not an error)."""
    dim = p.get("ScalableDimension")
    if p["ServiceNamespace"] != "ecs" or dim not in (None, DIMENSION):
        return []
    out = list(lab.appscaling.targets.values())
    if ids:
        out = [t for t in out if t.resource_id in ids]
    return out


@handler(SERVICE, "DescribeScalableTargets")
def describe_scalable_targets(lab, p):
    chunk, nxt = _page(_targets(lab, p, p.get("ResourceIds")), p)
    return {"ScalableTargets": [_target_out(t) for t in chunk], "NextToken": nxt}


def _policy_out(lab, t, pol) -> dict[str, Any]:
    # The alarms that invoke the policy: a target-tracking policy's own two, or the alarms
    # whose AlarmActions name a step policy.
    alarms = [a for a in lab.alarms.alarms.values() if pol.arn in a.alarm_actions]
    out: dict[str, Any] = {
        "PolicyARN": pol.arn,
        "PolicyName": pol.name,
        "ServiceNamespace": "ecs",
        "ResourceId": t.resource_id,
        "ScalableDimension": DIMENSION,
        "PolicyType": pol.policy_type,
        "Alarms": [{"AlarmName": a.name, "AlarmARN": a.arn} for a in alarms],
        "CreationTime": pol.created_at,
    }
    if pol.policy_type == "TargetTrackingScaling":
        out["TargetTrackingScalingPolicyConfiguration"] = to_camel(
            _shape("TargetTrackingScalingPolicyConfiguration"), pol.config
        )
    else:
        out["StepScalingPolicyConfiguration"] = to_camel(
            _shape("StepScalingPolicyConfiguration"), pol.config
        )
    return out


@handler(SERVICE, "DescribeScalingPolicies")
def describe_scaling_policies(lab, p):
    rid = p.get("ResourceId")
    names = p.get("PolicyNames")
    rows = [
        (t, pol)
        for t in _targets(lab, p, [rid] if rid else None)
        for pol in t.policies.values()
        if not names or pol.name in names
    ]
    chunk, nxt = _page(rows, p)
    return {"ScalingPolicies": [_policy_out(lab, t, pol) for t, pol in chunk], "NextToken": nxt}


@handler(SERVICE, "DescribeScalingActivities")
def describe_scaling_activities(lab, p):
    rid = p.get("ResourceId")
    acts = [(t, a) for t in _targets(lab, p, [rid] if rid else None) for a in t.activities]
    acts.sort(key=lambda ta: ta[1]["start_time"], reverse=True)
    chunk, nxt = _page(acts, p)
    out = []
    for t, a in chunk:
        out.append(
            {
                "ActivityId": a["activity_id"],
                "ServiceNamespace": "ecs",
                "ResourceId": t.resource_id,
                "ScalableDimension": DIMENSION,
                "Description": a["description"],
                "Cause": a["cause"],
                "StartTime": a["start_time"],
                "EndTime": a["end_time"],
                "StatusCode": a["status_code"],
                "StatusMessage": a["status_message"],
            }
        )
    return {"ScalingActivities": out, "NextToken": nxt}
