"""Container Insights through the real CloudWatch client (GetMetricStatistics, GetMetricData,
ListMetrics) and the real aws CLI.

MyCluster (Container Insights on, two m5.large) runs three ``app`` tasks (512 CPU units / 1 GiB,
``sleep 600``) from 09:02:00; Quiet (off) runs one. The tasks are RUNNING from 09:02:03 to
09:12:04, so the one-minute datapoints 09:03 .. 09:12 exist, and only for MyCluster.
"""

import pandas as pd
import pytest
from botocore.exceptions import ClientError
from taskkit import instances, taskdef

NS = "ECS/ContainerInsights"
MY = [{"Name": "ClusterName", "Value": "MyCluster"}]


@pytest.fixture
def cw(lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(
        clusterName="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ecs.create_cluster(clusterName="Quiet")
    instances(lab, 2, cluster="MyCluster")
    instances(lab, 1, cluster="Quiet")
    td = taskdef(lab, "app", command=("sleep", "600"), cpu=512, memory=1024)
    assert len(ecs.run_task(cluster="MyCluster", taskDefinition=td, count=3)["tasks"]) == 3
    ecs.run_task(cluster="Quiet", taskDefinition=td)
    lab.advance("20m")
    return lab.client("cloudwatch")


def _stats(cw, lab, metric, dims=MY, period=300, stats=("Maximum", "SampleCount"), **kw):
    if stats is not None:
        kw["Statistics"] = list(stats)
    r = cw.get_metric_statistics(
        Namespace=NS,
        MetricName=metric,
        Dimensions=dims,
        StartTime=kw.pop("start", lab.start),
        EndTime=kw.pop("end", lab.now),
        Period=period,
        **kw,
    )
    return sorted(r["Datapoints"], key=lambda p: p["Timestamp"])


def test_list_metrics_only_published_pairs_of_clusters_with_insights(cw):
    metrics = cw.list_metrics(Namespace=NS)["Metrics"]
    got = {(m["MetricName"], tuple(d["Name"] for d in m["Dimensions"])) for m in metrics}
    cluster = {
        "ContainerInstanceCount",
        "CpuReserved",
        "CpuUtilized",
        "MemoryReserved",
        "MemoryUtilized",
        "ServiceCount",
        "TaskCount",
    }
    family = {"CpuReserved", "CpuUtilized", "MemoryReserved", "MemoryUtilized"}
    assert got == {(m, ("ClusterName",)) for m in cluster} | {
        (m, ("TaskDefinitionFamily", "ClusterName")) for m in family
    }
    assert {m["Dimensions"][-1]["Value"] for m in metrics} == {"MyCluster"}
    only = cw.list_metrics(Namespace=NS, MetricName="TaskCount")["Metrics"]
    assert only == [
        {"Namespace": NS, "MetricName": "TaskCount", "Dimensions": MY},
    ]
    fam = cw.list_metrics(Dimensions=[{"Name": "TaskDefinitionFamily", "Value": "app"}])
    assert len(fam["Metrics"]) == 4 and "NextToken" not in fam
    assert cw.list_metrics(Namespace="AWS/EC2")["Metrics"] == []


def test_get_metric_statistics_by_period(cw, lab):
    points = _stats(cw, lab, "TaskCount", stats=("Maximum", "Average", "SampleCount", "Sum"))
    # Samples 09:03 .. 09:12 (tasks RUNNING 09:02:03 .. 09:12:04): periods from 09:00, 09:05,
    # 09:10: 2, 5 and 3 samples of 3 tasks. No zero datapoints while nothing runs.
    assert [p["Timestamp"].strftime("%H:%M") for p in points] == ["09:00", "09:05", "09:10"]
    assert [p["SampleCount"] for p in points] == [2.0, 5.0, 3.0]
    assert [p["Maximum"] for p in points] == [3.0, 3.0, 3.0]
    assert [p["Sum"] for p in points] == [6.0, 15.0, 9.0]
    assert {p["Unit"] for p in points} == {"Count"}
    cpu = _stats(cw, lab, "CpuReserved", period=3600, stats=("Average",))
    assert [(p["Average"], p["Unit"]) for p in cpu] == [(1536.0, "None")]
    mem = _stats(cw, lab, "MemoryReserved", period=60, stats=("Minimum",))
    assert [p["Minimum"] for p in mem] == [3072.0] * 10 and mem[0]["Unit"] == "Megabytes"
    fam = _stats(
        cw,
        lab,
        "CpuUtilized",
        dims=[{"Name": "TaskDefinitionFamily", "Value": "app"}, *MY],
        period=600,
        stats=("Average",),
    )
    want = lab.metrics("family", published=True)
    want = want[want["metric"] == "CpuUtilized"]
    assert sum(p["Average"] for p in fam) / len(fam) == pytest.approx(want["value"].mean())


def test_documented_gaps_answer_empty_not_an_error(cw, lab):
    # RunningTaskCount exists per service only; Quiet has Container Insights off; a dimension
    # set no metric has; a Unit that is not the metric's.
    assert _stats(cw, lab, "RunningTaskCount") == []
    assert _stats(cw, lab, "TaskCount", dims=[{"Name": "ClusterName", "Value": "Quiet"}]) == []
    assert _stats(cw, lab, "TaskCount", dims=[{"Name": "InstanceId", "Value": "i-1"}]) == []
    assert _stats(cw, lab, "TaskCount", Unit="Bytes") == []
    assert _stats(cw, lab, "TaskCount", end=lab.start + pd.Timedelta("1min")) == []


def test_get_metric_data_newest_first_and_ascending(cw, lab):
    def q(i, metric, stat="Maximum", **extra):
        return {
            "Id": i,
            "MetricStat": {
                "Metric": {"Namespace": NS, "MetricName": metric, "Dimensions": MY},
                "Period": 60,
                "Stat": stat,
            },
            **extra,
        }

    r = cw.get_metric_data(
        MetricDataQueries=[
            q("tasks", "TaskCount"),
            q("ci", "ContainerInstanceCount", Label="hosts"),
        ],
        StartTime=lab.start,
        EndTime=lab.now,
    )["MetricDataResults"]
    tasks, ci = r
    assert tasks["Id"] == "tasks" and tasks["StatusCode"] == "Complete"
    assert tasks["Values"] == [3.0] * 10
    assert tasks["Timestamps"][0].strftime("%H:%M") == "09:12"
    assert (ci["Label"], ci["Values"]) == ("hosts", [2.0] * 10)
    up = cw.get_metric_data(
        MetricDataQueries=[
            q("t", "TaskCount", "SampleCount"),
            q("x", "TaskCount", ReturnData=False),
        ],
        StartTime=lab.start,
        EndTime=lab.now,
        ScanBy="TimestampAscending",
    )["MetricDataResults"]
    assert len(up) == 1 and up[0]["Timestamps"][0].strftime("%H:%M") == "09:03"
    assert up[0]["Values"] == [1.0] * 10


def test_errors_use_cloudwatch_codes(cw, lab):
    def code(fn, **kw):
        with pytest.raises(ClientError) as ei:
            fn(**kw)
        return ei.value.response["Error"]["Code"], ei.value.response["Error"]["Message"]

    c, msg = code(_stats, cw=cw, lab=lab, metric="TaskCount", period=30)
    assert c == "InvalidParameterValue" and "multiple of 60" in msg
    c, msg = code(_stats, cw=cw, lab=lab, metric="TaskCount", start=lab.now, end=lab.start)
    assert (c, msg) == (
        "InvalidParameterValue",
        "The parameter StartTime must be less than the parameter EndTime.",
    )
    c, _ = code(_stats, cw=cw, lab=lab, metric="TaskCount", stats=None)
    assert c == "InvalidParameterCombination"
    c, msg = code(_stats, cw=cw, lab=lab, metric="TaskCount", ExtendedStatistics=["p99"])
    assert c == "InvalidParameterValue" and "percentiles" in msg
    c, _ = code(cw.list_metrics, NextToken="not-a-token")
    assert c == "InvalidNextToken"
    bad = {
        "Id": "m",
        "MetricStat": {
            "Metric": {"Namespace": NS, "MetricName": "TaskCount", "Dimensions": MY},
            "Period": 60,
            "Stat": "p99",
        },
    }
    c, _ = code(cw.get_metric_data, MetricDataQueries=[bad], StartTime=lab.start, EndTime=lab.now)
    assert c == "InvalidParameterValue"


def test_the_aws_cli_reads_the_same_datapoints(cw, lab):
    try:
        out = lab.aws(
            "cloudwatch get-metric-statistics --namespace ECS/ContainerInsights "
            "--metric-name CpuReserved --dimensions Name=ClusterName,Value=MyCluster "
            "--start-time 2025-01-06T09:00:00Z --end-time 2025-01-06T09:20:00Z "
            "--period 600 --statistics Maximum"
        )
    finally:
        lab._server.stop()  # puts this process's AWS_* environment back
    points = sorted(out["Datapoints"], key=lambda p: p["Timestamp"])
    # The CLI prints the JSON protocol's epoch seconds (09:00 and 09:10 UTC).
    t0900 = pd.Timestamp("2025-01-06 09:00", tz="UTC").timestamp()
    assert [(p["Timestamp"], p["Maximum"]) for p in points] == [
        (t0900, 1536.0),
        (t0900 + 600, 1536.0),
    ]
