"""Lesson 14's path with the real aws CLI against ``ecslab serve`` (a subprocess on a free port):
register-scalable-target, put-scaling-policy (target tracking from a JSON file), a load curve set
with ``ecslab act set_load``, ``ecslab advance``, describe-scaling-activities and cloudwatch
describe-alarms; a bad request gets AWS's error from the CLI. The cluster and the service are set
up with boto3 through the same endpoint (``ecslab env``'s environment)."""

from __future__ import annotations

import json
import shlex
import subprocess

import boto3
from test_cli_walkthrough import BIN, ECSLAB, serve  # noqa: F401  (the ecslab serve fixture)

RID = "service/MyCluster/web"
AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
TARGET = "--service-namespace ecs --scalable-dimension ecs:service:DesiredCount"


def _env(port: int) -> dict[str, str]:
    out = subprocess.run(
        [*ECSLAB, "env", "--port", str(port)], capture_output=True, text=True, check=True
    ).stdout
    env = {"PATH": str(BIN) + ":/usr/bin:/bin", "HOME": "/tmp"}
    for line in out.splitlines():
        if line.startswith("export "):
            key, value = line[len("export ") :].split("=", 1)
            env[key] = shlex.split(value)[0] if value else ""
    return env


def _run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), capture_output=True, text=True, env=env, timeout=120)


def _aws(env: dict[str, str], command: str) -> dict:
    out = _run(env, str(BIN / "aws"), *shlex.split(command), "--output", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else {}


def _setup(env: dict[str, str]) -> None:
    session = boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    )
    url = env["AWS_ENDPOINT_URL"]
    ecs, ec2, ssm = (session.client(s, endpoint_url=url) for s in ("ecs", "ec2", "ssm"))
    ecs.create_cluster(clusterName="MyCluster")
    ec2.run_instances(
        ImageId=ssm.get_parameter(Name=AMI)["Parameter"]["Value"],
        InstanceType="m5.large",
        MinCount=2,
        MaxCount=2,
        UserData="ECS_CLUSTER=MyCluster",
        IamInstanceProfile={"Name": "ecsInstanceRole"},
    )
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[
            {"name": "web", "image": "busybox", "cpu": 256, "memory": 256, "command": ["httpd"]}
        ],
    )
    assert _run(env, *ECSLAB, "advance", "1m").returncode == 0
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition="web", desiredCount=1)


def test_autoscaling_with_the_aws_cli_against_ecslab_serve(serve, tmp_path):  # noqa: F811
    env = _env(serve())
    _setup(env)
    out = _aws(
        env,
        f"application-autoscaling register-scalable-target {TARGET} --resource-id {RID} "
        "--min-capacity 1 --max-capacity 6",
    )
    assert out["ScalableTargetARN"].startswith("arn:aws:application-autoscaling:ap-east-1:")
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "TargetValue": 50.0,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
                },
                "ScaleOutCooldown": 60,
                "ScaleInCooldown": 60,
            }
        )
    )
    policy = (
        f"application-autoscaling put-scaling-policy {TARGET} --policy-name cpu50 "
        f"--policy-type TargetTrackingScaling "
        f"--target-tracking-scaling-policy-configuration file://{config}"
    )
    pol = _aws(env, f"{policy} --resource-id {RID}")
    assert [a["AlarmName"].split("-")[2] for a in pol["Alarms"]] == ["AlarmHigh", "AlarmLow"]
    bad = _run(
        env, str(BIN / "aws"), *shlex.split(f"{policy} --resource-id service/MyCluster/nope")
    )
    assert bad.returncode != 0 and "(ObjectNotFoundException)" in bad.stderr
    assert "No scalable target registered for service namespace: ecs" in bad.stderr
    curve = json.dumps({"cluster": "MyCluster", "service": "web", "points": [[0, 60]]})
    acted = _run(env, *ECSLAB, "act", "set_load", curve)
    assert acted.returncode == 0, acted.stderr
    assert json.loads(acted.stdout)["points"] == [[0.0, 60.0]]
    assert _run(env, *ECSLAB, "advance", "20m").returncode == 0
    acts = _aws(
        env,
        f"application-autoscaling describe-scaling-activities --service-namespace ecs "
        f"--resource-id {RID}",
    )["ScalingActivities"]
    assert acts and {a["StatusCode"] for a in acts} == {"Successful"}
    assert acts[-1]["Cause"].startswith("monitor alarm TargetTracking-service/MyCluster/web-")
    # 60 rps at 50 % of 25 rps a task: 5 tasks.
    assert acts[0]["Description"] == "Setting desired count to 5."
    alarms = _aws(
        env, "cloudwatch describe-alarms --alarm-name-prefix TargetTracking-service/MyCluster/web"
    )["MetricAlarms"]
    assert {a["StateValue"] for a in alarms} == {"OK"} and len(alarms) == 2
    unknown = _run(env, *ECSLAB, "act", "set_load", '{"cluster": "MyCluster", "service": "x"}')
    assert unknown.returncode != 0 and "no ACTIVE service" in unknown.stderr
