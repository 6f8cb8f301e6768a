"""Container Insights metrics checked against real tasks (EC2 and Fargate), computed by hand.

The lab: MyCluster with Container Insights on and one m5.large; two EC2 tasks of family ``app``
(512 CPU units / 1024 MiB each, ``sleep 600``) and one Fargate task of family ``web`` (256 /
512 MiB, ``sleep 300``), all started at 09:01:00.
"""

from __future__ import annotations

import pandas as pd
import pytest
from taskkit import fargate_def, instances, subnets, taskdef

from ecslab import Lab
from ecslab.domain.insights import PUBLISHED, metrics, task_share

ON = [{"name": "containerInsights", "value": "enabled"}]


def _start(lab: Lab, settings=ON, cluster: str = "MyCluster") -> dict[str, dict]:
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName=cluster, settings=settings)
    instances(lab, 1, cluster=cluster)
    app = taskdef(lab, "app", command=("sleep", "600"), cpu=512, memory=1024)
    web = fargate_def(lab, "web", command=("sleep", "300"))
    a = ecs.run_task(cluster=cluster, taskDefinition=app, count=2)["tasks"]
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    w = ecs.run_task(
        cluster=cluster, taskDefinition=web, launchType="FARGATE", networkConfiguration=net
    )["tasks"]
    return {t["taskArn"]: t for t in a + w}


def _described(lab: Lab, arns, cluster="MyCluster") -> list[dict]:
    return lab.client("ecs").describe_tasks(cluster=cluster, tasks=list(arns))["tasks"]


@pytest.fixture
def ran(lab):
    arns = _start(lab)
    lab.advance("15m")
    return lab, _described(lab, arns)


def _reference(tasks: list[dict], t: pd.Timestamp, family: str | None = None) -> dict:
    """The metrics at instant ``t`` straight from DescribeTasks timestamps."""
    mine = [x for x in tasks if family is None or x["group"] == f"family:{family}"]
    running = [x for x in mine if pd.Timestamp(x["startedAt"]) <= t < pd.Timestamp(x["stoppedAt"])]
    pending = [x for x in mine if pd.Timestamp(x["createdAt"]) <= t < pd.Timestamp(x["startedAt"])]
    return {
        "RunningTaskCount": len(running),
        "TaskCount": len(running),
        "PendingTaskCount": len(pending),
        "CpuReserved": sum(int(x["cpu"]) for x in running),
        "MemoryReserved": sum(int(x["memory"]) for x in running),
    }


def _wide(m: pd.DataFrame, **where) -> pd.DataFrame:
    for col, val in where.items():
        m = m[m[col] == val]
    return m.pivot(index="time", columns="metric", values="value")


def test_cluster_level_is_the_sum_over_running_tasks(ran):
    lab, tasks = ran
    assert {t["launchType"] for t in tasks} == {"EC2", "FARGATE"}
    assert all(t["lastStatus"] == "STOPPED" for t in tasks)
    wide = _wide(lab.metrics("cluster"), cluster="MyCluster")
    # By hand at 09:03: both app tasks (2 x 512 / 1024) and web (256 / 512) are running.
    row = wide.loc[pd.Timestamp("2025-01-06 09:03", tz="UTC")]
    assert (row.CpuReserved, row.MemoryReserved) == (1280, 2560)
    assert (row.RunningTaskCount, row.TaskCount, row.PendingTaskCount) == (3, 3, 0)
    assert row.ContainerInstanceCount == 1
    # At 09:01:00 all three had just been created: pending, nothing running.
    row = wide.loc[pd.Timestamp("2025-01-06 09:01", tz="UTC")]
    assert (row.PendingTaskCount, row.RunningTaskCount, row.CpuReserved) == (3, 0, 0)
    # Every minute agrees with the DescribeTasks timestamps.
    for t, row in wide.iterrows():
        want = _reference(tasks, t)
        assert {k: row[k] for k in want} == want, t
    assert wide["RunningTaskCount"].max() == 3 and wide["RunningTaskCount"].iloc[-1] == 0


