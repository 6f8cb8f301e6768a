"""ECS capacity providers: CRUD, cluster associations, strategies, PROVISIONING, errors."""

from __future__ import annotations

import botocore.exceptions
import pytest
from capkit import group
from taskkit import fargate_def, subnets, taskdef

from ecslab import Lab

NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify a "
    "valid capacity provider and try again."
)


@pytest.fixture
def cp(lab, ecs):
    """Cluster "cp" with an empty group "asg" behind provider "asg-cp" (not yet associated)."""
    ecs.create_cluster(clusterName="cp")
    g = group(lab, desired=0, protect=True)
    ecs.create_capacity_provider(
        name="asg-cp",
        autoScalingGroupProvider={
            "autoScalingGroupArn": g["AutoScalingGroupARN"],
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
            "managedTerminationProtection": "ENABLED",
        },
    )
    return g


def _refused(lab, fn, code: str, message: str | None = None):
    before, rows = len(lab.log), lab.events.shape
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn()
    assert e.value.response["Error"]["Code"] == code
    if message is not None:
        assert e.value.response["Error"]["Message"] == message
    assert len(lab.log) == before and lab.events.shape == rows  # nothing changed


def _associate(ecs, default=None):
    ecs.put_cluster_capacity_providers(
        cluster="cp",
        capacityProviders=["asg-cp", "FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=default or [{"capacityProvider": "asg-cp", "weight": 1}],
    )


def test_describe_lists_fargate_and_the_new_provider(lab, ecs, cp):
    got = ecs.describe_capacity_providers()["capacityProviders"]
    assert [p["name"] for p in got] == ["FARGATE", "FARGATE_SPOT", "asg-cp"]
    asgp = got[2]["autoScalingGroupProvider"]
    assert asgp["autoScalingGroupArn"] == cp["AutoScalingGroupARN"]
    assert asgp["managedScaling"] == {
        "status": "ENABLED",
        "targetCapacity": 100,
        "minimumScalingStepSize": 1,
        "maximumScalingStepSize": 10000,
        "instanceWarmupPeriod": 300,
    }
    assert asgp["managedTerminationProtection"] == "ENABLED"
    missing = ecs.describe_capacity_providers(capacityProviders=["nope"])["failures"]
    assert missing[0]["reason"] == "MISSING"
    ecs.update_capacity_provider(
        name="asg-cp", autoScalingGroupProvider={"managedScaling": {"targetCapacity": 80}}
    )
    got = ecs.describe_capacity_providers(capacityProviders=["asg-cp"])["capacityProviders"][0]
    assert got["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 80
    assert got["updateStatus"] == "UPDATE_COMPLETE"


def test_cluster_shows_providers_strategy_and_attachment(lab, ecs, cp):
    _associate(ecs)
    c = ecs.describe_clusters(clusters=["cp"], include=["ATTACHMENTS"])["clusters"][0]
    assert c["capacityProviders"] == ["asg-cp", "FARGATE", "FARGATE_SPOT"]
    assert c["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": "asg-cp", "weight": 1, "base": 0}
    ]
    assert c["attachmentsStatus"] == "UPDATE_IN_PROGRESS"
    (att,) = c["attachments"]
    assert att["type"] == "as_policy"
    details = {d["name"]: d["value"] for d in att["details"]}
    assert details["capacityProviderName"] == "asg-cp"
    assert details["scalingPolicyName"].startswith("ECSManagedAutoScalingPolicy-")
    lab.advance("30s")
    c = ecs.describe_clusters(clusters=["cp"], include=["ATTACHMENTS"])["clusters"][0]
    assert c["attachmentsStatus"] == "UPDATE_COMPLETE"


def test_create_cluster_with_fargate_providers(lab, ecs):
    c = ecs.create_cluster(
        clusterName="f",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
    )["cluster"]
    assert c["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]


def test_tasks_wait_in_provisioning_until_the_group_has_capacity(lab, ecs, cp):
    _associate(ecs)
    td = taskdef(lab)
    tasks = ecs.run_task(cluster="cp", taskDefinition=td, count=2)["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["PROVISIONING", "PROVISIONING"]
    assert {t["capacityProviderName"] for t in tasks} == {"asg-cp"}
    assert all("containerInstanceArn" not in t for t in tasks)
    c = ecs.describe_clusters(clusters=["cp"])["clusters"][0]
    assert c["pendingTasksCount"] == 2
    lab.advance("3m")  # managed scaling launches an instance; the tasks are placed on it
    got = ecs.describe_tasks(cluster="cp", tasks=[t["taskArn"] for t in tasks])["tasks"]
    assert [t["lastStatus"] for t in got] == ["RUNNING", "RUNNING"]
    members = lab.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"][0]
    ids = {i["InstanceId"] for i in members["Instances"]}
    cis = ecs.describe_container_instances(
        cluster="cp", containerInstances=[got[0]["containerInstanceArn"]]
    )["containerInstances"]
    assert cis[0]["ec2InstanceId"] in ids
    assert cis[0]["capacityProviderName"] == "asg-cp"


def test_a_waiting_task_can_be_stopped(lab, ecs, cp):
    ecs.put_cluster_capacity_providers(
        cluster="cp",
        capacityProviders=["asg-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 1}],
    )
    (task,) = ecs.run_task(cluster="cp", taskDefinition=taskdef(lab))["tasks"]
    ecs.stop_task(cluster="cp", task=task["taskArn"])
    lab.advance("3m")
    (got,) = ecs.describe_tasks(cluster="cp", tasks=[task["taskArn"]])["tasks"]
    assert got["lastStatus"] == "STOPPED" and got["stopCode"] == "UserInitiated"
    assert not lab.tasks.waiting


def test_fargate_split_with_base_and_weight(lab, ecs, cp):
    _associate(ecs)
    td = fargate_def(lab)
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    tasks = ecs.run_task(
        cluster="cp",
        taskDefinition=td,
        count=5,
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
        networkConfiguration=net,
    )["tasks"]
    names = [t["capacityProviderName"] for t in tasks]
    assert names.count("FARGATE") == 2 and names.count("FARGATE_SPOT") == 3  # 1 base + 1:3
    assert {t["launchType"] for t in tasks} == {"FARGATE"}
    created = lab.events[lab.events.kind == "TaskCreated"].detail.tolist()[-5:]
    assert sorted(d["capacity"] for d in created) == ["on_demand"] * 2 + ["spot"] * 3


def test_service_strategy_keeps_its_split_when_scaled(lab, ecs, cp):
    _associate(ecs)
    td = fargate_def(lab, command=["httpd"])
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    svc = ecs.create_service(
        cluster="cp",
        serviceName="web",
        taskDefinition=td,
        desiredCount=2,
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 2, "weight": 0},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
        networkConfiguration=net,
    )["service"]
    assert "launchType" not in svc
    assert svc["capacityProviderStrategy"][0] == {
        "capacityProvider": "FARGATE",
        "weight": 0,
        "base": 2,
    }
    lab.advance("2m")
    ecs.update_service(cluster="cp", service="web", desiredCount=6)
    lab.advance("3m")
    arns = ecs.list_tasks(cluster="cp", serviceName="web")["taskArns"]
    got = ecs.describe_tasks(cluster="cp", tasks=arns)["tasks"]
    names = sorted(t["capacityProviderName"] for t in got)
    assert names == ["FARGATE"] * 2 + ["FARGATE_SPOT"] * 4


def test_strategy_errors_change_nothing(lab, ecs, cp):
    ecs.put_cluster_capacity_providers(
        cluster="cp",
        capacityProviders=["asg-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 1}],
    )
    td = taskdef(lab)

    def run(**kw):
        return lambda: ecs.run_task(cluster="cp", taskDefinition=td, **kw)

    _refused(
        lab,
        run(
            launchType="EC2", capacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 1}]
        ),
        "InvalidParameterException",
        "Specifying both a launch type and capacity provider strategy is not supported. Remove "
        "one and try again.",
    )
    _refused(
        lab,
        run(capacityProviderStrategy=[{"capacityProvider": "nope", "weight": 1}]),
        "InvalidParameterException",
        "The specified capacity provider does not exist. Specify a valid capacity provider and "
        "try again.",
    )
    _refused(
        lab,
        run(capacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 0}]),
        "InvalidParameterException",
    )
    # FARGATE on a cluster that only has the EC2 provider
    _refused(
        lab,
        run(capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}]),
        "InvalidParameterException",
        NOT_ASSOCIATED,
    )
    _refused(
        lab,
        lambda: ecs.put_cluster_capacity_providers(
            cluster="cp",
            capacityProviders=["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategy=[
                {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1},
            ],
        ),
        "InvalidParameterException",
    )
    _refused(
        lab,
        lambda: ecs.put_cluster_capacity_providers(
            cluster="cp",
            capacityProviders=["FARGATE"],
            defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 0}],
        ),
        "InvalidParameterException",
        "There are no capacity providers with a weight value greater than zero defined in the "
        "default capacity provider strategy. At least one capacity provider must have a weight "
        "value greater than zero specified. Update the cluster's default capacity provider "
        "strategy or specify a valid capacity provider strategy and try again.",
    )
    _refused(
        lab,
        lambda: ecs.put_cluster_capacity_providers(
            cluster="cp",
            capacityProviders=["asg-cp", "FARGATE"],
            defaultCapacityProviderStrategy=[
                {"capacityProvider": "asg-cp", "weight": 1},
                {"capacityProvider": "FARGATE", "weight": 1},
            ],
        ),
        "InvalidParameterException",
        "A capacity provider strategy cannot contain a mix of capacity providers using Auto "
        "Scaling groups and Fargate providers. Specify one or the other and try again.",
    )


