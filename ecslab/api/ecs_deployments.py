"""ECS service deployments and revisions: ListServiceDeployments, DescribeServiceDeployments,
DescribeServiceRevisions, StopServiceDeployment, ContinueServiceDeployment (the records live in
ecslab/domain/services/history.py, the blue/green lifecycle in bluegreen.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..core.errors import InvalidParameterException
from ..domain.services.history import is_revision_arn
from .paging import page
from .registry import handler
from .shape_case import shape, to_camel

__all__ = ["deployment_configuration_out", "load_balancers_out"]


@cache
def _shape(name: str):
    return shape("ecs", name)


def _hook_out(h: dict[str, Any]) -> dict[str, Any]:
    return to_camel(_shape("DeploymentLifecycleHook"), h)


def deployment_configuration_out(snap: dict[str, Any]) -> dict[str, Any]:
    """AWS's DeploymentConfiguration from a history snapshot (bluegreen.Config.snapshot)."""
    enable, rollback = snap["breaker"]
    out: dict[str, Any] = {
        "deploymentCircuitBreaker": {"enable": enable, "rollback": rollback},
        "maximumPercent": snap["maximum_percent"],
        "minimumHealthyPercent": snap["minimum_healthy_percent"],
        "strategy": snap["strategy"],
    }
    if "bake_time_in_minutes" in snap:
        out["bakeTimeInMinutes"] = snap["bake_time_in_minutes"]
    if snap.get("lifecycle_hooks"):
        out["lifecycleHooks"] = [_hook_out(h) for h in snap["lifecycle_hooks"]]
    return out


def load_balancers_out(lbs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [to_camel(_shape("LoadBalancer"), lb) for lb in lbs]


def strategy_extras(lab, svc, out: dict[str, Any]) -> None:
    """Add what the strategy settings change to a DescribeServices ``service``."""
    cfg = lab.services.history.configs.get(svc.arn)
    if cfg is None or not cfg.explicit:
        return
    snap = cfg.snapshot(svc)
    out["deploymentConfiguration"] = deployment_configuration_out(snap)
    out["loadBalancers"] = load_balancers_out(lab.services.history._lbs(svc))


def _summary(h, sd, rev, dep) -> dict[str, Any]:
    requested, running, pending = h.counts(sd, rev, dep)
    return {
        "arn": rev.arn,
        "requestedTaskCount": requested,
        "runningTaskCount": running,
        "pendingTaskCount": pending,
    }


def _deployment_out(lab, sd) -> dict[str, Any]:
    h = lab.services.history
    status, failures, threshold = h.breaker_out(sd)
    out: dict[str, Any] = {
        "serviceDeploymentArn": sd.arn,
        "serviceArn": sd.service.arn,
        "clusterArn": sd.service.cluster_arn,
        "createdAt": sd.created_at,
        "startedAt": sd.created_at,
        "updatedAt": sd.updated_at,
        "sourceServiceRevisions": [_summary(h, sd, r, d) for r, d in sd.sources],
        "targetServiceRevision": _summary(h, sd, sd.target, sd.dep),
        "status": sd.status,
        "deploymentConfiguration": deployment_configuration_out(sd.config),
        "deploymentCircuitBreaker": {
            "status": status,
            "failureCount": failures,
            "threshold": threshold,
        },
        "alarms": {"status": "DISABLED"},
    }
    if sd.status_reason:
        out["statusReason"] = sd.status_reason
    if sd.finished_at is not None:
        out["finishedAt"] = sd.finished_at
    if sd.stopped_at is not None:
        out["stoppedAt"] = sd.stopped_at
    if sd.lifecycle_stage:
        out["lifecycleStage"] = sd.lifecycle_stage
    if sd.hooks:
        out["lifecycleHookDetails"] = [
            {
                k: v
                for k, v in (
                    ("hookId", d["hook_id"]),
                    ("targetType", d["target_type"]),
                    ("targetArn", d.get("target_arn")),
                    ("status", d["status"]),
                    ("expiresAt", d.get("expires_at")),
                    ("timeoutAction", d.get("timeout_action")),
                )
                if v is not None
            }
            for d in sd.hooks
        ]
    if sd.rollback:
        rb = {"reason": sd.rollback["reason"], "startedAt": sd.rollback["started_at"]}
        if sd.rollback.get("revision"):
            rb["serviceRevisionArn"] = sd.rollback["revision"]
        out["rollback"] = rb
    return out


def _brief(sd) -> dict[str, Any]:
    out = {
        "serviceDeploymentArn": sd.arn,
        "serviceArn": sd.service.arn,
        "clusterArn": sd.service.cluster_arn,
        "startedAt": sd.created_at,
        "createdAt": sd.created_at,
        "targetServiceRevisionArn": sd.target.arn,
        "status": sd.status,
    }
    if sd.finished_at is not None:
        out["finishedAt"] = sd.finished_at
    if sd.status_reason:
        out["statusReason"] = sd.status_reason
    return out


def _revision_out(rev) -> dict[str, Any]:
    out: dict[str, Any] = {
        "serviceRevisionArn": rev.arn,
        "serviceArn": rev.service_arn,
        "clusterArn": rev.cluster_arn,
        "taskDefinition": rev.td_arn,
        "launchType": rev.launch_type,
        "loadBalancers": load_balancers_out(rev.load_balancers),
        "serviceRegistries": [],
        "containerImages": [
            {k: v for k, v in (("containerName", n), ("imageDigest", d), ("image", i)) if v}
            for n, i, d in rev.images
        ],
        "guardDutyEnabled": False,
        "createdAt": rev.created_at,
    }
    if rev.platform_version:
        out["platformVersion"] = rev.platform_version
        out["platformFamily"] = "Linux"
    if rev.network_configuration:
        out["networkConfiguration"] = to_camel(
            _shape("NetworkConfiguration"), rev.network_configuration
        )
    return out


@handler("ecs", "ListServiceDeployments")
def list_service_deployments(lab, p):
    svc = lab.services.get(p.get("cluster"), p["service"], active=False)
    statuses = p.get("status") or []
    created = p.get("createdAt") or {}
    before, after = created.get("before"), created.get("after")
    picked = [
        sd
        for sd in reversed(lab.services.history.of_service(svc))  # newest first
        if (not statuses or sd.status in statuses)
        and (before is None or sd.created_at <= _dt(before))
        and (after is None or sd.created_at >= _dt(after))
    ]
    chunk, token = page(picked, p, default_max=20, max_limit=100)
    return {"serviceDeployments": [_brief(sd) for sd in chunk], "nextToken": token}


def _dt(value):
    """botocore hands timestamps to handlers as datetimes (or epoch numbers on the wire)."""
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), tz=timezone.utc)


