"""Cost charts and the cost explorer: figure data checked against lab.compare_launch_types and
lab.costs, by hand where it is small enough (us-east-1 list prices: m5.large $0.096/h, c5.large
$0.085/h, t3.medium $0.0416/h; Fargate x86 $0.04048/vCPU-h + $0.004445/GB-h)."""

import pytest

from ecslab import Lab
from workbook import charts, palette
from workbook.panels import CostExplorer
from workbook.panels.cost import MAX_TYPES
from workbook.views import costs, instances

HOURS = 730
PER_TASK_512_1024 = 0.5 * 0.04048 + 1 * 0.004445  # 0.024685 USD per task-hour


def named(fig, prefix):
    (trace,) = [t for t in fig.data if t.name.startswith(prefix)]
    return trace


def caption(fig) -> str:
    (a,) = [a for a in fig.layout.annotations if a.name == "price source"]
    return a.text


def assert_labelled(fig, x_unit, y_unit):
    assert fig.layout.title.text
    assert x_unit in fig.layout.xaxis.title.text and y_unit in fig.layout.yaxis.title.text
    assert fig.layout.template.layout.colorway == palette.SEQUENCE


@pytest.fixture(scope="module")
def trunked():
    """0.5 vCPU / 1 GB awsvpc tasks with trunking: m5.large holds 4 (CPU), c5.large 3 (memory)."""
    return Lab().compare_launch_types(
        cpu=512, memory=1024, count=10, instance_types=["m5.large", "c5.large"], trunking=True
    )


def test_count_figure_marks_the_engines_break_even(trunked):
    fig = charts.cost_vs_count_figure(trunked)
    assert_labelled(fig, "(count)", "(USD)")
    assert trunked.break_even_count == {"m5.large": 4, "c5.large": None}
    star = named(fig, "break-even m5.large")
    assert list(star.x) == [trunked.break_even_count["m5.large"]] == [4]
    assert list(star.y) == pytest.approx([1 * HOURS * 0.096])  # one instance: $70.08
    assert "EC2 ($70.08) costs no more than Fargate ($72.08)" in star.hovertext[0]
    none = named(fig, "break-even c5.large")
    assert list(none.x) == [] and none.name == "break-even c5.large: none up to 20 tasks"
    # EC2 is a step per instance the scheduler adds: 4 tasks per m5.large.
    ec2 = named(fig, "EC2 m5.large")
    sub = trunked.table[trunked.table.instance_type == "m5.large"]
    assert list(ec2.y) == sub["ec2_usd"].tolist()
    assert list(ec2.y[:9]) == pytest.approx([70.08] * 4 + [140.16] * 4 + [210.24])
    assert ec2.line.shape == "hv"
    big = [x for x, s in zip(ec2.x, ec2.marker.size, strict=True) if s > 4]
    assert big == [1, 5, 9, 13, 17]
    assert "9 tasks need 3 instance(s) (one more here)" in ec2.hovertext[8]
    fargate = named(fig, "Fargate, tasks running all the time")
    assert list(fargate.y) == pytest.approx([c * HOURS * PER_TASK_512_1024 for c in range(1, 21)])
    assert not named(fig, "Fargate, tasks running 100%").visible  # no second line at u = 1
    assert "Break-even (star): m5.large 4 tasks; c5.large none up to 20 tasks" in (
        fig.layout.title.text
    )
    text = caption(fig)
    assert text.startswith(
        "Price source: us-east-1 list price shipped with ecslab (lab region ap-east-1)."
    )
    assert "Note: us-east-1 list prices: ecslab ships no ap-east-1 prices" in text


def test_count_figure_at_partial_utilisation_keeps_the_always_on_break_even():
    cmp = Lab(region="us-east-1").compare_launch_types(
        cpu=512, memory=1024, count=4, instance_types=["m5.large"], trunking=True, utilization=0.5
    )
    fig = charts.cost_vs_count_figure(cmp)
    half = named(fig, "Fargate, tasks running 50% of the time")
    assert half.visible and list(half.y) == pytest.approx(list(cmp.table["fargate_usd"]))
    assert list(named(fig, "break-even m5.large").x) == [cmp.break_even_count["m5.large"]]
    assert caption(fig) == "Price source: us-east-1 list price shipped with ecslab."  # no note


