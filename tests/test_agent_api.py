"""The ECS agent's API: RegisterContainerInstance (same path as the simulated agent),
DiscoverPollEndpoint, Submit*StateChange and UpdateContainerAgent -- through real boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from taskkit import ECS_AMI, cluster, taskdef


def _err(lab, call, code):
    before = len(lab.events)
    with pytest.raises(ClientError) as ei:
        call()
    assert ei.value.response["Error"]["Code"] == code
    assert len(lab.events) == before
    return ei.value.response["Error"]["Message"]


def _lone_instance(lab, cluster_in_config="nowhere") -> str:
    """An ECS-optimized instance whose agent looks for a cluster that does not exist."""
    ami = lab.client("ssm").get_parameter(Name=ECS_AMI)["Parameter"]["Value"]
    out = lab.client("ec2").run_instances(
        ImageId=ami,
        InstanceType="m5.large",
        MinCount=1,
        MaxCount=1,
        UserData=f"ECS_CLUSTER={cluster_in_config}\n",
        IamInstanceProfile={"Name": "ecsInstanceRole"},
    )
    lab.advance("1m")
    return out["Instances"][0]["InstanceId"]


def test_register_container_instance_and_reregister(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    iid = _lone_instance(lab)
    doc = json.dumps({"instanceId": iid, "region": "ap-east-1"})
    out = ecs.register_container_instance(
        cluster="MyCluster",
        instanceIdentityDocument=doc,
        instanceIdentityDocumentSignature="sig",
        totalResources=[
            {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 3000},
        ],
        versionInfo={"agentVersion": "1.80.0", "agentHash": "abc", "dockerVersion": "20.10"},
        attributes=[{"name": "stack", "value": "blue"}],
        tags=[{"key": "team", "value": "a"}],
        platformDevices=[{"id": "gpu0", "type": "GPU"}],
    )["containerInstance"]
    assert out["ec2InstanceId"] == iid
    res = {r["name"]: r.get("integerValue") for r in out["registeredResources"]}
    assert res["CPU"] == 1024 and res["MEMORY"] == 3000
    assert {"name": "stack", "value": "blue"} in out["attributes"]
    assert out["tags"] == [{"key": "team", "value": "a"}]
    assert out["versionInfo"]["agentVersion"] == "1.80.0"
    again = ecs.register_container_instance(cluster="MyCluster", instanceIdentityDocument=doc)
    assert again["containerInstance"]["containerInstanceArn"] == out["containerInstanceArn"]
    listed = ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
    assert listed == [out["containerInstanceArn"]]
    # The agent-registered instance is the same object: re-registering it returns it too.
    (booted,) = cluster(lab, 1, name="Other")
    bid = ecs.describe_container_instances(cluster="Other", containerInstances=[booted])[
        "containerInstances"
    ][0]["ec2InstanceId"]
    same = ecs.register_container_instance(
        cluster="Other", instanceIdentityDocument=json.dumps({"instanceId": bid})
    )["containerInstance"]
    assert same["containerInstanceArn"] == booted


def test_register_errors_change_nothing(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    iid = _lone_instance(lab)
    doc = json.dumps({"instanceId": iid})
    _err(
        lab,
        lambda: ecs.register_container_instance(cluster="nope", instanceIdentityDocument=doc),
        "ClusterNotFoundException",
    )
    _err(
        lab,
        lambda: ecs.register_container_instance(cluster="MyCluster", instanceIdentityDocument="x"),
        "InvalidParameterException",
    )
    assert ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"] == []


def test_discover_poll_endpoint(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    out = ecs.discover_poll_endpoint(cluster="MyCluster")
    assert out["endpoint"] == "https://ecs-a-1.ap-east-1.amazonaws.com/"
    assert out["telemetryEndpoint"] == "https://ecs-t-1.ap-east-1.amazonaws.com/"
    assert out["serviceConnectEndpoint"].startswith("https://")
    _err(lab, lambda: ecs.discover_poll_endpoint(cluster="nope"), "ClusterNotFoundException")


def test_submit_state_changes_are_acknowledged_and_recorded(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "one", command=("sleep", "infinity"))
    arn = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]["taskArn"]
    out = ecs.submit_task_state_change(cluster="MyCluster", task=arn, status="RUNNING")
    assert out["acknowledgment"] == "ACK"
    row = lab.events.iloc[-1]
    assert row["kind"] == "TaskStateChangeSubmitted" and row["resource"] == arn
    out = ecs.submit_container_state_change(
        cluster="MyCluster", task=arn, containerName="one", status="RUNNING"
    )
    assert out["acknowledgment"] == "ACK"
    assert lab.events.iloc[-1]["kind"] == "ContainerStateChangeSubmitted"
    att = "arn:aws:ecs:ap-east-1:123456789012:attachment/abc"
    out = ecs.submit_attachment_state_changes(
        cluster="MyCluster", attachments=[{"attachmentArn": att, "status": "ATTACHED"}]
    )
    assert out["acknowledgment"] == "ACK"
    _err(
        lab,
        lambda: ecs.submit_task_state_change(cluster="nope", task=arn, status="RUNNING"),
        "ClusterNotFoundException",
    )
    _err(
        lab,
        lambda: ecs.submit_task_state_change(cluster="MyCluster", task="0" * 32, status="RUNNING"),
        "InvalidParameterException",
    )


def test_update_container_agent(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    (ci,) = cluster(lab, 1, name="MyCluster")
    # The ECS-optimized AMI's agent is the newest ecslab knows: nothing to update.
    _err(
        lab,
        lambda: ecs.update_container_agent(cluster="MyCluster", containerInstance=ci),
        "NoUpdateAvailableException",
    )
    iid = _lone_instance(lab)
    old = ecs.register_container_instance(
        cluster="MyCluster",
        instanceIdentityDocument=json.dumps({"instanceId": iid}),
        versionInfo={"agentVersion": "1.80.0"},
    )["containerInstance"]["containerInstanceArn"]
    out = ecs.update_container_agent(cluster="MyCluster", containerInstance=old)
    assert out["containerInstance"]["agentUpdateStatus"] == "PENDING"
    _err(
        lab,
        lambda: ecs.update_container_agent(cluster="MyCluster", containerInstance=old),
        "UpdateInProgressException",
    )
    lab.advance("2m")
    got = ecs.describe_container_instances(cluster="MyCluster", containerInstances=[old])
    got = got["containerInstances"][0]
    assert got["agentUpdateStatus"] == "UPDATED"
    assert got["versionInfo"]["agentVersion"] == "1.89.2"
    steps = lab.events[lab.events["kind"] == "ContainerAgentUpdateStatusChanged"]
    assert [d["status"] for d in steps["detail"]] == [
        "PENDING",
        "STAGING",
        "STAGED",
        "UPDATING",
        "UPDATED",
    ]
