"""FARGATE_SPOT: interruptions (a seeded, recorded lab action) and billing at the Spot rate."""

from __future__ import annotations

import pytest
from taskkit import fargate_def, subnets

from ecslab import Lab


def _service(lab, ecs, n=4):
    ecs.create_cluster(
        clusterName="cp",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
    )
    td = fargate_def(lab, command=["httpd"])
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    ecs.create_service(
        cluster="cp", serviceName="web", taskDefinition=td, desiredCount=n, networkConfiguration=net
    )
    lab.advance("3m")


def test_interruption_warns_then_stops_and_the_service_replaces(lab, ecs):
    _service(lab, ecs)
    arn = lab.capacity.interrupt_spot()
    (task,) = ecs.describe_tasks(cluster="cp", tasks=[arn])["tasks"]
    assert task["capacityProviderName"] == "FARGATE_SPOT" and task["lastStatus"] == "RUNNING"
    warned = lab.events[lab.events.kind == "TaskSpotInterruptionWarned"]
    assert warned.resource.tolist() == [arn]
    assert warned.detail.iloc[0]["warning_seconds"] == 120
    lab.advance("119s")
    (task,) = ecs.describe_tasks(cluster="cp", tasks=[arn])["tasks"]
    assert task["desiredStatus"] == "RUNNING"
    lab.advance("2m")
    (task,) = ecs.describe_tasks(cluster="cp", tasks=[arn])["tasks"]
    assert task["stopCode"] == "SpotInterruption"
    assert task["stoppedReason"] == "Your Spot Task was interrupted."
    lab.advance("2m")
    s = ecs.describe_services(cluster="cp", services=["web"])["services"][0]
    assert s["runningCount"] == 4  # replaced


def test_interruption_is_seeded_and_replays(ecs, lab, tmp_path):
    _service(lab, ecs)
    arn = lab.capacity.interrupt_spot()
    lab.advance("5m")
    again = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert again.events.shape == lab.events.shape
    twin = Lab(seed=7)
    _service(twin, twin.client("ecs"))
    assert twin.capacity.interrupt_spot() == arn  # same seed, same history: same task


def test_interrupting_nothing_is_refused_and_unrecorded(lab, ecs):
    ecs.create_cluster(clusterName="cp")
    before = len(lab.log)
    with pytest.raises(Exception, match="No RUNNING FARGATE_SPOT task"):
        lab.capacity.interrupt_spot()
    assert len(lab.log) == before


def test_spot_tasks_bill_at_the_spot_rate(lab, ecs):
    _service(lab, ecs, n=3)  # the base on FARGATE, then 1:1 -> FARGATE, FARGATE, FARGATE_SPOT
    lab.advance("1h")
    costs = lab.costs()
    fargate = costs[costs.resource_type.str.contains("fargate", case=False)]
    rates = fargate.groupby("task").rate.max().sort_values()
    assert len(rates) == 3 and rates.iloc[0] < rates.iloc[1] * 0.5  # Spot is far cheaper
    assert rates.iloc[1] == rates.iloc[2]
    spot_sources = fargate[fargate.price_source.str.contains("UNVERIFIED")]
    assert not spot_sources.empty  # the Spot figure is marked unverified
