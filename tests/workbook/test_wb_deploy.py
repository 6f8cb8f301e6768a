"""workbook.views.deploy, charts.running_tasks_figure and checks.service_recovered over a real lab: a
service of awsvpc tasks in two AZs, a fault, and the repair."""

from __future__ import annotations

import pytest
from servicekit import alb
from taskkit import instances, subnets, taskdef

from workbook import charts, checks
from workbook.views.deploy import (
    readable,
    running_counts,
    service_events,
    service_summary,
    service_tasks,
    target_health_table,
)


@pytest.fixture
def deployed(lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster")
    two = subnets(lab)[:2]
    for s in two:
        instances(lab, 1, SubnetId=s)
    a = alb(lab, ttype="ip")
    lab.advance("3m")
    td = taskdef(
        lab,
        "web",
        image="httpd",
        command=None,
        portMappings=[{"containerPort": 80}],
        networkMode="awsvpc",
    )
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td,
        desiredCount=2,
        networkConfiguration={"awsvpcConfiguration": {"subnets": two}},
        loadBalancers=[{"targetGroupArn": a["tg"], "containerName": "app", "containerPort": 80}],
    )
    ecs.get_waiter("services_stable").wait(cluster="MyCluster", services=["web"])
    lab.advance("1m")
    return lab, a["tg"]


def test_tables_and_check(deployed):
    lab, tg = deployed
    tasks = service_tasks(lab, "MyCluster", "web")
    assert list(tasks.columns) == [
        "task",
        "az",
        "instance",
        "ip",
        "status",
        "health",
        "started",
        "revision",
    ]
    assert tasks["az"].tolist() == ["ap-east-1a", "ap-east-1b"]
    assert set(tasks["status"]) == {"RUNNING"} and tasks["revision"].tolist() == ["web:1", "web:1"]
    assert all(len(t) == 8 for t in tasks["task"]) and all(
        i.startswith("i-") for i in tasks["instance"]
    )
    health = target_health_table(lab, tg)
    assert sorted(health["target"]) == sorted(tasks["ip"]) and set(health["state"]) == {"healthy"}
    assert service_summary(lab, "MyCluster", "web") == {
        "status": "ACTIVE",
        "desired": 2,
        "running": 2,
        "pending": 0,
        "task_definition": "web:1",
        "deployments": ["PRIMARY web:1 COMPLETED"],
    }
    events = service_events(lab, "MyCluster", "web")
    assert events["message"].iloc[0].startswith("(service web) has started 2 tasks: (task ")
    assert "(target-group web-ip)" in events["message"].iloc[1]
    assert events["message"].iloc[-1] == "(service web) has reached a steady state."
    assert checks.service_recovered(lab, "MyCluster", "web", 2).passed
    failed = checks.service_recovered(lab, "MyCluster", "web", 3)
    assert not failed and failed.message == "its desired count is 2, not 3" and "ENI" in failed.hint

    # An instance lost: one AZ left, the service short of capacity; then repaired.
    lab.faults.terminate_instance(tasks["instance"].iloc[0])
    lab.advance("2m")
    now = checks.service_recovered(lab, "MyCluster", "web", 2)
    assert not now.passed and now.message in (
        "1 of 2 tasks are RUNNING",
        "all its tasks run in ap-east-1b: one AZ failure stops it",
    )
    counts = running_counts(lab, "MyCluster", "web")
    assert counts["running"].max() == 2 and counts["running"].iloc[0] in (1, 2)
    fig = charts.running_tasks_figure(lab, "MyCluster", "web", desired=2)
    assert [t.name for t in fig.data] == ["running tasks", "desired count (2)"]
    assert fig.layout.annotations[0].text == "instance terminated"
    assert fig.data[0].y[-1] == counts["running"].iloc[-1]


def test_readable_shortens_ids():
    text = (
        "(service web) has started 1 tasks: (task 0123456789abcdef0123456789abcdef) in "
        "(target-group arn:aws:elasticloadbalancing:ap-east-1:123456789012:targetgroup/web-ip/0a1b2c3d)"
        " arn:aws:ecs:ap-east-1:123456789012:task-definition/web:3"
    )
    assert (
        readable(text)
        == "(service web) has started 1 tasks: (task 01234567) in (target-group web-ip) web:3"
    )
