"""Lesson 15's aws commands: the lesson teaches and runs them, and one path of the lesson works
with the real aws CLI against ``ecslab serve`` (a subprocess on a free port): register-task-
definition, create-service with the BLUE_GREEN strategy and advancedConfiguration, update-service
to release 2, describe-service-deployments through the lifecycle stages, elbv2 describe-rules
for the traffic shift, stop-service-deployment ROLLBACK, list-service-deployments and
describe-service-revisions afterwards; a stop of an ended deployment gets AWS's error. The
cluster and the ALB are set up with boto3 through the same endpoint (``ecslab env``'s
environment), as in tests/test_appscaling_cli.py."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import boto3
from _lesson_helpers import load

from workbook.lessons import aws_commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_cli_walkthrough import BIN, ECSLAB, serve  # noqa: E402, F401  (the serve fixture)

DEPLOYMENTS = {
    "ecs list-service-deployments",
    "ecs describe-service-deployments",
    "ecs describe-service-revisions",
    "ecs stop-service-deployment",
}
AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"


def test_lesson15_commands_are_taught_and_run():
    lesson = aws_commands(load("15_deployment_strategies.ipynb"))
    assert DEPLOYMENTS | {"ecs create-service", "elbv2 create-rule"} <= lesson["shown"]
    assert DEPLOYMENTS <= lesson["run"]


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


def _aws(env: dict[str, str], *argv: str) -> dict:
    out = _run(env, str(BIN / "aws"), *argv, "--output", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else {}


def _advance(env: dict[str, str], duration: str) -> None:
    assert _run(env, *ECSLAB, "advance", duration).returncode == 0


def _stack(env: dict[str, str]) -> dict[str, str]:
    """Cluster of three instances; ALB, blue and green groups, production and test rules."""
    session = boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    )
    url = env["AWS_ENDPOINT_URL"]
    ecs, ec2, ssm, elb = (
        session.client(s, endpoint_url=url) for s in ("ecs", "ec2", "ssm", "elbv2")
    )
    ecs.create_cluster(clusterName="MyCluster")
    ec2.run_instances(
        ImageId=ssm.get_parameter(Name=AMI)["Parameter"]["Value"],
        InstanceType="m5.large",
        MinCount=3,
        MaxCount=3,
        UserData="ECS_CLUSTER=MyCluster",
        IamInstanceProfile={"Name": "ecsInstanceRole"},
    )
    subnets = [s for s in ec2.describe_subnets()["Subnets"] if s["MapPublicIpOnLaunch"]]
    lb = elb.create_load_balancer(Name="web-alb", Subnets=[s["SubnetId"] for s in subnets])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    health = {"HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 2}
    groups = {
        color: elb.create_target_group(
            Name=f"web-{color}", Protocol="HTTP", Port=80, VpcId=subnets[0]["VpcId"], **health
        )["TargetGroups"][0]["TargetGroupArn"]
        for color in ("blue", "green")
    }
    forward = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [
                {"TargetGroupArn": groups["blue"], "Weight": 100},
                {"TargetGroupArn": groups["green"], "Weight": 0},
            ]
        },
    }
    rules = {}
    for name, port in (("production", 80), ("test", 8080)):
        listener = elb.create_listener(
            LoadBalancerArn=lb_arn,
            Protocol="HTTP",
            Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": groups["blue"]}],
        )["Listeners"][0]["ListenerArn"]
        rules[name] = elb.create_rule(
            ListenerArn=listener,
            Priority=1,
            Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
            Actions=[forward],
        )["Rules"][0]["RuleArn"]
    _advance(env, "3m")  # instances registered, ALB active
    return {**groups, **rules}


def _release(env: dict[str, str], version: str) -> str:
    container = {
        "name": "web",
        "image": "httpd:2.4",
        "cpu": 256,
        "memory": 256,
        "portMappings": [{"containerPort": 80, "hostPort": 0}],
        "environment": [{"name": "VERSION", "value": version}],
    }
    td = _aws(
        env,
        "ecs",
        "register-task-definition",
        "--family",
        "web",
        "--container-definitions",
        json.dumps([container]),
    )["taskDefinition"]
    return f"{td['family']}:{td['revision']}"


def _newest(env: dict[str, str]) -> dict:
    listed = _aws(
        env, "ecs", "list-service-deployments", "--cluster", "MyCluster", "--service", "web"
    )["serviceDeployments"]
    arn = listed[0]["serviceDeploymentArn"]
    return _aws(env, "ecs", "describe-service-deployments", "--service-deployment-arns", arn)[
        "serviceDeployments"
    ][0]


def _weights(env: dict[str, str], rule: str, stack: dict[str, str]) -> dict[str, int]:
    got = _aws(env, "elbv2", "describe-rules", "--rule-arns", rule)["Rules"][0]
    names = {stack["blue"]: "blue", stack["green"]: "green"}
    return {
        names[g["TargetGroupArn"]]: g["Weight"]
        for g in got["Actions"][0]["ForwardConfig"]["TargetGroups"]
    }


def test_bluegreen_and_rollback_with_the_aws_cli_against_ecslab_serve(serve):  # noqa: F811
    env = _env(serve())
    stack = _stack(env)
    lbs = [
        {
            "targetGroupArn": stack["blue"],
            "containerName": "web",
            "containerPort": 80,
            "advancedConfiguration": {
                "alternateTargetGroupArn": stack["green"],
                "productionListenerRule": stack["production"],
                "testListenerRule": stack["test"],
                "roleArn": ROLE,
            },
        }
    ]
    created = _aws(
        env,
        *shlex.split(
            "ecs create-service --cluster MyCluster --service-name web --desired-count 2 "
            "--deployment-configuration strategy=BLUE_GREEN,bakeTimeInMinutes=5"
        ),
        "--task-definition",
        _release(env, "1"),
        "--load-balancers",
        json.dumps(lbs),
    )["service"]
    assert created["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert created["deploymentConfiguration"]["bakeTimeInMinutes"] == 5
    _advance(env, "2m")
    assert _newest(env)["status"] == "SUCCESSFUL"

    two = _release(env, "2")
    _aws(env, "ecs", "update-service", "--cluster", "MyCluster", "--service", "web",
         "--task-definition", two)  # fmt: skip
    _advance(env, "1m")
    sd = _newest(env)
    assert sd["status"] == "IN_PROGRESS" and sd["lifecycleStage"] == "BAKE_TIME"
    assert sd["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert sd["targetServiceRevision"]["runningTaskCount"] == 2
    assert [s["runningTaskCount"] for s in sd["sourceServiceRevisions"]] == [2]  # blue still up
    assert _weights(env, stack["production"], stack) == {"blue": 0, "green": 100}
    assert _weights(env, stack["test"], stack) == {"blue": 0, "green": 100}

    stopped = _aws(
        env, "ecs", "stop-service-deployment", "--service-deployment-arn",
        sd["serviceDeploymentArn"], "--stop-type", "ROLLBACK",
    )  # fmt: skip
    assert stopped["serviceDeploymentArn"] == sd["serviceDeploymentArn"]
    assert _weights(env, stack["production"], stack) == {"blue": 100, "green": 0}
    assert _newest(env)["status"] == "ROLLBACK_REQUESTED"
    _advance(env, "6m")  # the green targets drain (300 s), then the rollback is done
    done = _newest(env)
    assert done["status"] == "ROLLBACK_SUCCESSFUL"
    assert done["rollback"]["reason"] == "Rollback requested by the user (StopServiceDeployment)."

    listed = _aws(
        env, "ecs", "list-service-deployments", "--cluster", "MyCluster", "--service", "web",
        "--status", "ROLLBACK_SUCCESSFUL",
    )["serviceDeployments"]  # fmt: skip
    assert [d["serviceDeploymentArn"] for d in listed] == [sd["serviceDeploymentArn"]]
    revs = _aws(
        env, "ecs", "describe-service-revisions", "--service-revision-arns",
        done["targetServiceRevision"]["arn"], done["rollback"]["serviceRevisionArn"],
    )["serviceRevisions"]  # fmt: skip
    assert [r["taskDefinition"].rsplit("/", 1)[-1] for r in revs] == [two, "web:1"]
    lb = revs[0]["loadBalancers"][0]
    assert lb["advancedConfiguration"]["alternateTargetGroupArn"] == stack["green"]
    svc = _aws(env, "ecs", "describe-services", "--cluster", "MyCluster", "--services", "web")[
        "services"
    ][0]
    assert svc["taskDefinition"].endswith("/web:1") and svc["runningCount"] == 2

    again = _run(
        env, str(BIN / "aws"), "ecs", "stop-service-deployment", "--service-deployment-arn",
        sd["serviceDeploymentArn"],
    )  # fmt: skip
    assert again.returncode != 0 and "(ConflictException)" in again.stderr
    assert "is ROLLBACK_SUCCESSFUL and cannot be stopped" in again.stderr
