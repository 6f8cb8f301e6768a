"""ECS capacity providers: CreateCapacityProvider, DescribeCapacityProviders,
UpdateCapacityProvider, DeleteCapacityProvider, PutClusterCapacityProviders."""

from __future__ import annotations

from ..core.errors import InvalidParameterException
from ..domain.capacity.strategy import parse
from .ecs_common import cluster_out, tags_in, tags_out
from .paging import page
from .registry import handler
from .shape_case import shape, to_snake


def provider_out(lab, p, include_tags: bool = False) -> dict:
    out = {"capacityProviderArn": p.arn, "name": p.name, "status": p.status}
    if not p.fargate:
        out["type"] = "EC2_AUTOSCALING"
        out["autoScalingGroupProvider"] = {
            "autoScalingGroupArn": p.group_arn,
            "managedScaling": {
                "status": p.scaling_status,
                "targetCapacity": p.target_capacity,
                "minimumScalingStepSize": p.min_step,
                "maximumScalingStepSize": p.max_step,
                "instanceWarmupPeriod": p.warmup,
            },
            "managedTerminationProtection": p.termination_protection,
            "managedDraining": p.managed_draining,
        }
        if p.update_status:
            out["updateStatus"] = p.update_status
        if p.update_reason:
            out["updateStatusReason"] = p.update_reason
    else:
        out["type"] = "FARGATE"
    out["tags"] = tags_out(lab.tags.of(p.arn)) if include_tags and not p.fargate else []
    return out


def strategy_out(items) -> list[dict]:
    return [{"capacityProvider": i.provider, "weight": i.weight, "base": i.base} for i in items]


@handler("ecs", "CreateCapacityProvider")
def create_capacity_provider(lab, p):
    if p.get("cluster") is not None or p.get("managedInstancesProvider") is not None:
        raise InvalidParameterException(
            "ecslab simulates Auto Scaling group capacity providers; Amazon ECS Managed "
            "Instances providers are not simulated."
        )  # [M]
    spec = to_snake(shape("ecs", "CreateCapacityProviderRequest"), p)
    prov = lab.capacity.create(p["name"], spec, tags_in(p.get("tags")))
    return {"capacityProvider": provider_out(lab, prov, True)}


@handler("ecs", "UpdateCapacityProvider")
def update_capacity_provider(lab, p):
    spec = to_snake(shape("ecs", "UpdateCapacityProviderRequest"), p)
    prov = lab.capacity.update(p["name"], spec)
    return {"capacityProvider": provider_out(lab, prov)}


@handler("ecs", "DeleteCapacityProvider")
def delete_capacity_provider(lab, p):
    prov = lab.capacity.delete(p["capacityProvider"])
    return {"capacityProvider": provider_out(lab, prov)}


@handler("ecs", "DescribeCapacityProviders")
def describe_capacity_providers(lab, p):
    include = p.get("include") or []
    for inc in include:
        if inc != "TAGS":
            raise InvalidParameterException(f"Invalid include value '{inc}'.")
    refs = p.get("capacityProviders") or []
    found, failures = [], []
    if refs:
        for ref in refs:
            prov = lab.capacity.find(ref)
            if prov is None:
                arn = ref if ref.startswith("arn:") else lab.capacity.arn_for(ref)
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                found.append(prov)
    else:
        found = [x for x in lab.capacity.all() if x.status == "ACTIVE"]
    chunk, token = page(found, p, default_max=10, max_limit=10)
    return {
        "capacityProviders": [provider_out(lab, x, "TAGS" in include) for x in chunk],
        "failures": failures,
        "nextToken": token,
    }


@handler("ecs", "PutClusterCapacityProviders")
def put_cluster_capacity_providers(lab, p):
    cluster = lab.clusters.get(p["cluster"])
    default = parse(
        to_snake(shape("ecs", "CapacityProviderStrategy"), p["defaultCapacityProviderStrategy"])
    )
    lab.capacity.put_cluster(cluster, list(p["capacityProviders"]), default)
    return {"cluster": cluster_out(lab, cluster, ("SETTINGS", "ATTACHMENTS"))}
