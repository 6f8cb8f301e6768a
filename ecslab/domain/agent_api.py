"""The ECS agent's own API calls, answered for tools and tests that act as an agent.

RegisterContainerInstance goes through ``ContainerInstances.register`` -- the path the simulated
agent takes when an ECS-optimized instance boots -- so both give the same container instance.
Submit*StateChange are reports: ECS acknowledges them; ecslab records them as facts and checks
the cluster and task, but the simulated lifecycle stays in charge of task state [M].
UpdateContainerAgent follows the documented steps PENDING -> STAGING -> STAGED -> UPDATING ->
UPDATED (the step durations are modelled, [M]).
"""

from __future__ import annotations

import json

from ..core.errors import InvalidParameterException, error_for_code
from .ec2.images import IMAGES

__all__ = ["AgentApi", "LATEST_AGENT_VERSION", "UPDATE_STEPS"]

LATEST_AGENT_VERSION = max(
    (i.agent_version for i in IMAGES.values() if i.agent_version),
    key=lambda v: tuple(int(x) for x in v.split(".")),
)
UPDATE_STEPS = (("STAGING", 10), ("STAGED", 30), ("UPDATING", 10), ("UPDATED", 20))  # [M] seconds

NoUpdateAvailableException = error_for_code("NoUpdateAvailableException")
MissingVersionException = error_for_code("MissingVersionException")
UpdateInProgressException = error_for_code("UpdateInProgressException")


def _version(v: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in v.split("."))
    except ValueError:
        return ()


class AgentApi:
    def __init__(self, lab) -> None:
        self.lab = lab

    # -- RegisterContainerInstance -----------------------------------------------------------------

    def register(
        self,
        cluster_ref: str | None,
        identity_document: str | None,
        *,
        cpu: int | None = None,
        memory: int | None = None,
        agent_version: str | None = None,
        attributes: dict[str, str | None] | None = None,
    ):
        lab = self.lab
        cluster = lab.clusters.get(cluster_ref)
        try:
            doc = json.loads(identity_document or "")
            instance_id = doc["instanceId"]
        except (ValueError, KeyError, TypeError):
            raise InvalidParameterException(
                "instanceIdentityDocument must be the instance's identity document (JSON with "
                "instanceId)."
            ) from None  # [M] message
        inst = lab.instances.get(instance_id)
        if inst.state != "running":
            raise InvalidParameterException(f"Instance {instance_id} is not running.")  # [M]
        for n in (cpu, memory):
            if n is not None and n <= 0:
                raise InvalidParameterException("totalResources values must be positive.")  # [M]
        ci = lab.container_instances.register(
            inst, cluster.name, {}, cpu=cpu, memory=memory, attributes=attributes
        )
        if agent_version and ci.agent_version != agent_version:
            ci.agent_version = agent_version
            lab.emit(
                "ContainerAgentVersionReported",
                "ecs",
                cluster=cluster.name,
                resource=ci.arn,
                agent_version=agent_version,
            )
        return ci

    # -- Submit*StateChange ------------------------------------------------------------------------

    def report(self, kind: str, cluster_ref: str | None, task_ref: str | None, **detail) -> None:
        cluster = self.lab.clusters.get(cluster_ref)
        task = None
        if task_ref:
            task = self.lab.tasks.find(cluster.name, task_ref)
            if task is None:
                raise InvalidParameterException("The referenced task was not found.")  # [M]
        self.lab.emit(
            kind,
            "ecs",
            cluster=cluster.name,
            resource=task.arn if task else cluster.arn,
            **detail,
        )

    # -- UpdateContainerAgent ---------------------------------------------------------------------

    def update_agent(self, cluster_ref: str | None, ref: str):
        lab = self.lab
        cluster = lab.clusters.get(cluster_ref)
        ci = lab.container_instances.find(cluster.name, ref)
        if ci is None or ci.status == "INACTIVE":
            raise InvalidParameterException("Container instance not found.")  # [M]
        image = IMAGES.get(ci.ami_id)
        if image is None or not image.ecs_optimized:
            # Documented: only Amazon ECS-optimized AMI Linux instances can be updated this way.
            raise InvalidParameterException(
                "Agent update is only supported on instances launched from an Amazon "
                "ECS-optimized AMI."
            )  # [M] message
        if ci.agent_update_status not in (None, "UPDATED", "FAILED"):
            raise UpdateInProgressException("There is already a current agent update in progress.")
        if not ci.agent_version or not _version(ci.agent_version):
            raise MissingVersionException(
                "Amazon ECS can't determine the current version of the container agent."
            )
        if _version(ci.agent_version) >= _version(LATEST_AGENT_VERSION):
            raise NoUpdateAvailableException(
                "There's no update available for this Amazon ECS container agent."
            )
        self._step(ci, "PENDING")
        delay = 0
        for status, seconds in UPDATE_STEPS:
            delay += seconds
            lab.clock.after(delay, lambda c=ci, s=status: self._step(c, s), "agent-update")
        return ci

    def _step(self, ci, status: str) -> None:
        ci.agent_update_status = status
        if status == "UPDATED":
            ci.agent_version = LATEST_AGENT_VERSION
        self.lab.container_instances._changed(ci)
        self.lab.emit(
            "ContainerAgentUpdateStatusChanged",
            "ecs",
            cluster=ci.cluster,
            resource=ci.arn,
            status=status,
            agent_version=ci.agent_version,
        )
