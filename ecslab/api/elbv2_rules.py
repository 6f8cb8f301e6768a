"""ELBv2 (query protocol): listener rules and ModifyListener."""

from __future__ import annotations

from typing import Any

from .elbv2_balancers import listener_out, marker_page
from .registry import handler

__all__ = ["rule_out"]


def rule_out(lab, r) -> dict[str, Any]:
    return {
        "RuleArn": r.arn,
        "Priority": "default" if r.is_default else str(r.priority),
        "Conditions": [dict(c) for c in r.conditions],
        "Actions": [dict(a) for a in lab.elb.actions_of(r)],
        "IsDefault": r.is_default,
    }


@handler("elbv2", "CreateRule")
def create_rule(lab, p):
    r = lab.elb.create_rule(
        p["ListenerArn"], int(p["Priority"]), p.get("Conditions") or [], p.get("Actions") or []
    )
    return {"Rules": [rule_out(lab, r)]}


@handler("elbv2", "DescribeRules")
def describe_rules(lab, p):
    if p.get("RuleArns"):
        rules = [lab.elb.rule(a) for a in dict.fromkeys(p["RuleArns"])]
    elif p.get("ListenerArn"):
        rules = lab.elb.rules_of(p["ListenerArn"])
    else:
        from ..core.errors import error_for_code

        raise error_for_code("ValidationError")(
            "You must specify either listener rule ARNs or a listener ARN"
        )  # [U]
    chunk, nxt = marker_page(rules, p)
    out: dict[str, Any] = {"Rules": [rule_out(lab, r) for r in chunk]}
    if nxt:
        out["NextMarker"] = nxt
    return out


@handler("elbv2", "ModifyRule")
def modify_rule(lab, p):
    r = lab.elb.modify_rule(p["RuleArn"], p.get("Conditions"), p.get("Actions"))
    return {"Rules": [rule_out(lab, r)]}


@handler("elbv2", "DeleteRule")
def delete_rule(lab, p):
    lab.elb.delete_rule(p["RuleArn"])
    return {}


@handler("elbv2", "ModifyListener")
def modify_listener(lab, p):
    li = lab.elb.modify_listener(p["ListenerArn"], p.get("Port"), p.get("DefaultActions"))
    return {"Listeners": [listener_out(li)]}
