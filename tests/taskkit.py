"""Helpers for the task tests: a cluster of real container instances, task definitions."""

from __future__ import annotations

from ecslab import Lab

ECS_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
ECS_AMI_ARM = "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id"


def instances(lab: Lab, n: int = 1, itype: str = "m5.large", cluster: str = "MyCluster", **kw):
    """Launch ``n`` ECS-optimized instances joining ``cluster``; returns their container-instance
    ARNs after they registered (the clock moves a minute). ``config`` adds ecs.config lines."""
    ecs, ec2, ssm = lab.client("ecs"), lab.client("ec2"), lab.client("ssm")
    arm = kw.pop("arm", False)
    config = kw.pop("config", "")
    ami = ssm.get_parameter(Name=ECS_AMI_ARM if arm else ECS_AMI)["Parameter"]["Value"]
    before = set(ecs.list_container_instances(cluster=cluster)["containerInstanceArns"])
    kw.setdefault("IamInstanceProfile", {"Name": "ecsInstanceRole"})
    ec2.run_instances(
        ImageId=ami,
        InstanceType=itype,
        MinCount=n,
        MaxCount=n,
        UserData=f"ECS_CLUSTER={cluster}\n{config}",
        **kw,
    )
    lab.advance("1m")
    now = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    return [a for a in now if a not in before]


def cluster(lab: Lab, n: int = 1, itype: str = "m5.large", name: str = "MyCluster", **kw):
    lab.client("ecs").create_cluster(clusterName=name)
    return instances(lab, n, itype, name, **kw)


def taskdef(lab: Lab, family: str = "app", command=("sleep", "360"), **kw) -> str:
    """Register a one-container definition (busybox by default); returns ``family:revision``."""
    container = {
        "name": kw.pop("name", "app"),
        "image": kw.pop("image", "busybox"),
        "cpu": kw.pop("cpu", 256),
        "memory": kw.pop("memory", 512),
        "essential": kw.pop("essential", True),
    }
    if command is not None:
        container["command"] = list(command)
    for key in ("portMappings", "logConfiguration", "environment", "secrets", "entryPoint"):
        if key in kw:
            container[key] = kw.pop(key)
    containers = [container] + list(kw.pop("extra", []))
    if "task_cpu" in kw:
        kw["cpu"] = kw.pop("task_cpu")
    if "task_memory" in kw:
        kw["memory"] = kw.pop("task_memory")
    td = lab.client("ecs").register_task_definition(
        family=family, containerDefinitions=containers, **kw
    )["taskDefinition"]
    return f"{td['family']}:{td['revision']}"


def fargate_def(lab: Lab, family: str = "web", cpu="256", memory="512", **kw) -> str:
    kw.setdefault("executionRoleArn", f"arn:aws:iam::{lab.account_id}:role/ecsTaskExecutionRole")
    return taskdef(
        lab,
        family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        task_cpu=cpu,
        task_memory=memory,
        **kw,
    )


def subnets(lab: Lab) -> list[str]:
    return [s["SubnetId"] for s in lab.client("ec2").describe_subnets()["Subnets"]]


def describe(lab: Lab, arn: str, cluster: str = "MyCluster") -> dict:
    return lab.client("ecs").describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]


def remaining(lab: Lab, ci_arn: str, cluster: str = "MyCluster") -> dict:
    ci = lab.client("ecs").describe_container_instances(
        cluster=cluster, containerInstances=[ci_arn]
    )["containerInstances"][0]
    out = {}
    for r in ci["remainingResources"]:
        out[r["name"]] = r.get("stringSetValue") if r["type"] == "STRINGSET" else r["integerValue"]
    out["runningTasksCount"] = ci["runningTasksCount"]
    out["pendingTasksCount"] = ci["pendingTasksCount"]
    return out