def test_provider_errors_change_nothing(lab, ecs, cp):
    asg_arn = cp["AutoScalingGroupARN"]
    _refused(
        lab,
        lambda: ecs.create_capacity_provider(
            name="second", autoScalingGroupProvider={"autoScalingGroupArn": asg_arn}
        ),
        "ClientException",
        "The specified Auto Scaling group ARN is already associated with another capacity "
        "provider. Specify a unique Auto Scaling group ARN and try again.",
    )
    _refused(
        lab,
        lambda: ecs.create_capacity_provider(
            name="asg-cp", autoScalingGroupProvider={"autoScalingGroupArn": asg_arn}
        ),
        "ClientException",
    )
    group(lab, "open", desired=0, protect=False)
    open_arn = lab.asg.get("open").arn
    _refused(
        lab,
        lambda: ecs.create_capacity_provider(
            name="open-cp",
            autoScalingGroupProvider={
                "autoScalingGroupArn": open_arn,
                "managedScaling": {"status": "ENABLED"},
                "managedTerminationProtection": "ENABLED",
            },
        ),
        "InvalidParameterException",
        "The managed termination protection setting for the capacity provider is invalid. To "
        "enable managed termination protection for a capacity provider, the Auto Scaling group "
        "must have instance protection from scale in enabled.",
    )
    _refused(
        lab,
        lambda: ecs.create_capacity_provider(
            name="open-cp",
            autoScalingGroupProvider={
                "autoScalingGroupArn": open_arn,
                "managedScaling": {"status": "ENABLED", "targetCapacity": 101},
            },
        ),
        "InvalidParameterException",
    )
    _refused(
        lab,
        lambda: ecs.create_capacity_provider(
            name="fargate-x", autoScalingGroupProvider={"autoScalingGroupArn": open_arn}
        ),
        "ClientException",
    )
    _associate(ecs)
    _refused(
        lab,
        lambda: ecs.delete_capacity_provider(capacityProvider="asg-cp"),
        "ResourceInUseException",
        "The specified capacity provider is in use and cannot be removed.",
    )
    ecs.create_cluster(clusterName="other")
    _refused(
        lab,
        lambda: ecs.put_cluster_capacity_providers(
            cluster="other", capacityProviders=["asg-cp"], defaultCapacityProviderStrategy=[]
        ),
        "InvalidParameterException",
    )


