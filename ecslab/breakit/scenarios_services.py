"""Scenario 9: an ALB target group of type instance for an awsvpc service.

The alb-web task definition is Fargate (awsvpc); the load balancer's target group was created
with the default target type ``instance``. CreateService refuses it with ECS's text ("The provided
target group ... has target type instance, which is incompatible with the awsvpc network mode
specified in the task definition."). The check needs the real thing: a service in alb-lab,
ACTIVE, behind a target group of type ip, its tasks RUNNING and every target healthy.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..core.checks import CheckResult
from .kit import client, public_subnets
from .model import Scenario
from .svckit import create_service_error, service, target_health, vpc_id
from .text import F_, N_

__all__ = ["ALB_TARGET_TYPE", "alb_service_params"]

CLUSTER, NAME = "alb-lab", "alb-web"


def alb_service_params(lab, tg_arn: str) -> dict:
    """The CreateService request for alb-web behind ``tg_arn`` (Fargate, public subnets)."""
    return {
        "cluster": CLUSTER,
        "serviceName": NAME,
        "taskDefinition": NAME,
        "desiredCount": 1,
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": public_subnets(lab)[:2],
                "assignPublicIp": "ENABLED",
            }
        },
        "loadBalancers": [{"targetGroupArn": tg_arn, "containerName": "web", "containerPort": 80}],
    }


def _alb_setup(lab, variant: str) -> None:
    ecs, elb = client(lab, "ecs"), client(lab, "elbv2")
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(
        family=NAME,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "web", "image": "httpd:2.4", "portMappings": [{"containerPort": 80}]}
        ],
    )
    lb = elb.create_load_balancer(Name=CLUSTER, Subnets=public_subnets(lab)[:2])
    tg = elb.create_target_group(
        Name=NAME, Protocol="HTTP", Port=80, VpcId=vpc_id(lab), TargetType="instance"
    )
    tg_arn = tg["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
    )
    create_service_error(lab, **alb_service_params(lab, tg_arn))  # refused: nothing changes


def _groups(lab) -> list[dict]:
    try:
        return client(lab, "elbv2").describe_target_groups()["TargetGroups"]
    except ClientError:
        return []


def _services(lab) -> list[dict]:
    ecs = client(lab, "ecs")
    try:
        arns = ecs.list_services(cluster=CLUSTER)["serviceArns"]
    except ClientError:
        return []
    if not arns:
        return []
    return ecs.describe_services(cluster=CLUSTER, services=arns[:10])["services"]


def _alb_observe(lab, variant: str) -> str:
    svc = service(lab, CLUSTER, NAME)
    if svc is not None and svc["status"] == "ACTIVE":
        return F_(
            "service {name} is ACTIVE (runningCount {running})",
            name=NAME,
            running=svc["runningCount"],
        )
    tg = next((g for g in _groups(lab) if g["TargetGroupName"] == NAME), None)
    if tg is None:
        return F_("the {name} target group is gone", name=NAME)
    if tg["TargetType"] != "instance":
        return F_("target group {name} has target type {type}", name=NAME, type=tg["TargetType"])
    # A target group of type instance is always refused, so asking CreateService changes nothing.
    err = create_service_error(lab, **alb_service_params(lab, tg["TargetGroupArn"]))
    return F_(
        "aws ecs create-service ... --load-balancers targetGroupArn={name} fails:\n{error}",
        name=NAME,
        error=err,
    )


def _ip_group_hint(groups: list[dict]) -> CheckResult:
    ip = [g for g in groups if g["TargetType"] == "ip"]
    if not ip:
        return CheckResult(
            "",
            False,
            F_("no service in {cluster}, and no target group of target type ip", cluster=CLUSTER),
            N_(
                "awsvpc tasks have their own ENI and IP, so the load balancer must register IPs: "
                "create a target group with TargetType ip (the type cannot be changed), forward the "
                "listener to it, and create the service with it."
            ),
        )
    g = ip[0]
    if not g.get("LoadBalancerArns"):
        # AWS's own words stay English.
        no_lb = (
            f"The target group with targetGroupArn {g['TargetGroupArn']} does not have an "
            "associated load balancer."
        )
        return CheckResult(
            "",
            False,
            F_(
                "target group {name} has target type ip but no load balancer forwards to it",
                name=g["TargetGroupName"],
            ),
            F_(
                "CreateService would say: {error} Point the listener at it (delete the old "
                "listener and create one that forwards to the ip group).",
                error=no_lb,
            ),
        )
    return CheckResult(
        "",
        False,
        F_(
            "target group {name} (ip) is behind the load balancer, but no service in {cluster} "
            "uses it",
            name=g["TargetGroupName"],
            cluster=CLUSTER,
        ),
        N_(
            "Now create the service (awsvpc network configuration: public subnets, assignPublicIp "
            "ENABLED) with loadBalancers targetGroupArn = the ip group, container web, port 80."
        ),
    )


def _alb_check(lab, variant: str) -> CheckResult:
    groups = {g["TargetGroupArn"]: g for g in _groups(lab)}
    active = [s for s in _services(lab) if s["status"] == "ACTIVE"]
    behind = [s for s in active if s.get("loadBalancers")]
    if not behind:
        return _ip_group_hint(list(groups.values()))
    svc = behind[0]
    tg_arn = svc["loadBalancers"][0]["targetGroupArn"]
    tg = groups.get(tg_arn, {})
    states = [d["TargetHealth"]["State"] for d in target_health(lab, tg_arn)]
    healthy = states.count("healthy")
    want = svc["desiredCount"]
    if want < 1 or svc["runningCount"] < want or healthy < want:
        return CheckResult(
            "",
            False,
            F_(
                "service {name} is ACTIVE: {running} of {want} tasks RUNNING, {healthy} healthy "
                "target(s) in {group} ({states})",
                name=svc["serviceName"],
                running=svc["runningCount"],
                want=want,
                healthy=healthy,
                group=tg.get("TargetGroupName", tg_arn),
                states=", ".join(sorted(states)) or F_("none registered"),
            ),
            N_(
                "Give it a few minutes (the ALB takes ~3 minutes to become active, a Fargate task to "
                "pull and start, the target 5 health checks to turn healthy), with desiredCount at "
                "least 1."
            ),
        )
    return CheckResult(
        "",
        True,
        F_(
            "service {name} ACTIVE behind target group {group} (target type {target_type}), "
            "{healthy} healthy target(s)",
            name=svc["serviceName"],
            group=tg.get("TargetGroupName"),
            target_type=tg.get("TargetType"),
            healthy=healthy,
        ),
    )


def _alb_fix(lab, variant: str) -> None:
    elb = client(lab, "elbv2")
    tg = elb.create_target_group(
        Name="alb-web-ip", Protocol="HTTP", Port=80, VpcId=vpc_id(lab), TargetType="ip"
    )["TargetGroups"][0]
    lb = elb.describe_load_balancers(Names=[CLUSTER])["LoadBalancers"][0]
    for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
        elb.delete_listener(ListenerArn=listener["ListenerArn"])
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )
    client(lab, "ecs").create_service(**alb_service_params(lab, tg["TargetGroupArn"]))
    lab.advance("5m")


ALB_TARGET_TYPE = Scenario(
    number=9,
    slug="alb-target-type-instance",
    title=N_("ALB target group of type instance for an awsvpc service"),
    cluster=CLUSTER,
    variants=("fargate",),
    brief=(
        N_(
            "The alb-web service (Fargate, awsvpc) should sit behind load balancer alb-lab, whose "
            "listener forwards to target group alb-web. CreateService is refused. Get the service "
            "running behind the load balancer, its targets healthy."
        )
    ),
    questions=(
        N_("What does the InvalidParameterException say about the target group?"),
        N_("What does a target of type instance register, and what does an awsvpc task have?"),
        N_("Can a target group's TargetType be changed (elbv2 modify-target-group)?"),
        N_("Which target group does the listener forward to?"),
    ),
    fix=(
        N_(
            "Create a target group with TargetType ip (same port and VPC), point the listener at it, "
            "and create the service with the new target group; wait until its target is healthy."
        )
    ),
    hints=(
        N_(
            "awsvpc tasks get their own ENI and private IP; the load balancer must send traffic to "
            "that IP, not to an instance."
        ),
        N_(
            "elbv2 create-target-group --target-type ip ..., a listener that forwards to it (delete "
            "the old listener first), then ecs create-service with that target group."
        ),
    ),
    setup=_alb_setup,
    observe=_alb_observe,
    checker=_alb_check,
    fixer=_alb_fix,
)
