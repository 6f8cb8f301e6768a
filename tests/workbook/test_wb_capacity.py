"""ENI/CPU/memory capacity and list-price arithmetic, hand-checked against the catalog."""

import pytest

from workbook.views import capacity, pricing


def test_m5_large_trunking_and_binding_limits():
    t = capacity.eni_capacity_table(256, 512, trunking=False, types=["m5.large"]).loc["m5.large"]
    assert (t.tasks_without_trunking, t.tasks_with_trunking) == (2, 10)
    # 2048 CPU units / 256 = 8; 7985 MiB registered / 512 = 15; ENI 2 decides.
    assert (t.eni_limit, t.cpu_limit, t.memory_limit, t.effective, t.binding) == (
        2,
        8,
        15,
        2,
        "ENI",
    )
    t = capacity.eni_capacity_table(256, 512, trunking=True, types=["m5.large"]).loc["m5.large"]
    assert (t.eni_limit, t.effective, t.binding) == (10, 8, "CPU")


def test_four_vcpu_task_on_m5_large_is_cpu_bound():
    t = capacity.eni_capacity_table(4096, 1024, trunking=True, types=["m5.large"]).loc["m5.large"]
    assert (t.cpu_limit, t.effective, t.binding) == (0, 0, "CPU")


def test_t3_is_unsupported_and_keeps_its_eni_limit_with_trunking_on():
    t = capacity.eni_capacity_table(256, 512, trunking=True, types=["t3.medium", "t3a.large"])
    assert not t["trunking_supported"].any()
    assert t["tasks_with_trunking"].isna().all()
    assert t.loc["t3.medium", "eni_limit"] == 2 and t.loc["t3.medium", "binding"] == "ENI"


def test_ties_name_every_binding_limit():
    # m5.large with trunking: ENI 10; 204 CPU units -> 2048 // 204 = 10; memory 7985 // 798 = 10.
    t = capacity.eni_capacity_table(204, 798, trunking=True, types=["m5.large"]).loc["m5.large"]
    assert t.binding == "ENI = CPU = memory" and t.effective == 10


def test_whole_catalog_and_bad_input():
    t = capacity.eni_capacity_table(512, 1024, trunking=True)
    assert len(t) == 52 and list(t.index[:2]) == ["t3.medium", "t3.large"]
    assert (t["effective"] == t[["eni_limit", "cpu_limit", "memory_limit"]].min(axis=1)).all()
    with pytest.raises(ValueError, match="not in the catalog: x9.huge"):
        capacity.eni_capacity_table(256, 512, True, ["m5.large", "x9.huge"])
    with pytest.raises(ValueError, match="must be > 0"):
        capacity.eni_capacity_table(0, 512, True)


def test_fargate_task_hourly_and_billing_minimum():
    assert pricing.fargate_task_hourly(1024, 2048) == pytest.approx(0.04048 + 2 * 0.004445)
    assert pricing.fargate_task_hourly(1024, 2048, "arm64") == pytest.approx(0.03238 + 2 * 0.00356)
    billed = pricing.billed_cost(3.6, [30, 60.2, 7200])
    assert billed["billed_seconds"].tolist() == [60, 61, 7200]
    assert billed["usd"].tolist() == [0.06, 0.061, 7.2]
    assert list(billed.index) == ["30 s", "60.2 s", "2 h"]


def test_per_task_table_bridge_and_awsvpc():
    t = pricing.per_task_table(256, 512, ["m5.large", "t3.medium"])
    assert t.loc["m5.large", "tasks_fit"] == 8 and t.loc["m5.large", "binding"] == "CPU"
    assert t.loc["m5.large", "usd_per_task_hour"] == 0.012  # 0.096 / 8
    assert t.loc["t3.medium", "binding"] == "memory"  # 4 GiB -> 3992 MiB -> 7 tasks
    assert t.loc["m5.large", "cheaper_when_full"] == "EC2"
    a = pricing.per_task_table(256, 512, ["m5.large"], awsvpc_trunking=False)
    assert (a.loc["m5.large", "tasks_fit"], a.loc["m5.large", "binding"]) == (2, "ENI")
    assert a.loc["m5.large", "usd_per_task_hour"] == 0.048
    assert a.loc["m5.large", "cheaper_when_full"] == "Fargate"
    big = pricing.per_task_table(4096, 8192, ["m5.large"])
    assert big.loc["m5.large", "cheaper_when_full"] == "does not fit"


def test_price_note_names_the_region():
    assert "ships no ap-east-1 price" in pricing.price_note("ap-east-1")
    assert "the lab's own region" in pricing.price_note("us-east-1")
    assert "2026-07-20" in pricing.price_note("ap-east-1")  # read from the catalog's header
