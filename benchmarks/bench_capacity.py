"""Capacity provider benchmark (issue 16): one simulated day of a 20-service cluster whose
instances come from an Auto Scaling group capacity provider with managed scaling.

Like ``bench_autoscaling.py`` (20 REPLICA services of 256 CPU units / 256 MiB tasks, target
tracking on ECSServiceAverageCPUUtilization at 50 %, two-peak daily load curves), but the
cluster starts with zero instances: the services use a capacityProviderStrategy on an ASG
provider (m5.2xlarge, managed scaling targetCapacity 100, managed termination protection), so
tasks wait in PROVISIONING, CapacityProviderReservation drives the group out and in, and the
scheduler places tasks on the instances as they register. Reports the wall time, facts
(event-table rows) per wall second, instances launched and the ratio to the 10 s target.

    python benchmarks/bench_capacity.py          # full size (20 services, 24 h)
    python benchmarks/bench_capacity.py --small  # CI smoke run (3 services, 3 h)
"""

from __future__ import annotations

import base64
import sys
import time

from ecslab import Lab

AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
TARGET_S = 10.0


def capacity_provider(lab: Lab, cluster: str, max_size: int) -> None:
    ec2, ssm, asg, ecs = (lab.client(n) for n in ("ec2", "ssm", "autoscaling", "ecs"))
    lab.act("set_vcpu_limit", vcpus=8 * max_size + 64)
    ami = ssm.get_parameter(Name=AMI)["Parameter"]["Value"]
    user_data = f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"
    lt = ec2.create_launch_template(
        LaunchTemplateName="bench",
        LaunchTemplateData={
            "ImageId": ami,
            "InstanceType": "m5.2xlarge",
            "IamInstanceProfile": {"Name": "ecsInstanceRole"},
            "UserData": base64.b64encode(user_data.encode()).decode(),
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    subnets = ",".join(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])
    asg.create_auto_scaling_group(
        AutoScalingGroupName="bench-asg",
        LaunchTemplate={"LaunchTemplateId": lt},
        MinSize=0,
        MaxSize=max_size,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnets,
        NewInstancesProtectedFromScaleIn=True,
    )
    arn = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(
        name="bench-cp",
        autoScalingGroupProvider={
            "autoScalingGroupArn": arn,
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
            "managedTerminationProtection": "ENABLED",
        },
    )
    ecs.put_cluster_capacity_providers(
        cluster=cluster,
        capacityProviders=["bench-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "bench-cp", "weight": 1}],
    )


def run(n_services: int, hours: int) -> dict:
    lab = Lab(seed=1)
    ecs, aas = lab.client("ecs"), lab.client("application-autoscaling")
    ecs.create_cluster(clusterName="bench")
    capacity_provider(lab, "bench", max(4, n_services))
    td = ecs.register_task_definition(
        family="web",
        containerDefinitions=[
            {"name": "app", "image": "busybox", "cpu": 256, "memory": 256, "command": ["httpd"]}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    for s in range(n_services):
        name = f"svc{s:02d}"
        ecs.create_service(
            cluster="bench",
            serviceName=name,
            taskDefinition=td,
            desiredCount=2,
            capacityProviderStrategy=[{"capacityProvider": "bench-cp", "weight": 1}],
            # binpack keeps instances either busy or empty, so managed scaling can scale in
            placementStrategy=[{"type": "binpack", "field": "cpu"}],
        )
        rid = f"service/bench/{name}"
        aas.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=rid,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=2,
            MaxCapacity=30,
        )
        aas.put_scaling_policy(
            PolicyName="cpu50",
            ServiceNamespace="ecs",
            ResourceId=rid,
            ScalableDimension="ecs:service:DesiredCount",
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 50.0,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
                },
                "ScaleOutCooldown": 60,
                "ScaleInCooldown": 300,
            },
        )
        lab.act(
            "set_load",
            cluster="bench",
            service=name,
            shape="two_peaks",
            base=15.0,
            peak=120.0 + 5.0 * s,
            noise=0.05,
        )
    rows0, t0 = len(lab.log), time.perf_counter()
    for _ in range(hours):
        lab.advance("1h")
    wall = time.perf_counter() - t0
    ev = lab.events
    launched = int((ev["kind"] == "AutoScalingInstanceLaunched").sum())
    terminated = int((ev["kind"] == "AutoScalingInstanceTerminating").sum())
    peak = int(
        ev.loc[ev["kind"] == "ManagedScalingMetricPublished", "detail"].map(lambda d: d["n"]).max()
    )
    facts = len(lab.log) - rows0
    return {
        "wall": wall,
        "facts": facts,
        "launched": launched,
        "terminated": terminated,
        "peak_instances": peak,
    }


def main() -> None:
    small = "--small" in sys.argv
    n, hours = (3, 3) if small else (20, 24)
    r = run(n, hours)
    print(
        f"capacity providers: {n} services x {hours} simulated h: {r['wall']:.2f} s wall, "
        f"{r['facts']} facts ({r['facts'] / r['wall']:,.0f} facts/s), "
        f"{r['launched']} instances launched, {r['terminated']} scaled in, "
        f"peak {r['peak_instances']} instances"
    )
    if not small:
        print(f"ratio to the {TARGET_S:.0f} s target: {r['wall'] / TARGET_S:.2f} (<= 1 meets it)")


if __name__ == "__main__":
    main()
