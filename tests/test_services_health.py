"""Service task health: load balancer targets (a health-check path the app does not serve),
the grace period, container health checks from the task definition, and the 40 s rule."""

from __future__ import annotations

from datetime import timedelta

from servicekit import alb, describe_tasks, messages, sample_app, service, task_arns
from taskkit import cluster, taskdef


def _lb(a):
    return [{"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}]


def _web(lab, ecs, a, **kw):
    lab.advance("3m")  # ALB active
    return ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=sample_app(lab),
        desiredCount=1,
        loadBalancers=_lb(a),
        **kw,
    )["service"]


def test_wrong_health_check_path_makes_the_task_unhealthy_and_replaced(lab, ecs):
    cluster(lab, 1)
    a = alb(lab, HealthCheckPath="/health")  # httpd serves only "/"
    _web(lab, ecs, a)
    lab.advance("40s")
    [first] = task_arns(lab)
    t = lab.tasks.locate(first)
    port = t.containers[0].network_bindings[0]["host_port"]
    lab.advance("2m")
    msgs = messages(lab)
    assert (
        f"(service web) (instance {t.ec2_instance_id}) (port {port}) is unhealthy in "
        f"(target-group {a['tg']}) due to (reason Health checks failed with these codes: [404])."
    ) in msgs
    [old] = describe_tasks(lab, [first])
    assert old["desiredStatus"] == "STOPPED" and old["stopCode"] == "ServiceSchedulerInitiated"
    assert old["stoppedReason"] == f"Task failed ELB health checks in (target-group {a['tg']})"
    assert task_arns(lab) and first not in task_arns(lab)  # replaced
    assert service(lab)["deployments"][0]["rolloutState"] == "IN_PROGRESS"


def test_grace_period_suppresses_health_check_failures(lab, ecs):
    cluster(lab, 1)
    a = alb(lab, HealthCheckPath="/health")
    _web(lab, ecs, a, healthCheckGracePeriodSeconds=300)
    lab.advance("10s")
    [first] = task_arns(lab)
    started = lab.tasks.locate(first).started_at
    lab.advance("4m")
    assert lab.elb.target_health(a["tg"])["state"].tolist() == ["unhealthy"]
    assert task_arns(lab) == [first]  # unhealthy, but inside the grace period
    lab.advance("2m")
    t = lab.tasks.locate(first)
    assert t.desired_status == "STOPPED"
    assert t.stopping_at == started + timedelta(seconds=300)
    assert service(lab)["healthCheckGracePeriodSeconds"] == 300


def test_healthy_target_and_deregistration_delay(lab, ecs):
    cluster(lab, 1)
    a = alb(lab)
    lab.client("elbv2").modify_target_group_attributes(
        TargetGroupArn=a["tg"],
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "60"}],
    )
    _web(lab, ecs, a)
    lab.advance("1m")
    [first] = task_arns(lab)
    assert lab.elb.target_health(a["tg"])["state"].tolist() == ["healthy"]
    assert service(lab)["deployments"][0]["rolloutState"] == "COMPLETED"
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    lab.advance("1s")
    t = lab.tasks.locate(first)
    assert (t.last_status, t.desired_status) == ("DEACTIVATING", "STOPPED")
    assert lab.elb.target_health(a["tg"])["state"].tolist() == ["draining"]
    lab.advance("58s")
    assert t.last_status == "DEACTIVATING"
    lab.advance("5s")  # 60 s of draining, then httpd exits on its stop signal in 1 s
    assert t.last_status == "STOPPED" and t.containers[0].exit_code == 0
    assert lab.elb.target_health(a["tg"]).empty


def _checked_app(lab, command):
    return sample_app(
        lab,
        healthCheck={"command": command, "interval": 10, "timeout": 5, "retries": 3},
    )


def test_container_health_check_transitions(lab, ecs):
    cluster(lab, 1)
    td = _checked_app(lab, ["CMD-SHELL", "curl -f http://localhost/ || exit 1"])
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1)
    lab.advance("5s")
    [arn] = task_arns(lab)
    [t] = describe_tasks(lab, [arn])
    assert t["lastStatus"] == "RUNNING" and t["healthStatus"] == "UNKNOWN"
    assert t["containers"][0]["healthStatus"] == "UNKNOWN"
    lab.advance("10s")  # the first check, interval seconds after the container started
    [t] = describe_tasks(lab, [arn])
    assert t["healthStatus"] == "HEALTHY" and t["containers"][0]["healthStatus"] == "HEALTHY"
    assert service(lab)["deployments"][0]["rolloutState"] == "COMPLETED"


def test_unhealthy_container_stops_the_task_and_the_service_replaces_it(lab, ecs):
    cluster(lab, 1)
    td = _checked_app(lab, ["CMD-SHELL", "curl -f http://localhost/health || exit 1"])
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1)
    lab.advance("5s")
    [first] = task_arns(lab)
    lab.advance("30s")  # three failures, 10 s apart
    [t] = describe_tasks(lab, [first])
    assert t["healthStatus"] == "UNHEALTHY" and t["desiredStatus"] == "STOPPED"
    assert t["stoppedReason"] == "Task failed container health checks"
    assert f"(service web) (task {first.rsplit('/', 1)[1]}) failed container health checks." in (
        messages(lab)
    )
    lab.advance("20s")
    assert task_arns(lab) and first not in task_arns(lab)


def test_without_load_balancer_or_health_check_healthy_after_40s(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "web", command=("sleep", "infinity"))
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1)
    lab.advance("2m")
    [arn] = task_arns(lab)
    started = lab.tasks.locate(arn).started_at
    steady = [e for e in service(lab)["events"] if e["message"].endswith("steady state.")]
    assert steady[0]["createdAt"] == started + timedelta(seconds=40)


def test_a_slow_starting_app_answers_only_once_its_server_runs(lab, ecs):
    """``sleep 90 && httpd-foreground``: curl fails for 90 s, then succeeds; a startPeriod that
    covers the start-up keeps the failures from counting."""
    cluster(lab, 1)
    td = sample_app(
        lab,
        entryPoint=["sh", "-c"],
        command=["sleep 90 && httpd-foreground"],
        healthCheck={
            "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
            "interval": 10,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 120,
        },
    )
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1)
    lab.advance("5s")
    [arn] = task_arns(lab)
    started = lab.tasks.locate(arn).containers[0].started_at
    lab.advance("2m")
    changes = lab.events.query("kind == 'ContainerHealthChanged'")
    assert [d["new"] for d in changes["detail"]] == ["HEALTHY"]
    assert changes["time"].iloc[0] == started + timedelta(seconds=90)  # the 9th check: it is up
    assert task_arns(lab) == [arn]
