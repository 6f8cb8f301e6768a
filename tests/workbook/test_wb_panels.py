"""Panels driven through their methods (and their buttons) against a real lab; no browser."""

from datetime import timedelta

from workbook.charts.eni import TRACE_NAMES
from workbook.panels import ClockPanel, ClusterPanel, EniExplorer

ARN = "arn:aws:ecs:ap-east-1:123456789012:cluster/"


def test_clock_panel_buttons_advance_the_lab(lab):
    panel = ClockPanel(lab)
    assert "2025-01-06 09:00:00 UTC (0h 00m 00s" in panel.now_label.value
    panel.buttons["+10 s"].click()
    panel.buttons["+1 m"].click()
    panel.buttons["+10 m"].click()
    assert lab.now - lab.start == timedelta(seconds=670)
    assert "09:11:10 UTC (0h 11m 10s since the lab started)" in panel.now_label.value
    assert panel.status_text == "✓ advanced 0h 10m 00s to 09:11:10 UTC"
    assert list(lab.events["kind"].astype(str)) == ["ClockAdvanced"] * 3
    panel.advance("2h")
    assert panel.now_text.startswith("2025-01-06 11:11:10 UTC")


def test_clock_panel_refuses_bad_durations_without_a_traceback(lab):
    panel = ClockPanel(lab)
    panel.advance(-5)
    assert panel.status_text.startswith("✗ ")
    assert lab.now == lab.start and len(lab.events) == 0


def test_cluster_panel_create_list_delete(lab, ecs):
    panel = ClusterPanel(lab)
    assert "No clusters yet" in panel.table_html.value
    out = panel.create("MyCluster", container_insights="enabled", tags={"team": "a"})
    assert out.ok and out.message == f"cluster MyCluster is ACTIVE: {ARN}MyCluster"
    assert ecs.list_clusters()["clusterArns"] == [ARN + "MyCluster"]
    c = ecs.describe_clusters(clusters=["MyCluster"], include=["SETTINGS", "TAGS"])["clusters"][0]
    assert c["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert c["tags"] == [{"key": "team", "value": "a"}]
    assert list(panel.rows.index) == ["MyCluster"]
    assert panel.clusters.options == ("MyCluster",)
    assert "team=a" in panel.table_html.value
    # The buttons call the same methods with the widgets' values.
    panel.name.value = ""
    panel.insights.value = "disabled"
    panel.create_button.click()
    assert panel.status_text == f"✓ cluster default is ACTIVE: {ARN}default"
    panel.clusters.value = "MyCluster"
    panel.delete_button.click()
    assert panel.status_text == "✓ cluster MyCluster is INACTIVE (deleted)"
    assert ecs.list_clusters()["clusterArns"] == [ARN + "default"]
    assert panel.clusters.options == ("default",)


def test_cluster_panel_shows_errors_in_aws_words(lab):
    panel = ClusterPanel(lab)
    out = panel.delete("NoSuchCluster")
    assert not out.ok
    assert panel.status_text == "✗ ClusterNotFoundException: Cluster not found."
    assert "Cluster not found." in panel.status.value
    out = panel.create("bad name")
    assert out.message.startswith("InvalidParameterException: Cluster name must be 1-255")
    assert len(lab.events) == 0  # refused calls leave no trace
    assert panel.delete().message == "choose a cluster to delete"


def test_panel_text_repr_has_no_random_ids(lab):
    bundle = ClusterPanel(lab)._repr_mimebundle_()
    assert bundle["text/plain"] == "Cluster panel (an interactive panel: run the cell to use it)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_eni_explorer_updates_its_figure_widget():
    ex = EniExplorer(task_cpu=256, task_memory=512, trunking=True, families_=["m5", "t3"])
    fig = ex.figure
    assert list(fig.data[0].y)[:4] == ["t3.medium", "t3.large", "t3.xlarge", "t3.2xlarge"]
    eff = fig.data[2]
    assert eff.x[list(eff.y).index("m5.large")] == 8  # CPU: 2048 // 256

    table = ex.set_task(4096, 1024)
    assert table.loc["m5.large", "binding"] == "CPU"
    assert ex.figure.data[2].text[list(ex.figure.data[2].y).index("m5.large")] == "CPU"
    assert "4 vCPU / 1024 MiB" in ex.figure.layout.title.text
    assert ex.cpu.value == 4096 and ex.memory.value == 1024

    ex.set_task(256, 512)
    ex.set_trunking(False)
    eff = ex.figure.data[2]
    assert eff.x[list(eff.y).index("m5.large")] == 2 and "without trunking" in eff.name

    ex.select(types=["m5.large", "t3.medium"])
    assert list(ex.figure.data[0].y) == ["m5.large", "t3.medium"]
    assert list(ex.figure.data[3].y) == ["t3.medium"]  # marked unsupported
    assert ex.figure.layout.height == 220 + 28 * 2

    ex.families.value = ("c6g",)  # the widget path: an observer updates the chart
    assert list(ex.figure.data[1].y) == ["c6g.large", "c6g.xlarge", "c6g.2xlarge", "c6g.4xlarge"]
    assert list(ex.figure.data[1].x) == [10, 20, 40, 60]
    assert [t.name for t in ex.figure.data][:2] == list(TRACE_NAMES[:2])


def test_eni_explorer_reports_bad_sizes():
    ex = EniExplorer()
    before = ex.table
    ex.memory.value = 0
    assert ex.status_text.startswith("✗ task_cpu")
    assert ex.table is before
