"""ECS Anywhere's SSM activations through real boto3 (CreateActivation / DescribeActivations /
DeleteActivation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError


def test_create_describe_delete_activation(lab):
    ssm = lab.client("ssm")
    out = ssm.create_activation(
        IamRole="ecsAnywhereRole",
        RegistrationLimit=2,
        Description="rack 1",
        DefaultInstanceName="rack1",
        Tags=[{"Key": "site", "Value": "hk"}],
    )
    aid, code = out["ActivationId"], out["ActivationCode"]
    assert len(aid) == 36 and len(code) == 20
    (act,) = ssm.describe_activations()["ActivationList"]
    assert act["ActivationId"] == aid and act["RegistrationLimit"] == 2
    assert act["RegistrationsCount"] == 0 and act["Expired"] is False
    assert act["ExpirationDate"] - act["CreatedDate"] == timedelta(hours=24)
    assert "ActivationCode" not in act  # the code is a secret CreateActivation returns once
    other = ssm.create_activation(IamRole="ecsAnywhereRole")["ActivationId"]
    got = ssm.describe_activations(
        Filters=[{"FilterKey": "ActivationIds", "FilterValues": [other]}]
    )
    assert [a["ActivationId"] for a in got["ActivationList"]] == [other]
    first = ssm.describe_activations(MaxResults=1)
    assert len(first["ActivationList"]) == 1 and first["NextToken"]
    lab.advance("25h")
    assert all(a["Expired"] for a in ssm.describe_activations()["ActivationList"])
    ssm.delete_activation(ActivationId=aid)
    assert [a["ActivationId"] for a in ssm.describe_activations()["ActivationList"]] == [other]


@pytest.mark.parametrize(
    "call,code",
    [
        (lambda s: s.delete_activation(ActivationId="nope"), "InvalidActivationId"),
        (
            lambda s: s.create_activation(IamRole="r", RegistrationLimit=1001),
            "ValidationException",
        ),
    ],
)
def test_activation_errors_change_nothing(lab, call, code):
    ssm = lab.client("ssm")
    ssm.create_activation(IamRole="ecsAnywhereRole")
    before, acts = len(lab.events), ssm.describe_activations()["ActivationList"]
    with pytest.raises(ClientError) as ei:
        call(ssm)
    assert ei.value.response["Error"]["Code"] == code
    assert len(lab.events) == before
    assert ssm.describe_activations()["ActivationList"] == acts


def _external(lab, cluster="MyCluster", limit=1):
    out = lab.client("ssm").create_activation(IamRole="ecsAnywhereRole", RegistrationLimit=limit)
    return out["ActivationId"], out["ActivationCode"]


def test_external_instance_registers_and_takes_only_external_tasks(lab, ecs):
    from taskkit import instances, taskdef

    ecs.create_cluster(clusterName="MyCluster")
    (ec2_ci,) = instances(lab, 1)
    aid, code = _external(lab)
    arn = lab.register_external_instance(
        cluster="MyCluster", activation_id=aid, activation_code=code, cpu=1024, memory_mib=2048
    )
    ci = ecs.describe_container_instances(cluster="MyCluster", containerInstances=[arn])[
        "containerInstances"
    ][0]
    assert ci["ec2InstanceId"].startswith("mi-") and len(ci["ec2InstanceId"]) == 20
    names = {a["name"] for a in ci["attributes"]}
    assert "ecs.instance-type" not in names and "ecs.capability.external" in names
    act = lab.client("ssm").describe_activations()["ActivationList"][0]
    assert act["RegistrationsCount"] == 1
    td = taskdef(lab, "job", command=("sleep", "infinity"))
    ext = ecs.run_task(cluster="MyCluster", taskDefinition=td, launchType="EXTERNAL", count=2)
    assert {t["containerInstanceArn"] for t in ext["tasks"]} == {arn}
    assert {t["launchType"] for t in ext["tasks"]} == {"EXTERNAL"}
    ec2 = ecs.run_task(cluster="MyCluster", taskDefinition=td, launchType="EC2", count=2)
    assert {t["containerInstanceArn"] for t in ec2["tasks"]} == {ec2_ci}
    ecs.create_service(
        cluster="MyCluster",
        serviceName="edge",
        taskDefinition=td,
        desiredCount=1,
        launchType="EXTERNAL",
    )
    lab.advance("1m")
    (t,) = ecs.list_tasks(cluster="MyCluster", serviceName="edge")["taskArns"]
    got = ecs.describe_tasks(cluster="MyCluster", tasks=[t])["tasks"][0]
    assert got["containerInstanceArn"] == arn


def test_register_external_instance_errors_change_nothing(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    aid, code = _external(lab)
    before = len(lab.events)
    for kw, code_ in [
        ({"activation_code": "wrong"}, "InvalidActivationId"),
        ({"cluster": "nope"}, "ClusterNotFoundException"),
    ]:
        args = {"cluster": "MyCluster", "activation_id": aid, "activation_code": code, **kw}
        with pytest.raises(Exception) as ei:
            lab.register_external_instance(**args)
        assert getattr(ei.value, "code", None) == code_
        assert len(lab.events) == before
    lab.register_external_instance(cluster="MyCluster", activation_id=aid, activation_code=code)
    before = len(lab.events)
    with pytest.raises(Exception) as ei:  # the activation's limit of 1 is used up
        lab.register_external_instance(cluster="MyCluster", activation_id=aid, activation_code=code)
    assert getattr(ei.value, "code", None) == "InvalidActivation"
    assert len(lab.events) == before
    assert len(ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]) == 1


def test_external_instance_is_billed_per_instance_hour(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    aid, code = _external(lab)
    arn = lab.register_external_instance(
        cluster="MyCluster", activation_id=aid, activation_code=code
    )
    lab.advance("30m")
    rows = lab.costs()
    ext = rows[rows["resource"] == arn]
    assert list(ext["launch_type"].unique()) == ["EXTERNAL"]
    # One-hour minimum at the (UNVERIFIED) list price.
    assert abs(ext["cost"].sum() - 0.01025) < 1e-9
    assert "UNVERIFIED" in ext["price_source"].iloc[0]