def test_removing_a_provider_tasks_use_is_refused_then_delete_works(lab, ecs, cp):
    _associate(ecs)
    (task,) = ecs.run_task(cluster="cp", taskDefinition=taskdef(lab))["tasks"]
    _refused(
        lab,
        lambda: ecs.put_cluster_capacity_providers(
            cluster="cp", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[]
        ),
        "ResourceInUseException",
        "The specified capacity provider is in use and cannot be removed.",
    )
    ecs.stop_task(cluster="cp", task=task["taskArn"])
    lab.advance("1m")
    ecs.put_cluster_capacity_providers(
        cluster="cp", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[]
    )
    got = ecs.delete_capacity_provider(capacityProvider="asg-cp")["capacityProvider"]
    assert got["status"] == "INACTIVE"
    names = [p["name"] for p in ecs.describe_capacity_providers()["capacityProviders"]]
    assert names == ["FARGATE", "FARGATE_SPOT"]


def test_capacity_replays(lab, ecs, cp, tmp_path):
    _associate(ecs)
    ecs.run_task(cluster="cp", taskDefinition=taskdef(lab), count=3)
    lab.advance("5m")
    again = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert again.events.shape == lab.events.shape


def test_update_service_moves_to_another_strategy(lab, ecs, cp):
    _associate(ecs)
    td = fargate_def(lab, command=["httpd"])
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    ecs.create_service(
        cluster="cp",
        serviceName="web",
        taskDefinition=td,
        desiredCount=2,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        networkConfiguration=net,
    )
    lab.advance("3m")
    svc = ecs.update_service(
        cluster="cp",
        service="web",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
    )["service"]
    assert svc["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE_SPOT"
    assert svc["deployments"][0]["capacityProviderStrategy"] == svc["capacityProviderStrategy"]
    lab.advance("10m")
    arns = ecs.list_tasks(cluster="cp", serviceName="web")["taskArns"]
    got = ecs.describe_tasks(cluster="cp", tasks=arns)["tasks"]
    assert sorted(t["capacityProviderName"] for t in got) == ["FARGATE_SPOT"] * 2
    # a strategy mixing an ASG provider and Fargate is refused, and nothing changes
    _refused(
        lab,
        lambda: ecs.update_service(
            cluster="cp",
            service="web",
            capacityProviderStrategy=[
                {"capacityProvider": "FARGATE", "weight": 1},
                {"capacityProvider": "asg-cp", "weight": 1},
            ],
        ),
        "InvalidParameterException",
    )
