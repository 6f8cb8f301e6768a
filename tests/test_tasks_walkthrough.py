"""Walkthrough step 4 through boto3 and through the real aws CLI: run-task sleep360, list-tasks,
describe-tasks PENDING -> RUNNING -> STOPPED with exit code 0 after 360 simulated seconds."""

from __future__ import annotations

from datetime import timedelta

from taskkit import cluster

from ecslab import examples


def test_walkthrough_step4_boto3(lab, ecs):
    [ci] = cluster(lab)
    ecs.register_task_definition(**examples.taskdef("sleep360"))
    run = ecs.run_task(cluster="MyCluster", taskDefinition="sleep360", count=1)
    assert run["failures"] == []
    [task] = run["tasks"]
    arn = task["taskArn"]
    assert arn.startswith("arn:aws:ecs:ap-east-1:123456789012:task/MyCluster/")
    assert (task["lastStatus"], task["desiredStatus"]) == ("PENDING", "RUNNING")
    assert task["containerInstanceArn"] == ci
    assert task["taskDefinitionArn"].endswith(":task-definition/sleep360:1")
    assert task["group"] == "family:sleep360" and task["launchType"] == "EC2"
    assert ecs.list_tasks(cluster="MyCluster")["taskArns"] == [arn]

    t = ecs.describe_tasks(cluster="MyCluster", tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "PENDING" and t["containers"][0]["lastStatus"] == "PENDING"
    lab.advance("10s")
    t = ecs.describe_tasks(cluster="MyCluster", tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "RUNNING" and t["containers"][0]["lastStatus"] == "RUNNING"
    # Model: dispatch 1 s, busybox pull 1 s + 2.2 MB at 40 MB/s, start 1 s.
    assert t["pullStartedAt"] - t["createdAt"] == timedelta(seconds=1)
    assert t["pullStoppedAt"] - t["pullStartedAt"] == timedelta(seconds=1.055)
    assert t["startedAt"] - t["pullStoppedAt"] == timedelta(seconds=1)
    assert t["containers"][0]["imageDigest"].startswith("sha256:")

    lab.advance("360s")
    t = ecs.describe_tasks(cluster="MyCluster", tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "STOPPED" and t["desiredStatus"] == "STOPPED"
    assert t["containers"][0]["exitCode"] == 0
    assert t["stopCode"] == "EssentialContainerExited"
    assert t["stoppedReason"] == "Essential container in task exited"
    assert t["executionStoppedAt"] - t["startedAt"] == timedelta(seconds=360)
    assert ecs.list_tasks(cluster="MyCluster")["taskArns"] == []
    assert ecs.list_tasks(cluster="MyCluster", desiredStatus="STOPPED")["taskArns"] == [arn]
    kinds = lab.events.query("resource == @arn")["kind"].tolist()
    assert kinds == [
        "TaskCreated",
        "TaskPullStarted",
        "TaskPullStopped",
        "TaskStatusChanged",  # ACTIVATING
        "TaskRunning",
        "ContainerExited",
        "TaskStopping",
        "TaskStatusChanged",  # DEACTIVATING
        "TaskStatusChanged",  # STOPPING
        "TaskStopped",
    ]


def test_walkthrough_step4_aws_cli(lab):
    """Four CLI invocations (~1 s each): run-task, list-tasks, and describe-tasks twice."""
    cluster(lab)
    lab.client("ecs").register_task_definition(**examples.taskdef("sleep360"))
    server = lab.serve()
    try:
        run = lab.aws("ecs run-task --cluster MyCluster --task-definition sleep360 --count 1")
        arn = run["tasks"][0]["taskArn"]
        assert run["tasks"][0]["lastStatus"] == "PENDING" and run["failures"] == []
        assert lab.aws("ecs list-tasks --cluster MyCluster")["taskArns"] == [arn]
        lab.advance("10s")
        t = lab.aws(f"ecs describe-tasks --cluster MyCluster --tasks {arn}")["tasks"][0]
        assert t["lastStatus"] == "RUNNING"
        lab.advance("6m")
        t = lab.aws(f"ecs describe-tasks --cluster MyCluster --tasks {arn}")["tasks"][0]
        assert t["lastStatus"] == "STOPPED" and t["containers"][0]["exitCode"] == 0
    finally:
        server.stop()
