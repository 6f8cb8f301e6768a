"""ELBv2 (query protocol): load balancers and listeners."""

from __future__ import annotations

import base64
import json
from typing import Any

from ..core.errors import error_for_code
from ..domain.elb.model import HOSTED_ZONES
from .registry import handler

__all__ = ["marker_page", "lb_out", "listener_out"]


def marker_page(items: list[Any], p: dict[str, Any]) -> tuple[list[Any], str | None]:
    """ELBv2's Marker / PageSize paging (PageSize 1-400)."""
    size = p.get("PageSize") or 400
    if not 1 <= size <= 400:
        raise error_for_code("ValidationError")("Page size must be between 1 and 400")
    start = 0
    if p.get("Marker"):
        try:
            start = int(json.loads(base64.b64decode(p["Marker"], validate=True))["o"])
        except Exception:
            raise error_for_code("ValidationError")("The marker is not valid") from None
    chunk = items[start : start + size]
    nxt = None
    if start + size < len(items):
        nxt = base64.b64encode(json.dumps({"o": start + size}).encode()).decode()
    return chunk, nxt


def lb_out(lab, lb) -> dict[str, Any]:
    return {
        "LoadBalancerArn": lb.arn,
        "DNSName": lb.dns_name,
        "CanonicalHostedZoneId": HOSTED_ZONES.get(lab.region, "Z35SXDOTRQ7X7K"),
        "CreatedTime": lb.created_at,
        "LoadBalancerName": lb.name,
        "Scheme": lb.scheme,
        "VpcId": lb.vpc_id,
        "State": {"Code": lb.state},
        "Type": lb.type,
        "AvailabilityZones": [
            {"ZoneName": az, "SubnetId": sid, "LoadBalancerAddresses": []} for az, sid in lb.subnets
        ],
        "SecurityGroups": list(lb.security_groups),
        "IpAddressType": "ipv4",
    }


def listener_out(li) -> dict[str, Any]:
    return {
        "ListenerArn": li.arn,
        "LoadBalancerArn": li.lb_arn,
        "Port": li.port,
        "Protocol": li.protocol,
        "DefaultActions": [dict(a) for a in li.actions],
    }


def _tags(p: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in p.get("Tags") or []}


@handler("elbv2", "CreateLoadBalancer")
def create_load_balancer(lab, p):
    if p.get("Subnets") and p.get("SubnetMappings"):
        raise error_for_code("ValidationError")(
            "You can specify subnets or subnet mappings, but not both"
        )
    subnets = list(p.get("Subnets") or []) + [m["SubnetId"] for m in p.get("SubnetMappings") or []]
    lb = lab.elb.create_load_balancer(
        name=p["Name"],
        subnets=subnets,
        security_groups=p.get("SecurityGroups"),
        scheme=p.get("Scheme"),
        lb_type=p.get("Type"),
        ip_address_type=p.get("IpAddressType"),
        tags=_tags(p),
    )
    return {"LoadBalancers": [lb_out(lab, lb)]}


@handler("elbv2", "DescribeLoadBalancers")
def describe_load_balancers(lab, p):
    lbs = lab.elb.describe_load_balancers(p.get("LoadBalancerArns"), p.get("Names"))
    chunk, nxt = marker_page(lbs, p)
    out = {"LoadBalancers": [lb_out(lab, lb) for lb in chunk]}
    if nxt:
        out["NextMarker"] = nxt
    return out


@handler("elbv2", "DeleteLoadBalancer")
def delete_load_balancer(lab, p):
    lab.elb.delete_load_balancer(p["LoadBalancerArn"])
    return {}


def forward_targets(actions: list[dict[str, Any]]) -> list[str]:
    """The target groups that default actions forward to (TargetGroupArn or ForwardConfig)."""
    out = []
    for a in actions:
        if a.get("Type") == "forward" and not (
            a.get("TargetGroupArn") or (a.get("ForwardConfig") or {}).get("TargetGroups")
        ):
            raise error_for_code("ValidationError")(
                "A target group ARN must be specified for forward actions"
            )
        if a.get("TargetGroupArn"):
            out.append(a["TargetGroupArn"])
        out += [
            t["TargetGroupArn"] for t in (a.get("ForwardConfig") or {}).get("TargetGroups") or []
        ]
    return out


@handler("elbv2", "CreateListener")
def create_listener(lab, p):
    actions = p.get("DefaultActions") or []
    li = lab.elb.create_listener(
        p["LoadBalancerArn"],
        p.get("Protocol"),
        p.get("Port"),
        forward_targets(actions),
        actions,
        has_certificate=bool(p.get("Certificates")),
    )
    return {"Listeners": [listener_out(li)]}


@handler("elbv2", "DescribeListeners")
def describe_listeners(lab, p):
    lis = lab.elb.describe_listeners(p.get("LoadBalancerArn"), p.get("ListenerArns"))
    chunk, nxt = marker_page(lis, p)
    out = {"Listeners": [listener_out(li) for li in chunk]}
    if nxt:
        out["NextMarker"] = nxt
    return out


@handler("elbv2", "DeleteListener")
def delete_listener(lab, p):
    lab.elb.delete_listener(p["ListenerArn"])
    return {}
