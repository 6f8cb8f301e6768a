"""lab.compare_launch_types: hand-calculated Fargate vs EC2 for the seed's workloads."""

import pytest

from ecslab import Lab, examples
from ecslab.domain.billing.compare import fargate_size_for, instances_needed

FARGATE_VCPU_H, FARGATE_GB_H = 0.04048, 0.004445
PER_TASK_HOUR_256_512 = 0.25 * FARGATE_VCPU_H + 0.5 * FARGATE_GB_H  # 0.0123425


def test_fargate_size_for_rounds_up_to_a_valid_pair():
    assert fargate_size_for(10, 10) == (256, 512)
    assert fargate_size_for(10, 300) == (256, 512)
    assert fargate_size_for(300, 512) == (512, 1024)
    assert fargate_size_for(1024, 3000) == (1024, 3072)
    with pytest.raises(ValueError):
        fargate_size_for(99999, 10)


def test_instances_come_from_the_scheduler_not_a_division():
    # m5.large registers 2048 CPU / 7985 MiB: 256/512 tasks fit 8 per instance (CPU-bound).
    assert instances_needed("m5.large", 8, 256, 512, network_mode="bridge") == 1
    assert instances_needed("m5.large", 9, 256, 512, network_mode="bridge") == 2
    # t3.medium registers 2048 CPU / 3992 MiB: 7 tasks (memory-bound), not 8.
    assert instances_needed("t3.medium", 7, 256, 512, network_mode="bridge") == 1
    assert instances_needed("t3.medium", 8, 256, 512, network_mode="bridge") == 2
    # awsvpc without trunking: m5.large has 3 ENIs -> 2 tasks per instance; with trunking 10 -> CPU 8.
    assert instances_needed("m5.large", 8, 256, 512, network_mode="awsvpc") == 4
    assert instances_needed("m5.large", 8, 256, 512, network_mode="awsvpc", trunking=True) == 1
    assert instances_needed("t3.medium", 1, 4096, 512) is None


def test_sleep360_workload_by_hand():
    """sleep360 (busybox, cpu 10, memory 10): one task for 360 s, once an hour for a month."""
    td = examples.taskdef("sleep360")["containerDefinitions"][0]
    lab = Lab(region="us-east-1")
    r = lab.compare_launch_types(
        cpu=td["cpu"],
        memory=td["memory"],
        count=1,
        hours=730,
        utilization=0.1,
        instance_types=["t3.medium"],
        network_mode="bridge",
        counts=[1],
    )
    row = r.table.iloc[0]
    assert row.fargate_size == "256/512"
    assert row.fargate_usd == pytest.approx(1 * 730 * 0.1 * PER_TASK_HOUR_256_512)  # $0.9010
    assert row.ec2_usd == pytest.approx(1 * 730 * 0.0416)  # $30.368 for a t3.medium all month
    assert row.cheaper == "Fargate"
    assert r.break_even_utilization["t3.medium"] == pytest.approx(0.0416 / PER_TASK_HOUR_256_512)
    assert r.note == ""


def test_sample_app_workload_by_hand():
    """sample-app (httpd, cpu 10, memory 300, static host port 80 in bridge mode)."""
    td = examples.taskdef("sample-app")["containerDefinitions"][0]
    lab = Lab()
    r = lab.compare_launch_types(
        cpu=td["cpu"],
        memory=td["memory"],
        count=4,
        hours=730,
        instance_types=["m5.large"],
        network_mode="awsvpc",
        counts=[1, 2, 3, 4],
    )
    t = r.table.set_index("tasks")
    # awsvpc on m5.large: 2 tasks per instance (3 ENIs - primary), so 4 tasks need 2 instances.
    assert t.loc[4, "instances"] == 2
    assert t.loc[4, "ec2_usd"] == pytest.approx(2 * 730 * 0.096)
    assert t.loc[4, "fargate_usd"] == pytest.approx(4 * 730 * PER_TASK_HOUR_256_512)
    assert r.break_even_count["m5.large"] is None  # 2 awsvpc tasks per m5.large never beat Fargate
    assert "ships no ap-east-1 prices" in r.note
