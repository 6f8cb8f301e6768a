"""Account settings and ENI trunking: only instances launched after opting in get a trunk."""

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def cluster(ecs):
    ecs.create_cluster(clusterName="MyCluster")


def attrs_of(ecs, iid):
    arns = ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
    cis = ecs.describe_container_instances(cluster="MyCluster", containerInstances=arns)
    [ci] = [c for c in cis["containerInstances"] if c["ec2InstanceId"] == iid]
    return ci, {a["name"]: a.get("value") for a in ci["attributes"]}


def capacity(lab, iid):
    t = lab.container_instances.table().set_index("ec2_instance_id")
    return int(t.loc[iid, "eni_capacity"])


def test_account_settings_api(lab, ecs):
    root = "arn:aws:iam::123456789012:root"
    s = ecs.put_account_setting(name="awsvpcTrunking", value="enabled")["setting"]
    assert s == {"name": "awsvpcTrunking", "value": "enabled", "principalArn": root, "type": "user"}
    assert lab.account_setting_value("awsvpcTrunking") == "enabled"
    listed = ecs.list_account_settings()["settings"]
    assert [x["name"] for x in listed] == ["awsvpcTrunking"]
    eff = {x["name"]: x for x in ecs.list_account_settings(effectiveSettings=True)["settings"]}
    assert eff["containerInsights"]["value"] == "disabled"
    assert eff["containerInsights"]["type"] == "aws_managed"
    ecs.put_account_setting_default(name="containerInsights", value="enabled")
    # New clusters pick up the account's containerInsights default.
    c = ecs.create_cluster(clusterName="insights")["cluster"]
    assert c["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    d = ecs.delete_account_setting(name="awsvpcTrunking")["setting"]
    assert d["value"] == "enabled"
    assert lab.account_setting_value("awsvpcTrunking") == "disabled"
    with pytest.raises(ClientError) as ei:
        ecs.put_account_setting(name="awsvpcTrunking", value="on")
    assert ei.value.response["Error"]["Code"] == "InvalidParameterException"
    kinds = lab.events["kind"].tolist()
    assert kinds.count("AccountSettingChanged") == 2 and "AccountSettingDeleted" in kinds


def test_trunking_only_for_new_supported_instances(lab, ecs, launch, cluster):
    old = launch("m5.large")
    lab.advance("1m")
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    new = launch("m5.large")
    burst = launch("t3.medium")
    lab.advance("40s")
    ci, attrs = attrs_of(ecs, new)
    assert ci["status"] == "REGISTERING"
    assert "ecs.awsvpc-trunk-id" not in attrs
    lab.advance("15s")
    ci, attrs = attrs_of(ecs, new)
    assert ci["status"] == "ACTIVE"
    assert attrs["ecs.awsvpc-trunk-id"].startswith("eni-")
    assert "ecs.capability.task-eni-trunking" in attrs
    assert capacity(lab, new) == 10
    assert capacity(lab, old) == 2
    assert capacity(lab, burst) == 2
    for iid in (old, burst):
        ci, attrs = attrs_of(ecs, iid)
        assert ci["status"] == "ACTIVE" and "ecs.awsvpc-trunk-id" not in attrs
    t = lab.container_instances.table().set_index("ec2_instance_id")
    assert t["trunked"].to_dict() == {old: False, new: True, burst: False}


def test_trunked_instance_deregisters_through_deregistering(lab, ecs, ec2, launch, cluster):
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    iid = launch("c5.xlarge")
    lab.advance("2m")
    assert capacity(lab, iid) == 20
    ec2.terminate_instances(InstanceIds=[iid])
    [arn] = ecs.list_container_instances(cluster="MyCluster", status="DEREGISTERING")[
        "containerInstanceArns"
    ]
    lab.advance("1m")
    ci = ecs.describe_container_instances(cluster="MyCluster", containerInstances=[arn])[
        "containerInstances"
    ][0]
    assert ci["status"] == "INACTIVE"
