"""Fault injection (``lab.faults``): each fault kind, the service's recovery, and the record of
why in the event table and the service events."""

from __future__ import annotations

from collections import Counter

import pytest
from servicekit import alb, describe_tasks, messages, sample_app, service, task_arns
from taskkit import cluster, instances, subnets, taskdef

SLEEP = ("sleep", "infinity")


def _service(lab, ecs, n=2, **kw):
    td = kw.pop("td", None) or taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=n, **kw
    )
    lab.advance("1m")
    assert service(lab)["runningCount"] == n


def _faults(lab):
    ev = lab.events.query("kind == 'FaultInjected'")
    return [d["fault"] for d in ev["detail"]]


def test_crash_container(lab, ecs):
    cluster(lab, 1)
    _service(lab, ecs)
    victim = task_arns(lab)[0]
    lab.faults.crash_container(victim, exit_code=139)
    lab.advance("30s")
    [t] = describe_tasks(lab, [victim])
    assert t["lastStatus"] == "STOPPED" and t["stopCode"] == "EssentialContainerExited"
    assert t["containers"][0]["exitCode"] == 139
    assert len(task_arns(lab)) == 2 and victim not in task_arns(lab)
    assert _faults(lab) == ["crash_container"]
    assert messages(lab)[-1].startswith("(service web) has started 1 tasks:")
    # A crash of a healthy task is not a deployment failure.
    assert service(lab)["deployments"][0]["failedTasks"] == 0
    with pytest.raises(Exception, match="not found"):
        lab.faults.crash_container("arn:aws:ecs:ap-east-1:123456789012:task/MyCluster/" + "0" * 32)


def test_fail_health_check_from_time_t(lab, ecs):
    cluster(lab, 1)
    a = alb(lab)
    lab.advance("3m")
    _service(
        lab,
        ecs,
        1,
        td=sample_app(lab),
        loadBalancers=[
            {"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}
        ],
    )
    [victim] = task_arns(lab)
    lab.faults.fail_health_check(victim, at=60)
    lab.advance("50s")
    assert task_arns(lab) == [victim]  # still fine before T
    lab.advance("1m")
    t = lab.tasks.locate(victim)
    assert t.desired_status == "STOPPED"
    assert t.stopped_reason == f"Task failed ELB health checks in (target-group {a['tg']})"
    assert any(
        "due to (reason Health checks failed with these codes: [503])" in m for m in messages(lab)
    )
    lab.advance("6m")
    assert len(task_arns(lab)) == 1 and service(lab)["runningCount"] == 1
    assert _faults(lab) == ["fail_health_check"]


def test_terminate_instance(lab, ecs):
    cis = cluster(lab, 2)
    _service(lab, ecs, 2)
    gone = lab.container_instances.get(cis[0]).ec2_instance_id
    on_it = [a for a in task_arns(lab) if lab.tasks.locate(a).ec2_instance_id == gone]
    assert on_it
    lab.faults.terminate_instance(gone)
    lab.advance("1m")
    for t in describe_tasks(lab, on_it):
        assert t["lastStatus"] == "STOPPED" and t["stopCode"] == "TerminationNotice"
        assert t["stoppedReason"] == f"Host EC2 (instance {gone}) terminated."
    now = describe_tasks(lab, task_arns(lab))
    assert len(now) == 2 and {t["containerInstanceArn"] for t in now} == {cis[1]}
    assert _faults(lab) == ["terminate_instance"]


def test_az_down_and_up(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    for s in subnets(lab):
        instances(lab, 1, SubnetId=s)
    _service(lab, ecs, 3)
    assert Counter(t["availabilityZone"] for t in describe_tasks(lab, task_arns(lab))) == {
        "ap-east-1a": 1,
        "ap-east-1b": 1,
        "ap-east-1c": 1,
    }
    lab.faults.az_down("ap-east-1a")
    lab.advance("2m")
    tasks = describe_tasks(lab, task_arns(lab))
    assert len(tasks) == 3 and "ap-east-1a" not in {t["availabilityZone"] for t in tasks}
    assert service(lab)["runningCount"] == 3
    lab.faults.az_up("ap-east-1a")
    kinds = lab.events.query("service == 'lab'")["kind"].tolist()
    assert "FaultInjected" in kinds and kinds[-1] == "FaultRepaired"


def test_az_down_fargate(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    td = taskdef(
        lab,
        "web",
        command=SLEEP,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        task_cpu="256",
        task_memory="512",
        executionRoleArn=f"arn:aws:iam::{lab.account_id}:role/ecsTaskExecutionRole",
    )
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    _service(lab, ecs, 0, td=td, launchType="FARGATE", networkConfiguration=net)
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=3)
    lab.advance("2m")
    assert service(lab)["runningCount"] == 3
    lab.faults.az_down("ap-east-1b")
    lab.advance("3m")
    tasks = describe_tasks(lab, task_arns(lab))
    assert len(tasks) == 3 and "ap-east-1b" not in {t["availabilityZone"] for t in tasks}
    stopped = describe_tasks(lab, task_arns(lab, status="STOPPED"))
    assert [t["stoppedReason"] for t in stopped] == ["Availability Zone ap-east-1b is unavailable."]
