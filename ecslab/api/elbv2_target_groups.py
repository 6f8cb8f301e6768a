"""ELBv2 (query protocol): target groups, their attributes, targets and target health."""

from __future__ import annotations

from typing import Any

from ..domain.elb.model import TargetSpec
from .elbv2_balancers import marker_page
from .registry import handler

_HEALTH_KEYS = {
    "HealthCheckEnabled": "enabled",
    "HealthCheckProtocol": "protocol",
    "HealthCheckPort": "port",
    "HealthCheckPath": "path",
    "HealthCheckIntervalSeconds": "interval",
    "HealthCheckTimeoutSeconds": "timeout",
    "HealthyThresholdCount": "healthy",
    "UnhealthyThresholdCount": "unhealthy",
}


def _health(p: dict[str, Any]) -> dict[str, Any]:
    out = {attr: p[key] for key, attr in _HEALTH_KEYS.items() if p.get(key) is not None}
    if (p.get("Matcher") or {}).get("HttpCode") is not None:
        out["matcher"] = p["Matcher"]["HttpCode"]
    return out


def _specs(targets: list[dict[str, Any]] | None) -> list[TargetSpec]:
    return [TargetSpec(t["Id"], t.get("Port"), t.get("AvailabilityZone")) for t in targets or []]


def tg_out(lab, tg) -> dict[str, Any]:
    h = tg.health
    out: dict[str, Any] = {
        "TargetGroupArn": tg.arn,
        "TargetGroupName": tg.name,
        "Protocol": tg.protocol,
        "Port": tg.port,
        "VpcId": tg.vpc_id,
        "HealthCheckProtocol": h.protocol,
        "HealthCheckPort": h.port,
        "HealthCheckEnabled": h.enabled,
        "HealthCheckIntervalSeconds": h.interval,
        "HealthCheckTimeoutSeconds": h.timeout,
        "HealthyThresholdCount": h.healthy,
        "UnhealthyThresholdCount": h.unhealthy,
        "HealthCheckPath": h.path,
        "Matcher": {"HttpCode": h.matcher} if h.matcher else None,
        "LoadBalancerArns": [lb.arn for lb in lab.elb.load_balancers_of(tg.arn)],
        "TargetType": tg.target_type,
        "ProtocolVersion": tg.protocol_version,
        "IpAddressType": "ipv4" if tg.target_type != "lambda" else None,
    }
    return {k: v for k, v in out.items() if v is not None}


def _groups(lab, tgs) -> dict[str, Any]:
    return {"TargetGroups": [tg_out(lab, tg) for tg in tgs]}


@handler("elbv2", "CreateTargetGroup")
def create_target_group(lab, p):
    tg = lab.elb.create_target_group(
        p["Name"],
        target_type=p.get("TargetType"),
        protocol=p.get("Protocol"),
        port=p.get("Port"),
        vpc_id=p.get("VpcId"),
        health=_health(p),
        protocol_version=p.get("ProtocolVersion"),
        tags={t["Key"]: t.get("Value", "") for t in p.get("Tags") or []},
    )
    return _groups(lab, [tg])


@handler("elbv2", "DescribeTargetGroups")
def describe_target_groups(lab, p):
    tgs = lab.elb.describe_target_groups(
        p.get("LoadBalancerArn"), p.get("TargetGroupArns"), p.get("Names")
    )
    chunk, nxt = marker_page(tgs, p)
    out = _groups(lab, chunk)
    if nxt:
        out["NextMarker"] = nxt
    return out


@handler("elbv2", "ModifyTargetGroup")
def modify_target_group(lab, p):
    return _groups(lab, [lab.elb.modify_target_group(p["TargetGroupArn"], _health(p))])


@handler("elbv2", "DeleteTargetGroup")
def delete_target_group(lab, p):
    lab.elb.delete_target_group(p["TargetGroupArn"])
    return {}


def _attributes(tg) -> dict[str, Any]:
    return {"Attributes": [{"Key": k, "Value": v} for k, v in tg.attributes.items()]}


@handler("elbv2", "DescribeTargetGroupAttributes")
def describe_target_group_attributes(lab, p):
    return _attributes(lab.elb.target_group(p["TargetGroupArn"]))


@handler("elbv2", "ModifyTargetGroupAttributes")
def modify_target_group_attributes(lab, p):
    changes = {a["Key"]: a.get("Value", "") for a in p.get("Attributes") or []}
    return _attributes(lab.elb.modify_target_group_attributes(p["TargetGroupArn"], changes))


@handler("elbv2", "RegisterTargets")
def register_targets(lab, p):
    lab.elb.register_targets(p["TargetGroupArn"], _specs(p.get("Targets")))
    return {}


@handler("elbv2", "DeregisterTargets")
def deregister_targets(lab, p):
    lab.elb.deregister_targets(p["TargetGroupArn"], _specs(p.get("Targets")))
    return {}


@handler("elbv2", "DescribeTargetHealth")
def describe_target_health(lab, p):
    tg = lab.elb.target_group(p["TargetGroupArn"])
    out = []
    for t in lab.elb.describe_target_health(tg.arn, _specs(p.get("Targets"))):
        target: dict[str, Any] = {"Id": t.id}
        if t.port is not None:
            target["Port"] = t.port
        if t.az is not None:
            target["AvailabilityZone"] = t.az
        health: dict[str, Any] = {"State": t.state}
        if t.reason:
            health["Reason"] = t.reason
        if t.description:
            health["Description"] = t.description
        row: dict[str, Any] = {"Target": target, "TargetHealth": health}
        hp = tg.health.port
        if t.port is not None and hp is not None:
            row["HealthCheckPort"] = str(t.port) if hp == "traffic-port" else hp
        out.append(row)
    return {"TargetHealthDescriptions": out}
