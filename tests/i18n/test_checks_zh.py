"""Exercise checks and hints in Traditional Chinese over a real lab: pass and fail cases show
Chinese text with every placeholder filled, AWS's terms stay English, and English comes back
after set_language("en")."""

import re

import pytest

from workbook import checks
from workbook.i18n import set_language

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh():
    set_language("zh-Hant")
    yield
    set_language("en")


def _filled(text: str) -> None:
    assert CJK.search(text), text
    assert not re.search(r"\{[a-z_]+\}", text), f"unfilled placeholder in {text!r}"


def test_cluster_check_fails_then_passes_in_chinese(zh, lab, ecs):
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled")
    assert not r
    assert r.title == "叢集 MyCluster 存在"
    assert r.message == "這個實驗室（ap-east-1）中沒有名為 MyCluster 的叢集"
    assert r.hint == '用 ecs.create_cluster(clusterName="MyCluster") 建立它。'
    text = str(r)
    assert text.startswith("[未完成] 叢集 MyCluster 存在：")
    assert "\n  提示：用 ecs.create_cluster" in text
    html = r._repr_html_()
    assert "<b>提示：</b>" in html and "ecslab-check-fail" in html
    with pytest.raises(checks.CheckFailed, match="提示："):
        r.require()
    ecs.create_cluster(clusterName="MyCluster")
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled")
    assert r.message == "containerInsights 是 disabled，練習要求 enabled"
    _filled(r.hint)
    assert "settings=[{'name': 'containerInsights', 'value': 'enabled'}]" in r.hint
    ecs.update_cluster_settings(
        cluster="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled")
    assert r and str(r) == "[通過] 叢集 MyCluster 存在：ACTIVE，containerInsights=enabled"


def test_task_and_taskdef_checks_in_chinese(zh, lab, ecs):
    r = checks.tasks_running(lab, "nope", "web", 2)
    assert not r and r.title == "nope 中有 2 個 web 任務 RUNNING"
    assert "ClusterNotFoundException" in r.message  # AWS's words stay English
    assert r.hint == "先建立叢集 nope。"
    r = checks.taskdef_registered(lab, "web", compatible_with="FARGATE")
    assert not r and r.message == "web 沒有 ACTIVE 的修訂版本"
    _filled(r.hint)
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 256}],
    )
    r = checks.taskdef_registered(lab, "web", compatible_with="FARGATE")
    assert not r and r.message == "web:1 與 EXTERNAL, EC2 相容，而不是 FARGATE"
    assert "Fargate 需要 networkMode awsvpc" in r.hint
    r = checks.taskdef_registered(lab, "web")
    assert r and r.message == "web:1 是 ACTIVE（EXTERNAL, EC2；bridge）"
    r = checks.taskdef_deregistered(lab, "web:1")
    assert not r and r.message == "web:1 仍然是 ACTIVE"
    _filled(r.hint)


def test_answer_checks_and_english_restored(zh, lab, ecs):
    r = checks.fargate_task_price("abc")
    assert not r and r.message == "答案應該是數字，收到的是 'abc'"
    assert r.title == "1 vCPU / 2 GB 任務的 Fargate 價格"
    _filled(r.hint)
    r = checks.service_steady(lab, "c", "web", desired=2)
    assert not r and r.title == "服務 web 穩定，共 2 個任務"
    _filled(r.hint)
    set_language("en")
    r = checks.cluster_exists(lab, "MyCluster")
    assert r.title == "cluster MyCluster exists"
    assert str(r).startswith("[NOT YET] cluster MyCluster exists: there is no cluster")
    assert "<b>Hint:</b>" in r._repr_html_()
