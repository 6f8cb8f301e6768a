"""lab.compare_launch_types: hand-calculated Fargate vs EC2 for the seed's workloads."""

import math

import numpy as np
import pytest

from ecslab import Lab, examples
from ecslab.domain.billing.compare import (
    fargate_size_for,
    instances_curve,
    instances_needed,
    tasks_per_instance,
)

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


def test_static_host_port_means_one_task_per_instance():
    """sample-app in bridge mode maps hostPort 80: the scheduler's port filter allows one such task
    per instance, whatever the CPU and memory left (before host_ports the comparison packed 26)."""
    td = examples.taskdef("sample-app")["containerDefinitions"][0]
    ports = [m["hostPort"] for m in td["portMappings"]]
    lab = Lab(region="us-east-1")
    r = lab.compare_launch_types(
        cpu=td["cpu"],
        memory=td["memory"],
        count=3,
        instance_types=["m5.large"],
        network_mode="bridge",
        host_ports=ports,
        counts=[1, 2, 3],
    )
    assert r.table["instances"].tolist() == [1, 2, 3]
    assert r.table["ec2_usd"].tolist() == pytest.approx([70.08, 140.16, 210.24])
    assert r.workload["tasks_per_instance"] == {"m5.large": 1}
    assert r.break_even_count == {"m5.large": None}
    # Without the static port (dynamic host port) the same task packs by memory: 7985 // 300.
    assert instances_needed("m5.large", 26, 10, 300, network_mode="bridge") == 1
    assert instances_needed("m5.large", 27, 10, 300, network_mode="bridge") == 2
    with pytest.raises(ValueError, match="Host port 80"):
        instances_needed("m5.large", 1, 10, 300, network_mode="bridge", host_ports=[80, 80])


def test_tasks_without_a_cpu_reservation_still_need_an_instance():
    # Regression: instances were counted by reserved CPU > 0, so cpu=0 tasks needed 0 instances.
    assert instances_needed("m5.large", 3, 0, 512, network_mode="bridge") == 1
    assert tasks_per_instance("m5.large", 0, 512, "bridge") == 15  # 7985 // 512


@pytest.mark.parametrize(
    "itype,cpu,memory,mode,trunking",
    [
        ("m5.large", 256, 512, "awsvpc", False),
        ("m5.large", 512, 1024, "awsvpc", True),
        ("t3.medium", 256, 512, "bridge", False),
        ("c5.large", 1024, 1536, "bridge", False),
        ("m6g.large", 10, 10, "bridge", False),
    ],
)
def test_one_placement_per_type_equals_placing_each_count_alone(itype, cpu, memory, mode, trunking):
    """instances_curve places max_count tasks once; placing each count on its own cluster (the
    direct way) gives the same instance counts."""
    from ecslab.domain.scheduler.place import place
    from ecslab.domain.scheduler.request import Strategy, task_request
    from ecslab.domain.scheduler.sample import sample_instances
    from ecslab.domain.scheduler.table import InstanceTable

    per = tasks_per_instance(itype, cpu, memory, mode, trunking)
    curve = instances_curve(itype, 3 * per + 1, cpu, memory, mode, trunking)
    req = task_request(
        [{"name": "app", "cpu": cpu, "memory": memory}],
        network_mode=mode,
        task_cpu=cpu,
        task_memory=memory,
        strategies=[Strategy("binpack", "memory")],
    )
    for c in sorted({1, per, per + 1, 2 * per, 3 * per + 1}):
        n = math.ceil(c / per)
        table = InstanceTable(sample_instances(itype, n, trunking=trunking))
        res = place(table, req, c, np.random.default_rng(0))
        assert not res.failures
        assert curve[c] == len({p.row for p in res.placements}) == n, c


def test_fargate_spot_and_arm_rates():
    lab = Lab(region="us-east-1")
    spot = lab.compare_launch_types(cpu=512, memory=1024, count=4, capacity="spot", counts=[4])
    assert spot.workload["fargate_usd_per_task_hour"] == pytest.approx(
        0.5 * 0.01334053 + 1 * 0.00146489
    )
    assert "UNVERIFIED figure" in spot.table["fargate_price_source"].iloc[0]
    arm = lab.compare_launch_types(cpu=512, memory=1024, count=4, arch="arm64", counts=[4])
    assert arm.workload["fargate_usd_per_task_hour"] == pytest.approx(0.5 * 0.03238 + 0.00356)
    assert "UNVERIFIED" not in arm.table["fargate_price_source"].iloc[0]
    with pytest.raises(ValueError, match="ships no Fargate price for linux/arm64/spot"):
        lab.compare_launch_types(arch="arm64", capacity="spot")


def test_comparison_records_its_workload_and_rejects_nonsense():
    lab = Lab(region="us-east-1")
    r = lab.compare_launch_types(cpu=300, memory=600, count=5, instance_types=["m5.large"])
    assert r.workload["fargate_size"] == (512, 1024)
    assert r.workload["ec2_usd_per_hour"] == {"m5.large": 0.096}
    assert r.workload["tasks_per_instance"] == {"m5.large": 2}  # awsvpc, no trunking
    assert r.table["tasks"].tolist() == list(range(1, 11))
    for bad in ({"count": 0}, {"utilization": 0}, {"memory": 0}, {"network_mode": "weird"}):
        with pytest.raises(ValueError):
            lab.compare_launch_types(**bad)
