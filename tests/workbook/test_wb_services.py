"""The service kit: ServicePanel driven through its methods, the service tables, the history
queries and charts on a small hand-checked lab, and the service / deployment / target checks."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from ecslab import examples
from workbook import charts, checks
from workbook.panels import ServicePanel
from workbook.views.services import (
    deployment_bands,
    load_balancer,
    rolling_bounds,
    service_events,
    service_history,
    service_tasks,
    start_cluster,
    target_health_history,
    target_health_table,
)


def _sample_app(ecs) -> str:
    td = examples.taskdef("sample-app")
    td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 0  # dynamic host ports
    out = ecs.register_task_definition(**td)["taskDefinition"]
    return f"{out['family']}:{out['revision']}"


def _lb(a):
    return [{"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}]


@pytest.fixture
def web(lab, ecs):
    """Three m5.large in three AZs, an ALB (10 s checks, 2 to be healthy, 30 s draining) and
    sample-app:1; the clock is at 09:04:00."""
    table = start_cluster(lab, "MyCluster", 3)
    a = load_balancer(lab, "web", HealthCheckIntervalSeconds=10, HealthyThresholdCount=2)
    lab.client("elbv2").modify_target_group_attributes(
        TargetGroupArn=a["tg"],
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
    )
    _sample_app(ecs)
    return table, a


def test_start_cluster_and_load_balancer(lab, ecs, web):
    table, a = web
    assert table.to_dict("index") == {
        "MyCluster-1": {"zone": "ap-east-1a", "type": "m5.large"},
        "MyCluster-2": {"zone": "ap-east-1b", "type": "m5.large"},
        "MyCluster-3": {"zone": "ap-east-1c", "type": "m5.large"},
    }
    assert len(ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]) == 3
    lb = lab.client("elbv2").describe_load_balancers(LoadBalancerArns=[a["lb"]])
    assert lb["LoadBalancers"][0]["State"]["Code"] == "active"
    assert a["tg"].split(":targetgroup/")[1].startswith("web-tg/")
    assert lab.now == lab.start + pd.Timedelta("4min")


def test_service_panel_walkthrough(lab, ecs, web):
    _, a = web
    panel = ServicePanel(lab, "MyCluster", "web", "sample-app", 1)
    assert "No service yet" in panel.deployments_html.value
    out = panel.create(loadBalancers=_lb(a))
    assert out.ok and out.message.startswith(
        "service web created: ACTIVE, sample-app:1, desired 1, running 0; 1 deployment(s)"
    )
    assert panel.wait_stable().message == "service web is stable (after 15 simulated seconds)"
    assert checks.service_steady(lab, "MyCluster", "web", desired=1).passed
    assert checks.targets_healthy(lab, a["tg"], count=1).passed

    # Scale to 3: one task per AZ (the default spread), no new deployment.
    assert panel.scale(3).ok and len(panel.deployments) == 1
    not_yet = checks.service_steady(lab, "MyCluster", "web", desired=3, azs=3)
    assert not not_yet.passed and not_yet.message.startswith(
        "not steady yet: 1 running, 0 pending of 3"
    )
    panel.advance("2m")
    assert checks.service_steady(lab, "MyCluster", "web", desired=3, azs=3).passed
    tasks = service_tasks(lab, "MyCluster", "web")
    assert list(tasks.index) == ["t1", "t2", "t3"]
    assert Counter(tasks["zone"]) == {"ap-east-1a": 1, "ap-east-1b": 1, "ap-east-1c": 1}
    assert sorted(tasks["instance"]) == ["MyCluster-1", "MyCluster-2", "MyCluster-3"]

    # Deploy revision 2 at 50 % minimum healthy: the new deployment is PRIMARY, the old ACTIVE.
    _sample_app(ecs)
    out = panel.deploy("sample-app:2", minimumHealthyPercent=50, maximumPercent=200)
    assert out.ok
    deps = panel.deployments
    assert deps["status"].tolist() == ["PRIMARY", "ACTIVE"]
    assert deps["revision"].tolist() == ["sample-app:2", "sample-app:1"]
    pending = checks.deployment_completed(
        lab, "MyCluster", "web", task_definition="sample-app:2", minimum_healthy_percent=50
    )
    assert not pending.passed and "IN_PROGRESS" in pending.message
    panel.wait_stable()
    done = checks.deployment_completed(
        lab, "MyCluster", "web", task_definition="sample-app:2", minimum_healthy_percent=50
    )
    assert done.passed and done.message == (
        "sample-app:2 COMPLETED, 3 running (minimumHealthyPercent 50, maximumPercent 200)"
    )
    assert set(service_tasks(lab, "MyCluster", "web")["revision"]) == {"sample-app:2"}

    # Force a new deployment: same revision, new tasks.
    before = set(service_tasks(lab, "MyCluster", "web").index)
    assert panel.force_new_deployment().ok
    panel.wait_stable()
    after = service_tasks(lab, "MyCluster", "web")
    assert set(after["revision"]) == {"sample-app:2"} and not (set(after.index) & before)

    # Delete: refused while scaled above 0, then accepted.
    refused = panel.delete()
    assert not refused.ok and refused.message == (
        "InvalidParameterException: The service cannot be stopped while it is scaled above 0."
    )
    panel.scale(0)
    panel.advance("2m")
    deleted = panel.delete()
    assert deleted.ok and "deleted: DRAINING" in deleted.message
    events = panel.events
    assert events["message"].iloc[-1] in (
        "(service web) has reached a steady state.",
        "(service web) has stopped 3 running tasks: (task t10) (task t11) (task t12).",
    )
    assert "<code>" in panel.events_html.value
    names = [t.name for t in panel.figure.data]
    assert names[-1] == "desired count" and any(n.startswith("running: ") for n in names)


def test_service_events_use_readable_ids(lab, ecs, web):
    _, a = web
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition="sample-app",
        desiredCount=2,
        loadBalancers=_lb(a),
    )
    lab.advance("1m")
    ev = service_events(lab, "MyCluster", "web")
    assert ev["message"].tolist()[:2] == [
        "(service web) has started 2 tasks: (task t1) (task t2).",
        "(service web) registered 1 targets in (target-group targetgroup/web-tg)",
    ]
    assert ev["time"].iloc[0] == "09:04:00"
    table = target_health_table(lab, a["tg"], "MyCluster", "web")
    assert sorted(table["task"]) == ["t1", "t2"] and set(table["state"]) == {"healthy"}
    assert set(table["target"]) <= {"MyCluster-1", "MyCluster-2", "MyCluster-3"}


def test_history_and_timeline_hand_checked(lab, ecs):
    """No load balancer: a task is healthy 40 s after RUNNING. One task, then a new revision with
    minimumHealthyPercent 100 / maximumPercent 200: the new task starts first."""
    start_cluster(lab, "MyCluster", 1)
    _sample_app(ecs)
    ecs.create_service(
        cluster="MyCluster", serviceName="web", taskDefinition="sample-app", desiredCount=1
    )
    lab.advance("1m")
    _sample_app(ecs)
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition="sample-app:2")
    lab.advance("2m")
    h = service_history(lab, "MyCluster", "web")
    bands = deployment_bands(lab, "MyCluster", "web")
    d1, d2 = bands["deployment"].tolist()
    assert bands["revision"].tolist() == ["sample-app:1", "sample-app:2"]
    assert bands["outcome"].tolist() == ["COMPLETED", "COMPLETED"]
    assert bands["end"].iloc[0] == bands["completed"].iloc[1] and pd.isna(bands["end"].iloc[1])
    one = h[h["deployment"] == d1]
    two = h[h["deployment"] == d2]
    # Deployment 1: pending at 09:01:00, running once pulled, stopping when 2 is healthy, gone.
    assert one.iloc[0][["pending", "running", "stopping", "desired"]].tolist() == [1, 0, 0, 1]
    assert one["running"].max() == 1 and one.iloc[-1][["running", "stopping"]].tolist() == [0, 0]
    # The new task ran before the old one stopped: at some moment both ran.
    both = h.pivot_table(index="time", columns="deployment", values="running", fill_value=0)
    assert ((both[d1] == 1) & (both[d2] == 1)).any()
    assert two.iloc[-1][["running", "pending", "stopping"]].tolist() == [1, 0, 0]
    assert (h["time"] >= pd.Timestamp(lab.start)).all() and set(h["desired"]) == {1}
    # The whole history is also there "as of" an earlier time.
    early = service_history(lab, "MyCluster", "web", until=lab.start + pd.Timedelta("90s"))
    assert set(early["deployment"]) == {d1}
    fig = charts.service_timeline_figure(lab, "MyCluster", "web")
    assert [t.name.split(":")[0] for t in fig.data] == [
        "running",
        "running",
        "pending",
        "pending",
        "stopping",
        "desired count",
    ]
    assert fig.layout.title.text == "Service web: tasks per deployment vs desired count"
    assert fig.layout.xaxis.title.text == "simulated time (UTC)"
    assert len(fig.layout.shapes) == 2  # the two deployment bands
    early_fig = charts.service_timeline_figure(
        lab, "MyCluster", "web", until=lab.start + pd.Timedelta("90s")
    )
    assert len(early_fig.layout.shapes) == 1


def test_target_health_chart_and_check_with_a_wrong_path(lab, ecs):
    start_cluster(lab, "MyCluster", 1)
    a = load_balancer(
        lab,
        "web",
        HealthCheckPath="/health",
        HealthCheckIntervalSeconds=10,
        UnhealthyThresholdCount=2,
    )
    _sample_app(ecs)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition="sample-app",
        desiredCount=1,
        loadBalancers=_lb(a),
        healthCheckGracePeriodSeconds=120,  # unhealthy, but not replaced yet
    )
    lab.advance("30s")
    bad = checks.targets_healthy(lab, a["tg"])
    assert not bad.passed
    assert bad.message == "0 of 1 targets healthy; others: unhealthy (Target.ResponseCodeMismatch)"
    assert "HealthCheckPath" in bad.hint
    hist = target_health_history(lab, a["tg"])
    assert hist["to"].tolist() == ["initial", "initial", "unhealthy"]
    assert hist["reason"].tolist() == [
        "Elb.RegistrationInProgress",
        "Elb.InitialHealthChecking",
        "Target.ResponseCodeMismatch",
    ]
    assert hist["target"].tolist() == ["MyCluster-1"] * 3
    fig = charts.target_health_figure(lab, a["tg"])
    assert [t.name for t in fig.data] == ["initial", "unhealthy"]
    assert list(fig.data[0].x) == [10_000, 10_000]  # two 10 s checks before unhealthy
    assert list(fig.data[0].y) == ["MyCluster-1:32768"] * 2
    assert fig.layout.title.text == "Target health in web-tg over simulated time"
    # Fix the path: the replacement task's target becomes healthy.
    lab.client("elbv2").modify_target_group(TargetGroupArn=a["tg"], HealthCheckPath="/")
    lab.advance("3m")
    assert checks.targets_healthy(lab, a["tg"], count=1).passed
    assert "TargetHealthChanged" in set(lab.events["kind"].astype(str))


def test_checks_say_what_is_missing(lab, ecs):
    assert "ClusterNotFoundException" in checks.service_steady(lab, "Nope", "web").message
    start_cluster(lab, "MyCluster", 2)  # two AZs only
    miss = checks.service_steady(lab, "MyCluster", "web")
    assert not miss.passed and miss.message == "there is no active service web"
    _sample_app(ecs)
    ecs.create_service(
        cluster="MyCluster", serviceName="web", taskDefinition="sample-app:1", desiredCount=2
    )
    lab.advance("2m")
    wrong = checks.service_steady(lab, "MyCluster", "web", desired=3)
    assert wrong.message == "desiredCount is 2, the exercise wants 3"
    assert "desiredCount=3" in wrong.hint
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=3)
    lab.advance("2m")
    zones = checks.service_steady(lab, "MyCluster", "web", desired=3, azs=3)
    assert not zones.passed and zones.message.startswith("the running tasks are in 2 AZ(s)")
    other = checks.deployment_completed(lab, "MyCluster", "web", task_definition="sample-app:2")
    assert other.message == "the service deploys sample-app:1, not sample-app:2"
    cfg = checks.deployment_completed(lab, "MyCluster", "web", minimum_healthy_percent=50)
    assert cfg.message == "minimumHealthyPercent is 100, the exercise wants 50"
    assert "no targets" in checks.targets_healthy(lab, _empty_tg(lab)).message


def _empty_tg(lab) -> str:
    vpc = lab.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    return lab.client("elbv2").create_target_group(
        Name="empty", Protocol="HTTP", Port=80, VpcId=vpc
    )["TargetGroups"][0]["TargetGroupArn"]


@pytest.mark.parametrize(
    ("desired", "lo", "hi", "expected"),
    [
        (4, 100, 200, (4, 8, 0, 4)),
        (4, 50, 200, (2, 8, 2, 4)),
        (3, 50, 150, (2, 4, 1, 1)),  # ceil(1.5) = 2, floor(4.5) = 4
        (1, 0, 100, (0, 1, 1, 0)),
    ],
)
def test_rolling_bounds(desired, lo, hi, expected):
    b = rolling_bounds(desired, lo, hi)
    assert (b["min_healthy"], b["max_tasks"], b["may_stop_first"], b["may_start_first"]) == expected
