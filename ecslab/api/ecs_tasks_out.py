"""A domain Task as AWS's ``Task`` output shape (DescribeTasks, RunTask, StartTask, StopTask).

Fields appear when ECS shows them: timestamps once the step happened, ``containerInstanceArn``
for EC2, ``platformVersion`` / ``platformFamily`` / ``ephemeralStorage`` for Fargate, task-level
``cpu``/``memory`` when the definition or the overrides set them, ENI attachment and container
``networkInterfaces`` for awsvpc, ``networkBindings`` for bridge/host, ``managedAgents`` when
ECS Exec was enabled.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..domain.tasks.shell import agent_status
from .ecs_common import tags_out
from .shape_case import shape, to_camel
from .wire import Wire, epoch

__all__ = ["task_out"]

_TIMES = (
    ("connectivityAt", "connectivity_at"),
    ("pullStartedAt", "pull_started_at"),
    ("pullStoppedAt", "pull_stopped_at"),
    ("startedAt", "started_at"),
    ("stoppingAt", "stopping_at"),
    ("executionStoppedAt", "execution_stopped_at"),
    ("stoppedAt", "stopped_at"),
)


@cache
def _container_override():
    return shape("ecs", "ContainerOverride")


def _overrides(task) -> dict[str, Any]:
    o = task.overrides
    if not o:  # most tasks: one name-only entry per container
        return {
            "containerOverrides": [{"name": c.name} for c in task.containers],
            "inferenceAcceleratorOverrides": [],
        }
    given = {c.get("name"): c for c in o.get("container_overrides") or []}
    out: dict[str, Any] = {
        "containerOverrides": [
            to_camel(_container_override(), given[c.name]) if c.name in given else {"name": c.name}
            for c in task.containers
        ],
        "inferenceAcceleratorOverrides": [],
    }
    for key, name in (
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("task_role_arn", "taskRoleArn"),
        ("execution_role_arn", "executionRoleArn"),
    ):
        if o.get(key):
            out[name] = o[key]
    if o.get("ephemeral_storage"):
        out["ephemeralStorage"] = {"sizeInGiB": o["ephemeral_storage"]["size_in_gi_b"]}
    return out


def _attachment(task, region: str) -> dict[str, Any]:
    e = task.eni
    return {
        "id": e.attachment_id,
        "type": "ElasticNetworkInterface",
        "status": e.status,
        "details": [
            {"name": "subnetId", "value": e.subnet_id},
            {"name": "networkInterfaceId", "value": e.eni_id},
            {"name": "macAddress", "value": e.mac},
            {
                "name": "privateDnsName",
                "value": f"ip-{e.private_ip.replace('.', '-')}.{region}.compute.internal",
            },
            {"name": "privateIPv4Address", "value": e.private_ip},
        ],
    }


def _container(task, c) -> dict[str, Any]:
    out: dict[str, Any] = {
        "containerArn": c.arn,
        "taskArn": task.arn,
        "name": c.name,
        "image": c.image,
        "lastStatus": c.last_status,
        "networkInterfaces": [],
        "healthStatus": c.health_status or "UNKNOWN",
        "cpu": str(c.cpu),
    }
    if c.network_bindings:  # assigned at placement
        out["networkBindings"] = [
            {
                "bindIP": b["bind_ip"],
                "containerPort": b["container_port"],
                "hostPort": b["host_port"],
                "protocol": b["protocol"],
            }
            for b in c.network_bindings
        ]
    if c.image_digest:
        out["imageDigest"] = c.image_digest
    if c.started_at is not None:
        out["runtimeId"] = c.runtime_id
    if c.exit_code is not None:
        out["exitCode"] = c.exit_code
    if c.reason:
        out["reason"] = c.reason
    if c.memory is not None:
        out["memory"] = str(c.memory)
    if c.memory_reservation is not None:
        out["memoryReservation"] = str(c.memory_reservation)
    if task.eni is not None:
        out["networkInterfaces"] = [
            {"attachmentId": task.eni.attachment_id, "privateIpv4Address": task.eni.private_ip}
        ]
    agent = agent_status(task)
    if agent is not None:
        ma: dict[str, Any] = {"name": "ExecuteCommandAgent", "lastStatus": agent}
        if agent == "RUNNING" or (agent == "STOPPED" and task.started_at and task.task_role_arn):
            ma["lastStartedAt"] = epoch(task.started_at)
        out["managedAgents"] = [ma]
    return out


def task_out(lab, task, include_tags: bool = False) -> dict[str, Any]:
    """The Task, already in wire form (see ``wire.Wire``)."""
    out: dict[str, Any] = Wire(
        {
            "attachments": [_attachment(task, lab.region)] if task.eni is not None else [],
            "attributes": [{"name": "ecs.cpu-architecture", "value": task.arch}],
            "availabilityZone": task.az,
            "clusterArn": task.cluster_arn,
            "containers": [_container(task, c) for c in task.containers],
            "createdAt": epoch(task.created_at),
            "desiredStatus": task.desired_status,
            "enableExecuteCommand": task.enable_execute_command,
            "group": task.group,
            "healthStatus": task.health_status,
            "lastStatus": task.last_status,
            "launchType": task.launch_type,
            "overrides": _overrides(task),
            "tags": tags_out(lab.tags.of(task.arn)) if include_tags else [],
            "taskArn": task.arn,
            "taskDefinitionArn": task.td.arn,
            "version": task.version,
        }
    )
    if task.connectivity:
        out["connectivity"] = task.connectivity
    for name, attr in _TIMES:
        value = getattr(task, attr)
        if value is not None:
            out[name] = epoch(value)
    if task.az is None:
        del out["availabilityZone"]  # a task still waiting for an instance has none yet
    if task.capacity_provider:
        out["capacityProviderName"] = task.capacity_provider
    if task.container_instance_arn:
        out["containerInstanceArn"] = task.container_instance_arn
    # Task-level size, or (as the aws-cli run-task example shows for sleep360) the containers'.
    out["cpu"] = task.task_cpu or str(task.cpu)
    out["memory"] = task.task_memory or str(task.memory)
    if task.fargate:
        out["platformVersion"] = task.platform_version
        out["platformFamily"] = "Linux"
        out["ephemeralStorage"] = {"sizeInGiB": task.ephemeral_gib}
    if task.started_by:
        out["startedBy"] = task.started_by
    if task.stop_code:
        out["stopCode"] = task.stop_code
    if task.stopped_reason:
        out["stoppedReason"] = task.stopped_reason
    return out
