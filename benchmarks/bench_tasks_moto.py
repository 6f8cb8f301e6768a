"""ecslab vs moto 5.2.5 on moto's ECS benchmark shape, through real boto3 clients, same machine.

Shape (issue 6): 1,000 container instances; 10,000 tasks of 256 CPU units / 512 MiB started
with ``run_task(count=10)``; then every task listed (``list_tasks``, pages of 100) and described
(``describe_tasks``, batches of 100). Goal: ecslab at least 10x faster than moto, while it
actually enforces resources (every task is checked against each instance's CPU, memory and
ports) and placement strategies (RunTask's default random placement with the lab's seeded RNG).

* ecslab: ``lab.client("ecs")`` / ``lab.client("ec2")`` (boto3 answered in-process). Instances
  are launched with RunInstances in batches (``MaxCount``) from the ECS-optimized AMI with
  ``ECS_CLUSTER`` user data; one ``lab.advance("1m")`` boots them and their agents register.
  The account's vCPU quota is raised first (``lab.instances.request_vcpu_limit``).
* moto: ``mock_aws()`` with boto3 clients; EC2 RunInstances in batches, then one
  ``register_container_instance`` per instance (moto has no agent) -- moto gives each instance
  4096 CPU / 7482 MiB, ecslab's m5.xlarge registers 4096 CPU / 15,604 MiB.

Prints one row per phase, the total (wall) and the process CPU time for both, and the ratios.
ecslab runs once before and once after moto and the two are averaged (the VM is shared).

    python benchmarks/bench_tasks_moto.py           # full size (moto takes ~40 s)
    python benchmarks/bench_tasks_moto.py --small   # CI smoke run (100 instances, 1,000 tasks)
"""

from __future__ import annotations

import argparse
import json
import os
import time

import boto3

from ecslab import Lab

TARGET_RATIO = 10.0
TASKDEF = {
    "family": "bench",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "busybox",
            "cpu": 256,
            "memory": 512,
            "command": ["sleep", "3600"],
            "essential": True,
        }
    ],
}
ECS_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
BATCH = 250


