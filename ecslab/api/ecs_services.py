"""ECS service operations: CreateService, UpdateService, DeleteService, DescribeServices,
ListServices (the scheduler itself lives in ecslab/domain/services)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..core.errors import ClusterNotFoundException, InvalidParameterException
from ..domain.tasks.model import PRE_RUNNING
from .ecs_common import tags_in, tags_out
from .ecs_deployments import strategy_extras
from .ecs_task_sets import task_set_out
from .paging import page
from .registry import handler
from .shape_case import shape, to_camel, to_snake

__all__ = ["service_out"]


@cache
def _shape(name: str):
    return shape("ecs", name)


def _request(p, shape_name: str) -> dict:
    spec = to_snake(_shape(shape_name), p)
    if "tags" in spec:
        spec["tags"] = tags_in(spec.get("tags"))
    return spec


def _counts(tasks) -> tuple[int, int]:
    running = sum(1 for t in tasks if t.last_status == "RUNNING")
    pending = sum(1 for t in tasks if t.last_status in PRE_RUNNING)
    return running, pending


def _network(netconf) -> dict[str, Any] | None:
    return to_camel(_shape("NetworkConfiguration"), netconf) if netconf else None


def _launch(svc) -> dict[str, Any]:
    """launchType, or the capacityProviderStrategy a service uses instead of one."""
    if svc.capacity_provider_strategy:
        return {
            "capacityProviderStrategy": [
                {
                    "capacityProvider": i["capacity_provider"],
                    "weight": i["weight"],
                    "base": i["base"],
                }
                for i in svc.capacity_provider_strategy
            ]
        }
    return {"launchType": svc.launch_type}


def _deployment(svc, dep) -> dict[str, Any]:
    tasks = [st.task for st in svc.tasks.values() if st.deployment is dep]
    running, pending = _counts(tasks)
    desired = dep.desired_count if dep is svc.primary else sum(1 for t in tasks if t.live)
    out: dict[str, Any] = {
        "id": dep.id,
        "status": dep.status,
        "taskDefinition": dep.td.arn,
        "desiredCount": desired if svc.status == "ACTIVE" or dep is not svc.primary else 0,
        "pendingCount": pending,
        "runningCount": running,
        "failedTasks": dep.failed_tasks,
        "createdAt": dep.created_at,
        "updatedAt": dep.updated_at,
        **_launch(svc),
        "rolloutState": dep.rollout_state,
        "rolloutStateReason": dep.rollout_reason,
    }
    if svc.launch_type == "FARGATE":
        out["platformVersion"] = svc.platform_version or "LATEST"
        out["platformFamily"] = "Linux"
    if svc.network_configuration:
        out["networkConfiguration"] = _network(svc.network_configuration)
    return out


def service_out(lab, svc, include_tags: bool = False) -> dict[str, Any]:
    running, pending = _counts([st.task for st in svc.tasks.values()])
    out: dict[str, Any] = {
        "serviceArn": svc.arn,
        "serviceName": svc.name,
        "clusterArn": svc.cluster_arn,
        "loadBalancers": [
            {
                "targetGroupArn": lb.target_group_arn,
                "containerName": lb.container_name,
                "containerPort": lb.container_port,
            }
            for lb in svc.load_balancers
        ],
        "serviceRegistries": [],
        "status": svc.status,
        "desiredCount": svc.desired_count,
        "runningCount": running,
        "pendingCount": pending,
        **_launch(svc),
        # An EXTERNAL service without a primary task set has none.
        **({"taskDefinition": svc.td.arn} if svc.td is not None else {}),
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {
                "enable": svc.breaker_enable,
                "rollback": svc.breaker_rollback,
            },
            "maximumPercent": svc.maximum_percent,
            "minimumHealthyPercent": svc.minimum_healthy_percent,
        },
        "deployments": [_deployment(svc, d) for d in svc.deployments]
        if svc.status != "INACTIVE"
        else [],
        "events": [
            {"id": e.id, "createdAt": e.created_at, "message": e.message} for e in svc.events
        ],
        "createdAt": svc.created_at,
        "placementConstraints": [
            {k: v for k, v in (("type", c.get("type")), ("expression", c.get("expression"))) if v}
            for c in svc.placement_constraints
        ],
        "placementStrategy": [
            {k: v for k, v in (("type", s.get("type")), ("field", s.get("field"))) if v}
            for s in svc.placement_strategy
        ],
        "schedulingStrategy": svc.scheduling_strategy,
        "deploymentController": {"type": svc.deployment_controller},
        "createdBy": f"arn:aws:iam::{lab.account_id}:root",
        "enableECSManagedTags": svc.enable_ecs_managed_tags,
        "propagateTags": svc.propagate_tags or "NONE",
        "enableExecuteCommand": svc.enable_execute_command,
    }
    if svc.external:
        _external(lab, svc, out)
    if svc.load_balancers or svc.health_check_grace_period:
        out["healthCheckGracePeriodSeconds"] = svc.health_check_grace_period
    if svc.load_balancers:
        out["roleArn"] = (
            f"arn:aws:iam::{lab.account_id}:role/aws-service-role/ecs.amazonaws.com/"
            "AWSServiceRoleForECS"
        )
    if svc.launch_type == "FARGATE":
        out["platformVersion"] = svc.platform_version or "LATEST"
        out["platformFamily"] = "Linux"
    if svc.network_configuration:
        out["networkConfiguration"] = _network(svc.network_configuration)
    if include_tags:
        out["tags"] = tags_out(lab.tags.of(svc.arn))
    strategy_extras(lab, svc, out)  # deploymentConfiguration.strategy, advancedConfiguration
    return out


def _external(lab, svc, out: dict[str, Any]) -> None:
    """An EXTERNAL service: its task sets instead of deployments; without a PRIMARY task set the
    task-set fields (launch type, task definition ...) are absent (Developer Guide)."""
    out["deployments"] = []
    out["taskSets"] = [task_set_out(lab, svc, ts) for ts in svc.task_sets]
    if svc.td is None:
        for key in ("launchType", "capacityProviderStrategy"):
            out.pop(key, None)


@handler("ecs", "CreateService")
def create_service(lab, p):
    svc = lab.services.create(_request(p, "CreateServiceRequest"))
    return {"service": service_out(lab, svc, include_tags=True)}


@handler("ecs", "UpdateService")
def update_service(lab, p):
    svc = lab.services.update(_request(p, "UpdateServiceRequest"))
    return {"service": service_out(lab, svc)}


@handler("ecs", "DeleteService")
def delete_service(lab, p):
    svc = lab.services.delete(p.get("cluster"), p["service"], bool(p.get("force")))
    return {"service": service_out(lab, svc)}


@handler("ecs", "DescribeServices")
def describe_services(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    refs = p["services"]
    if len(refs) > 10:
        raise InvalidParameterException("services can have at most 10 items.")  # [M]
    include = p.get("include") or []
    for inc in include:
        if inc != "TAGS":
            raise InvalidParameterException(f"Invalid include value '{inc}'.")
    found, failures = [], []
    for ref in refs:
        try:
            svc = lab.services.find(cluster.name, ref)
        except ClusterNotFoundException:
            svc = None
        if svc is None:
            arn = ref if ref.startswith("arn:") else lab.services.arn_for(cluster.name, ref)
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(service_out(lab, svc, "TAGS" in include))
    return {"services": found, "failures": failures}


@handler("ecs", "ListServices")
def list_services(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    arns = [
        s.arn
        for s in lab.services.in_cluster(cluster.name)
        if s.status != "INACTIVE"
        and (p.get("launchType") is None or s.launch_type == p["launchType"])
        and (
            p.get("schedulingStrategy") is None or s.scheduling_strategy == p["schedulingStrategy"]
        )
    ]
    chunk, token = page(arns, p, default_max=10)
    return {"serviceArns": chunk, "nextToken": token}
