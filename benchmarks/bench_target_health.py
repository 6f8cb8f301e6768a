"""Cost of target health probes on the simulated clock.

The services benchmark (issue 7) runs 50 services x 40 tasks behind load balancers: 2,000 targets,
each probed every 30 s (default interval), i.e. 240,000 probes per simulated hour. Budget (set by
ecslab, not a peer figure): one simulated hour of that in at most 10 s of wall time. Prints the
figure and the ratio to the budget.

    python benchmarks/bench_target_health.py [--small]
"""

from __future__ import annotations

import sys
import time

from ecslab import Lab
from ecslab.domain.web import Site

BUDGET_S = 10.0


class Tasks:
    """Stands where the services code will: every task serves "/"."""

    site = Site(port=None)

    def health_responder(self, tg, target):
        return self.site


def main(groups: int, per_group: int, hours: float) -> None:
    lab = Lab(seed=0)
    lab.domains.append(Tasks())
    ec2, elb = lab.client("ec2"), lab.client("elbv2")
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    vpc = subnets[0]["VpcId"]
    lb = elb.create_load_balancer(Name="bench", Subnets=[s["SubnetId"] for s in subnets])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    lab.advance("3m")
    for g in range(groups):
        tg = elb.create_target_group(
            Name=f"svc{g}", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        elb.create_listener(
            LoadBalancerArn=lb_arn,
            Port=8000 + g,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )
        third = 16 * (g % 3)
        targets = [{"Id": f"172.31.{third + i // 200}.{10 + i % 200}"} for i in range(per_group)]
        elb.register_targets(TargetGroupArn=tg, Targets=targets)
    n0 = len(lab.events)
    t0 = time.perf_counter()
    lab.advance(hours * 3600)
    wall = time.perf_counter() - t0
    targets = groups * per_group
    probes = targets * int(hours * 3600 // 30)
    per_hour = wall / hours
    print(
        f"{'targets':>8}{'probes':>10}{'wall s':>9}{'probes/s':>11}{'s per sim hour':>16}{'ratio to 10 s budget':>23}"
    )
    print(
        f"{targets:>8}{probes:>10}{wall:>9.2f}{probes / wall:>11.0f}{per_hour * 2000 / targets:>16.2f}"
        f"{per_hour * 2000 / targets / BUDGET_S:>23.2f}"
    )
    print(f"facts emitted while probing: {len(lab.events) - n0} (transitions only, not probes)")


if __name__ == "__main__":
    if "--small" in sys.argv:
        main(2, 20, 0.25)
    else:
        main(50, 40, 1.0)
