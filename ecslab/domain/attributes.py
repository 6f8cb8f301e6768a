"""Attributes of container instances: the agent's built-in ones and custom ones.

Built-in attributes (``ecs.instance-type``, ``ecs.availability-zone``, capabilities ...) are set
at registration; custom ones come from ECS_INSTANCE_ATTRIBUTES in ecs.config or PutAttributes,
at most 10 per resource. ListAttributes returns both, as ECS does.
"""

from __future__ import annotations

import re

from ..core.errors import (
    AttributeLimitExceededException,
    InvalidParameterException,
    error_for_code,
)

__all__ = ["Attributes", "builtin_attributes", "CAPABILITIES", "MAX_CUSTOM"]

MAX_CUSTOM = 10
_NAME = re.compile(r"^[A-Za-z0-9_./\\-]{1,128}$")
_VALUE = re.compile(r"^[A-Za-z0-9_.@/\\:\- ]{1,128}$")
TargetNotFoundException = error_for_code("TargetNotFoundException")

DOCKER_API_VERSIONS = ("1.17", "1.18", "1.19", "1.20", "1.21", "1.22", "1.23", "1.24", "1.25")
#: Capability attributes of an Amazon Linux 2 ECS-optimized instance (a representative set).
CAPABILITIES = (
    *(f"com.amazonaws.ecs.capability.docker-remote-api.{v}" for v in DOCKER_API_VERSIONS),
    "com.amazonaws.ecs.capability.ecr-auth",
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "com.amazonaws.ecs.capability.logging-driver.json-file",
    "com.amazonaws.ecs.capability.logging-driver.none",
    "com.amazonaws.ecs.capability.logging-driver.syslog",
    "com.amazonaws.ecs.capability.privileged-container",
    "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.task-iam-role-network-host",
    "ecs.capability.container-health-check",
    "ecs.capability.container-ordering",
    "ecs.capability.docker-plugin.local",
    "ecs.capability.efsAuth",
    "ecs.capability.env-files.s3",
    "ecs.capability.execution-role-awslogs",
    "ecs.capability.execution-role-ecr-pull",
    "ecs.capability.firelens.fluentbit",
    "ecs.capability.full-sync",
    "ecs.capability.increased-task-cpu-limit",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.secrets.ssm.environment-variables",
    "ecs.capability.task-cpu-mem-limit",
)


def builtin_attributes(ci, task_eni: bool, trunk: bool) -> dict[str, str | None]:
    attrs: dict[str, str | None] = {name: None for name in CAPABILITIES}
    if task_eni:
        attrs["ecs.capability.task-eni"] = None
        attrs["ecs.capability.cni-plugin-version"] = "55b2ae77-2024.09.0"
    if trunk:
        attrs["ecs.capability.task-eni-trunking"] = None
    attrs.update(
        {
            "ecs.ami-id": ci.ami_id,
            "ecs.availability-zone": ci.az,
            "ecs.cpu-architecture": ci.arch,
            "ecs.instance-type": ci.instance_type,
            "ecs.os-family": "LINUX",
            "ecs.os-type": "linux",
            "ecs.subnet-id": ci.subnet_id,
            "ecs.vpc-id": ci.vpc_id,
        }
    )
    return dict(sorted(attrs.items()))


class Attributes:
    """PutAttributes / DeleteAttributes / ListAttributes over container instances."""

    def __init__(self, lab) -> None:
        self.lab = lab

    def _target(self, cluster: str, item: dict):
        if item.get("target_type", "container-instance") != "container-instance":
            raise InvalidParameterException(
                "ecslab supports attributes on container instances only "
                "(targetType container-instance)."
            )
        ref = item.get("target_id")
        if not ref:
            raise InvalidParameterException("targetId must be specified for each attribute.")
        ci = self.lab.container_instances.find(cluster, ref)
        if ci is None or ci.status == "INACTIVE":
            raise TargetNotFoundException(f"Could not find {ref}.")
        return ci

    @staticmethod
    def _check(name: str, value: str | None) -> None:
        if not _NAME.match(name or ""):
            raise InvalidParameterException(
                "Attribute names must be 1-128 letters, numbers, hyphens, underscores, "
                "periods, forward slashes or back slashes."
            )
        if value is not None and (not _VALUE.match(value) or value != value.strip()):
            raise InvalidParameterException(
                "Attribute values must be 1-128 letters, numbers, hyphens, underscores, periods, "
                "at signs, forward slashes, back slashes, colons or spaces, and must not start or "
                "end with a space."
            )

    def put(
        self, cluster_ref: str | None, items: list[dict]
    ) -> list[tuple[object, str, str | None]]:
        cluster = self.lab.clusters.get(cluster_ref)
        plan: dict[str, dict[str, str | None]] = {}
        targets = {}
        for item in items:
            self._check(item["name"], item.get("value"))
            ci = self._target(cluster.name, item)
            targets[ci.arn] = ci
            plan.setdefault(ci.arn, dict(ci.custom))[item["name"]] = item.get("value")
        for custom in plan.values():
            if len(custom) > MAX_CUSTOM:
                raise AttributeLimitExceededException(
                    f"You can apply up to {MAX_CUSTOM} custom attributes for each resource."
                )
        out = []
        for arn, custom in plan.items():
            ci = targets[arn]
            ci.custom = custom
            self.lab.container_instances._changed()  # the scheduler's table reads attributes
            self.lab.emit(
                "AttributesPut", "ecs", cluster=cluster.name, resource=arn, attributes=custom
            )
        for item in items:
            out.append((self._target(cluster.name, item), item["name"], item.get("value")))
        return out

    def delete(
        self, cluster_ref: str | None, items: list[dict]
    ) -> list[tuple[object, str, str | None]]:
        cluster = self.lab.clusters.get(cluster_ref)
        resolved = [(self._target(cluster.name, item), item) for item in items]
        out = []
        for ci, item in resolved:
            if item["name"] in ci.custom:
                value = ci.custom.pop(item["name"])
                self.lab.container_instances._changed()
                self.lab.emit(
                    "AttributeDeleted",
                    "ecs",
                    cluster=cluster.name,
                    resource=ci.arn,
                    name=item["name"],
                )
                out.append((ci, item["name"], value))
            else:
                out.append((ci, item["name"], item.get("value")))
        return out

    def list(
        self, cluster_ref: str | None, name: str | None = None, value: str | None = None
    ) -> list[tuple[object, str, str | None]]:
        cluster = self.lab.clusters.get(cluster_ref)
        if value is not None and name is None:
            raise InvalidParameterException(
                "attributeName must be specified when attributeValue is specified."
            )
        out = []
        for ci in self.lab.container_instances.in_cluster(cluster.name):
            if ci.status == "INACTIVE":
                continue
            for n, v in ci.attributes().items():
                if (name is None or n == name) and (value is None or v == value):
                    out.append((ci, n, v))
        return out
