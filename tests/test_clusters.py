"""Every cluster operation through a real boto3 client, including each error."""

import pytest
from botocore.exceptions import ClientError, ParamValidationError

ARN = "arn:aws:ecs:ap-east-1:123456789012:cluster/"


def err(excinfo):
    e = excinfo.value.response["Error"]
    return e["Code"], e["Message"]


def test_create_cluster_named_and_default(ecs):
    c = ecs.create_cluster(clusterName="MyCluster")["cluster"]
    assert c["clusterArn"] == ARN + "MyCluster"
    assert c["clusterName"] == "MyCluster"
    assert c["status"] == "ACTIVE"
    assert c["registeredContainerInstancesCount"] == 0
    assert c["runningTasksCount"] == c["pendingTasksCount"] == c["activeServicesCount"] == 0
    assert c["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    d = ecs.create_cluster()["cluster"]
    assert d["clusterName"] == "default"
    assert d["clusterArn"] == ARN + "default"


def test_create_same_name_returns_existing(ecs, lab):
    a = ecs.create_cluster(clusterName="web", tags=[{"key": "team", "value": "a"}])["cluster"]
    n = len(lab.events)
    b = ecs.create_cluster(clusterName="web", tags=[{"key": "team", "value": "b"}])["cluster"]
    assert a == b
    assert b["tags"] == [{"key": "team", "value": "a"}]
    # Idempotent create is still an input, but it caused no fact.
    kinds = lab.events["kind"].tolist()[n:]
    assert kinds == ["ApiCalled"]
    assert len(ecs.list_clusters()["clusterArns"]) == 1


@pytest.mark.parametrize("name", ["has space", "dot.name", "x" * 256, "", "slash/name", "ünïcode"])
def test_invalid_cluster_names(ecs, lab, name):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName=name)
    code, msg = err(ei)
    assert code == "InvalidParameterException"
    assert "letters" in msg and "hyphens" in msg
    assert len(lab.events) == 0


@pytest.mark.parametrize("name", ["a", "A-b_C-9", "x" * 255])
def test_valid_cluster_names(ecs, name):
    assert ecs.create_cluster(clusterName=name)["cluster"]["clusterName"] == name


def test_create_with_settings_and_tags(ecs):
    c = ecs.create_cluster(
        clusterName="ci",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        tags=[{"key": "env", "value": "dev"}],
    )["cluster"]
    assert c["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert c["tags"] == [{"key": "env", "value": "dev"}]


def test_create_with_bad_setting(ecs, lab):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(
            clusterName="x", settings=[{"name": "containerInsights", "value": "maybe"}]
        )
    assert err(ei)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName="x", settings=[{"name": "containerInsights", "value": "on"}])
    assert err(ei)[0] == "InvalidParameterException"
    assert len(lab.events) == 0


def test_list_clusters_paginates(ecs):
    names = [f"c{i:02d}" for i in range(7)]
    for n in names:
        ecs.create_cluster(clusterName=n)
    first = ecs.list_clusters(maxResults=3)
    assert first["clusterArns"] == [ARN + n for n in names[:3]]
    second = ecs.list_clusters(maxResults=3, nextToken=first["nextToken"])
    assert second["clusterArns"] == [ARN + n for n in names[3:6]]
    third = ecs.list_clusters(maxResults=3, nextToken=second["nextToken"])
    assert third["clusterArns"] == [ARN + names[6]]
    assert "nextToken" not in third
    pages = ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 2})
    assert [a for p in pages for a in p["clusterArns"]] == [ARN + n for n in names]


