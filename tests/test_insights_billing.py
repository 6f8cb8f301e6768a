"""Container Insights on the bill, computed by hand: 6 metrics per RUNNING task, 8 per cluster
while it has RUNNING tasks, custom metrics at $0.30 per metric-month prorated over 730 hours,
tiered by the month's metric-months."""

from __future__ import annotations

import pandas as pd
import pytest
from taskkit import instances, taskdef

from ecslab import Lab
from ecslab.domain.billing import PriceBook, costs
from ecslab.domain.billing.insights import insights_intervals, tiered_cost

ON = [{"name": "containerInsights", "value": "enabled"}]


def _insights(lab: Lab, **kw) -> pd.DataFrame:
    c = lab.costs(**kw)
    return c[c["resource_type"] == "container-insights"]


def _ran(lab: Lab, arns, cluster="MyCluster") -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    got = lab.client("ecs").describe_tasks(cluster=cluster, tasks=arns)["tasks"]
    return [(pd.Timestamp(t["startedAt"]), pd.Timestamp(t["stoppedAt"])) for t in got]


@pytest.fixture
def three_tasks(lab):
    """MyCluster (insights on), one m5.large, three tasks running ``sleep 3600``."""
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster", settings=ON)
    instances(lab, 1)
    td = taskdef(lab, "app", command=("sleep", "3600"), cpu=256, memory=512)
    arns = [
        t["taskArn"] for t in ecs.run_task(cluster="MyCluster", taskDefinition=td, count=3)["tasks"]
    ]
    lab.advance("2h")
    return lab, arns


def test_three_tasks_for_an_hour(three_tasks):
    lab, arns = three_tasks
    spans = _ran(lab, arns)
    assert len(set(spans)) == 1  # placed together: they start and stop together
    ((start, stop),) = set(spans)
    hours = (stop - start).total_seconds() / 3600
    assert hours == pytest.approx(1 + 1 / 3600, abs=1e-3)  # sleep 3600 plus the stop
    # 8 cluster metrics + 3 x 6 task metrics = 26 metrics while the tasks run, nothing else.
    want = 26 * hours / 730 * 0.30
    got = _insights(lab)
    assert got["cost"].sum() == pytest.approx(want)
    assert set(got["rate"]) == {0.30} and set(got["unit"]) == {"metric-months"}
    assert got["quantity"].sum() == pytest.approx(26 * hours / 730)
    counts = lab.insights_metric_count()
    assert counts["metrics"].tolist() == [0, 26, 0]
    assert counts["running_tasks"].tolist() == [0, 3, 0]
    assert counts["time"].tolist()[1:] == [start, stop]
    # The hourly rows split the same total at 10:00.
    assert got["hour"].dt.hour.tolist() == [9, 10]


def test_a_cluster_without_running_tasks_reports_nothing(lab):
    """Metrics are sent only for resources with RUNNING tasks: an idle cluster costs nothing."""
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster", settings=ON)
    instances(lab, 2)
    lab.advance("3h")
    assert _insights(lab).empty
    assert lab.insights_metric_count()["metrics"].sum() == 0


