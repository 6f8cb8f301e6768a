"""Workbook kit for lesson 14: the scaling views, chart, load-slider panel and checks."""

from __future__ import annotations

from ecslab import Lab
from workbook import charts, checks
from workbook.panels import ScalingPanel
from workbook.views.autoscaling import (
    DIM,
    activities_table,
    alarm_intervals,
    alarms_table,
    scaling_history,
    scaling_service,
    target_tracking,
)


def _lab() -> Lab:
    lab = Lab(seed=7)
    scaling_service(lab, "MyCluster", "web", instances=2)
    aas = lab.client("application-autoscaling")
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/MyCluster/web",
        ScalableDimension=DIM,
        MinCapacity=1,
        MaxCapacity=8,
    )
    return lab


def test_views_chart_and_checks_follow_a_scaling_service():
    lab = _lab()
    first = checks.scaling_policy(lab, "MyCluster", "web", 50.0)
    assert not first.passed and "no target-tracking" in first.message and first.hint
    target_tracking(lab, "MyCluster", "web", 50.0, scale_in_cooldown=60)
    assert checks.scaling_policy(
        lab, "MyCluster", "web", 50.0, min_capacity=1, max_capacity=8
    ).passed
    assert not checks.scaling_policy(lab, "MyCluster", "web", 60.0).passed
    assert not checks.scaled_out_and_in(lab, "MyCluster", "web").passed
    lab.act(
        "set_load",
        cluster="MyCluster",
        service="web",
        points=[[0, 10], [300, 80], [1500, 80], [1800, 5]],
    )
    lab.advance("70m")
    h = scaling_history(lab, "MyCluster", "web")
    assert list(h.columns) == ["time", "load_rps", "cpu", "memory", "desired", "running"]
    assert h["desired"].max() >= 6 and h["desired"].iloc[-1] < h["desired"].max()
    assert h["cpu"].dropna().max() == 100.0 and h["load_rps"].max() == 80.0
    acts = activities_table(lab, "MyCluster", "web")
    assert acts["status"].eq("Successful").all()
    assert acts["cause"].str.contains("TargetTracking-…-AlarmHigh").any()
    assert acts["cause"].str.contains("TargetTracking-…-AlarmLow").any()
    table = alarms_table(lab)
    assert list(table.index) == ["AlarmHigh", "AlarmLow"]
    assert table.loc["AlarmLow", "datapoints"] == "15 of 15"
    bands = alarm_intervals(lab)
    assert {"ALARM", "OK"} <= set(bands["state"]) and (bands["end"] >= bands["start"]).all()
    fig = charts.scaling_figure(lab, "MyCluster", "web", target=50.0)
    names = [t.name for t in fig.data]
    assert names[:4] == [
        "offered load (requests/s)",
        "CPUUtilization (%)",
        "desired count",
        "running count",
    ]
    assert len(fig.data[4].x) == len(acts)
    assert any(s.type == "rect" for s in fig.layout.shapes)
    assert checks.scaled_out_and_in(lab, "MyCluster", "web", at_least=4).passed


def test_panel_slider_drives_the_chart():
    lab = _lab()
    target_tracking(lab, "MyCluster", "web", 50.0)
    panel = ScalingPanel(lab, "MyCluster", "web", target=50.0)
    panel.slider.value = 100  # what the learner does: the slider sets the load
    assert panel.status_text.startswith("✓ load ramps to 100 requests/s")
    out = panel.advance("10m")
    assert out.ok and "requests/s" in out.message
    assert len(panel.figure.data[0].x) == 10  # the ten whole minutes since the panel started
    assert panel.figure.data[0].y[-1] > 90  # the load ramped up to ~100 rps
    assert max(panel.figure.data[2].y) > 1  # the policy scaled out
    assert "interactive panel" in panel._repr_mimebundle_()["text/plain"]
