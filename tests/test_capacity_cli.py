"""Lesson 13's path with the real aws CLI against ``ecslab serve``: a launch template and an
Auto Scaling group (ec2 / autoscaling), a capacity provider with managed scaling, the cluster's
default strategy, a service that starts from zero instances, ``ecslab advance``; a bad strategy
gets AWS's error from the CLI."""

from __future__ import annotations

import base64
import json

from test_appscaling_cli import _aws, _env, _run
from test_cli_walkthrough import BIN, ECSLAB, serve  # noqa: F401  (the ecslab serve fixture)

AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


def test_capacity_providers_with_the_aws_cli(serve, tmp_path):  # noqa: F811
    env = _env(serve())
    _aws(env, "ecs create-cluster --cluster-name MyCluster")
    ami = _aws(env, f"ssm get-parameter --name {AMI}")["Parameter"]["Value"]
    user_data = "#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config\n"
    data = tmp_path / "lt.json"
    data.write_text(
        json.dumps(
            {
                "ImageId": ami,
                "InstanceType": "m5.large",
                "IamInstanceProfile": {"Name": "ecsInstanceRole"},
                "UserData": base64.b64encode(user_data.encode()).decode(),
            }
        )
    )
    lt = _aws(
        env,
        f"ec2 create-launch-template --launch-template-name ecs-lt --launch-template-data file://{data}",
    )["LaunchTemplate"]
    assert lt["LaunchTemplateId"].startswith("lt-") and lt["LatestVersionNumber"] == 1
    subnets = ",".join(s["SubnetId"] for s in _aws(env, "ec2 describe-subnets")["Subnets"])
    _aws(
        env,
        "autoscaling create-auto-scaling-group --auto-scaling-group-name ecs-asg "
        "--launch-template LaunchTemplateName=ecs-lt,Version='$Latest' --min-size 0 "
        f"--max-size 4 --desired-capacity 0 --vpc-zone-identifier {subnets} "
        "--new-instances-protected-from-scale-in",
    )
    group = _aws(
        env, "autoscaling describe-auto-scaling-groups --auto-scaling-group-names ecs-asg"
    )["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 0 and group["NewInstancesProtectedFromScaleIn"] is True
    provider = _aws(
        env,
        "ecs create-capacity-provider --name asg-cp --auto-scaling-group-provider "
        f"autoScalingGroupArn={group['AutoScalingGroupARN']},"
        "managedScaling={status=ENABLED,targetCapacity=100},managedTerminationProtection=ENABLED",
    )["capacityProvider"]
    assert provider["autoScalingGroupProvider"]["managedScaling"]["status"] == "ENABLED"
    cluster = _aws(
        env,
        "ecs put-cluster-capacity-providers --cluster MyCluster --capacity-providers asg-cp "
        "--default-capacity-provider-strategy capacityProvider=asg-cp,weight=1",
    )["cluster"]
    assert cluster["capacityProviders"] == ["asg-cp"]
    containers = json.dumps(
        [{"name": "web", "image": "busybox", "cpu": 512, "memory": 512, "command": ["httpd"]}]
    )
    _aws(env, f"ecs register-task-definition --family web --container-definitions '{containers}'")
    svc = _aws(
        env,
        "ecs create-service --cluster MyCluster --service-name web --task-definition web "
        "--desired-count 3",
    )["service"]
    assert svc["capacityProviderStrategy"] == [
        {"capacityProvider": "asg-cp", "weight": 1, "base": 0}
    ]
    assert _run(env, *ECSLAB, "advance", "10s").returncode == 0
    arns = _aws(env, "ecs list-tasks --cluster MyCluster --desired-status RUNNING")["taskArns"]
    tasks = _aws(env, f"ecs describe-tasks --cluster MyCluster --tasks {' '.join(arns)}")["tasks"]
    assert {t["lastStatus"] for t in tasks} == {"PROVISIONING"}
    assert _run(env, *ECSLAB, "advance", "5m").returncode == 0
    svc = _aws(env, "ecs describe-services --cluster MyCluster --services web")["services"][0]
    assert svc["runningCount"] == 3
    group = _aws(env, "autoscaling describe-auto-scaling-groups")["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 1  # 3 tasks of 512 CPU units fit on one m5.large
    assert [i["LifecycleState"] for i in group["Instances"]] == ["InService"]
    assert group["Instances"][0]["ProtectedFromScaleIn"] is True
    bad = _run(
        env,
        str(BIN / "aws"),
        "ecs",
        "run-task",
        "--cluster",
        "MyCluster",
        "--task-definition",
        "web",
        "--launch-type",
        "EC2",
        "--capacity-provider-strategy",
        "capacityProvider=asg-cp,weight=1",
    )
    assert bad.returncode != 0 and "(InvalidParameterException)" in bad.stderr
    assert "Specifying both a launch type and capacity provider strategy" in bad.stderr
