"""Helpers for the service-deployment tests: a blue/green-ready ALB (two target groups, a
production rule on :80 and a test rule on :8080) and a service using it."""

from __future__ import annotations

from servicekit import alb, sample_app
from taskkit import cluster

from ecslab import Lab

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"
HOOK = "arn:aws:lambda:ap-east-1:123456789012:function:check-green"


def bg_stack(lab: Lab, instances: int = 2) -> dict:
    """Cluster, ALB, blue and green target groups, production and test rules."""
    cluster(lab, instances)
    net = alb(lab)
    elb = lab.client("elbv2")
    green = elb.create_target_group(
        Name="web-green",
        Protocol="HTTP",
        Port=80,
        VpcId=net["vpc"],
        TargetType="instance",
        HealthCheckIntervalSeconds=10,
        HealthCheckTimeoutSeconds=5,
        HealthyThresholdCount=2,
        UnhealthyThresholdCount=2,
    )["TargetGroups"][0]["TargetGroupArn"]
    prod_listener = elb.describe_listeners(LoadBalancerArn=net["lb"])["Listeners"][0]
    fwd = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [
                {"TargetGroupArn": net["tg"], "Weight": 100},
                {"TargetGroupArn": green, "Weight": 0},
            ]
        },
    }
    prod = elb.create_rule(
        ListenerArn=prod_listener["ListenerArn"],
        Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
        Actions=[fwd],
    )["Rules"][0]["RuleArn"]
    test_listener = elb.create_listener(
        LoadBalancerArn=net["lb"],
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": net["tg"]}],
    )["Listeners"][0]["ListenerArn"]
    test = elb.create_rule(
        ListenerArn=test_listener,
        Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
        Actions=[fwd],
    )["Rules"][0]["RuleArn"]
    return {**net, "blue": net["tg"], "green": green, "prod": prod, "test": test}


def bg_service(lab: Lab, stack: dict, bake: int = 5, hooks=None, desired: int = 2) -> str:
    td = sample_app(lab)
    config = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": bake}
    if hooks:
        config["lifecycleHooks"] = hooks
    lab.client("ecs").create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td,
        desiredCount=desired,
        deploymentConfiguration=config,
        loadBalancers=[
            {
                "targetGroupArn": stack["blue"],
                "containerName": "simple-app",
                "containerPort": 80,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": stack["green"],
                    "productionListenerRule": stack["prod"],
                    "testListenerRule": stack["test"],
                    "roleArn": ROLE,
                },
            }
        ],
    )
    lab.advance("3m")
    return td


def weights(lab: Lab, rule_arn: str) -> dict[str, int]:
    rule = lab.client("elbv2").describe_rules(RuleArns=[rule_arn])["Rules"][0]
    groups = rule["Actions"][0]["ForwardConfig"]["TargetGroups"]
    return {g["TargetGroupArn"]: g["Weight"] for g in groups}


def deployments(lab: Lab, service: str = "web") -> list[dict]:
    """Every service deployment of ``service``, newest first, described."""
    ecs = lab.client("ecs")
    arns = [
        d["serviceDeploymentArn"]
        for d in ecs.list_service_deployments(cluster="MyCluster", service=service)[
            "serviceDeployments"
        ]
    ]
    if not arns:
        return []
    return ecs.describe_service_deployments(serviceDeploymentArns=arns)["serviceDeployments"]
