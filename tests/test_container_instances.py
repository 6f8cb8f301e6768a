"""ECS container-instance APIs: list/describe/state/deregister, attributes, cluster counts."""

import pytest
from botocore.exceptions import ClientError


def err(ei):
    e = ei.value.response["Error"]
    return e["Code"], e["Message"]


@pytest.fixture
def two(lab, ecs, launch):
    """Two registered instances in MyCluster: (ec2 ids, container-instance ARNs)."""
    ecs.create_cluster(clusterName="MyCluster")
    ids = [launch("m5.large"), launch("m7g.large", arm=True)]
    lab.advance("1m")
    arns = ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
    return ids, arns


def test_list_and_describe_by_id_and_arn(lab, ecs, two):
    ids, arns = two
    assert len(arns) == 2
    short = arns[0].rsplit("/", 1)[1]
    d = ecs.describe_container_instances(
        cluster="MyCluster", containerInstances=[short, arns[1], "0" * 32], include=["TAGS"]
    )
    assert [c["ec2InstanceId"] for c in d["containerInstances"]] == ids
    assert d["failures"] == [
        {
            "arn": "arn:aws:ecs:ap-east-1:123456789012:container-instance/MyCluster/" + "0" * 32,
            "reason": "MISSING",
        }
    ]
    assert d["containerInstances"][0]["registeredAt"] == lab.start.replace(second=35)
    page1 = ecs.list_container_instances(cluster="MyCluster", maxResults=1)
    assert page1["containerInstanceArns"] == arns[:1]
    page2 = ecs.list_container_instances(cluster="MyCluster", nextToken=page1["nextToken"])
    assert page2["containerInstanceArns"] == arns[1:]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.list_container_instances(cluster="nope")


def test_list_filter_simple_attribute_expressions(ecs, two):
    _, arns = two
    f = ecs.list_container_instances
    assert (
        f(cluster="MyCluster", filter="attribute:ecs.cpu-architecture == arm64")[
            "containerInstanceArns"
        ]
        == arns[1:]
    )
    assert (
        f(cluster="MyCluster", filter="attribute:ecs.instance-type != m7g.large")[
            "containerInstanceArns"
        ]
        == arns[:1]
    )
    assert f(cluster="MyCluster", filter="attribute:stack exists")["containerInstanceArns"] == []


def test_drain_and_activate(lab, ecs, two):
    _, arns = two
    r = ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=[arns[0], "f" * 32], status="DRAINING"
    )
    assert [c["status"] for c in r["containerInstances"]] == ["DRAINING"]
    assert r["failures"][0]["reason"] == "MISSING"
    assert (
        ecs.list_container_instances(cluster="MyCluster", status="DRAINING")[
            "containerInstanceArns"
        ]
        == arns[:1]
    )
    assert (
        ecs.list_container_instances(cluster="MyCluster", status="ACTIVE")["containerInstanceArns"]
        == arns[1:]
    )
    c = ecs.describe_clusters(clusters=["MyCluster"])["clusters"][0]
    assert c["registeredContainerInstancesCount"] == 2  # draining ones still count
    with pytest.raises(ClientError) as ei:
        ecs.update_container_instances_state(
            cluster="MyCluster", containerInstances=arns, status="REGISTERING"
        )
    assert err(ei)[0] == "InvalidParameterException"
    ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=[arns[0]], status="ACTIVE"
    )
    changed = lab.events[lab.events["kind"] == "ContainerInstanceStatusChanged"]
    assert [d["status"] for d in changed["detail"]] == ["DRAINING", "ACTIVE"]


def test_deregister_and_cluster_delete(lab, ecs, ec2, two):
    ids, arns = two
    with pytest.raises(ClientError) as ei:
        ecs.delete_cluster(cluster="MyCluster")
    assert err(ei) == (
        "ClusterContainsContainerInstancesException",
        "The Cluster cannot be deleted while Container Instances are active or draining.",
    )
    ci = ecs.deregister_container_instance(cluster="MyCluster", containerInstance=arns[0])[
        "containerInstance"
    ]
    assert ci["status"] == "INACTIVE" and ci["agentConnected"] is False
    assert "now INACTIVE (deregistered)" in lab.diagnose_instance(ids[0])
    assert ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"] == arns[1:]
    # Terminating the EC2 instance deregisters the other one.
    ec2.terminate_instances(InstanceIds=[ids[1]])
    assert ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"] == []
    assert ecs.delete_cluster(cluster="MyCluster")["cluster"]["status"] == "INACTIVE"
    gone = lab.events[lab.events["kind"] == "ContainerInstanceDeregistered"]
    assert [d["reason"] for d in gone["detail"]] == [
        "DeregisterContainerInstance",
        "EC2 instance terminated",
    ]


