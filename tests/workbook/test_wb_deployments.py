"""Workbook kit for lesson 15: the deployment views, chart, panel and checks over a blue/green
service (release 1, release 2 deployed and baked, release 3 rolled back)."""

from __future__ import annotations

import pytest

from ecslab import Lab
from workbook import charts, checks
from workbook.panels import DeploymentPanel
from workbook.views.deployments import (
    advance_until,
    bluegreen_load_balancers,
    bluegreen_stack,
    deployment_history,
    release,
    revisions_table,
    rule_weights,
    stage_history,
    tasks_per_revision,
    traffic_history,
)


@pytest.fixture(scope="module")
def bg():
    lab = Lab(seed=7)
    ecs = lab.client("ecs")
    stack = bluegreen_stack(lab, "MyCluster", 3)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=release(lab, "web", "1"),
        desiredCount=2,
        deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 3},
        loadBalancers=bluegreen_load_balancers(stack),
    )
    lab.advance("2m")
    return lab, stack


def test_stack_rules_start_on_blue(bg):
    lab, stack = bg
    assert rule_weights(lab, stack["production_rule"]) == {"web-tg": 100, "web-green": 0}
    assert rule_weights(lab, stack["test_rule"]) == {"web-tg": 100, "web-green": 0}
    assert bluegreen_load_balancers(stack, test_rule=False)[0]["advancedConfiguration"].keys() == {
        "alternateTargetGroupArn",
        "productionListenerRule",
        "roleArn",
    }


def test_deploy_bake_rollback_views_chart_checks_and_panel(bg):
    lab, stack = bg
    ecs = lab.client("ecs")
    not_yet = checks.bluegreen_deployed(lab, "MyCluster", "web", "2", 3)
    assert not not_yet.passed and "release 1" in not_yet.message and not_yet.hint
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=release(lab, "web", "2"))
    sd = advance_until(lab, "MyCluster", "web", stage="BAKE_TIME")
    assert sd["status"] == "IN_PROGRESS"
    assert rule_weights(lab, stack["production_rule"]) == {"web-tg": 0, "web-green": 100}
    now = tasks_per_revision(lab, "MyCluster", "web")
    last = now[now["time"] == now["time"].max()].set_index("revision")["running"].to_dict()
    assert last == {"web:1": 2, "web:2": 2}  # both run during the bake
    baking = checks.bluegreen_deployed(lab, "MyCluster", "web", "2", 3)
    assert not baking.passed and "IN_PROGRESS (stage BAKE_TIME)" in baking.message
    advance_until(lab, "MyCluster", "web", status="SUCCESSFUL")
    assert checks.bluegreen_deployed(lab, "MyCluster", "web", "2", 3).passed
    assert not checks.bluegreen_deployed(lab, "MyCluster", "web", "2", 5).passed
    assert not checks.rolled_back(lab, "MyCluster", "web").passed

    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=release(lab, "web", "3"))
    sd = advance_until(lab, "MyCluster", "web", stage="BAKE_TIME")
    ecs.stop_service_deployment(serviceDeploymentArn=sd["serviceDeploymentArn"])
    done = advance_until(lab, "MyCluster", "web", status="ROLLBACK_SUCCESSFUL")
    assert checks.rolled_back(lab, "MyCluster", "web").passed
    assert not checks.rolled_back(lab, "MyCluster", "web", breaker=True).passed  # by hand

    hist = deployment_history(lab, "MyCluster", "web")
    assert hist["status"].tolist() == ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"]
    assert hist["target"].tolist() == ["web:3", "web:2", "web:1"]
    assert hist["sources"].tolist() == ["web:2", "web:1", ""]
    revs = revisions_table(lab, [done["rollback"]["serviceRevisionArn"]])
    assert revs["taskDefinition"].tolist() == ["web:2"]
    assert revs["targetGroups"].iloc[0] == "web-tg (alternate web-green)"

    traffic = traffic_history(lab, "MyCluster", "web", stack["production_rule"])
    final = traffic[traffic["time"] == traffic["time"].max()].set_index("revision")["share"]
    assert final.to_dict() == {"web:1": 0.0, "web:2": 100.0, "web:3": 0.0}
    assert traffic.groupby("revision")["share"].max().to_dict() == {
        "web:1": 100.0,
        "web:2": 100.0,
        "web:3": 100.0,
    }
    stages = stage_history(lab, "MyCluster", "web")
    assert "ROLLBACK_REQUESTED" in set(stages["status"])

    fig = charts.deployment_figure(lab, "MyCluster", "web", stack["production_rule"])
    names = [t.name for t in fig.data]
    assert "web:3: running tasks" in names and "web:3: production traffic" in names
    kinds = [s.type for s in fig.layout.shapes]
    assert kinds.count("rect") == 2 and kinds.count("line") == 1  # two bakes, one rollback
    assert fig.layout.yaxis2.title.text == "production traffic (%)"

    panel = DeploymentPanel(lab, "MyCluster", "web", stack["production_rule"])
    assert "web:2, deployment ROLLBACK_SUCCESSFUL" in panel.status_text
    assert panel.deploy().message == "deploying web:4 (release 4)"
    panel.advance("1m")
    assert "IN_PROGRESS (BAKE_TIME)" in panel.status_text
    assert panel.roll_back().ok
    panel.advance("6m")
    assert "ROLLBACK_SUCCESSFUL" in panel.status_text
    bad = panel.roll_back()
    assert not bad.ok and bad.message.startswith("ConflictException:")
    assert len(panel.figure.data) == 8  # four revisions, tasks and traffic each
    assert "Deployment panel" in panel.snapshot()


def test_circuit_breaker_rollback_check():
    lab = Lab(seed=3)
    ecs = lab.client("ecs")
    bluegreen_stack(lab, "MyCluster", 2)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="shop",
        taskDefinition=release(lab, "shop", "1"),
        desiredCount=2,
    )
    lab.advance("2m")
    ecs.update_service(
        cluster="MyCluster",
        service="shop",
        taskDefinition=release(lab, "shop", "bad", command=["false"]),
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    early = checks.rolled_back(lab, "MyCluster", "shop", breaker=True)
    assert not early.passed and "IN_PROGRESS" in early.message and "circuit breaker" in early.hint
    advance_until(lab, "MyCluster", "shop", status="ROLLBACK_SUCCESSFUL", step=60)
    got = checks.rolled_back(lab, "MyCluster", "shop", breaker=True)
    assert got.passed and "back on shop:1" in got.message
    with pytest.raises(TimeoutError):
        advance_until(lab, "MyCluster", "shop", status="SUCCESSFUL", limit="2m")
