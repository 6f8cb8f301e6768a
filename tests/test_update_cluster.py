"""UpdateCluster: settings, executeCommandConfiguration logging choices, Service Connect defaults."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

LOG = {"cloudWatchLogGroupName": "/ecs/exec", "cloudWatchEncryptionEnabled": True}


def _unchanged(lab, ecs, call, code):
    before = len(lab.events)
    state = ecs.describe_clusters(clusters=["MyCluster"], include=["SETTINGS"])["clusters"]
    with pytest.raises(ClientError) as ei:
        call()
    assert ei.value.response["Error"]["Code"] == code
    assert len(lab.events) == before
    after = ecs.describe_clusters(clusters=["MyCluster"], include=["SETTINGS"])["clusters"]
    assert after == state
    return ei.value.response["Error"]["Message"]


def test_update_cluster_stores_and_describes(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    out = ecs.update_cluster(
        cluster="MyCluster",
        settings=[{"name": "containerInsights", "value": "enhanced"}],
        configuration={
            "executeCommandConfiguration": {
                "kmsKeyId": "alias/exec",
                "logging": "OVERRIDE",
                "logConfiguration": LOG,
            }
        },
        serviceConnectDefaults={"namespace": "shop"},
    )["cluster"]
    assert out["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    cfg = out["configuration"]["executeCommandConfiguration"]
    assert cfg == {"kmsKeyId": "alias/exec", "logging": "OVERRIDE", "logConfiguration": LOG}
    assert out["serviceConnectDefaults"] == {"namespace": "shop"}
    got = ecs.describe_clusters(clusters=["MyCluster"])["clusters"][0]
    assert got["configuration"] == out["configuration"]
    assert got["serviceConnectDefaults"] == {"namespace": "shop"}
    assert lab.events.iloc[-1]["kind"] == "ClusterUpdated"
    ecs.update_cluster(
        cluster="MyCluster", configuration={"executeCommandConfiguration": {"logging": "NONE"}}
    )
    got = ecs.describe_clusters(clusters=["MyCluster"])["clusters"][0]
    assert got["configuration"]["executeCommandConfiguration"] == {"logging": "NONE"}


def test_update_cluster_errors_change_nothing(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    _unchanged(
        lab,
        ecs,
        lambda: ecs.update_cluster(
            cluster="nope", settings=[{"name": "containerInsights", "value": "enabled"}]
        ),
        "ClusterNotFoundException",
    )
    msg = _unchanged(
        lab,
        ecs,
        lambda: ecs.update_cluster(
            cluster="MyCluster",
            configuration={"executeCommandConfiguration": {"logging": "OVERRIDE"}},
        ),
        "InvalidParameterException",
    )
    assert "OVERRIDE" in msg
    _unchanged(
        lab,
        ecs,
        lambda: ecs.update_cluster(
            cluster="MyCluster",
            configuration={
                "executeCommandConfiguration": {"logging": "DEFAULT", "logConfiguration": LOG}
            },
        ),
        "InvalidParameterException",
    )
    _unchanged(
        lab,
        ecs,
        lambda: ecs.update_cluster(
            cluster="MyCluster",
            settings=[{"name": "containerInsights", "value": "sometimes"}],
            serviceConnectDefaults={"namespace": "shop"},
        ),
        "InvalidParameterException",
    )


def test_list_services_by_namespace_uses_cluster_default(lab, ecs):
    from taskkit import taskdef

    ecs.create_cluster(clusterName="MyCluster")
    ecs.update_cluster(cluster="MyCluster", serviceConnectDefaults={"namespace": "shop"})
    td = taskdef(lab, "web", command=("sleep", "infinity"))
    for name, sc in [
        ("a", {"enabled": True}),
        ("b", {"enabled": True, "namespace": "other"}),
        ("c", None),
        ("d", {"enabled": True, "namespace": "shop"}),
    ]:
        kw = {"serviceConnectConfiguration": sc} if sc else {}
        ecs.create_service(
            cluster="MyCluster", serviceName=name, taskDefinition=td, desiredCount=0, **kw
        )
    arn = "arn:aws:ecs:ap-east-1:123456789012:service/MyCluster/"
    first = ecs.list_services_by_namespace(namespace="shop", maxResults=1)
    assert first["serviceArns"] == [arn + "a"]
    rest = ecs.list_services_by_namespace(namespace="shop", nextToken=first["nextToken"])
    assert rest["serviceArns"] == [arn + "d"] and "nextToken" not in rest
    assert ecs.list_services_by_namespace(namespace="other")["serviceArns"] == [arn + "b"]
    assert ecs.list_services_by_namespace(namespace="none")["serviceArns"] == []
