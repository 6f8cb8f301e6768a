"""awslogs (streams, lines, a missing group) and ECS Exec (refusals, session, simulated shell)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from taskkit import cluster, describe, fargate_def, subnets, taskdef

from ecslab.core.errors import AwsError


def _awslogs(group="/ecs/app", prefix="ecs", create=None):
    opts = {"awslogs-group": group, "awslogs-region": "ap-east-1", "awslogs-stream-prefix": prefix}
    if create is not None:
        opts["awslogs-create-group"] = create
    return {"logDriver": "awslogs", "options": opts}


def test_awslogs_stream_and_lines(lab, ecs):
    cluster(lab)
    logs = lab.client("logs")
    logs.create_log_group(logGroupName="/ecs/app")
    td = taskdef(
        lab,
        "app",
        command=["sh", "-c", "echo hello; echo world; exit 2"],
        logConfiguration=_awslogs(),
    )
    arn = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]["taskArn"]
    lab.advance("1m")
    task_id = arn.rsplit("/", 1)[1]
    streams = logs.describe_log_streams(logGroupName="/ecs/app")["logStreams"]
    assert [s["logStreamName"] for s in streams] == [f"ecs/app/{task_id}"]
    events = logs.get_log_events(logGroupName="/ecs/app", logStreamName=f"ecs/app/{task_id}")[
        "events"
    ]
    assert [e["message"] for e in events] == [
        "[ecslab] container app started: sh -c echo hello; echo world; exit 2",
        "hello",
        "world",
        "[ecslab] container app exited with code 2",
    ]
    assert describe(lab, arn)["containers"][0]["exitCode"] == 2


def test_missing_log_group_on_ec2(lab, ecs):
    cluster(lab)
    td = taskdef(lab, "app", logConfiguration=_awslogs("/ecs/none"))
    arn = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]["taskArn"]
    lab.advance("1m")
    t = describe(lab, arn)
    assert t["stopCode"] == "TaskFailedToStart"
    assert t["stoppedReason"] == (
        "CannotStartContainerError: Error response from daemon: failed to initialize logging "
        "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified "
        "log group does not exist."
    )
    assert t["containers"][0]["reason"] == t["stoppedReason"]


def test_missing_log_group_on_fargate_and_create_group(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    net = {"awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}}
    bad = fargate_def(lab, "bad", logConfiguration=_awslogs("/ecs/none"))
    good = fargate_def(lab, "good", logConfiguration=_awslogs("/ecs/made", create="true"))
    a = ecs.run_task(
        cluster="MyCluster", taskDefinition=bad, launchType="FARGATE", networkConfiguration=net
    )
    b = ecs.run_task(
        cluster="MyCluster", taskDefinition=good, launchType="FARGATE", networkConfiguration=net
    )
    lab.advance("2m")
    ta = describe(lab, a["tasks"][0]["taskArn"])
    assert ta["stoppedReason"] == (
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
        "specified log group does not exist. : exit status 1"
    )
    tb = describe(lab, b["tasks"][0]["taskArn"])
    assert tb["lastStatus"] == "RUNNING"
    groups = [g["logGroupName"] for g in lab.client("logs").describe_log_groups()["logGroups"]]
    assert "/ecs/made" in groups


# -- ECS Exec ----------------------------------------------------------------------------------------


def _exec_task(lab, ecs, **kw):
    cluster(lab)
    td = taskdef(
        lab,
        "app",
        environment=[{"name": "GREETING", "value": "hi"}],
        taskRoleArn=kw.pop("role", "arn:aws:iam::123456789012:role/appTaskRole"),
        **kw,
    )
    arn = ecs.run_task(cluster="MyCluster", taskDefinition=td, enableExecuteCommand=True)["tasks"][
        0
    ]["taskArn"]
    return arn


def test_execute_command_session_and_shell(lab, ecs):
    arn = _exec_task(lab, ecs)
    lab.advance("10s")
    t = describe(lab, arn)
    assert t["enableExecuteCommand"] is True
    assert t["containers"][0]["managedAgents"][0]["name"] == "ExecuteCommandAgent"
    assert t["containers"][0]["managedAgents"][0]["lastStatus"] == "RUNNING"
    out = ecs.execute_command(cluster="MyCluster", task=arn, command="/bin/sh", interactive=True)
    assert out["containerName"] == "app" and out["taskArn"] == arn and out["interactive"] is True
    assert out["session"]["sessionId"].startswith("ecs-execute-command-")
    assert out["session"]["streamUrl"].startswith("wss://ssmmessages.ap-east-1.amazonaws.com/")
    env = dict(line.split("=", 1) for line in lab.exec(arn, "env").splitlines())
    assert env["GREETING"] == "hi" and env["AWS_EXECUTION_ENV"] == "AWS_ECS_EC2"
    assert env["AWS_REGION"] == "ap-east-1" and "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in env
    runtime = t["containers"][0]["runtimeId"]
    assert lab.exec(arn, "hostname") == runtime[:12] + "\n" == lab.exec(arn, "cat /etc/hostname")
    assert "    1 root      0:00 sleep 360" in lab.exec(arn, "ps")
    assert lab.exec(arn, "ls /") == "sh: ls: not found\n"


EXEC_REFUSALS = [
    (
        {},
        {"interactive": False},
        "InvalidParameterException",
        "Interactive is the only mode supported currently.",
    ),
    (
        {"enable": False},
        {},
        "InvalidParameterException",
        "The execute command failed because execute command was not enabled when the task was run "
        "or the execute command agent isn't running. Wait and try again or run a new task with "
        "execute command enabled and try again.",
    ),
    (
        {"role": None},
        {},
        "TargetNotConnectedException",
        "The execute command failed due to an internal error. Try again later.",
    ),
    ({"pending": True}, {}, "InvalidParameterException", None),
]


@pytest.mark.parametrize("setup,params,code,message", EXEC_REFUSALS)
def test_execute_command_refusals(lab, ecs, setup, params, code, message):
    cluster(lab)
    kw = {}
    if setup.get("role", "x") is not None:
        kw["taskRoleArn"] = "arn:aws:iam::123456789012:role/appTaskRole"
    td = taskdef(lab, "app", **kw)
    arn = ecs.run_task(
        cluster="MyCluster", taskDefinition=td, enableExecuteCommand=setup.get("enable", True)
    )["tasks"][0]["taskArn"]
    if not setup.get("pending"):
        lab.advance("10s")
    with pytest.raises(ClientError) as e:
        ecs.execute_command(
            cluster="MyCluster",
            task=arn,
            command="env",
            interactive=params.get("interactive", True),
        )
    assert e.value.response["Error"]["Code"] == code
    if message:
        assert e.value.response["Error"]["Message"] == message
    if code != "InvalidParameterException" or "interactive" not in params:
        with pytest.raises(AwsError) as lab_err:  # the lab-level shell refuses the same way
            lab.exec(arn, "env")
        assert lab_err.value.code == code


def test_exec_hostname_awsvpc_and_secrets(lab, ecs):
    cluster(lab)
    secret = lab.client("secretsmanager").create_secret(Name="db", SecretString="s3cret")["ARN"]
    td = taskdef(
        lab,
        "vpc",
        networkMode="awsvpc",
        cpu=10,
        memory=10,
        secrets=[{"name": "DB_PASSWORD", "valueFrom": secret}],
        executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        taskRoleArn="arn:aws:iam::123456789012:role/appTaskRole",
    )
    net = {"awsvpcConfiguration": {"subnets": subnets(lab)}}
    arn = ecs.run_task(
        cluster="MyCluster", taskDefinition=td, networkConfiguration=net, enableExecuteCommand=True
    )["tasks"][0]["taskArn"]
    lab.advance("20s")
    ip = {d["name"]: d["value"] for d in describe(lab, arn)["attachments"][0]["details"]}[
        "privateIPv4Address"
    ]
    assert lab.exec(arn, "hostname") == f"ip-{ip.replace('.', '-')}.ap-east-1.compute.internal\n"
    assert lab.exec(arn, "printenv DB_PASSWORD") == "s3cret\n"