def test_utilisation_figure_marks_the_break_even_utilisation():
    # Bridge mode, 8 tasks of 0.25 vCPU / 512 MiB: one m5.large (CPU: 8), two t3.medium (7 each).
    cmp = Lab().compare_launch_types(
        cpu=256,
        memory=512,
        count=8,
        instance_types=["m5.large", "t3.medium"],
        network_mode="bridge",
        utilization=0.6,
    )
    fig = charts.cost_vs_utilization_figure(cmp)
    assert_labelled(fig, "(%)", "(USD)")
    fargate_full = 8 * HOURS * (0.25 * 0.04048 + 0.5 * 0.004445)  # $72.08
    for t, ec2 in (("m5.large", 70.08), ("t3.medium", 2 * HOURS * 0.0416)):
        star = named(fig, f"break-even {t}")
        assert star.x[0] == pytest.approx(100 * cmp.break_even_utilization[t])
        assert star.x[0] == pytest.approx(100 * ec2 / fargate_full)  # 97.2 % and 84.3 %
        assert star.y[0] == pytest.approx(ec2)
        assert list(named(fig, f"EC2 {t}").y) == pytest.approx([ec2] * 21)
    fargate = named(fig, "Fargate, 8 tasks")
    assert fargate.x[0] == 0 and fargate.x[-1] == 100
    assert fargate.y[-1] == pytest.approx(fargate_full)
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 60
    assert "ships no ap-east-1 prices" in caption(fig)


def test_utilisation_figure_when_fargate_always_wins(trunked):
    fig = charts.cost_vs_utilization_figure(trunked)
    star = named(fig, "break-even m5.large")
    assert trunked.break_even_utilization["m5.large"] > 1
    assert list(star.x) == [] and "Fargate is cheaper even at 100 %" in star.name


