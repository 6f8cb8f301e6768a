"""Service auto scaling benchmark (issue 16): one simulated day of a 20-service cluster.

20 REPLICA services (256 CPU units / 256 MiB each task), each with a target-tracking policy on
ECSServiceAverageCPUUtilization (target 50 %, cooldowns 60 s out / 300 s in) and a two-peak
daily load curve (peaks at 10:00 and 19:00 UTC, 5 % seeded noise, a per-service peak height).
The clock advances 24 simulated hours (1,440 one-minute alarm evaluations per alarm) while the
services scale out and in and the service scheduler places and stops their tasks. Reports the
wall time, facts (event-table rows) per wall second and the ratio to the 10 s target.

Capacity: on this branch the cluster is a fixed fleet of EC2 instances big enough for the peak
(:func:`capacity`). With capacity providers, replace :func:`capacity` by an Auto Scaling group
capacity provider with managed scaling (and give the services a capacityProviderStrategy): the
rest of the script stays as it is.

    python benchmarks/bench_autoscaling.py          # full size (20 services, 24 h)
    python benchmarks/bench_autoscaling.py --small  # CI smoke run (3 services, 3 h)
"""

from __future__ import annotations

import sys
import time

from ecslab import Lab

AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
TARGET_S = 10.0


def capacity(lab: Lab, cluster: str, n_instances: int) -> None:
    """A fixed fleet of m5.2xlarge container instances (32 tasks of 256 CPU units each)."""
    ec2, ssm = lab.client("ec2"), lab.client("ssm")
    lab.act("set_vcpu_limit", vcpus=8 * n_instances + 64)
    ami = ssm.get_parameter(Name=AMI)["Parameter"]["Value"]
    ec2.run_instances(
        ImageId=ami,
        InstanceType="m5.2xlarge",
        MinCount=n_instances,
        MaxCount=n_instances,
        UserData=f"ECS_CLUSTER={cluster}",
        IamInstanceProfile={"Name": "ecsInstanceRole"},
    )
    lab.advance("2m")


def run(n_services: int, hours: int) -> dict:
    lab = Lab(seed=1)
    ecs, aas = lab.client("ecs"), lab.client("application-autoscaling")
    ecs.create_cluster(clusterName="bench")
    capacity(lab, "bench", max(2, n_services))  # peak ~14 tasks a service, 32 an instance
    td = ecs.register_task_definition(
        family="web",
        containerDefinitions=[
            {"name": "app", "image": "busybox", "cpu": 256, "memory": 256, "command": ["httpd"]}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    for s in range(n_services):
        name = f"svc{s:02d}"
        ecs.create_service(cluster="bench", serviceName=name, taskDefinition=td, desiredCount=2)
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
    acts = int((ev["kind"] == "ScalingActivityCompleted").sum())
    peak_tasks = int(ev["kind"].eq("TaskRunning").sum())
    facts = len(lab.log) - rows0
    return {"wall": wall, "facts": facts, "activities": acts, "tasks_started": peak_tasks}


def main() -> None:
    small = "--small" in sys.argv
    n, hours = (3, 3) if small else (20, 24)
    r = run(n, hours)
    print(
        f"auto scaling: {n} services x {hours} simulated h: {r['wall']:.2f} s wall, "
        f"{r['facts']} facts ({r['facts'] / r['wall']:,.0f} facts/s), "
        f"{r['activities']} scaling activities, {r['tasks_started']} tasks started"
    )
    if not small:
        print(f"ratio to the {TARGET_S:.0f} s target: {r['wall'] / TARGET_S:.2f} (<= 1 meets it)")


if __name__ == "__main__":
    main()
