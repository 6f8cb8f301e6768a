"""RunTask validation errors and placement failures, end to end through boto3.

Every scheduler failure reason reaches the API's ``failures`` with the closest instance's ARN,
and ``lab.why_not_placed`` tells which filter removed which instance.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from taskkit import cluster, instances, subnets, taskdef

from ecslab import Lab


def _err(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


# -- request validation (nothing changes on error) ------------------------------------------------


def _setup(lab):
    cluster(lab)
    taskdef(lab, "app")
    taskdef(lab, "vpc", networkMode="awsvpc")


VALIDATION = [
    ({"count": 11}, "InvalidParameterException", "count must be between 1 and 10."),
    ({"count": 0}, "InvalidParameterException", "count must be between 1 and 10."),
    (
        {"taskDefinition": "vpc"},
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    ),
    (
        {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}},
        "InvalidParameterException",
        "Network Configuration is not valid for the given networkMode of this task definition.",
    ),
    (
        {
            "taskDefinition": "vpc",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-nope"]}},
        },
        "InvalidParameterException",
        "Error retrieving subnet information for [subnet-nope]: The subnet ID 'subnet-nope' "
        "does not exist (ErrorCode: InvalidSubnetID.NotFound)",
    ),
    ({"taskDefinition": "nope"}, "ClientException", "TaskDefinition not found."),
    (
        {"launchType": "FARGATE"},
        "InvalidParameterException",
        "Task definition does not support launch_type FARGATE.",
    ),
    (
        {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]},
        "InvalidParameterException",
        # the cluster has no capacity providers associated (AWS's message)
        "The specified capacity provider strategy cannot contain a capacity provider that is not "
        "associated with the cluster. Associate the capacity provider with the cluster or specify "
        "a valid capacity provider and try again.",
    ),
    (
        {"overrides": {"containerOverrides": [{"name": "ghost", "command": ["true"]}]}},
        "InvalidParameterException",
        "Override for container named ghost is not a container in the TaskDefinition.",
    ),
    ({"cluster": "nope"}, "ClusterNotFoundException", "Cluster not found."),
    (
        {"placementStrategy": [{"type": "binpack", "field": "disk"}]},
        "InvalidParameterException",
        "Invalid binpack field: 'disk'. Valid fields are cpu and memory.",
    ),
    (
        {"placementConstraints": [{"type": "memberOf", "expression": "attribute:x =="}]},
        "InvalidParameterException",
        None,
    ),
    (
        {"platformVersion": "LATEST"},
        "InvalidParameterException",
        "The platform version must be null when specifying an EC2 launch type.",
    ),
]


@pytest.mark.parametrize("params,code,message", VALIDATION)
def test_run_task_validation(lab, ecs, params, code, message):
    _setup(lab)
    before = len(lab.log)
    got_code, got_message = _err(
        ecs.run_task, **{"cluster": "MyCluster", "taskDefinition": "app", **params}
    )
    assert got_code == code
    if message is not None:
        assert got_message == message
    assert len(lab.log) == before  # a failed call leaves no trace
    assert ecs.list_tasks(cluster="MyCluster")["taskArns"] == []


def test_assign_public_ip_is_fargate_only(lab, ecs):
    _setup(lab)
    net = {"awsvpcConfiguration": {"subnets": subnets(lab)[:1], "assignPublicIp": "ENABLED"}}
    assert _err(
        ecs.run_task, cluster="MyCluster", taskDefinition="vpc", networkConfiguration=net
    ) == ("InvalidParameterException", "Assign public IP is not supported for this launch type.")


def test_inactive_task_definition_is_refused(lab, ecs):
    _setup(lab)
    ecs.deregister_task_definition(taskDefinition="app:1")
    assert _err(ecs.run_task, cluster="MyCluster", taskDefinition="app:1") == (
        "ClientException",
        "TaskDefinition is inactive",
    )


def test_cluster_without_instances(lab, ecs):
    ecs.create_cluster(clusterName="empty")
    taskdef(lab, "app")
    assert _err(ecs.run_task, cluster="empty", taskDefinition="app") == (
        "InvalidParameterException",
        "No Container Instances were found in your cluster.",
    )


# -- every placement failure reason reaches the API ------------------------------------------------


def _ci_id(arn):
    return arn.rsplit("/", 1)[1]


def _reason_cpu(lab, ecs, ci):
    return {"taskDefinition": taskdef(lab, "big", cpu=4096, memory=256)}


def _reason_memory(lab, ecs, ci):
    return {"taskDefinition": taskdef(lab, "big", cpu=0, memory=64_000)}


def _reason_ports(lab, ecs, ci):
    return {
        "taskDefinition": taskdef(lab, "ssh", portMappings=[{"containerPort": 22, "hostPort": 22}])
    }


def _reason_ports_udp(lab, ecs, ci):
    td = taskdef(
        lab, "dns", portMappings=[{"containerPort": 53, "hostPort": 53, "protocol": "udp"}]
    )
    ecs.run_task(cluster="MyCluster", taskDefinition=td)
    return {"taskDefinition": td}


def _reason_eni(lab, ecs, ci):
    # An m5.large holds 2 awsvpc tasks without trunking (3 ENIs - the primary).
    td = taskdef(lab, "vpc", networkMode="awsvpc", cpu=10, memory=10)
    net = {"awsvpcConfiguration": {"subnets": subnets(lab)}}
    ecs.run_task(cluster="MyCluster", taskDefinition=td, count=2, networkConfiguration=net)
    return {"taskDefinition": td, "networkConfiguration": net}


def _reason_attribute(lab, ecs, ci):
    return {"taskDefinition": taskdef(lab, "arm", runtimePlatform={"cpuArchitecture": "ARM64"})}


def _reason_location(lab, ecs, ci):
    td = taskdef(lab, "vpc", networkMode="awsvpc", cpu=10, memory=10)
    other = [
        s["SubnetId"]
        for s in lab.client("ec2").describe_subnets()["Subnets"]
        if s["AvailabilityZone"] != "ap-east-1a"
    ]
    return {
        "taskDefinition": td,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": other}},
    }


def _reason_inactive(lab, ecs, ci):
    ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=[ci], status="DRAINING"
    )
    return {"taskDefinition": taskdef(lab, "app")}


def _reason_member_of(lab, ecs, ci):
    return {
        "taskDefinition": taskdef(lab, "app"),
        "placementConstraints": [
            {"type": "memberOf", "expression": "attribute:ecs.instance-type == t3.micro"}
        ],
    }


def _reason_distinct(lab, ecs, ci):
    td = taskdef(lab, "app")
    ecs.run_task(cluster="MyCluster", taskDefinition=td)
    return {"taskDefinition": td, "placementConstraints": [{"type": "distinctInstance"}]}


REASONS = [
    (_reason_cpu, "RESOURCE:CPU", "cpu"),
    (_reason_memory, "RESOURCE:MEMORY", "memory"),
    (_reason_ports, "RESOURCE:PORTS", "ports"),
    (_reason_ports_udp, "RESOURCE:PORTS_UDP", "ports_udp"),
    (_reason_eni, "RESOURCE:ENI", "eni"),
    (_reason_attribute, "ATTRIBUTE", "attribute"),
    (_reason_location, "LOCATION", "location"),
    (_reason_inactive, "INACTIVE", "status"),
    (_reason_member_of, "MemberOf placement constraint unsatisfied", "member_of"),
    (_reason_distinct, "DistinctInstance placement constraint unsatisfied", "distinct_instance"),
]


@pytest.mark.parametrize("make,reason,filter_name", REASONS, ids=[r[1] for r in REASONS])
def test_failure_reason_reaches_the_api(lab, ecs, make, reason, filter_name):
    [ci] = cluster(lab)
    params = make(lab, ecs, ci)
    resp = ecs.run_task(cluster="MyCluster", count=2, **params)
    assert resp["tasks"] == []
    assert resp["failures"] == [{"arn": ci, "reason": reason}] * 2
    why = lab.why_not_placed("MyCluster", family=params["taskDefinition"].split(":")[0])
    assert why.to_dict("records") == [
        {
            "arn": ci,
            "ec2_instance_id": why["ec2_instance_id"][0],
            "filter": filter_name,
            "reason": reason,
        }
    ]
    failed = lab.events.query("kind == 'TaskPlacementFailed'")
    assert failed["detail"].iloc[-1]["failures"] == [{"arn": ci, "reason": reason}] * 2


def test_agent_disconnected_reason(lab, ecs):
    [ci] = cluster(lab)
    td = taskdef(lab, "app")
    lab.container_instances.get(ci).agent_connected = False
    lab.container_instances._changed()
    assert ecs.run_task(cluster="MyCluster", taskDefinition=td)["failures"] == [
        {"arn": ci, "reason": "AGENT"}
    ]


def test_closest_instance_named_and_partial_placement(lab, ecs):
    """Two instances: the one with room takes what fits, the failures name the closest one."""
    a, b = cluster(lab, 2)
    td = taskdef(lab, "half", cpu=1024, memory=256)  # m5.large registers 2048 CPU
    resp = ecs.run_task(cluster="MyCluster", taskDefinition=td, count=6)
    assert len(resp["tasks"]) == 4
    assert [f["reason"] for f in resp["failures"]] == ["RESOURCE:CPU"] * 2
    assert resp["failures"][0]["arn"] in (a, b)
    why = lab.why_not_placed("MyCluster")
    assert set(why["reason"]) == {"RESOURCE:CPU"}


def test_why_not_placed_after_success_and_unknown(lab, ecs):
    cluster(lab)
    assert list(lab.why_not_placed("MyCluster").columns) == [
        "arn",
        "ec2_instance_id",
        "filter",
        "reason",
    ]
    assert lab.why_not_placed("MyCluster").empty
    ecs.run_task(cluster="MyCluster", taskDefinition=taskdef(lab, "app"))
    why = lab.why_not_placed("MyCluster", family="app")
    assert why["filter"].isna().all() and len(why) == 1


def test_strategies_binpack_and_spread_through_the_api(lab, ecs):
    cis = cluster(lab, 3)
    td = taskdef(lab, "app", cpu=256, memory=256)
    packed = ecs.run_task(
        cluster="MyCluster",
        taskDefinition=td,
        count=4,
        placementStrategy=[{"type": "binpack", "field": "cpu"}],
    )["tasks"]
    assert len({t["containerInstanceArn"] for t in packed}) == 1
    spread = ecs.run_task(
        cluster="MyCluster",
        taskDefinition=td,
        count=3,
        group="spread",
        placementStrategy=[{"type": "spread", "field": "instanceId"}],
    )["tasks"]
    assert sorted(t["containerInstanceArn"] for t in spread) == sorted(cis)
    assert {t["group"] for t in spread} == {"spread"}


def test_dynamic_and_static_host_ports(lab, ecs):
    [ci] = cluster(lab)
    td = taskdef(
        lab,
        "web",
        cpu=10,
        memory=10,
        portMappings=[{"containerPort": 80}, {"containerPort": 8080, "hostPort": 8080}],
    )
    t1 = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]
    assert t1["containers"][0]["networkBindings"] == [
        {"bindIP": "0.0.0.0", "containerPort": 80, "hostPort": 32768, "protocol": "tcp"},
        {"bindIP": "0.0.0.0", "containerPort": 8080, "hostPort": 8080, "protocol": "tcp"},
    ]
    # The static port is now taken; a second copy cannot be placed there.
    assert (
        ecs.run_task(cluster="MyCluster", taskDefinition=td)["failures"][0]["reason"]
        == "RESOURCE:PORTS"
    )
    ports = next(
        r
        for r in ecs.describe_container_instances(cluster="MyCluster", containerInstances=[ci])[
            "containerInstances"
        ][0]["remainingResources"]
        if r["name"] == "PORTS"
    )["stringSetValue"]
    assert "8080" in ports and "32768" not in ports  # dynamic ports are not "reserved"
    ecs.stop_task(cluster="MyCluster", task=t1["taskArn"])
    lab.advance("1m")
    t3 = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]
    # The agent continues after its last assigned dynamic port.
    assert t3["containers"][0]["networkBindings"][0]["hostPort"] == 32769


def test_awsvpc_on_ec2_gets_an_eni_in_the_instance_az(lab, ecs):
    [ci] = cluster(lab)
    td = taskdef(lab, "vpc", networkMode="awsvpc", cpu=10, memory=10)
    sn = subnets(lab)
    t = ecs.run_task(
        cluster="MyCluster",
        taskDefinition=td,
        networkConfiguration={"awsvpcConfiguration": {"subnets": sn}},
    )["tasks"][0]
    assert t["lastStatus"] == "PROVISIONING"
    att = t["attachments"][0]
    details = {d["name"]: d["value"] for d in att["details"]}
    assert att["type"] == "ElasticNetworkInterface" and att["status"] == "PRECREATED"
    assert details["subnetId"] == sn[0]  # the instance's AZ (ap-east-1a)
    assert details["privateIPv4Address"].startswith("172.31.")
    assert t["containers"][0]["networkInterfaces"] == [
        {"attachmentId": att["id"], "privateIpv4Address": details["privateIPv4Address"]}
    ]
    lab.advance("5s")
    t = ecs.describe_tasks(cluster="MyCluster", tasks=[t["taskArn"]])["tasks"][0]
    assert t["lastStatus"] == "PENDING" and t["attachments"][0]["status"] == "ATTACHED"


def test_more_instances_join_and_the_table_follows(lab, ecs):
    [a] = cluster(lab)
    td = taskdef(lab, "app", cpu=2048, memory=256)
    assert len(ecs.run_task(cluster="MyCluster", taskDefinition=td, count=2)["tasks"]) == 1
    [b] = instances(lab, 1)
    t = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]
    assert t["containerInstanceArn"] == b


def test_determinism_same_seed_same_tasks():
    def go():
        lab = Lab(seed=11)
        cluster(lab, 3)
        ecs = lab.client("ecs")
        out = ecs.run_task(cluster="MyCluster", taskDefinition=taskdef(lab, "app"), count=10)
        lab.advance("30s")
        # Facts only: boto3 adds a random ClientToken to RunInstances' recorded params.
        return [(t["taskArn"], t["containerInstanceArn"]) for t in out["tasks"]], [
            e.to_json() for e in lab.log if e.origin == "fact"
        ]

    assert go() == go()
