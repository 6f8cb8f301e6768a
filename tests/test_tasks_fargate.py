"""Fargate: no container instances, ENIs spread over the subnets' AZs, platform versions, network
paths, and billing from pullStartedAt to STOPPED (60 s minimum)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from taskkit import describe, fargate_def, subnets

from ecslab.domain.tasks import timings as T


@pytest.fixture
def fargate(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    return lab


def _net(lab, public=True, ids=None):
    return {
        "awsvpcConfiguration": {
            "subnets": ids or subnets(lab),
            "assignPublicIp": "ENABLED" if public else "DISABLED",
        }
    }


def _run(lab, td, **kw):
    kw.setdefault("networkConfiguration", _net(lab))
    resp = lab.client("ecs").run_task(
        cluster="MyCluster", taskDefinition=td, launchType="FARGATE", **kw
    )
    assert resp["failures"] == []
    return resp["tasks"]


def test_fargate_task_lifecycle_without_instances(fargate, ecs):
    lab = fargate
    [t] = _run(lab, fargate_def(lab, command=["sleep", "60"]), platformVersion="LATEST")
    assert t["launchType"] == "FARGATE" and t["lastStatus"] == "PROVISIONING"
    assert t["platformVersion"] == "1.4.0" and t["platformFamily"] == "Linux"
    assert (t["cpu"], t["memory"]) == ("256", "512")
    assert t["ephemeralStorage"] == {"sizeInGiB": 20}
    assert "containerInstanceArn" not in t
    arn = t["taskArn"]
    lab.advance(T.FARGATE_PROVISION_S)
    assert describe(lab, arn)["lastStatus"] == "PENDING"
    lab.advance("30s")
    t = describe(lab, arn)
    assert t["lastStatus"] == "RUNNING"
    assert t["pullStoppedAt"] - t["pullStartedAt"] == timedelta(
        seconds=T.FARGATE_PULL_SETUP_S + 2.2 / 8
    )
    assert t["containers"][0]["runtimeId"].startswith(t["taskArn"].rsplit("/", 1)[1] + "-")
    stats = ecs.describe_clusters(clusters=["MyCluster"], include=["STATISTICS"])["clusters"][0]
    assert {s["name"]: s["value"] for s in stats["statistics"]}["runningFargateTasksCount"] == "1"
    lab.advance("2m")
    t = describe(lab, arn)
    assert t["lastStatus"] == "STOPPED" and t["attachments"][0]["status"] == "DELETED"
    assert t["stoppedAt"] - t["executionStoppedAt"] == timedelta(seconds=T.FARGATE_DEPROVISION_S)


def test_enis_spread_across_the_subnets_azs(fargate):
    lab = fargate
    tasks = _run(lab, fargate_def(lab), count=6)
    azs = Counter(t["availabilityZone"] for t in tasks)
    assert azs == {"ap-east-1a": 2, "ap-east-1b": 2, "ap-east-1c": 2}
    ips = [
        {d["name"]: d["value"] for d in t["attachments"][0]["details"]}["privateIPv4Address"]
        for t in tasks
    ]
    assert len(set(ips)) == 6
    # The next call keeps balancing against the live tasks of the same group.
    more = _run(
        lab, fargate_def(lab), count=2, networkConfiguration=_net(lab, ids=subnets(lab)[:2])
    )
    assert sorted(t["availabilityZone"] for t in more) == ["ap-east-1a", "ap-east-1b"]


FARGATE_ERRORS = [
    (
        {"networkConfiguration": None},
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    ),
    (
        {"platformVersion": "9.9.9"},
        "PlatformUnknownException",
        "The specified platform does not exist: 9.9.9.",
    ),
    (
        {"placementStrategy": [{"type": "random"}]},
        "InvalidParameterException",
        "Task placement strategies are not supported for the FARGATE launch type.",
    ),
    (
        {"overrides": {"cpu": "256", "memory": "4096"}},
        "ClientException",
        "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.",
    ),
]


@pytest.mark.parametrize("params,code,message", FARGATE_ERRORS)
def test_fargate_run_time_validation(fargate, ecs, params, code, message):
    lab = fargate
    td = fargate_def(lab)
    kw = {"networkConfiguration": _net(lab), **params}
    if kw["networkConfiguration"] is None:
        del kw["networkConfiguration"]
    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="MyCluster", taskDefinition=td, launchType="FARGATE", **kw)
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == (
        code,
        message,
    )


def test_ec2_only_definition_is_refused_on_fargate(fargate, ecs):
    from taskkit import taskdef

    td = taskdef(fargate, "ec2only")
    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="MyCluster", taskDefinition=td, launchType="FARGATE")
    assert (
        e.value.response["Error"]["Message"]
        == "Task definition does not support launch_type FARGATE."
    )


def test_private_subnet_without_public_ip_or_endpoint(fargate):
    lab = fargate
    private = lab.network.add_private_subnet()
    ecr_image = f"{lab.account_id}.dkr.ecr.{lab.region}.amazonaws.com/web:v1"
    [a] = _run(
        lab,
        fargate_def(lab, "ecr", image=ecr_image),
        networkConfiguration=_net(lab, False, [private]),
    )
    [b] = _run(lab, fargate_def(lab, "hub"), networkConfiguration=_net(lab, False, [private]))
    lab.advance("2m")
    ta, tb = describe(lab, a["taskArn"]), describe(lab, b["taskArn"])
    assert ta["stopCode"] == tb["stopCode"] == "TaskFailedToStart"
    assert ta["stoppedReason"].startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
        "retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 "
        'time(s): RequestError: send request failed caused by: Post "https://api.ecr.ap-east-1.amazonaws.com/"'
    )
    assert "pullStartedAt" not in ta  # failed before any pull: not billed
    assert tb["stoppedReason"].startswith(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s)"
    )
    assert tb["stoppedReason"].endswith("dial tcp: i/o timeout")
    # A public subnet without a public IP has no route either.
    [c] = _run(lab, fargate_def(lab, "hub"), networkConfiguration=_net(lab, False))
    lab.advance("2m")
    assert describe(lab, c["taskArn"])["stopCode"] == "TaskFailedToStart"


def _billed_seconds(lab, arn) -> float:
    c = lab.costs()
    rows = c[(c["resource"] == arn) & (c["unit"] == "vCPU-hours")]
    return float(rows["quantity"].sum()) / 0.25 * 3600


def test_fargate_billing_minimum_one_minute(fargate):
    """0.25 vCPU / 0.5 GB running 30 s: billed the 60 s minimum."""
    lab = fargate
    [t] = _run(lab, fargate_def(lab, command=["sleep", "30"]))
    lab.advance("5m")
    t = describe(lab, t["taskArn"])
    assert t["stoppedAt"] - t["pullStartedAt"] < timedelta(seconds=60)
    assert _billed_seconds(lab, t["taskArn"]) == pytest.approx(60)
    gb = lab.costs().query("unit == 'GB-hours'")["quantity"].sum()
    assert gb == pytest.approx(0.5 * 60 / 3600)


def test_fargate_billing_from_pull_start_to_stopped(fargate):
    """Pull 20 s (amazon-ecs-sample, 120 MB) + 100 s from pullStoppedAt to STOPPED = 120 s."""
    lab = fargate
    run_s = 100 - T.ACTIVATING_S - T.FARGATE_DEPROVISION_S
    td = fargate_def(lab, image="amazon/amazon-ecs-sample", command=["sleep", f"{run_s:g}"])
    [t] = _run(lab, td)
    lab.advance("10m")
    t = describe(lab, t["taskArn"])
    assert t["pullStoppedAt"] - t["pullStartedAt"] == timedelta(seconds=20)
    assert t["stoppedAt"] - t["pullStoppedAt"] == timedelta(seconds=100)
    assert _billed_seconds(lab, t["taskArn"]) == pytest.approx(120)
    pulls = lab.events.query("kind == 'TaskPullStarted'")["detail"].iloc[0]
    assert pulls == {
        "launch_type": "FARGATE",
        "cpu": 256,
        "memory": 512,
        "ephemeral_gib": 20,
        "os": "linux",
        "arch": "x86_64",
        "capacity": "on_demand",
        "service": None,
        "family": "web",
    }
