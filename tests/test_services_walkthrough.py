"""Walkthrough step 5 through boto3 and through the real aws CLI: a service of the sample app
behind an ALB, list-services, scale to 0, force a new deployment, deploy a new revision (the new
task runs before the old one stops), delete-service refused while scaled above 0, then deleted;
the services_stable / services_inactive waiters on simulated time."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from servicekit import alb, messages, sample_app, service, task_arns
from taskkit import cluster

from ecslab.adapters.aws_cli import AwsCliError

SCALED = "The service cannot be stopped while it is scaled above 0."


def _lb(a):
    return [{"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}]


def _task_times(lab, arn):
    t = lab.tasks.locate(arn)
    return t.started_at, t.stopping_at


def test_walkthrough_step5_boto3(lab, ecs):
    cluster(lab, 2)
    a = alb(lab)
    td1 = sample_app(lab)
    lab.advance("3m")  # the ALB is active
    created = ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td1,
        desiredCount=1,
        loadBalancers=_lb(a),
    )["service"]
    assert created["status"] == "ACTIVE" and created["desiredCount"] == 1
    assert created["runningCount"] == 0 and created["launchType"] == "EC2"
    assert created["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    [dep] = created["deployments"]
    assert dep["status"] == "PRIMARY" and dep["rolloutState"] == "IN_PROGRESS"
    assert dep["id"].startswith("ecs-svc/") and len(dep["id"]) == len("ecs-svc/") + 19
    assert created["loadBalancers"] == _lb(a)
    assert ecs.list_services(cluster="MyCluster")["serviceArns"] == [created["serviceArn"]]
    assert created["serviceArn"] == "arn:aws:ecs:ap-east-1:123456789012:service/MyCluster/web"

    ecs.get_waiter("services_stable").wait(cluster="MyCluster", services=["web"])
    s = service(lab)
    assert s["runningCount"] == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED"
    [first] = task_arns(lab)
    t = ecs.describe_tasks(cluster="MyCluster", tasks=[first])["tasks"][0]
    assert t["group"] == "service:web" and t["startedBy"] == dep["id"]
    msgs = messages(lab)
    assert msgs[0] == f"(service web) has started 1 tasks: (task {first.rsplit('/', 1)[1]})."
    assert msgs[1] == f"(service web) registered 1 targets in (target-group {a['tg']})"
    assert msgs[-2:] == [
        f"(service web) (deployment {dep['id']}) deployment completed.",
        "(service web) has reached a steady state.",
    ]
    [target] = lab.elb.target_health(a["tg"]).itertuples()
    binding = t["containers"][0]["networkBindings"][0]
    assert (target.target, target.port, target.state) == (
        lab.tasks.locate(first).ec2_instance_id,
        binding["hostPort"],
        "healthy",
    )
    assert binding["containerPort"] == 80 and binding["hostPort"] >= 32768

    # A new revision: the new task is RUNNING (and healthy) before the old one stops.
    td2 = sample_app(lab)
    up = ecs.update_service(cluster="MyCluster", service="web", taskDefinition=td2)["service"]
    assert [d["status"] for d in up["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert up["taskDefinition"].endswith("sample-app:2")
    ecs.get_waiter("services_stable").wait(cluster="MyCluster", services=["web"])
    [second] = task_arns(lab)
    assert second != first
    new_started, _ = _task_times(lab, second)
    _, old_stopping = _task_times(lab, first)
    assert new_started < old_stopping
    assert service(lab)["deployments"][0]["taskDefinition"].endswith("sample-app:2")

    # DeleteService while scaled above 0 is refused; nothing changes.
    with pytest.raises(ClientError) as ei:
        ecs.delete_service(cluster="MyCluster", service="web")
    assert ei.value.response["Error"] == {"Code": "InvalidParameterException", "Message": SCALED}
    assert service(lab)["status"] == "ACTIVE"

    # desiredCount alone: no new deployment, same revision.
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    s = service(lab)
    assert len(s["deployments"]) == 1 and s["taskDefinition"].endswith("sample-app:2")
    ecs.get_waiter("services_stable").wait(cluster="MyCluster", services=["web"])
    assert task_arns(lab) == []
    deleted = ecs.delete_service(cluster="MyCluster", service="web")["service"]
    assert deleted["status"] == "DRAINING"
    ecs.get_waiter("services_inactive").wait(cluster="MyCluster", services=["web"])
    assert service(lab)["status"] == "INACTIVE"
    assert ecs.list_services(cluster="MyCluster")["serviceArns"] == []
    kinds = lab.events.query("resource == @created['serviceArn']")["kind"].tolist()
    assert kinds.count("ServiceCreated") == 1 and kinds.count("ServiceDeleted") == 1
    assert kinds[-1] == "ServiceInactive"


def test_force_new_deployment_replaces_tasks_with_the_same_revision(lab, ecs):
    cluster(lab, 1)
    td = sample_app(lab)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=2)
    ecs.get_waiter("services_stable").wait(cluster="MyCluster", services=["web"])
    before = set(task_arns(lab))
    up = ecs.update_service(cluster="MyCluster", service="web", forceNewDeployment=True)
    assert [d["taskDefinition"] for d in up["service"]["deployments"]] == [
        up["service"]["taskDefinition"]
    ] * 2
    ecs.get_waiter("services_stable").wait(cluster="MyCluster", services=["web"])
    after = set(task_arns(lab))
    assert len(after) == 2 and not (after & before)


def test_walkthrough_step5_aws_cli(lab, monkeypatch):
    """Nine CLI invocations: create-service, list-services, wait services-stable,
    update-service (new revision, then --force-new-deployment, then --desired-count 0),
    delete-service refused then accepted, wait services-inactive."""
    import os

    for k in ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_DATA_PATH", "PATH"):
        monkeypatch.setenv(k, os.environ.get(k, ""))
    cluster(lab, 2)
    a = alb(lab)
    sample_app(lab)
    lab.advance("3m")
    server = lab.serve()
    try:
        lb = f"targetGroupArn={a['tg']},containerName=simple-app,containerPort=80"
        out = lab.aws(
            "ecs create-service --cluster MyCluster --service-name web "
            f"--task-definition sample-app --desired-count 1 --load-balancers {lb}"
        )["service"]
        assert out["status"] == "ACTIVE" and out["taskDefinition"].endswith("sample-app:1")
        assert lab.aws("ecs list-services --cluster MyCluster")["serviceArns"] == [
            out["serviceArn"]
        ]
        t0, sim0 = time.monotonic(), lab.now
        assert lab.aws("ecs wait services-stable --cluster MyCluster --services web") is None
        assert time.monotonic() - t0 < 10  # polls move simulated time, not wall time
        assert (lab.now - sim0) % timedelta(seconds=15) == timedelta(0)
        assert service(lab)["runningCount"] == 1
        [first] = task_arns(lab)

        sample_app(lab)
        up = lab.aws(
            "ecs update-service --cluster MyCluster --service web --task-definition sample-app:2"
        )["service"]
        assert [d["status"] for d in up["deployments"]] == ["PRIMARY", "ACTIVE"]
        lab.advance("10m")
        [second] = task_arns(lab)
        assert _task_times(lab, second)[0] < _task_times(lab, first)[1]

        forced = lab.aws(
            "ecs update-service --cluster MyCluster --service web --force-new-deployment"
        )
        assert len(forced["service"]["deployments"]) == 2
        lab.advance("10m")
        assert task_arns(lab) and second not in task_arns(lab)

        with pytest.raises(AwsCliError) as ei:
            lab.aws("ecs delete-service --cluster MyCluster --service web")
        assert ei.value.code == "InvalidParameterException"
        assert ei.value.stderr.strip().endswith(f"DeleteService operation: {SCALED}")

        zero = lab.aws("ecs update-service --cluster MyCluster --service web --desired-count 0")
        assert zero["service"]["desiredCount"] == 0
        lab.advance("10m")
        assert lab.aws("ecs delete-service --cluster MyCluster --service web")["service"][
            "status"
        ] in ("DRAINING", "INACTIVE")
        assert lab.aws("ecs wait services-inactive --cluster MyCluster --services web") is None
        assert service(lab)["status"] == "INACTIVE"
    finally:
        server.stop()