def _list_and_describe(ecs, cluster: str) -> int:
    arns, token = [], None
    while True:
        kw = {"cluster": cluster, "maxResults": 100}
        if token:
            kw["nextToken"] = token
        page = ecs.list_tasks(**kw)
        arns += page["taskArns"]
        token = page.get("nextToken")
        if not token:
            break
    described = 0
    for i in range(0, len(arns), 100):
        described += len(ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"])
    return described


def _run_tasks(ecs, cluster: str, n_tasks: int) -> int:
    placed = 0
    for _ in range(n_tasks // 10):
        placed += len(ecs.run_task(cluster=cluster, taskDefinition="bench", count=10)["tasks"])
    return placed


def bench_ecslab(n_instances: int, n_tasks: int) -> dict[str, float]:
    lab = Lab(seed=1)
    lab.instances.request_vcpu_limit(4 * n_instances + 64)
    ecs, ec2, ssm = lab.client("ecs"), lab.client("ec2"), lab.client("ssm")
    out = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    ecs.create_cluster(clusterName="bench")
    ecs.register_task_definition(**TASKDEF)
    ami = ssm.get_parameter(Name=ECS_AMI)["Parameter"]["Value"]
    for start in range(0, n_instances, BATCH):
        n = min(BATCH, n_instances - start)
        ec2.run_instances(
            ImageId=ami,
            InstanceType="m5.xlarge",
            MinCount=n,
            MaxCount=n,
            IamInstanceProfile={"Name": "ecsInstanceRole"},
            UserData="#!/bin/bash\necho ECS_CLUSTER=bench >> /etc/ecs/ecs.config",
        )
    lab.advance("1m")
    registered = len(lab.container_instances.listed("bench"))
    t1 = time.perf_counter()
    placed = _run_tasks(ecs, "bench", n_tasks)
    t2 = time.perf_counter()
    described = _list_and_describe(ecs, "bench")
    t3 = time.perf_counter()
    cpu = time.process_time() - c0
    assert registered == n_instances, registered
    assert placed == described == n_tasks, (placed, described)
    out.update(register=t1 - t0, run_task=t2 - t1, list_describe=t3 - t2, total=t3 - t0, cpu=cpu)
    return out


def bench_moto(n_instances: int, n_tasks: int) -> dict[str, float]:
    from moto import mock_aws

    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ.setdefault(k, v)
    out = {}
    with mock_aws():
        ecs = boto3.client("ecs", region_name="us-east-1")
        ec2 = boto3.client("ec2", region_name="us-east-1")
        c0 = time.process_time()
        t0 = time.perf_counter()
        ecs.create_cluster(clusterName="bench")
        ecs.register_task_definition(**TASKDEF)
        for start in range(0, n_instances, BATCH):
            n = min(BATCH, n_instances - start)
            resp = ec2.run_instances(
                ImageId="ami-12c6146b", InstanceType="m5.xlarge", MinCount=n, MaxCount=n
            )
            for inst in resp["Instances"]:
                doc = {
                    "availabilityZone": inst["Placement"]["AvailabilityZone"],
                    "privateIp": inst["PrivateIpAddress"],
                    "instanceId": inst["InstanceId"],
                    "instanceType": inst["InstanceType"],
                    "imageId": inst["ImageId"],
                    "region": "us-east-1",
                }
                ecs.register_container_instance(
                    cluster="bench", instanceIdentityDocument=json.dumps(doc)
                )
        t1 = time.perf_counter()
        placed = _run_tasks(ecs, "bench", n_tasks)
        t2 = time.perf_counter()
        described = _list_and_describe(ecs, "bench")
        t3 = time.perf_counter()
        cpu = time.process_time() - c0
    assert placed == described == n_tasks, (placed, described)
    out.update(register=t1 - t0, run_task=t2 - t1, list_describe=t3 - t2, total=t3 - t0, cpu=cpu)
    return out


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="100 instances, 1,000 tasks (CI)")
    ap.add_argument("--no-moto", action="store_true", help="time ecslab only")
    args = ap.parse_args(argv)
    n_instances, n_tasks = (100, 1_000) if args.small else (1_000, 10_000)
    # ecslab runs before and after moto and its phases are averaged: the machine is shared and
    # its load drifts over moto's long run; bracketing keeps the comparison fair.
    first = bench_ecslab(n_instances, n_tasks)
    theirs = None if args.no_moto else bench_moto(n_instances, n_tasks)
    second = first if args.no_moto else bench_ecslab(n_instances, n_tasks)
    mine = {k: (first[k] + second[k]) / 2 for k in first}
    print(
        f"moto shape: {n_instances:,} container instances, {n_tasks:,} tasks (run_task count=10),"
    )
    print("list_tasks + describe_tasks of all in batches of 100; real boto3 clients\n")
    print(f"{'phase':<16}{'ecslab (s)':>12}{'moto 5.2.5 (s)':>16}{'ratio':>8}")
    for phase in ("register", "run_task", "list_describe", "total", "cpu"):
        label = "total_cpu" if phase == "cpu" else phase
        row = f"{label:<16}{mine[phase]:>12.2f}"
        if theirs is not None:
            row += f"{theirs[phase]:>16.2f}{theirs[phase] / mine[phase]:>7.1f}x"
        print(row)
    if theirs is not None:
        ratio = theirs["total"] / mine["total"]
        verdict = "meets" if ratio >= TARGET_RATIO else "misses"
        print(
            f"\necslab is {ratio:.1f}x faster than moto in wall time, "
            f"{theirs['cpu'] / mine['cpu']:.1f}x in CPU time "
            f"({verdict} the {TARGET_RATIO:.0f}x goal); ecslab runs: "
            f"{first['total']:.2f} s and {second['total']:.2f} s"
        )
        mine["ratio"] = ratio
    return mine


if __name__ == "__main__":
    main()
