"""Issue 16's agent/ops operations with the real aws CLI against ``ecslab serve``: update-cluster
(executeCommandConfiguration), discover-poll-endpoint, register-container-instance,
update-task-protection / get-task-protection, and AWS's error from the CLI for bad input."""

from __future__ import annotations

import json
import shlex

from test_appscaling_cli import BIN, _aws, _env, _run, _setup
from test_cli_walkthrough import ECSLAB, serve  # noqa: F401  (the ecslab serve fixture)


def test_ecs_ops_with_the_aws_cli(serve, tmp_path):  # noqa: F811
    env = _env(serve())
    _setup(env)  # MyCluster, two instances, service "web" (desired 1)
    cfg = tmp_path / "cfg.json"
    cfg.write_text(
        json.dumps(
            {
                "executeCommandConfiguration": {
                    "logging": "OVERRIDE",
                    "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec"},
                }
            }
        )
    )
    out = _aws(
        env,
        f"ecs update-cluster --cluster MyCluster --configuration file://{cfg} "
        "--settings name=containerInsights,value=enabled",
    )["cluster"]
    assert out["configuration"]["executeCommandConfiguration"]["logging"] == "OVERRIDE"
    assert {"name": "containerInsights", "value": "enabled"} in out["settings"]
    bad = _run(
        env,
        str(BIN / "aws"),
        *shlex.split(
            "ecs update-cluster --cluster MyCluster --configuration "
            "executeCommandConfiguration={logging=OVERRIDE}"
        ),
    )
    assert bad.returncode != 0 and "(InvalidParameterException)" in bad.stderr
    ep = _aws(env, "ecs discover-poll-endpoint --cluster MyCluster")
    assert ep["endpoint"] == "https://ecs-a-1.ap-east-1.amazonaws.com/"
    assert _run(env, *ECSLAB, "advance", "2m").returncode == 0
    cis = _aws(env, "ecs list-container-instances --cluster MyCluster")["containerInstanceArns"]
    iid = _aws(
        env, f"ecs describe-container-instances --cluster MyCluster --container-instances {cis[0]}"
    )["containerInstances"][0]["ec2InstanceId"]
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"instanceId": iid}))
    again = _aws(
        env,
        "ecs register-container-instance --cluster MyCluster "
        f"--instance-identity-document file://{doc}",
    )["containerInstance"]
    assert again["containerInstanceArn"] == cis[0]  # re-registration returns the existing one
    (task,) = _aws(env, "ecs list-tasks --cluster MyCluster --service-name web")["taskArns"]
    prot = _aws(
        env,
        f"ecs update-task-protection --cluster MyCluster --tasks {task} "
        "--protection-enabled --expires-in-minutes 60",
    )["protectedTasks"]
    assert prot[0]["protectionEnabled"] is True
    _aws(env, "ecs update-service --cluster MyCluster --service web --desired-count 0")
    assert _run(env, *ECSLAB, "advance", "5m").returncode == 0
    assert _aws(env, "ecs list-tasks --cluster MyCluster --service-name web")["taskArns"] == [task]
    got = _aws(env, f"ecs get-task-protection --cluster MyCluster --tasks {task}")
    assert got["protectedTasks"][0]["protectionEnabled"] is True


def test_ecs_anywhere_with_the_aws_cli(serve):  # noqa: F811
    env = _env(serve())
    _setup(env)
    act = _aws(env, "ssm create-activation --iam-role ecsAnywhereRole --registration-limit 1")
    args = json.dumps(
        {
            "cluster": "MyCluster",
            "activation_id": act["ActivationId"],
            "activation_code": act["ActivationCode"],
        }
    )
    done = _run(env, *ECSLAB, "act", "register_external_instance", args)
    assert done.returncode == 0, done.stderr
    arn = json.loads(done.stdout)
    assert arn.startswith("arn:aws:ecs:ap-east-1:123456789012:container-instance/MyCluster/")
    acts = _aws(env, "ssm describe-activations")["ActivationList"]
    assert acts[0]["RegistrationsCount"] == 1
    out = _aws(env, "ecs run-task --cluster MyCluster --task-definition web --launch-type EXTERNAL")
    assert [t["containerInstanceArn"] for t in out["tasks"]] == [arn]
    again = _run(env, *ECSLAB, "act", "register_external_instance", args)
    assert again.returncode != 0 and "registration limit" in again.stderr
