"""Helpers for the Auto Scaling group and capacity-provider tests."""

from __future__ import annotations

import base64

from ecslab import Lab

ECS_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


def template(lab: Lab, name: str = "ecs-lt", cluster: str = "cp", itype: str = "m5.large") -> str:
    """A launch template for ECS-optimized instances joining ``cluster``; returns its id."""
    ami = lab.client("ssm").get_parameter(Name=ECS_AMI)["Parameter"]["Value"]
    user_data = f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"
    resp = lab.client("ec2").create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={
            "ImageId": ami,
            "InstanceType": itype,
            "IamInstanceProfile": {"Name": "ecsInstanceRole"},
            "UserData": base64.b64encode(user_data.encode()).decode(),
        },
    )
    return resp["LaunchTemplate"]["LaunchTemplateId"]


def subnet_csv(lab: Lab) -> str:
    subnets = lab.client("ec2").describe_subnets()["Subnets"]
    return ",".join(s["SubnetId"] for s in subnets)


def group(
    lab: Lab,
    name: str = "asg",
    *,
    cluster: str = "cp",
    min_size: int = 0,
    max_size: int = 10,
    desired: int = 0,
    protect: bool = False,
    itype: str = "m5.large",
) -> dict:
    """A launch template and an Auto Scaling group over the default subnets; returns the group."""
    lt = template(lab, f"{name}-lt", cluster, itype)
    asg = lab.client("autoscaling")
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": lt, "Version": "$Latest"},
        MinSize=min_size,
        MaxSize=max_size,
        DesiredCapacity=desired,
        VPCZoneIdentifier=subnet_csv(lab),
        NewInstancesProtectedFromScaleIn=protect,
    )
    return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