def test_family_level_splits_the_tasks_by_family(ran):
    lab, tasks = ran
    m = lab.metrics("family")
    assert sorted(set(m["family"])) == ["app", "web"]
    for family in ("app", "web"):
        wide = _wide(m, family=family)
        for t, row in wide.iterrows():
            want = _reference(tasks, t, family)
            assert {k: row[k] for k in want} == want, (family, t)
    at = pd.Timestamp("2025-01-06 09:03", tz="UTC")
    assert _wide(m, family="app").loc[at, "CpuReserved"] == 1024
    assert _wide(m, family="web").loc[at, "MemoryReserved"] == 512
    # Families add up to the cluster.
    cl = _wide(lab.metrics("cluster"), cluster="MyCluster")
    both = _wide(m, family="app") + _wide(m, family="web")
    for k in ("CpuReserved", "MemoryReserved", "CpuUtilized", "MemoryUtilized"):
        assert both[k].to_numpy() == pytest.approx(cl[k].to_numpy())


def test_utilisation_follows_the_seeded_model(ran):
    lab, tasks = ran
    at = pd.Timestamp("2025-01-06 09:03", tz="UTC")
    share = dict(
        zip(
            [t["taskArn"] for t in tasks],
            task_share([t["taskArn"] for t in tasks], 7, 0.3),
            strict=True,
        )
    )
    assert all(0.3 * 0.6 <= s <= 0.3 * 1.4 for s in share.values())
    want_cpu = sum(share[t["taskArn"]] * int(t["cpu"]) for t in tasks)
    want_mem = sum(share[t["taskArn"]] * int(t["memory"]) for t in tasks)
    row = _wide(lab.metrics("cluster"), cluster="MyCluster").loc[at]
    assert row.CpuUtilized == pytest.approx(want_cpu) and row.MemoryUtilized == pytest.approx(
        want_mem
    )
    assert row.CpuUtilized < row.CpuReserved
    # Same seed, same values; another seed draws other shares; the share is configurable.
    again = Lab(seed=7)
    _start(again)
    again.advance("15m")
    assert again.metrics("cluster").equals(lab.metrics("cluster"))
    other = Lab(seed=8)
    _start(other)
    other.advance("15m")
    u_other = _wide(other.metrics("cluster"), cluster="MyCluster").loc[at, "CpuUtilized"]
    assert u_other != pytest.approx(row.CpuUtilized)
    busy = Lab(seed=7, insights_utilization=0.6)
    _start(busy)
    busy.advance("15m")
    u_busy = _wide(busy.metrics("cluster"), cluster="MyCluster").loc[at, "CpuUtilized"]
    assert u_busy == pytest.approx(2 * row.CpuUtilized)  # same draws, twice the mean
    with pytest.raises(ValueError, match="share of the reservation"):
        Lab(insights_utilization=1.5)


def test_insights_utilisation_survives_save_and_load(tmp_path):
    lab = Lab(seed=3, insights_utilization=0.5)
    _start(lab)
    lab.advance("5m")
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert loaded.insights_utilization == 0.5
    assert loaded.metrics("family").equals(lab.metrics("family"))


def test_published_only_while_on_and_running(lab):
    """CloudWatch's copy: documented (metric, level) pairs, only minutes with RUNNING tasks and
    Container Insights on; the lab's own view keeps every minute and says which were reported."""
    _start(lab)
    lab.advance("15m")
    full = lab.metrics("cluster")
    pub = lab.metrics("cluster", published=True)
    assert set(pub["metric"]) == set(PUBLISHED["cluster"])
    assert "RunningTaskCount" not in set(pub["metric"])  # per service only, on AWS
    running = _wide(full, cluster="MyCluster")["RunningTaskCount"]
    minutes = sorted(set(pub["time"]))
    assert minutes == sorted(running[running > 0].index)
    assert full[full["reported"]]["time"].nunique() == len(minutes)
    assert set(lab.metrics("family", published=True)["metric"]) == {
        "CpuReserved",
        "CpuUtilized",
        "MemoryReserved",
        "MemoryUtilized",
    }


def test_insights_off_then_on(lab):
    ecs = lab.client("ecs")
    _start(lab, settings=[{"name": "containerInsights", "value": "disabled"}])
    lab.advance("2m")  # 09:03:00
    assert lab.metrics("cluster", published=True).empty
    ecs.update_cluster_settings(cluster="MyCluster", settings=ON)
    lab.advance("3m")
    pub = lab.metrics("cluster", published=True)
    assert sorted(set(pub["time"])) == list(
        pd.date_range("2025-01-06 09:03", "2025-01-06 09:06", freq="1min", tz="UTC")
    )


