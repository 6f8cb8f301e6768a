"""Billing as queries over the event table: worked examples computed by hand."""

import pandas as pd
import pytest
from taskkit import fargate_def, subnets

from ecslab import Lab
from ecslab.domain.billing import COST_COLUMNS


def test_ecs_itself_is_free():
    lab = Lab()
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="free")
    lab.advance("3h")
    c = lab.costs()
    assert list(c.columns) == COST_COLUMNS
    assert c.empty and lab.costs(by="resource_type").empty


def _fargate_ci(lab, settings=None, seconds=36000) -> pd.Timestamp:
    """Cluster ``ci`` running one Fargate task (``sleep seconds``); returns when it is RUNNING."""
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="ci", settings=settings or [])
    td = fargate_def(lab, "web", command=("sleep", str(seconds)))
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    arn = ecs.run_task(
        cluster="ci", taskDefinition=td, launchType="FARGATE", networkConfiguration=net
    )["tasks"][0]["taskArn"]
    lab.advance("1m")
    task = ecs.describe_tasks(cluster="ci", tasks=[arn])["tasks"][0]
    return pd.Timestamp(task["startedAt"])


def _insights(c: pd.DataFrame) -> pd.DataFrame:
    return c[c["resource_type"] == "container-insights"]


def test_container_insights_prorated_hourly():
    lab = Lab()
    running = _fargate_ci(lab, [{"name": "containerInsights", "value": "enabled"}])
    lab.advance("89m")  # now 10:30
    c = _insights(lab.costs())
    # (8 cluster + 6 task) metrics from RUNNING until now / 730 h per month x $0.30 per metric-month.
    first = (pd.Timestamp("2025-01-06 10:00", tz="UTC") - running).total_seconds() / 3600
    assert c["cost"].sum() == pytest.approx(14 * (first + 0.5) / 730 * 0.30)
    assert c["hour"].tolist() == [
        pd.Timestamp("2025-01-06 09:00", tz="UTC"),
        pd.Timestamp("2025-01-06 10:00", tz="UTC"),
    ]
    assert c["quantity"].tolist() == pytest.approx([14 * first / 730, 14 * 0.5 / 730])
    assert set(c["unit"]) == {"metric-months"}


