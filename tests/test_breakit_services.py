"""Break-it scenarios on ECS services (2 service variant, 4, 8, 9): the symptom is what the ECS
and ELB APIs show, the checks read state (a fix has to hold), and the other documented fixes
pass while plausible non-fixes do not."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ecslab import breakit
from ecslab.breakit.kit import launch
from ecslab.breakit.scenarios_deploy import deploy_revision
from ecslab.breakit.scenarios_health import health_revision
from ecslab.breakit.scenarios_services import alb_service_params
from ecslab.domain.process import model_process

HEALTH, DEPLOY, ALB = breakit.get(4), breakit.get(8), breakit.get(9)


def _svc(lab, cluster, name):
    return lab.client("ecs").describe_services(cluster=cluster, services=[name])["services"][0]


def _stopped(lab, cluster, name):
    ecs = lab.client("ecs")
    arns = ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus="STOPPED")["taskArns"]
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]


def test_a_slow_app_listens_after_its_sleep():
    proc = model_process(["sh", "-c", "sleep 90 && httpd-foreground"])
    assert proc.runs_forever and proc.listens_after == 90
    assert model_process(["httpd-foreground"]).listens_after == 0


# -- 4: health checks killing healthy tasks ----------------------------------------------------------


def test_wrong_health_path_symptom_is_what_the_apis_show():
    lab = HEALTH.start(7, "wrong-health-path")
    tg = lab.client("elbv2").describe_target_groups(Names=["health-web"])["TargetGroups"][0]
    assert tg["HealthCheckPath"] == "/health"
    stopped = _stopped(lab, "health-lab", "health-web")
    assert len(stopped) >= 4
    for t in stopped:
        assert t["stopCode"] == "ServiceSchedulerInitiated"
        assert t["stoppedReason"] == (
            f"Task failed ELB health checks in (target-group {tg['TargetGroupArn']})"
        )
    msgs = [e["message"] for e in _svc(lab, "health-lab", "health-web")["events"]]
    unhealthy = [m for m in msgs if "is unhealthy in" in m]
    assert unhealthy and all(
        m.endswith("due to (reason Health checks failed with these codes: [404]).")
        for m in unhealthy
    )
    assert any(m.startswith("(service health-web) has stopped 1 running tasks") for m in msgs)


def test_container_health_check_symptom():
    lab = HEALTH.start(7, "short-start-period")
    stopped = _stopped(lab, "health-lab", "health-web")
    assert stopped and {t["healthStatus"] for t in stopped} == {"UNHEALTHY"}
    assert {t["stoppedReason"] for t in stopped} == {"Task failed container health checks"}
    td = lab.client("ecs").describe_task_definition(taskDefinition="health-web")["taskDefinition"]
    c = td["containerDefinitions"][0]
    assert c["command"] == ["sh", "-c", "sleep 90 && httpd-foreground"]
    assert c["healthCheck"]["startPeriod"] == 10


def test_the_fix_has_to_hold_for_five_minutes():
    lab = HEALTH.start(7, "wrong-health-path")
    lab.client("elbv2").modify_target_group(
        TargetGroupArn=_svc(lab, "health-lab", "health-web")["loadBalancers"][0]["targetGroupArn"],
        HealthCheckPath="/",
    )
    got = HEALTH.check(lab)
    for _ in range(40):  # until the replacement tasks are healthy (after the back-off)
        if "tasks healthy now" in got.message:
            break
        assert not got.passed
        lab.advance("15s")
        got = HEALTH.check(lab)
    assert not got.passed
    assert got.message.startswith("2 tasks healthy now, but the service replaced a task for ")
    assert "lab.advance('5m')" in got.hint
    lab.advance("5m")
    assert HEALTH.check(lab).passed
    states = lab.elb.target_health(
        _svc(lab, "health-lab", "health-web")["loadBalancers"][0]["targetGroupArn"]
    )["state"].tolist()
    assert states == ["healthy", "healthy"]


def test_a_grace_period_also_covers_a_slow_container_health_check():
    lab = HEALTH.start(7, "short-start-period")
    lab.client("ecs").update_service(
        cluster="health-lab", service="health-web", healthCheckGracePeriodSeconds=180
    )
    lab.advance("10m")
    assert HEALTH.check(lab).passed


def test_hiding_the_failure_is_not_a_fix():
    lab = HEALTH.start(7, "wrong-health-path")
    tg_arn = _svc(lab, "health-lab", "health-web")["loadBalancers"][0]["targetGroupArn"]
    lab.client("elbv2").modify_target_group(TargetGroupArn=tg_arn, Matcher={"HttpCode": "200-404"})
    lab.advance("10m")
    got = HEALTH.check(lab)
    assert not got.passed and got.message == "target group health-web accepts 404 as healthy"
    lab = HEALTH.start(7, "failing-health-command")
    arn = health_revision(lab, "wrong-health-path")  # the same container, no health check
    lab.client("ecs").update_service(cluster="health-lab", service="health-web", taskDefinition=arn)
    lab.advance("10m")
    got = HEALTH.check(lab)
    assert not got.passed
    assert got.message == "health-web's task definition has no container health check any more"
    lab = HEALTH.start(7, "no-grace-period")
    lab.client("ecs").update_service(cluster="health-lab", service="health-web", desiredCount=0)
    lab.advance("10m")
    assert HEALTH.check(lab).message == "desiredCount is 0: health-web must run 2 tasks"


# -- 8: a rolling deployment blocked by a static host port -------------------------------------------


def test_blocked_deployment_shows_ports_in_the_why_not_placed_view():
    lab = DEPLOY.start(7)
    svc = _svc(lab, "deploy-lab", "deploy-web")
    primary, old = svc["deployments"]
    assert primary["taskDefinition"].endswith("deploy-web:2") and primary["runningCount"] == 0
    assert primary["rolloutState"] == "IN_PROGRESS" and old["runningCount"] == 2
    assert svc["deploymentConfiguration"]["maximumPercent"] == 200
    why = breakit.why_not_placed_view(lab, "deploy-lab", "deploy-web")
    assert list(why["reason"]) == ["RESOURCE:PORTS", "RESOURCE:PORTS"]
    assert all(m.endswith("is already using a port required by your task.") for m in why["message"])


@pytest.mark.parametrize("fix", ["minimum-50", "more-instances"])
def test_other_fixes_complete_the_deployment(fix):
    lab = DEPLOY.start(7)
    if fix == "minimum-50":
        lab.client("ecs").update_service(
            cluster="deploy-lab",
            service="deploy-web",
            deploymentConfiguration={"minimumHealthyPercent": 50},
        )
    else:
        launch(lab, "deploy-3", "deploy-lab")
        launch(lab, "deploy-4", "deploy-lab")
    lab.advance("10m")
    got = DEPLOY.check(lab)
    assert got.passed, got
    assert got.message == "deployment COMPLETED on deploy-web:2 (release 2), 2 tasks RUNNING"


def test_rolling_back_is_not_rolling_out():
    lab = DEPLOY.start(7)
    lab.client("ecs").update_service(
        cluster="deploy-lab", service="deploy-web", taskDefinition="deploy-web:1"
    )
    lab.advance("5m")
    got = DEPLOY.check(lab)
    assert not got.passed and got.message == "the service deploys deploy-web:1, release 1"
    # A dynamic-port revision of release 1 does not count either.
    arn = deploy_revision(lab, "1", host_port=0)
    lab.client("ecs").update_service(cluster="deploy-lab", service="deploy-web", taskDefinition=arn)
    lab.advance("5m")
    assert DEPLOY.check(lab).message == "the service deploys deploy-web:3, release 1"


# -- 9: target group of type instance for an awsvpc service ------------------------------------------


def test_alb_symptom_is_create_services_error_and_nothing_is_created():
    lab = ALB.start(7)
    tg = lab.client("elbv2").describe_target_groups(Names=["alb-web"])["TargetGroups"][0]
    with pytest.raises(ClientError) as exc:
        lab.client("ecs").create_service(**alb_service_params(lab, tg["TargetGroupArn"]))
    err = exc.value.response["Error"]
    assert err["Code"] == "InvalidParameterException"
    assert err["Message"] == (
        f"The provided target group {tg['TargetGroupArn']} has target type instance, which is "
        "incompatible with the awsvpc network mode specified in the task definition."
    )
    assert err["Message"] in ALB.symptom(lab)
    assert lab.client("ecs").list_services(cluster="alb-lab")["serviceArns"] == []


def test_alb_check_wants_the_service_with_healthy_targets():
    lab = ALB.start(7)
    ALB.apply_fix(lab)
    assert ALB.check(lab).passed
    lab = ALB.start(7)
    elb = lab.client("elbv2")
    vpc = lab.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    tg = elb.create_target_group(
        Name="alb-web-ip", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    lb = elb.describe_load_balancers(Names=["alb-lab"])["LoadBalancers"][0]["LoadBalancerArn"]
    [listener] = elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]
    elb.delete_listener(ListenerArn=listener["ListenerArn"])
    elb.create_listener(
        LoadBalancerArn=lb, Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}]
    )
    got = ALB.check(lab)
    assert not got.passed and "no service in alb-lab uses it" in got.message
    lab.client("ecs").create_service(**alb_service_params(lab, tg))
    got = ALB.check(lab)
    assert not got.passed and got.message.startswith("service alb-web is ACTIVE: 0 of 1 tasks")
    lab.advance("5m")
    got = ALB.check(lab)
    assert got.passed and "(target type ip), 1 healthy target(s)" in got.message


# -- 2: the service variant --------------------------------------------------------------------------


def test_placement_service_variant_event_and_why_view():
    s = breakit.get(2)
    lab = s.start(7, "service")
    svc = _svc(lab, "place-lab", "place-app")
    assert svc["runningCount"] == 0 and svc["pendingCount"] == 0
    ci = lab.client("ecs").list_container_instances(cluster="place-lab")["containerInstanceArns"]
    assert svc["events"][0]["message"] == (
        "(service place-app) was unable to place a task because no container instance met all "
        "of its requirements. The closest matching container-instance "
        f"{ci[0].rsplit('/', 1)[-1]} has insufficient CPU units available."
    )
    why = breakit.why_not_placed_view(lab, "place-lab", "place-app")
    assert list(why["reason"]) == ["RESOURCE:CPU"]