def test_attributes_put_list_delete_and_limit(lab, ecs, two):
    _, arns = two
    put = ecs.put_attributes(
        cluster="MyCluster",
        attributes=[{"name": "stack", "value": "prod", "targetId": arns[0]}],
    )["attributes"]
    assert put == [
        {"name": "stack", "value": "prod", "targetType": "container-instance", "targetId": arns[0]}
    ]
    listed = ecs.list_attributes(
        cluster="MyCluster", targetType="container-instance", attributeName="stack"
    )["attributes"]
    assert [(a["targetId"], a["value"]) for a in listed] == [(arns[0], "prod")]
    types = ecs.list_attributes(
        cluster="MyCluster",
        targetType="container-instance",
        attributeName="ecs.instance-type",
        attributeValue="m7g.large",
    )["attributes"]
    assert [a["targetId"] for a in types] == [arns[1]]
    assert (
        ecs.list_container_instances(cluster="MyCluster", filter="attribute:stack == prod")[
            "containerInstanceArns"
        ]
        == arns[:1]
    )
    nine = [{"name": f"k{i}", "value": "v", "targetId": arns[0]} for i in range(9)]
    ecs.put_attributes(cluster="MyCluster", attributes=nine)  # 10 in total: fine
    n = len(lab.events)
    with pytest.raises(ecs.exceptions.AttributeLimitExceededException) as ei:
        ecs.put_attributes(
            cluster="MyCluster", attributes=[{"name": "one-more", "targetId": arns[0]}]
        )
    assert err(ei)[1] == "You can apply up to 10 custom attributes for each resource."
    assert len(lab.events) == n
    ecs.delete_attributes(cluster="MyCluster", attributes=[{"name": "stack", "targetId": arns[0]}])
    assert (
        ecs.list_attributes(
            cluster="MyCluster", targetType="container-instance", attributeName="stack"
        )["attributes"]
        == []
    )
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(
            cluster="MyCluster", attributes=[{"name": "x", "value": "y", "targetId": "0" * 32}]
        )
    assert err(ei)[0] == "TargetNotFoundException"
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(
            cluster="MyCluster", attributes=[{"name": "bad name!", "targetId": arns[0]}]
        )
    assert err(ei)[0] == "InvalidParameterException"


def test_instance_attributes_from_ecs_config(lab, ecs, launch):
    ecs.create_cluster(clusterName="MyCluster")
    launch(
        user_data="#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config\n"
        """echo 'ECS_INSTANCE_ATTRIBUTES={"stack": "prod"}' >> /etc/ecs/ecs.config\n"""
        "echo ECS_RESERVED_PORTS=[8080] >> /etc/ecs/ecs.config"
    )
    lab.advance("1m")
    [arn] = ecs.list_container_instances(cluster="MyCluster", filter="attribute:stack == prod")[
        "containerInstanceArns"
    ]
    ci = ecs.describe_container_instances(cluster="MyCluster", containerInstances=[arn])[
        "containerInstances"
    ][0]
    ports = {r["name"]: r for r in ci["registeredResources"]}["PORTS"]["stringSetValue"]
    assert "8080" in ports


def test_table_for_the_scheduler(lab, ecs, two):
    _, arns = two
    t = lab.container_instances.table()
    assert t["arn"].tolist() == arns
    assert t["cpu_registered"].tolist() == [2048, 2048]
    assert t["mem_registered"].tolist() == [7985, 7985]
    assert t["eni_capacity"].tolist() == [2, 2]
    assert t["arch"].tolist() == ["x86_64", "arm64"]
    assert str(t["registered_at"].dtype) == "datetime64[ns, UTC]"
    assert t["ports_reserved"][0] == (22, 2375, 2376, 51678, 51679)
    lab.container_instances.reserve(arns[0], 512, 1024, ports=(8080,), enis=1)
    t = lab.container_instances.table()
    assert (t.loc[0, "cpu_reserved"], t.loc[0, "mem_reserved"], t.loc[0, "eni_used"]) == (
        512,
        1024,
        1,
    )
    rem = ecs.describe_container_instances(cluster="MyCluster", containerInstances=arns[:1])[
        "containerInstances"
    ][0]["remainingResources"]
    assert {r["name"]: r.get("integerValue") for r in rem}["CPU"] == 1536