def test_insights_off_costs_nothing_and_switching_on_starts_the_meter():
    lab = Lab()
    ecs = lab.client("ecs")
    _fargate_ci(lab)
    lab.advance("59m")  # 10:00
    assert _insights(lab.costs()).empty
    ecs.update_cluster_settings(
        cluster="ci", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    lab.advance("1h")
    ecs.update_cluster_settings(
        cluster="ci", settings=[{"name": "containerInsights", "value": "disabled"}]
    )
    lab.advance("1h")
    assert _insights(lab.costs())["cost"].sum() == pytest.approx(14 / 730 * 0.30)


def test_costs_are_additive_over_disjoint_windows():
    lab = Lab()
    _fargate_ci(lab, [{"name": "containerInsights", "value": "enabled"}])
    lab.advance("5h")
    mid = lab.start + pd.Timedelta("2h17m")
    total = lab.costs()["cost"].sum()
    assert _insights(lab.costs())["cost"].sum() > 0
    left = lab.costs(end=mid)["cost"].sum()
    right = lab.costs(start=mid)["cost"].sum()
    assert left + right == pytest.approx(total)
    assert lab.costs(freq=None)["cost"].sum() == pytest.approx(total)


def test_region_note_and_price_override(tmp_path):
    assert Lab(region="us-east-1").prices.note == ""
    assert "ships no ap-east-1 prices" in Lab().prices.note
    csv = tmp_path / "hk.csv"
    csv.write_text(
        "item,unit,usd,source,as_of\ncloudwatch:metric,month,0.36,my price list,2026-10\n"
    )
    lab = Lab(prices=csv)
    _fargate_ci(lab, [{"name": "containerInsights", "value": "enabled"}])
    lab.advance("1h")
    c = _insights(lab.costs())
    assert set(c["rate"]) == {0.36}
    assert set(c["price_source"]) == {"my price list (2026-10)"}
    assert "from the loaded price table" in c["note"].iloc[0]
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert _insights(loaded.costs())["cost"].sum() == pytest.approx(c["cost"].sum())


def test_price_table_blank_source_and_date(tmp_path):
    csv = tmp_path / "hk.csv"
    csv.write_text("item,unit,usd,source,as_of\nec2:m5.large,hour,0.12,,\n")
    assert Lab(prices=csv).prices.ec2_hourly("m5.large").source == "user price table (undated)"
    bare = tmp_path / "bare.csv"
    bare.write_text("item,unit,usd\nec2:m5.large,hour,0.12\n")
    price = Lab(prices=bare).prices.ec2_hourly("m5.large")
    assert (price.usd, price.source) == (0.12, "user price table (undated)")


def test_bad_price_table(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("name,price\nx,1\n")
    with pytest.raises(ValueError, match="lacks columns"):
        Lab(prices=csv)


def test_ecr_storage_per_gb_month():
    from ecslab.registry import build_image

    lab = Lab(region="us-east-1")
    lab.client("ecr").create_repository(repositoryName="web")
    image = build_image(
        "FROM scratch\nCOPY a.bin /a.bin", files={"a.bin": bytes(range(256)) * 4096}
    )
    image.push(lab, "web", "v1")
    stored = lab.client("ecr").describe_images(repositoryName="web")["imageDetails"][0][
        "imageSizeInBytes"
    ]
    lab.advance("10h")
    c = lab.costs(by="resource_type")
    assert c["resource_type"].tolist() == ["ecr-repository"]
    expected = stored / 1024**3 * 10 / 730 * 0.10
    assert c["cost"].iloc[0] == pytest.approx(expected, rel=0.02)
    lab.client("ecr").delete_repository(repositoryName="web", force=True)
    lab.advance("10h")
    assert lab.costs()["cost"].sum() == pytest.approx(c["cost"].iloc[0])


def _running_instance(lab, instance_type="t3.medium"):
    """Launch through the real EC2 client and advance until it is running; returns (id, t_running)."""
    ec2, ssm = lab.client("ec2"), lab.client("ssm")
    ami = ssm.get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
    )["Parameter"]["Value"]
    iid = ec2.run_instances(ImageId=ami, InstanceType=instance_type, MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    while (
        ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"][
            "Name"
        ]
        != "running"
    ):
        lab.advance("1s")
    ev = lab.events
    t = ev[(ev.kind == "InstanceRunning") & (ev.resource == iid)]["time"].iloc[0]
    assert t == lab.now
    return iid, t


def test_ec2_instance_billed_per_second_whether_or_not_tasks_use_it():
    lab = Lab(region="us-east-1")
    iid, _ = _running_instance(lab, "t3.medium")
    lab.advance("90s")
    lab.client("ec2").terminate_instances(InstanceIds=[iid])
    lab.advance("5m")  # shutting-down and terminated: no longer billed
    c = lab.costs(freq=None)
    assert c["resource_type"].tolist() == ["ec2-instance"]
    assert c["quantity"].iloc[0] == pytest.approx(90 / 3600)  # 90 s billed as 90 s
    assert c["cost"].iloc[0] == pytest.approx(0.0416 * 90 / 3600)
    assert c["unit"].iloc[0] == "instance-hours (t3.medium)"


def test_ec2_minimum_is_60_seconds_per_running_period():
    lab = Lab(region="us-east-1")
    iid, _ = _running_instance(lab, "m5.large")
    lab.advance("20s")
    lab.client("ec2").terminate_instances(InstanceIds=[iid])
    lab.advance("1h")
    assert lab.costs()["cost"].sum() == pytest.approx(0.096 * 60 / 3600)


def test_running_instance_billed_until_now_and_hourly_buckets_sum_to_total():
    lab = Lab(region="us-east-1")
    _running_instance(lab, "m5.large")
    start = lab.now
    lab.advance("2h30m")
    c = lab.costs()
    assert c["cost"].sum() == pytest.approx(0.096 * 2.5)
    assert c["quantity"].sum() == pytest.approx(2.5)
    assert (c["cost"] >= 0).all()
    assert c.groupby("hour")["cost"].sum().sum() == pytest.approx(
        lab.costs(freq=None)["cost"].sum()
    )
    mid = start + pd.Timedelta("47m")
    assert lab.costs(end=mid)["cost"].sum() + lab.costs(start=mid)["cost"].sum() == pytest.approx(
        0.096 * 2.5
    )


def test_costs_do_not_depend_on_event_append_order():
    from ecslab.domain.billing import costs

    lab = Lab(region="us-east-1")
    _running_instance(lab, "m5.large")
    lab.advance("3h")
    ev = lab.events
    shuffled = ev.sample(frac=1.0, random_state=3)
    a = costs(ev, lab.prices, lab.now)["cost"].sum()
    b = costs(shuffled, lab.prices, lab.now)["cost"].sum()
    assert a == pytest.approx(b) == pytest.approx(0.096 * 3)