@pytest.fixture
def billed_lab(tmp_path):
    lab = Lab(seed=7)
    lab.client("ecs").create_cluster(
        clusterName="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ec2 = lab.client("ec2")
    run = ec2.run_instances(
        ImageId=instances.ami_id(lab),
        InstanceType="m5.large",
        MinCount=2,
        MaxCount=2,
        UserData=instances.user_data_for("MyCluster"),
        IamInstanceProfile={"Name": "ecsInstanceRole"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )
    lab.advance("1m")
    # An EC2 task keeps Container Insights reporting (metrics need RUNNING tasks); EC2 tasks
    # themselves add nothing to the bill.
    ecs = lab.client("ecs")
    td = ecs.register_task_definition(
        family="app",
        containerDefinitions=[
            {
                "name": "app",
                "image": "busybox",
                "cpu": 256,
                "memory": 512,
                "command": ["sleep", "99999"],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    assert ecs.run_task(cluster="MyCluster", taskDefinition=td)["failures"] == []
    lab.advance("89m")
    ec2.terminate_instances(InstanceIds=[run["Instances"][0]["InstanceId"]])
    lab.advance("30m")  # a terminated instance is still described (with its tags) for an hour
    return lab


def test_cost_over_time_is_the_hourly_bill_stacked_by_type(billed_lab):
    fig = charts.cost_over_time_figure(billed_lab)
    assert_labelled(fig, "(UTC", "(USD)")
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["ec2-instance", "container-insights"]
    hourly = billed_lab.costs(by=["hour", "resource_type"])
    for t in fig.data:
        want = hourly[hourly.resource_type == t.name]
        assert list(t.x) == want["hour"].tolist()
        assert list(t.y) == pytest.approx(want["cost"].tolist())
    total = billed_lab.costs()["cost"].sum()
    assert sum(sum(t.y) for t in fig.data) == pytest.approx(total)
    assert f"${total:,.2f} so far" in fig.layout.title.text
    assert "ships no ap-east-1 prices" in caption(fig)


def test_breakdown_names_instances_and_rounds_to_cents(billed_lab):
    table = costs.cost_by_resource(billed_lab)
    # Both instances are named "web": numbered so each is its own row and bar.
    assert table["resource"].tolist() == ["<web> #1", "<web> #2", "MyCluster"]
    per = billed_lab.costs(by="resource")
    assert sorted(table["usd"]) == sorted(per["cost"].round(2))
    # Running from 09:00:20: one instance until 10:30 (terminated), the other until now (11:00).
    assert sorted(table["quantity"][:2]) == pytest.approx([1.4944, 1.9944])
    fig = charts.cost_breakdown_figure(billed_lab)
    assert_labelled(fig, "(USD)", "resource")
    ec2 = named(fig, "ec2-instance")
    assert list(ec2.y) == ["<web> #1", "<web> #2"] and list(ec2.x) == table["usd"][:2].tolist()
    assert list(ec2.text) == [f"${v:.2f}" for v in table["usd"][:2]]
    assert "Note: us-east-1 list prices" in caption(fig)


def test_caption_with_a_loaded_price_table(tmp_path):
    csv = tmp_path / "hk.csv"
    csv.write_text("item,unit,usd,source,as_of\nec2:m5.large,hour,0.5,placeholder,2026-10\n")
    lab = Lab(prices=csv)
    cmp = lab.compare_launch_types(cpu=512, memory=1024, count=2, instance_types=["m5.large"])
    text = caption(charts.cost_vs_count_figure(cmp))
    assert "placeholder (2026-10)" in text
    assert "prices for ap-east-1 from the loaded price table" in text
    assert named(charts.cost_vs_count_figure(cmp), "EC2 m5.large").y[0] == pytest.approx(365.0)
    # A lab that has billed nothing still says where its prices would come from.
    assert "from the loaded price table" in caption(charts.cost_over_time_figure(lab))


def test_explorer_figures_follow_the_engine(lab):
    ex = CostExplorer(lab, task_cpu=512, task_memory=1024, count=10)
    assert len(ex.count_figure.data) == 2 + 2 * MAX_TYPES
    assert ex.status_text.startswith("✓ m5.large: 10 tasks cost $210.24 on EC2 vs $180.20")
    ex.set_count(6)
    ex.set_utilization(50)
    ex.select_types(["m5.large", "t3.medium", "m6g.large"])
    ex.set_network("awsvpc", trunking=True)
    want = lab.compare_launch_types(
        cpu=512,
        memory=1024,
        count=6,
        instance_types=["m5.large", "t3.medium", "m6g.large"],
        utilization=0.5,
        trunking=True,
    )
    assert ex.comparison.break_even_count == want.break_even_count
    assert list(named(ex.count_figure, "break-even m5.large").x) == [4]
    for t, be in want.break_even_utilization.items():
        star = named(ex.utilization_figure, f"break-even {t}")
        assert list(star.x) == ([100 * be] if be <= 1 else [])
    assert ex.table["tasks"].tolist() == [6, 6, 6]
    assert ex.table.set_index("instance_type")["ec2_usd"].to_dict() == {
        t: round(v, 2)
        for t, v in want.table[want.table.tasks == 6].set_index("instance_type")["ec2_usd"].items()
    }
    unused = [t for t in ex.count_figure.data if not t.visible]
    assert len(unused) == 2 * (MAX_TYPES - 3) and all(len(t.x) == 0 for t in unused)
    assert ex.utilization_figure.layout.shapes[0].x0 == 50


def test_explorer_controls_and_refusals(lab):
    ex = CostExplorer(lab, instance_types=["m5.large"])
    ex.count.value = 3  # the widget path (observer), not a method
    assert ex.comparison.workload["count"] == 3 and ex.table["tasks"].tolist() == [3]
    ex.set_fargate("arm64", "on_demand")
    assert ex.comparison.workload["fargate_usd_per_task_hour"] == pytest.approx(
        0.5 * 0.03238 + 0.00356
    )
    ex.set_fargate("x86_64", "spot")
    assert "UNVERIFIED figure" in caption(ex.count_figure)
    before = ex.comparison
    for action, message in (
        (lambda: ex.set_task(256, 9999), "0.25 vCPU / 9999 MiB is not a Fargate task size"),
        (lambda: ex.select_types([]), "choose 1 to 6 EC2 instance types"),
        (lambda: ex.select_types(["m5.huge"]), "not in the catalog: m5.huge"),
        (lambda: ex.set_utilization(0), "utilisation is a share of the hours: 1 to 100 %"),
        (lambda: ex.set_fargate("arm64", "spot"), "ecslab ships no Fargate spot price for arm64"),
        (lambda: ex.set_network("host"), "network mode: one of awsvpc, bridge"),
    ):
        action()
        assert ex.status_text == "✗ " + message
    assert ex.comparison is before
    ex.set_task(4096, 8192)
    assert ex.comparison.workload["fargate_size"] == (4096, 8192)
    assert (
        named(ex.count_figure, "EC2 m5.large").hovertext[0].endswith("does not fit on one instance")
    )
    assert "m5.large: 3 tasks cost does not fit on EC2" in ex.status_text


def test_breakdown_names_a_long_terminated_instance_when_told(billed_lab):
    billed_lab.advance("1h")  # the terminated instance is no longer described
    table = costs.cost_by_resource(billed_lab)
    assert table["resource"].tolist() == ["<web>", "i-…", "MyCluster"]
    gone = billed_lab.costs(by="resource").sort_values("cost")["resource"].iloc[1]
    named_ = costs.cost_by_resource(billed_lab, names={gone: "web-old"})
    assert named_["resource"].tolist() == ["<web-old>", "<web>", "MyCluster"]
