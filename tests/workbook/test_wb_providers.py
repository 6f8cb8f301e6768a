"""Lesson 13's workbook parts: the capacity history, its chart, the checks and the panel."""

from __future__ import annotations

from ecslab import Lab
from workbook import charts, checks
from workbook.panels import CapacityPanel
from workbook.views.providers import asg_capacity_provider, capacity_history, provider_tasks


def _lab() -> Lab:
    lab = Lab(seed=7)
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="c")
    asg_capacity_provider(lab, "c", "cp", "g", "m5.large", target=100, max_size=4)
    ecs.put_cluster_capacity_providers(
        cluster="c",
        capacityProviders=["cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1}],
    )
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "httpd:2.4", "cpu": 1024, "memory": 2048}],
    )
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="web", desiredCount=2)
    return lab


def test_history_chart_and_check():
    lab = _lab()
    lab.advance("5m")
    h = capacity_history(lab, "c", "cp")
    assert h["reservation"].iloc[0] == 200.0 and h["instances"].iloc[-1] == 1
    assert h["running"].iloc[-1] == 2 and h["pending"].iloc[-1] == 0
    fig = charts.capacity_figure(lab, "c", "cp")
    assert len(fig.data) == 7 and list(fig.data[0].y) == h["instances"].tolist()
    assert provider_tasks(lab, "c", "web")["tasks"].tolist() == [2]
    assert checks.provider_target_reached(lab, "c", "cp", "web", 100).passed
    wrong = checks.provider_target_reached(lab, "c", "cp", "web", 50)
    assert not wrong.passed and "targetCapacity" in wrong.message and wrong.hint
    split = checks.provider_split(lab, "c", "web", {"FARGATE": 2})
    assert not split.passed and "2 x cp" in split.message


def test_panel_drives_the_service_and_redraws():
    lab = _lab()
    panel = CapacityPanel(lab, "c", "web", "cp")
    assert panel.slider.value == 2
    panel.set_desired(5)
    assert (
        lab.client("ecs").describe_services(cluster="c", services=["web"])["services"][0][
            "desiredCount"
        ]
        == 5
    )
    out = panel.advance("5m")
    assert out.ok and "3 instances" in panel.status_text and "5 running" in panel.status_text
    assert len(panel.figure.data[0].x) == len(panel.history) == 5
    assert "Cluster auto scaling panel" in panel.snapshot()
