"""Lesson 14's path with the real aws CLI against ``lab.serve()``: register-scalable-target,
put-scaling-policy (target tracking from a JSON file), a load curve, describe-scaling-activities
and cloudwatch describe-alarms; a bad request gets AWS's error from the CLI."""

from __future__ import annotations

import json
import os

import pytest
from taskkit import cluster, taskdef

from ecslab.adapters.aws_cli import AwsCliError

RID = "service/MyCluster/web"


def test_autoscaling_with_the_aws_cli(lab, tmp_path, monkeypatch):
    for k in ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_DATA_PATH", "PATH"):
        monkeypatch.setenv(k, os.environ.get(k, ""))
    cluster(lab, 3)
    td = taskdef(lab, command=["httpd", "-f"], cpu=256, memory=256)
    lab.client("ecs").create_service(
        cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1
    )
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
    server = lab.serve()
    try:
        target = "--service-namespace ecs --scalable-dimension ecs:service:DesiredCount"
        out = lab.aws(
            f"application-autoscaling register-scalable-target {target} --resource-id {RID} "
            "--min-capacity 1 --max-capacity 6"
        )
        assert out["ScalableTargetARN"].startswith("arn:aws:application-autoscaling:ap-east-1:")
        pol = lab.aws(
            f"application-autoscaling put-scaling-policy {target} --resource-id {RID} "
            "--policy-name cpu50-target-tracking-scaling-policy "
            "--policy-type TargetTrackingScaling "
            f"--target-tracking-scaling-policy-configuration file://{config}"
        )
        assert [a["AlarmName"].split("-")[2] for a in pol["Alarms"]] == ["AlarmHigh", "AlarmLow"]
        with pytest.raises(AwsCliError) as e:
            lab.aws(
                f"application-autoscaling put-scaling-policy {target} "
                "--resource-id service/MyCluster/nope --policy-name p "
                f"--policy-type TargetTrackingScaling "
                f"--target-tracking-scaling-policy-configuration file://{config}"
            )
        assert e.value.code == "ObjectNotFoundException"
        lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 60]])
        lab.advance("20m")
        acts = lab.aws(
            f"application-autoscaling describe-scaling-activities --service-namespace ecs "
            f"--resource-id {RID}"
        )["ScalingActivities"]
        assert acts and acts[-1]["StatusCode"] == "Successful"
        assert acts[-1]["Cause"].startswith("monitor alarm TargetTracking-service/MyCluster/web-")
        # 60 rps at 50 % of 25 rps a task: 5 tasks.
        assert acts[0]["Description"] == "Setting desired count to 5."
        alarms = lab.aws(
            "cloudwatch describe-alarms --alarm-name-prefix TargetTracking-service/MyCluster/web"
        )["MetricAlarms"]
        assert {a["StateValue"] for a in alarms} == {"OK"} and len(alarms) == 2
    finally:
        server.stop()
