"""The panels and charts really speak Traditional Chinese after ``set_language("zh-Hant")``, read
the language when they are built (not when workbook is imported), keep AWS's words (statuses,
ARNs, launch types) in English, and go back to English with ``set_language("en")``."""

from __future__ import annotations

import re

import pytest

from ecslab import Lab
from workbook import charts
from workbook.charts.eni import TRACE_NAMES
from workbook.i18n import set_language
from workbook.panels import ClockPanel, ClusterPanel, CostExplorer, InstanceLaunchPanel

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh():
    set_language("zh-Hant")
    yield
    set_language("en")


@pytest.fixture
def lab():
    return Lab(region="ap-east-1", seed=7)


def test_cluster_panel_in_chinese_keeps_aws_words(zh, lab):
    panel = ClusterPanel(lab)
    out = panel.create("Sandbox")
    assert panel.title == "叢集面板"
    assert panel.create_button.description == "建立叢集"
    assert panel.delete_button.description == "刪除叢集"
    assert panel.name.description == "名稱"
    # The containerInsights values are what AWS takes: not translated.
    assert tuple(panel.insights.options) == ("disabled", "enabled", "enhanced")
    assert out.ok
    assert out.message.startswith("叢集 Sandbox 為 ACTIVE：arn:aws:ecs:ap-east-1:")
    # An AWS error stays in AWS's words.
    wrong = panel.delete("sandbox")
    assert not wrong.ok and "ClusterNotFoundException" in wrong.message
    assert "叢集面板" in panel._repr_mimebundle_()["text/html"]


def test_clock_and_instance_panels_in_chinese(zh, lab):
    clock = ClockPanel(lab)
    clock.advance(90)
    assert "模擬時間" in clock.now_label.value
    assert "2025年1月6日 09:01:30 UTC" in clock.now_text
    assert clock.status_text == "✓ 前進了 0 小時 01 分 30 秒，至 09:01:30 UTC"
    launch = InstanceLaunchPanel(lab, cluster="MyCluster")
    assert launch.launch_button.description == "啟動實例"
    # Dropdown labels are translated, the values (what the launch request gets) are not.
    assert launch.ami.options == (
        ("ECS 最佳化 Amazon Linux 2", True),
        ("一般 Amazon Linux 2", False),
    )
    assert launch.public_ip.options[1] == ("是", True)


def test_charts_in_chinese(zh, lab):
    lab.client("ecs").create_cluster(clusterName="demo")
    timeline = charts.event_timeline_figure(lab)
    assert timeline.layout.title.text == "實驗室事件隨模擬時間的變化（2 個事件）"
    assert timeline.layout.xaxis.title.text == "模擬時間（UTC）"
    assert [t.name for t in timeline.data] == [
        "輸入（API 呼叫、時鐘、實驗室動作）",
        "事實（改變了甚麼）",
    ]
    # Event kinds are the event table's words: English.
    assert "ClusterCreated" in list(timeline.data[1].y)

    eni = charts.eni_capacity_figure(256, 512, True, ["m5.large", "t3.medium"])
    names = [t.name for t in eni.data]
    assert names[0] == "未啟用 ENI trunking 的 awsvpc 任務"
    assert names[3] == "不支援 ENI trunking"
    assert eni.layout.yaxis.title.text == "實例類型"

    price = charts.hourly_price_figure(256, 512, ["m5.large"])
    assert price.layout.title.text.startswith("一個 0.25 vCPU / 512 MiB 任務每小時的成本")
    assert "US$" in price.data[0].hovertext[0]  # money() in the zh-Hant locale


def test_cost_explorer_in_chinese_figures_in_locale(zh, lab):
    explorer = CostExplorer(lab, count=10)
    assert explorer.title == "Fargate 對比 EC2 成本探索器"
    labels = [label for label, _key in explorer.fargate.options]
    assert labels[0] == "隨需 x86_64"
    assert explorer.fargate.value == "On-Demand x86_64"  # the key, as in English
    assert "US$" in explorer.status_text and "收支平衡點" in explorer.status_text


def test_language_is_read_when_built_and_english_restored(lab):
    set_language("zh-Hant")
    try:
        zh_panel = ClusterPanel(lab)
        zh_chart = charts.event_timeline_figure(lab)
    finally:
        set_language("en")
    en_panel = ClusterPanel(lab)
    en_chart = charts.event_timeline_figure(lab)
    assert zh_panel.create_button.description == "建立叢集"
    assert en_panel.create_button.description == "Create cluster"
    assert en_panel.title == "Cluster panel"
    assert en_chart.layout.xaxis.title.text == "simulated time (UTC)"
    assert HAN.search(zh_chart.layout.title.text)
    assert not HAN.search(en_chart.layout.title.text)
    eni = charts.eni_capacity_figure(256, 512, True, ["m5.large"])
    assert [t.name for t in eni.data][:2] == list(TRACE_NAMES[:2])


@pytest.mark.parametrize(
    "build",
    [
        lambda lab: charts.registered_memory_figure(["m5.large"]),
        lambda lab: charts.fargate_sizes_figure((256, 512)),
        lambda lab: charts.cost_breakdown_figure(lab),
        lambda lab: charts.cost_over_time_figure(lab),
        lambda lab: charts.placement_figure(lab, "default"),
        lambda lab: charts.insights_cost_figure(lab),
    ],
    ids=["memory", "fargate-sizes", "bill", "bill-over-time", "placement", "insights"],
)
def test_every_chart_title_is_chinese(zh, lab, build):
    fig = build(lab)
    title = fig.layout.title.text or ""
    assert HAN.search(title), title
