"""The task lifecycle on the simulated clock: essential semantics, StopTask's SIGTERM/SIGKILL,
pull failures, visibility after STOPPED, cluster and instance counts."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from taskkit import cluster, describe, remaining, taskdef

from ecslab.domain.tasks import timings as T


def _run(ecs, td, **kw):
    resp = ecs.run_task(cluster="MyCluster", taskDefinition=td, **kw)
    assert resp["failures"] == []
    return resp["tasks"][0]["taskArn"]


def _sidecar(command, essential=False, name="side"):
    return {
        "name": name,
        "image": "busybox",
        "cpu": 10,
        "memory": 32,
        "essential": essential,
        "command": command,
    }


ESSENTIAL = [
    # (main command, sidecar command, sidecar essential, task stops?, stop code, exit codes)
    (
        ["sleep", "30"],
        ["sleep", "10"],
        False,
        True,
        "EssentialContainerExited",
        {"app": 0, "side": 0},
    ),
    (["sleep", "3600"], ["sh", "-c", "exit 3"], False, False, None, {"app": None, "side": 3}),
    (
        ["sleep", "3600"],
        ["sh", "-c", "exit 3"],
        True,
        True,
        "EssentialContainerExited",
        {"app": 137, "side": 3},
    ),
    (
        ["httpd-foreground"],
        ["sh", "-c", "exit 1"],
        True,
        True,
        "EssentialContainerExited",
        {"app": 0, "side": 1},
    ),
]


@pytest.mark.parametrize("main,side,side_essential,stops,code,exits", ESSENTIAL)
def test_essential_semantics(lab, ecs, main, side, side_essential, stops, code, exits):
    cluster(lab)
    td = taskdef(lab, "app", command=main, extra=[_sidecar(side, side_essential)])
    arn = _run(ecs, td)
    lab.advance("2m")
    t = describe(lab, arn)
    assert (t["lastStatus"] == "STOPPED") is stops
    assert t.get("stopCode") == code
    if stops:
        assert t["stoppedReason"] == "Essential container in task exited"
    assert {c["name"]: c.get("exitCode") for c in t["containers"]} == exits


def test_stop_task_sigterm_ignored_then_sigkill(lab, ecs):
    """``sleep`` as PID 1 ignores SIGTERM: the agent kills it after the 30 s stop timeout."""
    cluster(lab)
    arn = _run(ecs, taskdef(lab, "app", command=["sleep", "3600"]))
    lab.advance("10s")
    stopped = ecs.stop_task(cluster="MyCluster", task=arn)["task"]
    assert stopped["desiredStatus"] == "STOPPED" and stopped["lastStatus"] == "STOPPING"
    assert stopped["stopCode"] == "UserInitiated"
    assert stopped["stoppedReason"] == "Task stopped by user"
    lab.advance("29s")
    assert describe(lab, arn)["lastStatus"] == "STOPPING"
    lab.advance("2s")
    t = describe(lab, arn)
    assert t["lastStatus"] == "STOPPED" and t["containers"][0]["exitCode"] == 137
    assert t["executionStoppedAt"] - t["stoppingAt"] == timedelta(seconds=T.STOP_TIMEOUT_S)


def test_stop_task_server_exits_promptly_with_reason(lab, ecs):
    cluster(lab)
    arn = _run(ecs, taskdef(lab, "web", image="httpd:2.4", command=None))
    lab.advance("10s")
    ecs.stop_task(cluster="MyCluster", task=arn, reason="deploying v2")
    lab.advance("3s")
    t = describe(lab, arn)
    assert t["lastStatus"] == "STOPPED" and t["containers"][0]["exitCode"] == 0
    assert t["stoppedReason"] == "deploying v2"
    assert t["executionStoppedAt"] - t["stoppingAt"] == timedelta(seconds=T.GRACEFUL_EXIT_S)


def test_stop_before_running_and_stop_twice(lab, ecs):
    cluster(lab)
    arn = _run(ecs, taskdef(lab, "app"))
    first = ecs.stop_task(cluster="MyCluster", task=arn)["task"]
    assert first["lastStatus"] == "PENDING" and first["desiredStatus"] == "STOPPED"
    again = ecs.stop_task(cluster="MyCluster", task=arn, reason="other")["task"]
    assert again["stoppedReason"] == "Task stopped by user"  # the first stop's reason stays
    lab.advance("2s")
    t = describe(lab, arn)
    assert t["lastStatus"] == "STOPPED" and "exitCode" not in t["containers"][0]
    assert "startedAt" not in t


def test_stop_unknown_task(lab, ecs):
    cluster(lab)
    with pytest.raises(ClientError) as e:
        ecs.stop_task(cluster="MyCluster", task="0123456789abcdef0123456789abcdef")
    assert e.value.response["Error"]["Message"] == "The referenced task was not found."


PULL_FAILURES = [
    (
        "nosuchimage:latest",
        "CannotPullContainerError: Error response from daemon: pull access denied for nosuchimage",
    ),
    (
        "123456789012.dkr.ecr.ap-east-1.amazonaws.com/missing:v1",
        "CannotPullContainerError: The task can’t pull the image. Check whether the image exists.",
    ),
]


@pytest.mark.parametrize("image,prefix", PULL_FAILURES)
def test_pull_failure_stops_the_task(lab, ecs, image, prefix):
    cluster(lab)
    arn = _run(ecs, taskdef(lab, "bad", image=image))
    lab.advance("1m")
    t = describe(lab, arn)
    assert t["lastStatus"] == "STOPPED" and t["stopCode"] == "TaskFailedToStart"
    assert t["stoppedReason"].startswith(prefix)
    assert t["containers"][0]["reason"] == t["stoppedReason"]
    assert "startedAt" not in t and "pullStoppedAt" not in t


def test_arm_instance_and_amd64_only_image(lab, ecs):
    cluster(lab, itype="m6g.large", arm=True)
    arn = _run(ecs, taskdef(lab, "sample", image="amazon/amazon-ecs-sample", command=None))
    lab.advance("1m")
    t = describe(lab, arn)
    assert t["stoppedReason"] == (
        "CannotPullContainerError: Error response from daemon: no matching manifest for "
        "linux/arm64/v8 in the manifest list entries"
    )


def test_second_pull_on_the_same_instance_is_cached(lab, ecs):
    cluster(lab)
    td = taskdef(lab, "web", image="nginx", command=None, cpu=10, memory=64)
    first = _run(ecs, td)
    lab.advance("10s")
    second = _run(ecs, td)
    lab.advance("10s")
    a, b = describe(lab, first), describe(lab, second)
    assert a["pullStoppedAt"] - a["pullStartedAt"] == timedelta(seconds=1 + 72 / 40)
    assert b["pullStoppedAt"] - b["pullStartedAt"] == timedelta(seconds=T.CACHED_PULL_S)


def test_stopped_tasks_visible_for_an_hour_then_missing(lab, ecs):
    cluster(lab)
    arn = _run(ecs, taskdef(lab, "quick", command=["sh", "-c", "exit 0"]))
    lab.advance("10s")
    stopped_at = describe(lab, arn)["stoppedAt"].astimezone(timezone.utc)
    lab.advance_to(stopped_at + timedelta(minutes=59))
    assert describe(lab, arn)["lastStatus"] == "STOPPED"
    lab.advance("61s")
    resp = ecs.describe_tasks(cluster="MyCluster", tasks=[arn])
    assert resp["tasks"] == [] and resp["failures"] == [{"arn": arn, "reason": "MISSING"}]
    assert ecs.list_tasks(cluster="MyCluster", desiredStatus="STOPPED")["taskArns"] == []


def test_counts_and_remaining_resources_follow_the_lifecycle(lab, ecs):
    [ci] = cluster(lab)
    arn = _run(ecs, taskdef(lab, "app", cpu=512, memory=1024))
    full = lab.container_instances.get(ci)
    r = remaining(lab, ci)
    assert (r["CPU"], r["MEMORY"]) == (full.cpu - 512, full.memory - 1024)
    assert (r["pendingTasksCount"], r["runningTasksCount"]) == (1, 0)
    c = ecs.describe_clusters(clusters=["MyCluster"], include=["STATISTICS"])["clusters"][0]
    assert (c["pendingTasksCount"], c["runningTasksCount"]) == (1, 0)
    stats = {s["name"]: s["value"] for s in c["statistics"]}
    assert stats["pendingEC2TasksCount"] == "1" and stats["runningEC2TasksCount"] == "0"
    lab.advance("10s")
    r = remaining(lab, ci)
    assert (r["pendingTasksCount"], r["runningTasksCount"]) == (0, 1)
    c = ecs.describe_clusters(clusters=["MyCluster"])["clusters"][0]
    assert (c["pendingTasksCount"], c["runningTasksCount"]) == (0, 1)
    # Deregistering the instance or deleting the cluster is refused while the task lives.
    with pytest.raises(ClientError) as e:
        ecs.deregister_container_instance(cluster="MyCluster", containerInstance=ci)
    assert e.value.response["Error"]["Message"] == (
        "Found running tasks on the instance. Use force to deregister it."
    )
    ecs.stop_task(cluster="MyCluster", task=arn)
    lab.advance("29s")  # still STOPPING: sleep ignores SIGTERM
    assert remaining(lab, ci)["runningTasksCount"] == 1
    lab.advance("5s")
    r = remaining(lab, ci)
    assert (r["CPU"], r["MEMORY"], r["runningTasksCount"]) == (full.cpu, full.memory, 0)


def test_cluster_delete_blocked_while_tasks_are_active(lab, ecs):
    [ci] = cluster(lab)
    arn = _run(ecs, taskdef(lab, "app"))
    ecs.deregister_container_instance(cluster="MyCluster", containerInstance=ci, force=True)
    with pytest.raises(ClientError) as e:
        ecs.delete_cluster(cluster="MyCluster")
    assert e.value.response["Error"]["Code"] == "ClusterContainsTasksException"
    assert (
        e.value.response["Error"]["Message"]
        == "The Cluster cannot be deleted while Tasks are active."
    )
    ecs.stop_task(cluster="MyCluster", task=arn)
    lab.advance("1m")
    assert ecs.delete_cluster(cluster="MyCluster")["cluster"]["status"] == "INACTIVE"


def test_terminating_the_instance_kills_its_tasks(lab, ecs):
    [ci] = cluster(lab)
    arn = _run(ecs, taskdef(lab, "app"))
    lab.advance("10s")
    iid = describe(lab, arn)
    inst = lab.container_instances.get(ci).ec2_instance_id
    lab.client("ec2").terminate_instances(InstanceIds=[inst])
    lab.advance("10s")
    t = describe(lab, arn)
    assert iid["lastStatus"] == "RUNNING"
    assert t["lastStatus"] == "STOPPED" and t["containers"][0]["exitCode"] == 137
    assert t["stoppedReason"] == f"Host EC2 (instance {inst}) terminated."


def test_container_override_command_and_environment(lab, ecs):
    cluster(lab)
    td = taskdef(lab, "app", environment=[{"name": "A", "value": "1"}])
    arn = _run(
        ecs,
        td,
        overrides={
            "containerOverrides": [
                {
                    "name": "app",
                    "command": ["sh", "-c", "exit 7"],
                    "environment": [{"name": "B", "value": "2"}],
                }
            ]
        },
    )
    lab.advance("10s")
    t = describe(lab, arn)
    assert t["containers"][0]["exitCode"] == 7
    assert t["overrides"]["containerOverrides"] == [
        {
            "name": "app",
            "command": ["sh", "-c", "exit 7"],
            "environment": [{"name": "B", "value": "2"}],
        }
    ]


def test_container_insights_reads_the_task_facts(lab, ecs):
    from ecslab.domain.insights import metrics

    cluster(lab)
    _run(ecs, taskdef(lab, "app", cpu=512, memory=1024), count=2)
    lab.advance("3m")
    m = metrics(lab.events, lab.now, level="family")
    last = m[m["time"] == m["time"].max()].set_index("metric")["value"]
    assert last["RunningTaskCount"] == 2 and last["PendingTaskCount"] == 0
    assert last["CpuReserved"] == 1024 and last["MemoryReserved"] == 2048
    assert set(m["family"]) == {"app"}
