"""Scenarios that belong to ECS services: 9 ALB target group of type instance for an awsvpc
service (built now on the rule CreateService applies), and 4 and 8, which wait for services."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..core.checks import CheckResult
from ..core.errors import AwsError
from .kit import client, public_subnets
from .model import Scenario

__all__ = ["HEALTH_KILLS", "ROLLING_BLOCKED", "ALB_TARGET_TYPE"]


# -- 9: ALB target group of type instance for an awsvpc service ---------------------------------------


def _vpc(lab) -> str:
    return client(lab, "ec2").describe_vpcs()["Vpcs"][0]["VpcId"]


def _alb_setup(lab, variant: str) -> None:
    ecs, elb = client(lab, "ecs"), client(lab, "elbv2")
    ecs.create_cluster(clusterName="alb-lab")
    ecs.register_task_definition(
        family="alb-web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "web", "image": "httpd:2.4", "portMappings": [{"containerPort": 80}]}
        ],
    )
    lb = elb.create_load_balancer(Name="alb-lab", Subnets=public_subnets(lab)[:2])
    tg = elb.create_target_group(
        Name="alb-web", Protocol="HTTP", Port=80, VpcId=_vpc(lab), TargetType="instance"
    )
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}
        ],
    )


def _rule_error(lab, tg_arn: str) -> str | None:
    """CreateService's check of loadBalancers[].targetGroupArn for an awsvpc service."""
    with lab._lock:
        try:
            lab.elb.check_service_target_group(tg_arn, "awsvpc")
        except AwsError as exc:
            return f"{exc.code}: {exc.message}"
    return None


def _groups(lab) -> list[dict]:
    try:
        return client(lab, "elbv2").describe_target_groups()["TargetGroups"]
    except ClientError:
        return []


def _alb_observe(lab, variant: str) -> str:
    tg = next((g for g in _groups(lab) if g["TargetGroupName"] == "alb-web"), None)
    if tg is None:
        return "the alb-web target group is gone"
    err = _rule_error(lab, tg["TargetGroupArn"])
    return f"CreateService (awsvpc, target group alb-web) fails: {err}" if err else "no error"


def _alb_check(lab, variant: str) -> CheckResult:
    groups = _groups(lab)
    good = [g for g in groups if _rule_error(lab, g["TargetGroupArn"]) is None]
    if good:
        g = good[0]
        return CheckResult(
            "",
            True,
            f"target group {g['TargetGroupName']} (target type {g['TargetType']}) is behind a "
            "load balancer and fits an awsvpc service",
        )
    ip = [g for g in groups if g["TargetType"] == "ip"]
    if ip:
        return CheckResult(
            "",
            False,
            f"target group {ip[0]['TargetGroupName']} has target type ip but no load balancer "
            "forwards to it",
            _rule_error(lab, ip[0]["TargetGroupArn"])
            + " Point a listener (or a listener rule) at it: delete the old listener and create "
            "one that forwards to the ip group.",
        )
    return CheckResult(
        "",
        False,
        "no target group of target type ip",
        "awsvpc tasks have their own ENI and IP, so the load balancer must register IPs: create "
        "a target group with TargetType='ip' (the type cannot be changed) and forward the "
        "listener to it.",
    )


def _alb_fix(lab, variant: str) -> None:
    elb = client(lab, "elbv2")
    tg = elb.create_target_group(
        Name="alb-web-ip", Protocol="HTTP", Port=80, VpcId=_vpc(lab), TargetType="ip"
    )["TargetGroups"][0]
    lb = elb.describe_load_balancers(Names=["alb-lab"])["LoadBalancers"][0]
    for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
        elb.delete_listener(ListenerArn=listener["ListenerArn"])
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )


ALB_TARGET_TYPE = Scenario(
    number=9,
    slug="alb-target-type-instance",
    title="ALB target group of type instance for an awsvpc service",
    cluster="alb-lab",
    variants=("fargate",),
    brief=(
        "The alb-web service (Fargate, awsvpc) should sit behind load balancer alb-lab, whose "
        "listener forwards to target group alb-web. Creating the service is refused. Make a "
        "target group the service can use."
    ),
    questions=(
        "What does the InvalidParameterException say about the target group?",
        "What does a target of type instance register, and what does an awsvpc task have?",
        "Can a target group's TargetType be changed (elbv2 modify-target-group)?",
    ),
    fix=(
        "Create a target group with TargetType ip (same port and VPC), point the listener at it, "
        "and create the service with the new target group."
    ),
    hints=(
        "awsvpc tasks get their own ENI and private IP; the load balancer must send traffic to "
        "that IP, not to an instance.",
        "elbv2 create-target-group --target-type ip ..., then a listener that forwards to it "
        "(delete the old listener or add a rule).",
    ),
    setup=_alb_setup,
    observe=_alb_observe,
    checker=_alb_check,
    fixer=_alb_fix,
    variant_notes={
        "fargate": "the symptom is the CreateService error text (ECS services are not simulated "
        "yet; it comes from the same rule: lab.elb.check_service_target_group)"
    },
)


# -- 4 and 8: waiting for ECS services ------------------------------------------------------------------

HEALTH_KILLS = Scenario(
    number=4,
    slug="health-checks-kill-healthy-tasks",
    title="health checks killing healthy tasks",
    cluster="health-lab",
    variants=("short-start-period", "wrong-health-path", "no-grace-period"),
    brief=(
        "A service's tasks start, serve, and are replaced every few minutes: 'Task failed ELB "
        "health checks' / 'Task failed container health checks'."
    ),
    questions=(
        "Which health check fails: the container's or the target group's?",
        "How long does the app take to start, against interval x retries + startPeriod?",
        "Which path does the target group check, and does the app answer 200 there?",
        "What is the service's healthCheckGracePeriodSeconds?",
    ),
    fix=(
        "Give the app time (startPeriod, healthCheckGracePeriodSeconds), check the path the app "
        "serves, and match the success codes."
    ),
    hints=(
        "Read the stoppedReason and the service events: which health check?",
        "Set healthCheckGracePeriodSeconds above the app's start time and fix the target "
        "group's HealthCheckPath.",
    ),
    needs="services",
)

ROLLING_BLOCKED = Scenario(
    number=8,
    slug="rolling-deployment-blocked",
    title="rolling deployment blocked by a static host port",
    cluster="deploy-lab",
    variants=("static-port-maximum-200",),
    brief=(
        "A new task definition revision never rolls out: the old tasks keep running and the "
        "service reports it was unable to place a task."
    ),
    questions=(
        "With maximumPercent 200, how many tasks does the deployment want at once?",
        "Can two tasks with hostPort 80 share an instance?",
        "How many instances are there, and what would minimumHealthyPercent 50 change?",
    ),
    fix=(
        "Use dynamic host ports (hostPort 0) or awsvpc, or add instances, or lower "
        "minimumHealthyPercent so old tasks stop first."
    ),
    hints=(
        "The service event names the closest instance and 'already using a port required by "
        "your task'.",
        "Register a revision with hostPort 0 behind an ALB, or set minimumHealthyPercent=50.",
    ),
    needs="services",
)