def test_account_default_applies_to_new_clusters(lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="Old")
    ecs.put_account_setting_default(name="containerInsights", value="enabled")
    _start(lab, settings=[])  # MyCluster picks up the default at creation
    lab.advance("3m")
    pub = lab.metrics("cluster", published=True)
    assert set(pub["cluster"]) == {"MyCluster"}
    assert not pub.empty


def test_service_level_and_desired_count_from_service_facts():
    """Service facts (ServiceCreated/ServiceUpdated with ``desired_count``, ServiceDeleted) and
    tasks that carry their service: a hand-built table in the engine's schema."""
    t = pd.Timestamp("2025-01-06 09:00", tz="UTC")
    rows = [
        (0, "ClusterCreated", None, {"settings": {"containerInsights": "enabled"}}),
        (0, "ServiceCreated", "arn:svc/api", {"service": "api", "desired_count": 2}),
        (10, "TaskCreated", "t1", {"service": "api", "family": "f", "cpu": 256, "memory": 512}),
        (10, "TaskCreated", "t2", {"service": "api", "family": "f", "cpu": 256, "memory": 512}),
        (70, "TaskRunning", "t1", {}),
        (130, "TaskRunning", "t2", {}),
        (200, "ServiceUpdated", "arn:svc/api", {"service": "api", "desired_count": 1}),
        (250, "TaskStopped", "t2", {}),
    ]
    ev = pd.DataFrame(
        {
            "seq": range(len(rows)),
            "time": [t + pd.Timedelta(seconds=s) for s, *_ in rows],
            "kind": [k for _, k, *_ in rows],
            "cluster": "c",
            "resource": [r for *_, r, _ in rows],
            "detail": [d for *_, d in rows],
        }
    )
    m = metrics(ev, t + pd.Timedelta("6min"), level="service", seed=1)
    wide = _wide(m, service="api")
    assert wide["DesiredTaskCount"].tolist() == [2, 2, 2, 2, 1, 1, 1]
    assert wide["RunningTaskCount"].tolist() == [0, 0, 1, 2, 2, 1, 1]
    assert wide["PendingTaskCount"].tolist() == [0, 2, 1, 0, 0, 0, 0]
    assert wide["CpuReserved"].tolist() == [0, 0, 256, 512, 512, 256, 256]
    pub = metrics(ev, t + pd.Timedelta("6min"), level="service", seed=1, published=True)
    assert set(pub["metric"]) == set(PUBLISHED["service"])
    assert pub["time"].min() == t + pd.Timedelta("2min")
    cl = _wide(metrics(ev, t + pd.Timedelta("6min"), level="cluster"), cluster="c")
    assert cl["ServiceCount"].tolist() == [1] * 7


def test_level_and_utilisation_are_checked():
    lab = Lab()
    with pytest.raises(ValueError, match="level must be one of"):
        lab.metrics("task")
    empty = lab.metrics("cluster")
    assert empty.empty and list(empty.columns) == [
        "cluster",
        "time",
        "metric",
        "value",
        "unit",
        "reported",
    ]


def test_service_level_metrics_from_a_real_service(lab, launch):
    """DesiredTaskCount follows CreateService and UpdateService; RunningTaskCount the tasks."""
    import servicekit

    ecs = lab.client("ecs")
    ecs.create_cluster(
        clusterName="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    launch(
        "m5.large",
        user_data="#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config",
        MinCount=2,
        MaxCount=2,
    )
    lab.advance("2m")
    td = servicekit.sample_app(lab)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=2)
    lab.advance("5m")
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=3)
    lab.advance("5m")
    m = lab.metrics(level="service", published=False)
    web = m[(m["service"] == "web")]
    last = web[web["time"] == web["time"].max()].set_index("metric")["value"]
    assert last["DesiredTaskCount"] == 3
    assert last["RunningTaskCount"] == 3
    early = web[(web["time"] == lab.start + pd.Timedelta("6m"))].set_index("metric")["value"]
    assert early["DesiredTaskCount"] == 2
