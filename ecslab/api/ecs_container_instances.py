"""ECS container-instance operations (what the agent registered)."""

from __future__ import annotations

from ..core.errors import InvalidParameterException
from ..domain.scheduler import parse as parse_query
from .ecs_common import tags_out
from .paging import page
from .registry import handler

_STATUSES = ("ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED")


def _int_resource(name: str, value: int) -> dict:
    return {
        "name": name,
        "type": "INTEGER",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": value,
    }


def _ports_resource(name: str, ports) -> dict:
    return {
        "name": name,
        "type": "STRINGSET",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": 0,
        "stringSetValue": [str(p) for p in ports],
    }


def _provider_name(lab, ci) -> dict:
    """capacityProviderName: the provider of the Auto Scaling group that launched the instance,
    when that provider serves the instance's cluster."""
    group = lab.asg.group_of(ci.ec2_instance_id)
    prov = lab.capacity.provider_of_group(group.name) if group is not None else None
    if prov is None or prov.cluster != ci.cluster:
        return {}
    return {"capacityProviderName": prov.name}


def container_instance_out(lab, ci, include=()) -> dict:
    out = {
        "containerInstanceArn": ci.arn,
        "ec2InstanceId": ci.ec2_instance_id,
        **_provider_name(lab, ci),
        "versionInfo": {
            "agentVersion": ci.agent_version,
            "agentHash": "5ab1d3c8",
            "dockerVersion": f"DockerVersion: {ci.docker_version}",
        },
        "registeredResources": [
            _int_resource("CPU", ci.cpu),
            _int_resource("MEMORY", ci.memory),
            _ports_resource("PORTS", ci.ports),
            _ports_resource("PORTS_UDP", ci.ports_udp),
        ],
        "remainingResources": [
            _int_resource("CPU", ci.cpu - ci.cpu_reserved),
            _int_resource("MEMORY", ci.memory - ci.mem_reserved),
            _ports_resource("PORTS", ci.ports + ci.ports_reserved),
            _ports_resource("PORTS_UDP", ci.ports_udp + ci.ports_udp_reserved),
        ],
        "status": ci.status,
        "agentConnected": ci.agent_connected,
        "runningTasksCount": ci.running_tasks,
        "pendingTasksCount": ci.pending_tasks,
        "attributes": [
            {"name": n, **({"value": v} if v is not None else {})}
            for n, v in ci.attributes().items()
        ],
        "registeredAt": ci.registered_at,
        "attachments": [],
        "tags": [],
    }
    if ci.agent_update_status:
        out["agentUpdateStatus"] = ci.agent_update_status
    if ci.status_reason:
        out["statusReason"] = ci.status_reason
    if "TAGS" in include:
        out["tags"] = tags_out(lab.tags.of(ci.arn))
    if "CONTAINER_INSTANCE_HEALTH" in include:
        out["healthStatus"] = {
            "overallStatus": "OK" if ci.agent_connected else "INSUFFICIENT_DATA",
            "details": [],
        }
    return out


def _filter(lab, cluster: str, items, expression: str):
    """The full cluster query language (ecslab.domain.scheduler.query) over the scheduler's
    instance table of the cluster."""
    query = parse_query(expression)
    table = lab.tasks.placement.table(cluster)
    keep = {a for a, ok in zip(table.arn, query.mask(table), strict=True) if ok}
    return [c for c in items if c.arn in keep]


@handler("ecs", "ListContainerInstances")
def list_container_instances(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    status = p.get("status")
    if status is not None and status not in _STATUSES:
        raise InvalidParameterException(
            f"Invalid status value '{status}'. Valid values are: {', '.join(_STATUSES)}."
        )
    items = lab.container_instances.listed(cluster.name, status)
    if p.get("filter"):
        items = _filter(lab, cluster.name, items, p["filter"])
    chunk, token = page([c.arn for c in items], p)
    return {"containerInstanceArns": chunk, "nextToken": token}


@handler("ecs", "DescribeContainerInstances")
def describe_container_instances(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    refs = p["containerInstances"]
    if len(refs) > 100:
        raise InvalidParameterException("containerInstances can have at most 100 items.")
    include = p.get("include") or []
    found, failures = [], []
    for ref in refs:
        ci = lab.container_instances.find(cluster.name, ref)
        if ci is None:
            failures.append(
                {"arn": lab.container_instances.arn_for(cluster.name, ref), "reason": "MISSING"}
            )
        else:
            found.append(container_instance_out(lab, ci, include))
    return {"containerInstances": found, "failures": failures}


@handler("ecs", "UpdateContainerInstancesState")
def update_container_instances_state(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    found, missing = lab.container_instances.update_state(
        cluster.name, list(p["containerInstances"]), p["status"]
    )
    return {
        "containerInstances": [container_instance_out(lab, c) for c in found],
        "failures": [
            {"arn": lab.container_instances.arn_for(cluster.name, m), "reason": "MISSING"}
            for m in missing
        ],
    }


@handler("ecs", "DeregisterContainerInstance")
def deregister_container_instance(lab, p):
    ci = lab.container_instances.deregister(
        p.get("cluster") or "default", p["containerInstance"], bool(p.get("force"))
    )
    return {"containerInstance": container_instance_out(lab, ci)}


# -- attributes ----------------------------------------------------------------------------------


def _items(p) -> list[dict]:
    return [
        {
            "name": a["name"],
            "value": a.get("value"),
            "target_type": a.get("targetType", "container-instance"),
            "target_id": a.get("targetId"),
        }
        for a in p["attributes"]
    ]


def _attrs_out(rows) -> list[dict]:
    return [
        {
            "name": name,
            **({"value": value} if value is not None else {}),
            "targetType": "container-instance",
            "targetId": ci.arn,
        }
        for ci, name, value in rows
    ]


@handler("ecs", "PutAttributes")
def put_attributes(lab, p):
    return {"attributes": _attrs_out(lab.attributes.put(p.get("cluster"), _items(p)))}


@handler("ecs", "DeleteAttributes")
def delete_attributes(lab, p):
    return {"attributes": _attrs_out(lab.attributes.delete(p.get("cluster"), _items(p)))}


@handler("ecs", "ListAttributes")
def list_attributes(lab, p):
    if p["targetType"] != "container-instance":
        raise InvalidParameterException("Invalid targetType. Valid value is container-instance.")
    rows = lab.attributes.list(p.get("cluster"), p.get("attributeName"), p.get("attributeValue"))
    chunk, token = page(_attrs_out(rows), p)
    return {"attributes": chunk, "nextToken": token}
