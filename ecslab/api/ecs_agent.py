"""What the ECS container agent calls: DiscoverPollEndpoint."""

from __future__ import annotations

from .ecs_common import tags_in
from .ecs_container_instances import container_instance_out
from .registry import handler


@handler("ecs", "DiscoverPollEndpoint")
def discover_poll_endpoint(lab, p):
    # The agent asks where to long-poll (ACS), where to send telemetry (TCS) and where Service
    # Connect lives. The host names follow the documented regional pattern; the numbered shard
    # ("ecs-a-1") is modelled [M]: AWS picks it per account and instance.
    if p.get("cluster"):
        lab.clusters.get(p["cluster"])
    region = lab.region
    return {
        "endpoint": f"https://ecs-a-1.{region}.amazonaws.com/",
        "telemetryEndpoint": f"https://ecs-t-1.{region}.amazonaws.com/",
        "serviceConnectEndpoint": f"https://ecs-sc.{region}.api.aws",
    }


def _resources(p) -> dict:
    out = {}
    for r in p.get("totalResources") or []:
        if r.get("name") == "CPU":
            out["cpu"] = r.get("integerValue")
        elif r.get("name") == "MEMORY":
            out["memory"] = r.get("integerValue")
    return out


@handler("ecs", "RegisterContainerInstance")
def register_container_instance(lab, p):
    tags = tags_in(p.get("tags"))
    lab.tags.validate(tags)
    ci = lab.agent_api.register(
        p.get("cluster"),
        p.get("instanceIdentityDocument"),
        agent_version=(p.get("versionInfo") or {}).get("agentVersion"),
        attributes={a["name"]: a.get("value") for a in p.get("attributes") or []},
        **_resources(p),
    )
    if tags:
        lab.tags.set(ci.arn, tags, check=False, cluster=ci.cluster)
    return {"containerInstance": container_instance_out(lab, ci, ("TAGS",))}


@handler("ecs", "SubmitTaskStateChange")
def submit_task_state_change(lab, p):
    lab.agent_api.report(
        "TaskStateChangeSubmitted",
        p.get("cluster"),
        p.get("task"),
        status=p.get("status"),
        reason=p.get("reason"),
        containers=len(p.get("containers") or []),
    )
    return {"acknowledgment": "ACK"}


@handler("ecs", "SubmitContainerStateChange")
def submit_container_state_change(lab, p):
    lab.agent_api.report(
        "ContainerStateChangeSubmitted",
        p.get("cluster"),
        p.get("task"),
        container=p.get("containerName"),
        status=p.get("status"),
        exit_code=p.get("exitCode"),
        reason=p.get("reason"),
    )
    return {"acknowledgment": "ACK"}


@handler("ecs", "SubmitAttachmentStateChanges")
def submit_attachment_state_changes(lab, p):
    lab.agent_api.report(
        "AttachmentStateChangesSubmitted",
        p.get("cluster"),
        None,
        attachments=[{"arn": a["attachmentArn"], "status": a["status"]} for a in p["attachments"]],
    )
    return {"acknowledgment": "ACK"}


@handler("ecs", "UpdateContainerAgent")
def update_container_agent(lab, p):
    ci = lab.agent_api.update_agent(p.get("cluster"), p["containerInstance"])
    return {"containerInstance": container_instance_out(lab, ci)}