def test_switching_insights_on_starts_the_meter(lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster")
    instances(lab, 1)
    td = taskdef(lab, "app", command=("sleep", "7200"), cpu=256, memory=512)
    ecs.run_task(cluster="MyCluster", taskDefinition=td, count=2)
    lab.advance("30m")
    assert _insights(lab).empty
    on_at = pd.Timestamp(lab.now)
    ecs.update_cluster_settings(cluster="MyCluster", settings=ON)
    lab.advance("30m")
    ecs.update_cluster_settings(
        cluster="MyCluster", settings=[{"name": "containerInsights", "value": "disabled"}]
    )
    lab.advance("30m")
    # On for exactly 30 minutes with 2 tasks: (8 + 12) metrics x 0.5 h.
    assert _insights(lab)["cost"].sum() == pytest.approx(20 * 0.5 / 730 * 0.30)
    assert _insights(lab, freq=None)["hour"].min() == on_at


def test_account_default_is_read_at_cluster_creation(lab):
    ecs = lab.client("ecs")
    ecs.put_account_setting_default(name="containerInsights", value="enabled")
    ecs.create_cluster(clusterName="MyCluster")
    instances(lab, 1)
    td = taskdef(lab, "app", command=("sleep", "600"), cpu=256, memory=512)
    arns = [t["taskArn"] for t in ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"]]
    lab.advance("15m")
    ((start, stop),) = _ran(lab, arns)
    hours = (stop - start).total_seconds() / 3600
    assert _insights(lab)["cost"].sum() == pytest.approx(14 * hours / 730 * 0.30)


def test_tier_table_by_hand():
    assert tiered_cost(0) == 0
    assert tiered_cost(100) == pytest.approx(30.0)
    assert tiered_cost(10_000) == pytest.approx(3_000.0)
    assert tiered_cost(250_000) == pytest.approx(3_000 + 24_000)
    assert tiered_cost(1_000_000) == pytest.approx(27_000 + 37_500)
    assert tiered_cost(2_000_000) == pytest.approx(64_500 + 20_000)
    book = PriceBook.for_lab("us-east-1")
    assert [book.cloudwatch_metric_month(n).usd for n in (1, 10_000, 10_001, 250_000, 250_001)] == [
        0.30,
        0.30,
        0.10,
        0.10,
        0.05,
    ]
    assert book.cloudwatch_metric_month(1_000_001).usd == 0.02


def _big_month(n_tasks: int, start="2025-01-01", end="2025-02-01"):
    """A hand-built event table: one cluster with Container Insights on, ``n_tasks`` tasks running
    from ``start`` (engine fact schema: TaskCreated carries the sizes, TaskRunning starts them)."""
    t = pd.Timestamp(start, tz="UTC")
    rows = [("ClusterCreated", None, {"settings": {"containerInsights": "enabled"}})]
    for i in range(n_tasks):
        rows.append(("TaskCreated", f"t{i}", {"family": "f", "cpu": 256, "memory": 512}))
        rows.append(("TaskRunning", f"t{i}", {}))
    ev = pd.DataFrame(
        {
            "seq": range(len(rows)),
            "time": t,
            "kind": [k for k, *_ in rows],
            "cluster": "big",
            "resource": [r for _, r, _ in rows],
            "detail": [d for *_, d in rows],
        }
    )
    return ev, pd.Timestamp(end, tz="UTC")


def test_tiers_follow_the_months_metric_count():
    # 2,000 tasks all January: 12,008 metrics x 744 h / 730 = 12,238.3 metric-months, past the
    # first tier (10,000 at $0.30) into the second ($0.10).
    ev, now = _big_month(2_000)
    used = 12_008 * 744 / 730
    book = PriceBook.for_lab("us-east-1")
    iv = insights_intervals(ev, book, now)
    assert sorted(set(iv["rate"])) == [0.10, 0.30]
    c = costs(ev, book, now)
    assert (
        c["cost"].sum()
        == pytest.approx(tiered_cost(used))
        == pytest.approx(3000 + 223.83, abs=0.01)
    )
    # The crossing instant: 10,000 metric-months at 12,008/730 per hour.
    cross = iv[iv["rate"] == 0.10]["t0"].min()
    hours = 10_000 / (12_008 / 730)
    assert (cross - pd.Timestamp("2025-01-01", tz="UTC")).total_seconds() / 3600 == pytest.approx(
        hours
    )
    assert "above 10,000 metric-months" in iv[iv["rate"] == 0.10]["price_source"].iloc[0]
    # Into February the count starts again at the first tier.
    ev2, now2 = _big_month(2_000, end="2025-02-03")
    feb = costs(ev2, book, now2, start=pd.Timestamp("2025-02-01", tz="UTC"))
    assert set(feb["rate"]) == {0.30}
    assert feb["cost"].sum() == pytest.approx(12_008 * 48 / 730 * 0.30)
    # Windows still add up: the tier is a property of the month, not of the window asked for.
    mid = pd.Timestamp("2025-01-25", tz="UTC")
    total = costs(ev, book, now)["cost"].sum()
    parts = (
        costs(ev, book, now, end=mid)["cost"].sum() + costs(ev, book, now, start=mid)["cost"].sum()
    )
    assert parts == pytest.approx(total)


def test_a_loaded_price_is_flat(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("item,unit,usd,source,as_of\ncloudwatch:metric,month,0.36,my list,2026-10\n")
    ev, now = _big_month(2_000)
    book = PriceBook.for_lab("ap-east-1", csv)
    c = costs(ev, book, now)
    assert set(c["rate"]) == {0.36}
    assert c["cost"].sum() == pytest.approx(12_008 * 744 / 730 * 0.36)
