"""ECS task sets (services using the EXTERNAL deployment controller): CreateTaskSet,
DescribeTaskSets, UpdateTaskSet, DeleteTaskSet, UpdateServicePrimaryTaskSet (the behaviour
lives in ecslab/domain/services/tasksets.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..core.errors import InvalidParameterException
from ..domain.services.tasksets import counts, desired_of
from .ecs_common import tags_in, tags_out
from .registry import handler
from .shape_case import shape, to_camel, to_snake

__all__ = ["task_set_out"]


@cache
def _shape(name: str):
    return shape("ecs", name)


def _request(p, shape_name: str) -> dict:
    spec = to_snake(_shape(shape_name), p)
    if "tags" in spec:
        spec["tags"] = tags_in(spec.get("tags"))
    return spec


def task_set_out(lab, svc, ts, include_tags: bool = False) -> dict[str, Any]:
    """AWS's TaskSet."""
    running, pending = counts(svc, ts)
    out: dict[str, Any] = {
        "id": ts.id,
        "taskSetArn": ts.arn,
        "serviceArn": svc.arn,
        "clusterArn": svc.cluster_arn,
        "status": ts.status,
        "taskDefinition": ts.td.arn,
        "computedDesiredCount": desired_of(svc, ts),
        "pendingCount": pending,
        "runningCount": running,
        "createdAt": ts.created_at,
        "updatedAt": ts.updated_at,
        "loadBalancers": [
            {
                "targetGroupArn": lb.target_group_arn,
                "containerName": lb.container_name,
                "containerPort": lb.container_port,
            }
            for lb in ts.load_balancers
        ],
        "serviceRegistries": [],
        "scale": {"value": ts.scale, "unit": "PERCENT"},
        "stabilityStatus": ts.stability_status,
        "stabilityStatusAt": ts.stability_at,
    }
    if ts.external_id is not None:
        out["externalId"] = ts.external_id
    if ts.capacity_provider_strategy:
        out["capacityProviderStrategy"] = [
            {"capacityProvider": i["capacity_provider"], "weight": i["weight"], "base": i["base"]}
            for i in ts.capacity_provider_strategy
        ]
    else:
        out["launchType"] = ts.launch_type
    if ts.launch_type == "FARGATE":
        out["platformVersion"] = ts.platform_version or "LATEST"
        out["platformFamily"] = "Linux"
    if ts.network_configuration:
        out["networkConfiguration"] = to_camel(
            _shape("NetworkConfiguration"), ts.network_configuration
        )
    if include_tags:
        out["tags"] = tags_out(lab.tags.of(ts.arn))
    return out


@handler("ecs", "CreateTaskSet")
def create_task_set(lab, p):
    svc, ts = lab.services.task_sets.create(_request(p, "CreateTaskSetRequest"))
    return {"taskSet": task_set_out(lab, svc, ts, include_tags=True)}


@handler("ecs", "UpdateTaskSet")
def update_task_set(lab, p):
    svc, ts = lab.services.task_sets.update(_request(p, "UpdateTaskSetRequest"))
    return {"taskSet": task_set_out(lab, svc, ts)}


@handler("ecs", "UpdateServicePrimaryTaskSet")
def update_service_primary_task_set(lab, p):
    svc, ts = lab.services.task_sets.make_primary(_request(p, "UpdateServicePrimaryTaskSetRequest"))
    return {"taskSet": task_set_out(lab, svc, ts)}


@handler("ecs", "DeleteTaskSet")
def delete_task_set(lab, p):
    svc, ts = lab.services.task_sets.delete(_request(p, "DeleteTaskSetRequest"))
    return {"taskSet": task_set_out(lab, svc, ts)}


@handler("ecs", "DescribeTaskSets")
def describe_task_sets(lab, p):
    sets = lab.services.task_sets
    svc = sets.service(p.get("cluster"), p["service"], active=False)
    include = p.get("include") or []
    for inc in include:
        if inc != "TAGS":
            raise InvalidParameterException(f"Invalid include value '{inc}'.")  # [M]
    refs = p.get("taskSets")
    if refs is None:
        return {
            "taskSets": [task_set_out(lab, svc, ts, "TAGS" in include) for ts in svc.task_sets],
            "failures": [],
        }
    found, failures = [], []
    for ref in refs:
        ts = sets.find(svc, ref)
        if ts is None:
            arn = ref if ref.startswith("arn:") else sets.arn_for(svc, ref)
            failures.append({"arn": arn, "reason": "MISSING"})
        elif all(f["taskSetArn"] != ts.arn for f in found):
            found.append(task_set_out(lab, svc, ts, "TAGS" in include))
    return {"taskSets": found, "failures": failures}