@handler("ecs", "DescribeServiceDeployments")
def describe_service_deployments(lab, p):
    arns = p["serviceDeploymentArns"]
    if not 1 <= len(arns) <= 20:
        raise InvalidParameterException("serviceDeploymentArns must have 1-20 items.")  # [M]
    h = lab.services.history
    found, failures = [], []
    for arn in arns:
        sd = h.deployments.get(arn)
        if sd is None:
            h.find(arn)  # a malformed ARN is an InvalidParameterException
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(_deployment_out(lab, sd))
    return {"serviceDeployments": found, "failures": failures}


@handler("ecs", "DescribeServiceRevisions")
def describe_service_revisions(lab, p):
    arns = p["serviceRevisionArns"]
    if not 1 <= len(arns) <= 20:
        raise InvalidParameterException("serviceRevisionArns must have 1-20 items.")  # [M]
    h = lab.services.history
    found, failures = [], []
    for arn in arns:
        if not is_revision_arn(arn):
            raise InvalidParameterException(f"Invalid service revision ARN: {arn}")  # [M]
        rev = h.revisions.get(arn)
        if rev is None:
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(_revision_out(rev))
    return {"serviceRevisions": found, "failures": failures}


@handler("ecs", "StopServiceDeployment")
def stop_service_deployment(lab, p):
    sd = lab.services.history.stop(p["serviceDeploymentArn"], p.get("stopType"))
    return {"serviceDeploymentArn": sd.arn}


@handler("ecs", "ContinueServiceDeployment")
def continue_service_deployment(lab, p):
    sd = lab.services.history.resume(p["serviceDeploymentArn"], p["hookId"], p.get("action"))
    return {"serviceDeploymentArn": sd.arn}