def test_list_clusters_bad_token_and_limit(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.list_clusters(nextToken="not-a-token")
    assert err(ei)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.list_clusters(maxResults=101)
    assert err(ei)[0] == "InvalidParameterException"


def test_describe_clusters_missing_and_include(ecs):
    ecs.create_cluster(clusterName="a", tags=[{"key": "k", "value": "v"}])
    r = ecs.describe_clusters(clusters=["a", "nope", ARN + "gone"])
    assert [c["clusterName"] for c in r["clusters"]] == ["a"]
    assert "tags" not in r["clusters"][0] and "settings" not in r["clusters"][0]
    assert r["failures"] == [
        {"arn": ARN + "nope", "reason": "MISSING"},
        {"arn": ARN + "gone", "reason": "MISSING"},
    ]
    r = ecs.describe_clusters(clusters=[ARN + "a"], include=["TAGS", "SETTINGS", "STATISTICS"])
    c = r["clusters"][0]
    assert c["tags"] == [{"key": "k", "value": "v"}]
    assert c["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    stats = {s["name"]: s["value"] for s in c["statistics"]}
    assert stats["runningEC2TasksCount"] == "0" and stats["activeFargateServiceCount"] == "0"


def test_describe_default_when_no_names(ecs):
    r = ecs.describe_clusters()
    assert r["clusters"] == [] and r["failures"] == [{"arn": ARN + "default", "reason": "MISSING"}]
    ecs.create_cluster()
    assert ecs.describe_clusters()["clusters"][0]["clusterName"] == "default"


def test_delete_cluster_then_inactive(ecs, lab):
    ecs.create_cluster(clusterName="tmp")
    c = ecs.delete_cluster(cluster="tmp")["cluster"]
    assert c["status"] == "INACTIVE"
    assert ecs.list_clusters()["clusterArns"] == []
    d = ecs.describe_clusters(clusters=["tmp"])["clusters"][0]
    assert d["status"] == "INACTIVE"
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as ei:
        ecs.delete_cluster(cluster="tmp")
    assert err(ei) == ("ClusterNotFoundException", "Cluster not found.")
    # A new cluster with the same name is ACTIVE again.
    assert ecs.create_cluster(clusterName="tmp")["cluster"]["status"] == "ACTIVE"
    assert lab.events["kind"].tolist().count("ClusterCreated") == 2


def test_delete_by_arn(ecs):
    ecs.create_cluster(clusterName="byarn")
    assert ecs.delete_cluster(cluster=ARN + "byarn")["cluster"]["status"] == "INACTIVE"


def test_unknown_cluster_errors_everywhere(ecs):
    for call in (
        lambda: ecs.delete_cluster(cluster="nope"),
        lambda: ecs.update_cluster_settings(
            cluster="nope", settings=[{"name": "containerInsights", "value": "enabled"}]
        ),
        lambda: ecs.tag_resource(resourceArn=ARN + "nope", tags=[{"key": "a", "value": "b"}]),
        lambda: ecs.list_tags_for_resource(resourceArn=ARN + "nope"),
        lambda: ecs.untag_resource(resourceArn=ARN + "nope", tagKeys=["a"]),
    ):
        with pytest.raises(ecs.exceptions.ClusterNotFoundException) as ei:
            call()
        assert err(ei) == ("ClusterNotFoundException", "Cluster not found.")


def test_cluster_arn_from_other_region_is_not_found(ecs):
    ecs.create_cluster(clusterName="a")
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.delete_cluster(cluster="arn:aws:ecs:us-east-1:123456789012:cluster/a")
    r = ecs.describe_clusters(clusters=["arn:aws:ecs:us-east-1:123456789012:cluster/a"])
    assert r["failures"] == [
        {"arn": "arn:aws:ecs:us-east-1:123456789012:cluster/a", "reason": "MISSING"}
    ]


def test_update_cluster_settings(ecs, lab):
    ecs.create_cluster(clusterName="a")
    c = ecs.update_cluster_settings(
        cluster="a", settings=[{"name": "containerInsights", "value": "enabled"}]
    )["cluster"]
    assert c["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert lab.events["kind"].tolist()[-1] == "ClusterSettingsUpdated"
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster_settings(cluster="a", settings=[{"name": "other", "value": "enabled"}])
    assert err(ei)[0] == "InvalidParameterException"
    got = ecs.describe_clusters(clusters=["a"], include=["SETTINGS"])["clusters"][0]["settings"]
    assert got == [{"name": "containerInsights", "value": "enabled"}]


def test_tagging_round_trip(ecs, lab):
    arn = ecs.create_cluster(clusterName="t")["cluster"]["clusterArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "3"}])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "a", "value": "3"},
        {"key": "b", "value": "2"},
    ]
    ecs.untag_resource(resourceArn=arn, tagKeys=["a", "zzz"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]
    kinds = lab.events.query("origin == 'fact'")["kind"].tolist()
    assert kinds == ["ClusterCreated", "ResourceTagged", "ResourceTagged", "ResourceUntagged"]


def test_tagging_bad_input(ecs, lab):
    arn = ecs.create_cluster(clusterName="t")["cluster"]["clusterArn"]
    n = len(lab.events)
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn="not-an-arn", tags=[{"key": "a", "value": "1"}])
    assert err(ei) == ("InvalidParameterException", "Invalid Arn")
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "aws:x", "value": "1"}])
    assert err(ei)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
    assert err(ei)[0] == "InvalidParameterException"
    assert len(lab.events) == n


def test_wrong_parameter_types_fail_before_any_state_change(ecs, lab):
    with pytest.raises(ParamValidationError):
        ecs.create_cluster(clusterName=123)
    with pytest.raises(ParamValidationError):
        ecs.describe_clusters(clusters="MyCluster")
    with pytest.raises(ParamValidationError):
        ecs.delete_cluster()
    with pytest.raises(ParamValidationError):
        ecs.list_clusters(maxResults="ten")
    assert len(lab.events) == 0
