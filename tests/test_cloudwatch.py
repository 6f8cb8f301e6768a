"""Container Insights through the real CloudWatch client (GetMetricStatistics, GetMetricData, ListMetrics)."""

import pytest
from botocore.exceptions import ClientError

NS = "ECS/ContainerInsights"
USER_DATA = "#!/bin/bash\necho ECS_CLUSTER={} >> /etc/ecs/ecs.config"


@pytest.fixture
def two_clusters(lab, launch):
    ecs = lab.client("ecs")
    ecs.create_cluster(
        clusterName="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ecs.create_cluster(clusterName="Quiet")
    launch("m5.large", user_data=USER_DATA.format("MyCluster"), MinCount=2, MaxCount=2)
    launch("m5.large", user_data=USER_DATA.format("Quiet"))
    lab.advance("10m")
    t_reg = lab.events.query("kind == 'ContainerInstanceRegistered'")["time"].iloc[0]
    return lab.client("cloudwatch"), t_reg


def test_list_metrics_only_for_clusters_with_insights(two_clusters):
    cw, _ = two_clusters
    metrics = cw.list_metrics(Namespace=NS)["Metrics"]
    assert {(m["MetricName"], m["Dimensions"][0]["Value"]) for m in metrics} == {
        ("ContainerInstanceCount", "MyCluster")
    }
    assert cw.list_metrics(Namespace="AWS/EC2")["Metrics"] == []


def test_get_metric_statistics_by_period(two_clusters, lab):
    cw, t_reg = two_clusters
    r = cw.get_metric_statistics(
        Namespace=NS,
        MetricName="ContainerInstanceCount",
        Dimensions=[{"Name": "ClusterName", "Value": "MyCluster"}],
        StartTime=lab.start,
        EndTime=lab.now,
        Period=300,
        Statistics=["Maximum", "Average", "SampleCount"],
    )
    points = sorted(r["Datapoints"], key=lambda p: p["Timestamp"])
    # One-minute samples at 09:00 .. 09:09; registration at 09:00:35, so 09:00 still reads 0.
    assert t_reg.minute == 0 and t_reg.second > 0
    assert [p["SampleCount"] for p in points] == [5.0, 5.0]
    assert [p["Maximum"] for p in points] == [2.0, 2.0]
    assert [p["Average"] for p in points] == pytest.approx([1.6, 2.0])
    assert {p["Unit"] for p in points} == {"Count"}


def test_get_metric_data_newest_first(two_clusters, lab):
    cw, _ = two_clusters
    q = {
        "Id": "ci",
        "MetricStat": {
            "Metric": {
                "Namespace": NS,
                "MetricName": "ContainerInstanceCount",
                "Dimensions": [{"Name": "ClusterName", "Value": "MyCluster"}],
            },
            "Period": 60,
            "Stat": "Maximum",
        },
    }
    res = cw.get_metric_data(MetricDataQueries=[q], StartTime=lab.start, EndTime=lab.now)[
        "MetricDataResults"
    ][0]
    assert res["Id"] == "ci" and res["StatusCode"] == "Complete"
    assert res["Values"] == [2.0] * 9 + [0.0]
    assert res["Timestamps"][0] > res["Timestamps"][-1]


def test_errors(two_clusters, lab):
    cw, _ = two_clusters
    with pytest.raises(ClientError) as ei:
        cw.get_metric_statistics(
            Namespace=NS,
            MetricName="TaskCount",
            Dimensions=[{"Name": "ClusterName", "Value": "MyCluster"}],
            StartTime=lab.start,
            EndTime=lab.now,
            Period=30,
            Statistics=["Sum"],
        )
    assert ei.value.response["Error"]["Code"] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as ei:
        cw.get_metric_statistics(
            Namespace=NS,
            MetricName="TaskCount",
            Dimensions=[{"Name": "InstanceId", "Value": "i-1"}],
            StartTime=lab.start,
            EndTime=lab.now,
            Period=60,
            Statistics=["Sum"],
        )
    assert ei.value.response["Error"]["Code"] == "InvalidParameterValueException"
