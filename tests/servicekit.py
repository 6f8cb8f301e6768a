"""Helpers for the service tests: an ALB with a target group and listener, service lookups."""

from __future__ import annotations

from ecslab import Lab, examples


def alb(lab: Lab, ttype: str = "instance", port: int = 80, **health) -> dict:
    """An ALB over every default subnet, a target group (interval 10 s, healthy 2, unhealthy 2
    unless overridden) and an HTTP:80 listener; the clock moves until the ALB is active."""
    ec2, elb = lab.client("ec2"), lab.client("elbv2")
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    vpc = subnets[0]["VpcId"]
    lb = elb.create_load_balancer(Name="web-alb", Subnets=[s["SubnetId"] for s in subnets])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    kw = {
        "HealthCheckIntervalSeconds": 10,
        "HealthCheckTimeoutSeconds": 5,
        "HealthyThresholdCount": 2,
        "UnhealthyThresholdCount": 2,
        **health,
    }
    tg = elb.create_target_group(
        Name=f"web-{ttype}", Protocol="HTTP", Port=port, VpcId=vpc, TargetType=ttype, **kw
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb_arn, Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}]
    )
    return {"lb": lb_arn, "tg": tg, "vpc": vpc, "subnets": [s["SubnetId"] for s in subnets]}


def sample_app(lab: Lab, host_port: int | None = 0, **changes) -> str:
    """Register the walkthrough's sample-app (httpd serving "/" on 80); ``host_port=0``: dynamic
    host ports so two copies fit on one instance. Returns family:revision."""
    td = examples.taskdef("sample-app")
    if host_port is None:
        td["containerDefinitions"][0]["portMappings"][0].pop("hostPort")
    else:
        td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = host_port
    td["containerDefinitions"][0].update(changes)
    out = lab.client("ecs").register_task_definition(**td)["taskDefinition"]
    return f"{out['family']}:{out['revision']}"


def service(lab: Lab, name: str = "web", cluster: str = "MyCluster") -> dict:
    return lab.client("ecs").describe_services(cluster=cluster, services=[name])["services"][0]


def messages(lab: Lab, name: str = "web", cluster: str = "MyCluster") -> list[str]:
    """The service's event messages, oldest first (DescribeServices lists newest first)."""
    return [e["message"] for e in reversed(service(lab, name, cluster)["events"])]


def task_arns(lab: Lab, name: str = "web", cluster: str = "MyCluster", status: str = "RUNNING"):
    ecs = lab.client("ecs")
    return ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus=status)["taskArns"]


def describe_tasks(lab: Lab, arns, cluster: str = "MyCluster") -> list[dict]:
    if not arns:
        return []
    return lab.client("ecs").describe_tasks(cluster=cluster, tasks=list(arns))["tasks"]
