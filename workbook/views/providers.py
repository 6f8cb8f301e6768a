"""Capacity providers and cluster auto scaling (lesson 13): set-up helpers and tables.

``asg_capacity_provider`` builds what lesson 13 shows with the aws CLI -- a launch template for
ECS-optimized instances, an empty Auto Scaling group and a capacity provider with managed
scaling -- through the lab's boto3 clients. ``capacity_history`` is the managed-scaling story
minute by minute, read from the event table (``ManagedScalingMetricPublished`` facts).
"""

from __future__ import annotations

import base64

import pandas as pd

from ..aws import client

__all__ = ["asg_capacity_provider", "capacity_history", "provider_tasks"]

AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


def asg_capacity_provider(
    lab,
    cluster: str,
    provider: str,
    group: str,
    instance_type: str = "m5.large",
    *,
    target: int = 100,
    max_size: int = 6,
) -> dict:
    """Launch template + empty Auto Scaling group (scale-in protected) + capacity provider with
    managed scaling and managed termination protection; returns the provider's description."""
    ec2, asg, ecs = client(lab, "ec2"), client(lab, "autoscaling"), client(lab, "ecs")
    arch = "arm64" if instance_type.split(".")[0].endswith("g") else "x86_64"
    name = AMI if arch == "x86_64" else AMI.replace("amazon-linux-2/", "amazon-linux-2/arm64/")
    ami = client(lab, "ssm").get_parameter(Name=name)["Parameter"]["Value"]
    script = f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"
    lt = ec2.create_launch_template(
        LaunchTemplateName=f"{group}-lt",
        LaunchTemplateData={
            "ImageId": ami,
            "InstanceType": instance_type,
            "IamInstanceProfile": {"Name": "ecsInstanceRole"},
            "UserData": base64.b64encode(script.encode()).decode(),
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    subnets = ",".join(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])
    asg.create_auto_scaling_group(
        AutoScalingGroupName=group,
        LaunchTemplate={"LaunchTemplateId": lt, "Version": "$Latest"},
        MinSize=0,
        MaxSize=max_size,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnets,
        NewInstancesProtectedFromScaleIn=True,
    )
    arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0][
        "AutoScalingGroupARN"
    ]
    return ecs.create_capacity_provider(
        name=provider,
        autoScalingGroupProvider={
            "autoScalingGroupArn": arn,
            "managedScaling": {"status": "ENABLED", "targetCapacity": target},
            "managedTerminationProtection": "ENABLED",
        },
    )["capacityProvider"]


def capacity_history(lab, cluster: str, provider: str) -> pd.DataFrame:
    """One row per managed-scaling minute: time, instances (N), needed (M), reservation (%),
    target (%), desired (the group's desired capacity then), tasks running and pending."""
    ev = lab.events
    rows = ev[(ev["kind"] == "ManagedScalingMetricPublished") & (ev["cluster"] == cluster)]
    cols = ["time", "instances", "needed", "reservation", "target", "desired", "running", "pending"]
    out = [
        (
            t,
            d["n"],
            d["m"],
            float(d["value"]),
            d["target"],
            d.get("desired"),
            d.get("tasks_running"),
            d.get("tasks_pending"),
        )
        for t, d in zip(rows["time"], rows["detail"], strict=True)
        if d.get("capacity_provider") == provider
    ]
    return pd.DataFrame(out, columns=cols)


def provider_tasks(lab, cluster: str, service: str | None = None) -> pd.DataFrame:
    """Live tasks of ``cluster`` (of ``service``) per capacity provider and last status."""
    ecs = client(lab, "ecs")
    kw = {"serviceName": service} if service else {}
    arns = ecs.list_tasks(cluster=cluster, **kw)["taskArns"]
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    frame = pd.DataFrame(
        [(t.get("capacityProviderName", "-"), t["lastStatus"]) for t in tasks],
        columns=["capacityProviderName", "lastStatus"],
    )
    if frame.empty:
        return frame.assign(tasks=[])
    return frame.value_counts().rename("tasks").reset_index()
