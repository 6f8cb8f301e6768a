"""Chart functions: the figure data, titles, axis titles and hover text."""

import pandas as pd

from workbook import charts, palette
from workbook.charts.eni import TRACE_NAMES


def by_name(fig, prefix):
    (trace,) = [t for t in fig.data if t.name.startswith(prefix)]
    return trace


def point(trace, y):
    return trace.x[list(trace.y).index(y)]


def assert_labelled(fig):
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert "(" in fig.layout.xaxis.title.text or "(" in fig.layout.yaxis.title.text  # units
    assert fig.layout.template.layout.colorway == palette.SEQUENCE


def test_eni_figure_m5_large_2_to_10_and_t3_unsupported():
    fig = charts.eni_capacity_figure(256, 512, trunking=True)
    assert_labelled(fig)
    without, with_ = by_name(fig, TRACE_NAMES[0]), by_name(fig, TRACE_NAMES[1])
    assert point(without, "m5.large") == 2 and point(with_, "m5.large") == 10
    assert point(without, "m5.4xlarge") == 7 and point(with_, "m5.4xlarge") == 60
    assert point(with_, "t3.medium") is None
    unsupported = by_name(fig, TRACE_NAMES[3])
    assert set(unsupported.y) == {
        f"{f}.{s}" for f in ("t3", "t3a") for s in ("medium", "large", "xlarge", "2xlarge")
    }
    assert set(unsupported.text) == {"not supported"}
    assert len(without.y) == 52


def test_eni_figure_effective_capacity_names_the_binding_limit():
    fig = charts.eni_capacity_figure(4096, 1024, trunking=True, types=["m5.large", "m5.4xlarge"])
    eff = by_name(fig, "effective capacity")
    assert list(eff.y) == ["m5.large", "m5.4xlarge"]
    assert list(eff.x) == [0, 4]  # 2048 // 4096 = 0; 16384 // 4096 = 4
    assert list(eff.text) == ["CPU", "CPU"]
    assert "binding limit: CPU" in eff.hovertext[0]
    assert "4 vCPU / 1024 MiB" in eff.name
    fig = charts.eni_capacity_figure(256, 512, trunking=False, types=["m5.large"])
    eff = by_name(fig, "effective capacity")
    assert (eff.x[0], eff.text[0]) == (2, "ENI")
    assert "without trunking" in eff.name


def test_timeline_from_lab_events(lab, ecs):
    ecs.create_cluster(clusterName="a")
    lab.advance("2m")
    ecs.delete_cluster(cluster="a")
    fig = charts.event_timeline_figure(lab)
    assert_labelled(fig)
    inputs, facts = fig.data
    assert list(inputs.y) == ["ApiCalled", "ClockAdvanced", "ApiCalled"]
    assert list(facts.y) == ["ClusterCreated", "ClusterDeleted"]
    assert list(facts.x) == ["2025-01-06 09:00:00", "2025-01-06 09:02:00"]
    assert "cluster: a" in facts.hovertext[0]
    assert fig.layout.title.text == "Lab events over simulated time (5 events)"
    # As of an earlier time (the scrubber's view): the deletion has not happened yet.
    early = charts.event_timeline_figure(lab, until=pd.Timestamp("2025-01-06 09:01:00Z"))
    assert list(early.data[1].y) == ["ClusterCreated"]


def test_timeline_of_an_empty_lab_says_so(lab):
    fig = charts.event_timeline_figure(lab)
    assert fig.layout.annotations[0].text == "no events yet"
    assert all(len(t.x) == 0 for t in fig.data)


def test_hourly_price_figure_has_prices_and_the_region_note():
    fig = charts.hourly_price_figure(256, 512, ["m5.large", "t3.medium"], region="ap-east-1")
    assert_labelled(fig)
    bars, instances = fig.data
    assert list(bars.x) == ["Fargate (x86_64)", "m5.large", "t3.medium"]
    assert list(bars.y) == [0.01234, 0.012, 0.00594]
    assert list(instances.y) == [0.096, 0.0416]
    assert "ships no ap-east-1 price" in fig.layout.annotations[0].text
    assert "8 tasks fit (binding: CPU)" in bars.hovertext[1]


def test_figures_are_identical_for_the_same_input(lab, ecs):
    ecs.create_cluster(clusterName="x")
    a = charts.event_timeline_figure(lab).to_json()
    b = charts.event_timeline_figure(lab).to_json()
    assert a == b
    assert charts.eni_capacity_figure().to_json() == charts.eni_capacity_figure().to_json()
