"""Task sets with the real aws CLI against ``ecslab serve``: an EXTERNAL service, create-task-set,
update-service-primary-task-set, update-task-set, describe-task-sets, delete-task-set, and
AWS's error for a task set on a rolling-update service."""

from __future__ import annotations

import shlex

from test_appscaling_cli import BIN, _aws, _env, _run, _setup
from test_cli_walkthrough import ECSLAB, serve  # noqa: F401  (the ecslab serve fixture)

from ecslab.domain.services.tasksets import NOT_EXTERNAL


def test_task_sets_with_the_aws_cli(serve):  # noqa: F811
    env = _env(serve())
    _setup(env)  # MyCluster, two instances, task definition web, service "web" (ECS controller)
    bad = _run(
        env,
        str(BIN / "aws"),
        *shlex.split("ecs create-task-set --cluster MyCluster --service web --task-definition web"),
    )
    assert bad.returncode != 0
    assert (
        f"(InvalidParameterException) when calling the CreateTaskSet operation: {NOT_EXTERNAL}"
        in (bad.stderr)
    )
    svc = _aws(
        env,
        "ecs create-service --cluster MyCluster --service-name ext --desired-count 2 "
        "--deployment-controller type=EXTERNAL",
    )["service"]
    assert svc["deploymentController"] == {"type": "EXTERNAL"} and svc["taskSets"] == []
    ts = _aws(
        env,
        "ecs create-task-set --cluster MyCluster --service ext --task-definition web "
        "--external-id v1 --scale value=100,unit=PERCENT",
    )["taskSet"]
    assert ts["status"] == "ACTIVE" and ts["computedDesiredCount"] == 2
    arn = ts["taskSetArn"]
    assert arn.endswith(f":task-set/MyCluster/ext/{ts['id']}")
    out = _aws(
        env,
        f"ecs update-service-primary-task-set --cluster MyCluster --service ext "
        f"--primary-task-set {arn}",
    )["taskSet"]
    assert out["status"] == "PRIMARY"
    assert _run(env, *ECSLAB, "advance", "2m").returncode == 0
    got = _aws(env, f"ecs describe-task-sets --cluster MyCluster --service ext --task-sets {arn}")
    assert got["failures"] == []
    [one] = got["taskSets"]
    assert (one["runningCount"], one["stabilityStatus"]) == (2, "STEADY_STATE")
    out = _aws(
        env,
        f"ecs update-task-set --cluster MyCluster --service ext --task-set {arn} "
        "--scale value=50,unit=PERCENT",
    )["taskSet"]
    assert out["scale"] == {"value": 50.0, "unit": "PERCENT"} and out["computedDesiredCount"] == 1
    out = _aws(
        env, f"ecs delete-task-set --cluster MyCluster --service ext --task-set {arn} --force"
    )["taskSet"]
    assert out["status"] == "DRAINING"
    assert _run(env, *ECSLAB, "advance", "2m").returncode == 0
    tasks = _aws(env, "ecs list-tasks --cluster MyCluster --service-name ext")["taskArns"]
    assert tasks == []
