"""Service scheduler benchmark through the real ECS client (issue 7).

500 container instances (m5.2xlarge across three AZs), 50 REPLICA services x 40 tasks (sleep,
256 CPU units / 256 MiB, default spread placement) run to a steady state, then a rolling
deployment of every service to a new revision run until every deployment is COMPLETED. Reports
wall time, facts (event-table rows) per wall second, and the same at half the number of tasks
(25 services on 250 instances): the ratio of the per-task costs shows whether the cost stays
roughly linear in tasks (1.0 = perfectly linear).

    python benchmarks/bench_services.py          # full size (tens of seconds)
    python benchmarks/bench_services.py --small  # CI smoke run (5 services x 8 tasks)
"""

from __future__ import annotations

import sys
import time

from ecslab import Lab

AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


def run(n_instances: int, n_services: int, per_service: int) -> dict:
    lab = Lab(seed=1)
    ecs, ec2, ssm = lab.client("ecs"), lab.client("ec2"), lab.client("ssm")
    lab.act("set_vcpu_limit", vcpus=8 * n_instances + 64)
    ecs.create_cluster(clusterName="bench")
    ami = ssm.get_parameter(Name=AMI)["Parameter"]["Value"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    for i, subnet in enumerate(subnets):
        n = n_instances // len(subnets) + (1 if i < n_instances % len(subnets) else 0)
        ec2.run_instances(
            ImageId=ami,
            InstanceType="m5.2xlarge",
            MinCount=n,
            MaxCount=n,
            SubnetId=subnet,
            UserData="ECS_CLUSTER=bench",
            IamInstanceProfile={"Name": "ecsInstanceRole"},
        )
    lab.advance("2m")

    def register():
        return ecs.register_task_definition(
            family="bench",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "busybox",
                    "cpu": 256,
                    "memory": 256,
                    "command": ["sleep", "infinity"],
                }
            ],
        )["taskDefinition"]["taskDefinitionArn"]

    td1 = register()
    rows0, t0 = len(lab.log), time.perf_counter()
    for s in range(n_services):
        ecs.create_service(
            cluster="bench", serviceName=f"svc{s:03d}", taskDefinition=td1, desiredCount=per_service
        )
    lab.advance("3m")
    t_create = time.perf_counter() - t0
    td2 = register()
    t1 = time.perf_counter()
    for s in range(n_services):
        ecs.update_service(cluster="bench", service=f"svc{s:03d}", taskDefinition=td2)
    lab.advance("5m")
    t_deploy = time.perf_counter() - t1
    wall = time.perf_counter() - t0
    services = [lab.services.find("bench", f"svc{s:03d}") for s in range(n_services)]
    done = sum(
        1
        for svc in services
        if len(svc.deployments) == 1
        and svc.primary.rollout_state == "COMPLETED"
        and svc.primary.td.revision == 2
        and len(svc.live()) == per_service
    )
    rows = len(lab.log) - rows0
    return {
        "tasks": n_services * per_service,
        "completed": done,
        "services": n_services,
        "create_s": t_create,
        "deploy_s": t_deploy,
        "wall_s": wall,
        "facts": rows,
        "facts_per_s": rows / wall,
        "s_per_task": wall / (n_services * per_service),
    }


def main() -> None:
    small = "--small" in sys.argv
    sizes = [(50, 5, 8), (100, 10, 8)] if small else [(250, 25, 40), (500, 50, 40)]
    print("instances services tasks  create_s deploy_s   wall_s    facts facts/s  ms/task done")
    results = []
    for n_inst, n_svc, per in sizes:
        r = run(n_inst, n_svc, per)
        results.append(r)
        print(
            f"{n_inst:9d} {n_svc:8d} {r['tasks']:5d} {r['create_s']:9.2f} {r['deploy_s']:8.2f} "
            f"{r['wall_s']:8.2f} {r['facts']:8d} {r['facts_per_s']:7.0f} "
            f"{1000 * r['s_per_task']:8.2f} {r['completed']}/{r['services']}"
        )
        assert r["completed"] == r["services"], "every deployment must reach COMPLETED"
    half, full = results
    print(
        f"per-task cost ratio (full / half size): {full['s_per_task'] / half['s_per_task']:.2f} "
        "(1.0 = linear in tasks)"
    )


if __name__ == "__main__":
    main()
