"""Container Insights charts and panel: figure data against lab.metrics / lab.costs, by hand where
small (MyCluster, insights on, one m5.large; two ``app`` tasks 512/1024 and one ``web`` 256/512
running ``sleep 600`` from 09:01)."""

import pandas as pd
import pytest

from ecslab import Lab
from workbook import charts, palette
from workbook.charts.insights import metric_groups
from workbook.panels import InsightsPanel

ON = [{"name": "containerInsights", "value": "enabled"}]


@pytest.fixture
def lab():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from taskkit import instances, taskdef

    lab = Lab(seed=7)
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster", settings=ON)
    instances(lab, 1)
    app = taskdef(lab, "app", command=("sleep", "600"), cpu=512, memory=1024)
    web = taskdef(lab, "web", command=("sleep", "600"), cpu=256, memory=512)
    ecs.run_task(cluster="MyCluster", taskDefinition=app, count=2)
    ecs.run_task(cluster="MyCluster", taskDefinition=web)
    lab.advance("15m")
    return lab


def trace(fig, name):
    (t,) = [t for t in fig.data if t.name == name]
    return t


def test_cluster_figure_is_the_lab_metrics(lab):
    fig = charts.insights_figure(lab)
    assert "ClusterName MyCluster" in fig.layout.title.text
    assert fig.layout.template.layout.colorway == palette.SEQUENCE
    assert fig.layout.yaxis.title.text == "CPU units (1024 = 1 vCPU)"
    assert fig.layout.yaxis2.title.text == "memory (MiB)"
    assert fig.layout.yaxis3.title.text == "tasks (count)"
    assert fig.layout.xaxis3.title.text == "time (UTC)"
    note = [a.text for a in fig.layout.annotations if a.name == "price source"][0]
    assert note.startswith("Utilisation is modelled") and "mean 30%" in note
    m = lab.metrics("cluster")
    wide = m.pivot(index="time", columns="metric", values="value")
    reported = m.groupby("time")["reported"].first()
    for name, metric in (
        ("CPU reserved", "CpuReserved"),
        ("CPU used (modelled)", "CpuUtilized"),
        ("memory reserved", "MemoryReserved"),
        ("running tasks", "RunningTaskCount"),
    ):
        t = trace(fig, name)
        want = [v if r else None for v, r in zip(wide[metric], reported, strict=True)]
        assert [y is None for y in t.y] == [w is None for w in want]
        got = [y for y in t.y if y is not None]
        assert got == pytest.approx([w for w in want if w is not None])
        assert list(t.x) == list(wide.index)
    # By hand at 09:05: 2 x 512 + 256 CPU units, 3 tasks.
    at = list(trace(fig, "CPU reserved").x).index(pd.Timestamp("2025-01-06 09:05", tz="UTC"))
    assert trace(fig, "CPU reserved").y[at] == 1280 and trace(fig, "running tasks").y[at] == 3
    # Before any task runs there is no datapoint: a gap, not a zero.
    assert trace(fig, "CPU reserved").y[0] is None
    full = charts.insights_figure(lab, published_only=False)
    assert trace(full, "CPU reserved").y[0] == 0


def test_family_figure_and_groups(lab):
    assert metric_groups(lab, "cluster") == ["MyCluster"]
    assert metric_groups(lab, "family") == ["MyCluster/app", "MyCluster/web"]
    fig = charts.insights_figure(lab, "family", "MyCluster/web")
    assert "TaskDefinitionFamily MyCluster/web" in fig.layout.title.text
    ys = [y for y in trace(fig, "memory reserved").y if y is not None]
    assert set(ys) == {512}
    assert "CloudWatch has it per service" in trace(fig, "running tasks").hovertemplate
    with pytest.raises(ValueError, match="level must be one of"):
        charts.insights_figure(lab, "task")


def test_cost_figure_counts_and_costs(lab):
    fig = charts.insights_cost_figure(lab)
    metrics = trace(fig, "MyCluster: metrics")
    # 8 cluster metrics + 6 per task while the three tasks run; nothing before or after.
    assert sorted(set(metrics.y)) == [0, 26]
    assert metrics.line.shape == "hv"
    cost = trace(fig, "MyCluster: cost so far")
    bill = lab.costs(by="resource_type").set_index("resource_type")["cost"]
    assert cost.y[-1] == pytest.approx(bill["container-insights"])
    assert f"${bill['container-insights']:,.4f} so far" in fig.layout.title.text
    assert fig.layout.yaxis2.title.text == "cost so far (USD)"


def test_panel_drives_levels_and_groups(lab):
    panel = InsightsPanel(lab)
    assert panel.group.value == "MyCluster"
    assert panel.status_text.startswith("✓ ClusterName MyCluster: ")
    assert trace(panel.figure, "CPU reserved").y[4] == 1280  # 09:05
    panel.select_level("family")
    assert list(panel.group.options) == ["MyCluster/app", "MyCluster/web"]
    assert "TaskDefinitionFamily MyCluster/app" in panel.figure.layout.title.text
    app = [y for y in trace(panel.figure, "CPU reserved").y if y is not None]
    assert set(app) == {1024}
    assert panel.select("MyCluster/nope").ok is False
    assert "has metrics" in panel.status_text
    panel.select("MyCluster/web")
    assert {y for y in trace(panel.figure, "CPU reserved").y if y is not None} == {256}
    panel.published.value = False
    assert trace(panel.figure, "CPU reserved").y[0] == 0
    assert panel.select_level("task").ok is False
    lab.advance("10m")
    n = len(panel.figure.data[0].x)
    panel.refresh()
    assert len(panel.figure.data[0].x) == n + 10
    assert "interactive panel" in panel._repr_mimebundle_()["text/plain"]


def test_panel_on_an_empty_lab():
    panel = InsightsPanel(Lab())
    assert panel.group.value is None
    assert panel.status_text == "✗ no cluster has metrics yet: run a task"
