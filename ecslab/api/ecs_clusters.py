"""ECS cluster operations and resource tagging."""

from __future__ import annotations

from ..core.errors import ClusterNotFoundException, InvalidParameterException
from ..domain.capacity.strategy import parse
from .ecs_common import cluster_out, tags_in, tags_out
from .paging import page
from .registry import handler
from .shape_case import shape, to_snake

_INCLUDE = ("ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS")


def _settings(params) -> dict[str, str]:
    return {s["name"]: s["value"] for s in params.get("settings") or []}


@handler("ecs", "CreateCluster")
def create_cluster(lab, p):
    tags = tags_in(p.get("tags"))
    lab.tags.validate(tags)
    cluster, created = lab.clusters.create(p.get("clusterName"), _settings(p))
    if created:
        lab.tags.set(cluster.arn, tags, check=False, cluster=cluster.name)
    if created and (p.get("capacityProviders") or p.get("defaultCapacityProviderStrategy")):
        default = to_snake(
            shape("ecs", "CapacityProviderStrategy"), p.get("defaultCapacityProviderStrategy") or []
        )
        lab.capacity.put_cluster(cluster, list(p.get("capacityProviders") or []), parse(default))
    return {"cluster": cluster_out(lab, cluster)}


@handler("ecs", "ListClusters")
def list_clusters(lab, p):
    arns = [c.arn for c in lab.clusters.active()]
    chunk, token = page(arns, p)
    return {"clusterArns": chunk, "nextToken": token}


@handler("ecs", "DescribeClusters")
def describe_clusters(lab, p):
    include = p.get("include") or []
    for inc in include:
        if inc not in _INCLUDE:
            raise InvalidParameterException(f"Invalid include value '{inc}'.")
    refs = p.get("clusters") or ["default"]
    if len(refs) > 100:
        raise InvalidParameterException("clusters can have at most 100 items.")
    clusters, failures = [], []
    for ref in refs:
        try:
            c = lab.clusters.find(ref)
        except ClusterNotFoundException:
            c = None  # an ARN of another region or account
        if c is None:
            failures.append(
                {
                    "arn": ref if ref.startswith("arn:") else lab.clusters.arn_for(ref),
                    "reason": "MISSING",
                }
            )
        else:
            clusters.append(cluster_out(lab, c, include))
    return {"clusters": clusters, "failures": failures}


@handler("ecs", "DeleteCluster")
def delete_cluster(lab, p):
    cluster = lab.clusters.delete(p["cluster"])
    return {"cluster": cluster_out(lab, cluster, ("SETTINGS",))}


@handler("ecs", "UpdateClusterSettings")
def update_cluster_settings(lab, p):
    cluster = lab.clusters.update_settings(p["cluster"], _settings(p))
    return {"cluster": cluster_out(lab, cluster, ("SETTINGS",))}


@handler("ecs", "UpdateCluster")
def update_cluster(lab, p):
    cfg = (p.get("configuration") or {}).get("executeCommandConfiguration")
    execute_command = (
        None if cfg is None else to_snake(shape("ecs", "ExecuteCommandConfiguration"), cfg)
    )
    defaults = p.get("serviceConnectDefaults")
    cluster = lab.clusters.update(
        p["cluster"],
        _settings(p),
        execute_command,
        None if defaults is None else defaults.get("namespace", ""),
    )
    return {"cluster": cluster_out(lab, cluster, ("SETTINGS",))}


@handler("ecs", "TagResource")
def tag_resource(lab, p):
    lab.tags.set(p["resourceArn"], tags_in(p["tags"]))
    return {}


@handler("ecs", "UntagResource")
def untag_resource(lab, p):
    lab.tags.remove(p["resourceArn"], list(p["tagKeys"]))
    return {}


@handler("ecs", "ListTagsForResource")
def list_tags_for_resource(lab, p):
    return {"tags": tags_out(lab.tags.list(p["resourceArn"]))}
