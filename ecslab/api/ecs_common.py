"""Small helpers shared by the ECS handlers (AWS spellings live here, not in the domain)."""

from __future__ import annotations

from typing import Any

from .shape_case import shape, to_camel

__all__ = ["tags_in", "tags_out", "cluster_out"]


def tags_in(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["key"]: t.get("value", "") for t in (tags or [])}


def tags_out(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in tags.items()]


def cluster_out(
    lab, cluster, include: list[str] | tuple[str, ...] = ("SETTINGS", "TAGS")
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clusterArn": cluster.arn,
        "clusterName": cluster.name,
        "status": cluster.status,
        **lab.clusters.counts(cluster),
        "statistics": [],
        "capacityProviders": [],
        "defaultCapacityProviderStrategy": [],
    }
    if cluster.execute_command is not None:
        out["configuration"] = {
            "executeCommandConfiguration": to_camel(
                shape("ecs", "ExecuteCommandConfiguration"), cluster.execute_command
            )
        }
    if cluster.service_connect_namespace:
        out["serviceConnectDefaults"] = {"namespace": cluster.service_connect_namespace}
    capacity = getattr(lab, "capacity", None)
    if capacity is not None:
        assoc = capacity.of_cluster(cluster.name)
        out["capacityProviders"] = list(assoc.providers)
        out["defaultCapacityProviderStrategy"] = [
            {"capacityProvider": i.provider, "weight": i.weight, "base": i.base}
            for i in assoc.default
        ]
        if assoc.status:
            out["attachmentsStatus"] = assoc.status
        if "ATTACHMENTS" in include:
            out["attachments"] = [
                {
                    "id": att_id,
                    "type": "as_policy",
                    "status": "ACTIVE" if assoc.status == "UPDATE_COMPLETE" else "PRECREATED",
                    "details": [
                        {"name": "capacityProviderName", "value": name},
                        {"name": "scalingPolicyName", "value": assoc.policies.get(name, "")},
                    ],
                }
                for name, att_id in assoc.attachments.items()
            ]
    if "SETTINGS" in include:
        out["settings"] = [{"name": k, "value": v} for k, v in cluster.settings.items()]
    if "TAGS" in include:
        out["tags"] = tags_out(lab.tags.of(cluster.arn))
    if "STATISTICS" in include:
        out["statistics"] = lab_statistics(lab, cluster)
    return out


def lab_statistics(lab, cluster) -> list[dict[str, str]]:
    stats: dict[str, int] = {}
    for d in lab.domains:
        fn = getattr(d, "cluster_statistics", None)
        if fn is not None:
            for k, v in fn(cluster.arn).items():
                stats[k] = stats.get(k, 0) + v
    for k in (
        "runningEC2TasksCount",
        "runningFargateTasksCount",
        "pendingEC2TasksCount",
        "pendingFargateTasksCount",
        "activeEC2ServiceCount",
        "activeFargateServiceCount",
        "drainingEC2ServiceCount",
        "drainingFargateServiceCount",
    ):
        stats.setdefault(k, 0)
    return [{"name": k, "value": str(v)} for k, v in stats.items()]
