"""The "why not placed?" view: every container instance, the filter that rejected it, and the
words ECS uses for it.

Built on ``lab.why_not_placed`` (the scheduler's explain(): the first filter that removed each
instance in the last placement) and DescribeContainerInstances (type, zone, status, agent, what is
left). ``message`` follows the service-event templates ("The closest matching
container-instance <id> has insufficient CPU units available." ...; the CPU, port, AGENT and
attribute wordings are documented, the others modelled by analogy). ``reason`` is what RunTask's
``failures[].reason`` says.
"""

from __future__ import annotations

import pandas as pd

from .kit import client

__all__ = ["why_not_placed_view", "VIEW_COLUMNS", "MESSAGES"]

VIEW_COLUMNS = [
    "container_instance",
    "ec2_instance_id",
    "instance_type",
    "az",
    "status",
    "agent_connected",
    "cpu_free",
    "memory_free",
    "filter",
    "reason",
    "message",
]

#: filter -> the end of ECS's sentence "The closest matching container-instance <id> ..."
MESSAGES = {
    "status": "is not ACTIVE (it is {status}), so it takes no new tasks.",
    "agent": 'encountered error "AGENT".',
    "attribute": "is missing an attribute required by your task.",
    "location": "is not in an Availability Zone of the task's subnets.",
    "cpu": "has insufficient CPU units available.",
    "memory": "has insufficient memory available.",
    "ports": "is already using a port required by your task.",
    "ports_udp": "is already using a UDP port required by your task.",
    "eni": "has no free elastic network interface for an awsvpc task.",
    "member_of": "does not satisfy the task's memberOf placement constraint.",
    "distinct_instance": "already runs a task of this group (distinctInstance).",
}


def _remaining(ci: dict, name: str) -> int | None:
    for r in ci.get("remainingResources", []):
        if r["name"] == name:
            return r.get("integerValue")
    return None


def why_not_placed_view(lab, cluster: str, family: str | None = None) -> pd.DataFrame:
    """One row per container instance of ``cluster`` for its last placement (of ``family``):
    what it is, what it has left, the filter that rejected it, RunTask's reason and ECS's
    sentence. Instances that could take the task have empty filter/reason/message."""
    why = lab.why_not_placed(cluster, family)
    if why.empty:
        return pd.DataFrame(columns=VIEW_COLUMNS)
    arns = list(why["arn"])
    ecs = client(lab, "ecs")
    described: dict[str, dict] = {}
    for i in range(0, len(arns), 100):
        resp = ecs.describe_container_instances(
            cluster=cluster, containerInstances=arns[i : i + 100]
        )
        described.update({c["containerInstanceArn"]: c for c in resp["containerInstances"]})
    rows = []
    for rec in why.to_dict("records"):
        ci = described.get(rec["arn"], {})
        attrs = {a["name"]: a.get("value") for a in ci.get("attributes", [])}
        short = rec["arn"].rsplit("/", 1)[-1]
        status = ci.get("status", "")
        message = ""
        if rec["filter"]:
            tail = MESSAGES.get(rec["filter"], f"failed the {rec['filter']} check.")
            message = f"The closest matching container-instance {short} " + tail.format(
                status=status
            )
        rows.append(
            {
                "container_instance": short,
                "ec2_instance_id": rec["ec2_instance_id"],
                "instance_type": attrs.get("ecs.instance-type", ""),
                "az": attrs.get("ecs.availability-zone", ""),
                "status": status,
                "agent_connected": bool(ci.get("agentConnected", False)),
                "cpu_free": _remaining(ci, "CPU"),
                "memory_free": _remaining(ci, "MEMORY"),
                "filter": rec["filter"] or "",
                "reason": rec["reason"] or "",
                "message": message,
            }
        )
    return pd.DataFrame(rows, columns=VIEW_COLUMNS)
