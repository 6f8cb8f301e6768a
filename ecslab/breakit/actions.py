"""Recorded lab actions the break-it labs need (imported with ecslab, so replay finds them).

* ``breakit_started`` / ``breakit_hint`` / ``breakit_skipped``: markers in the event table
  (facts ``BreakItStarted``, ``BreakItHintShown``, ``BreakItSkipped``) that the class report reads;
* ``stop_ecs_agent`` / ``start_ecs_agent``: ``sudo systemctl stop ecs`` on a container instance
  (DescribeContainerInstances then shows ``agentConnected: false`` and placement rejects it with
  ``AGENT``). Modelled: the instance stays ACTIVE while its agent is stopped, as on AWS.
"""

from __future__ import annotations

from ..core.record import lab_action

__all__ = ["breakit_started", "breakit_hint", "breakit_skipped", "stop_ecs_agent"]


@lab_action
def breakit_started(lab, scenario: str, number: int, variant: str, cluster: str) -> None:
    lab.emit(
        "BreakItStarted", "lab", cluster=cluster, resource=scenario, number=number, variant=variant
    )


@lab_action
def breakit_hint(lab, scenario: str, level: int) -> None:
    lab.emit("BreakItHintShown", "lab", resource=scenario, level=level)


@lab_action
def breakit_skipped(lab, scenario: str) -> None:
    lab.emit("BreakItSkipped", "lab", resource=scenario)


def _agent(lab, instance_id: str, connected: bool) -> None:
    ci = lab.container_instances.for_instance(instance_id)
    if ci is None:
        raise ValueError(f"{instance_id} is not a registered container instance")
    if ci.agent_connected == connected:
        return
    ci.agent_connected = connected
    lab.container_instances._changed()
    lab.emit(
        "AgentStarted" if connected else "AgentStopped",
        "ecs",
        cluster=ci.cluster,
        resource=ci.arn,
        ec2_instance_id=instance_id,
    )


@lab_action
def stop_ecs_agent(lab, instance_id: str) -> None:
    _agent(lab, instance_id, False)


@lab_action
def start_ecs_agent(lab, instance_id: str) -> None:
    _agent(lab, instance_id, True)
