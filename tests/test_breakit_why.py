"""The "why not placed?" view on a cluster where every placement filter rejects an instance."""

from __future__ import annotations

from taskkit import instances, taskdef

from ecslab.breakit import why_not_placed_view
from ecslab.domain.scheduler.filters import FILTERS


def _ci_of(lab, arns, before):
    return [a for a in arns if a not in before]


def test_every_filter_rejects_one_instance(lab, ecs):
    ecs.create_cluster(clusterName="why")
    ec2 = lab.client("ec2")
    zones = {s["AvailabilityZone"]: s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]}
    made = {}
    for name, itype, kw in [
        ("draining", "m5.xlarge", {}),
        ("agent-off", "m5.xlarge", {}),
        ("arm", "m6g.xlarge", {"arm": True}),
        ("small-cpu", "m5.large", {}),
        ("small-mem", "c5.xlarge", {}),
        ("port80", "m5.xlarge", {}),
        ("dns53", "m5.xlarge", {}),
        ("big", "m5.2xlarge", {}),
        ("same-group", "m5.xlarge", {}),
        ("zone-b", "m5.xlarge", {"SubnetId": zones["ap-east-1b"]}),
        ("eni-full", "m5.large", {}),
    ]:
        [made[name]] = instances(lab, 1, itype, "why", **kw)
    by_arn = {v: k for k, v in made.items()}
    ecs.update_container_instances_state(
        cluster="why", containerInstances=[made["draining"]], status="DRAINING"
    )
    agent_off = ecs.describe_container_instances(
        cluster="why", containerInstances=[made["agent-off"]]
    )["containerInstances"][0]["ec2InstanceId"]
    lab.act("stop_ecs_agent", instance_id=agent_off)
    # Fillers, each on its instance: a static TCP 80, a static UDP 53, a task of group family:web,
    # and two awsvpc tasks that use up the m5.large's ENIs.
    small = {"cpu": 128, "memory": 128}
    tcp = taskdef(lab, "port80", portMappings=[{"containerPort": 80, "hostPort": 80}], **small)
    udp = taskdef(
        lab, "dns", portMappings=[{"containerPort": 53, "hostPort": 53, "protocol": "udp"}], **small
    )
    web1 = taskdef(lab, "web", **small)
    vpc = taskdef(lab, "vpc", networkMode="awsvpc", **small)
    for td, where in ((tcp, "port80"), (udp, "dns53"), (web1, "same-group")):
        got = ecs.start_task(cluster="why", taskDefinition=td, containerInstances=[made[where]])
        assert got["failures"] == []
    got = ecs.start_task(
        cluster="why",
        taskDefinition=vpc,
        containerInstances=[made["eni-full"]] * 2,
        networkConfiguration={"awsvpcConfiguration": {"subnets": [zones["ap-east-1a"]]}},
    )
    assert got["failures"] == []
    lab.advance("1m")

    # The big task: x86, 3 vCPU, 10 GiB, TCP 80 and UDP 53, not on m5.2xlarge, one per instance.
    web2 = taskdef(
        lab,
        "web",
        cpu=3072,
        memory=10240,
        portMappings=[
            {"containerPort": 80, "hostPort": 80},
            {"containerPort": 53, "hostPort": 53, "protocol": "udp"},
        ],
        runtimePlatform={"cpuArchitecture": "X86_64"},
    )
    resp = ecs.run_task(
        cluster="why",
        taskDefinition=web2,
        placementConstraints=[
            {"type": "distinctInstance"},
            {"type": "memberOf", "expression": "attribute:ecs.instance-type != m5.2xlarge"},
        ],
    )
    placed_on = {by_arn[t["containerInstanceArn"]] for t in resp["tasks"]}
    first = why_not_placed_view(lab, "why", "web")
    # An awsvpc task limited to zone a: zone-b fails LOCATION, eni-full fails RESOURCE:ENI.
    ecs.run_task(
        cluster="why",
        taskDefinition=vpc,
        count=10,
        networkConfiguration={"awsvpcConfiguration": {"subnets": [zones["ap-east-1a"]]}},
    )
    second = why_not_placed_view(lab, "why", "vpc")

    rows = first.assign(name=[by_arn[a] for a in _arns(lab, first)])
    got = dict(zip(rows["name"], rows["reason"], strict=True))
    assert got == {
        "draining": "INACTIVE",
        "agent-off": "AGENT",
        "arm": "ATTRIBUTE",
        "small-cpu": "RESOURCE:CPU",
        "small-mem": "RESOURCE:MEMORY",
        "port80": "RESOURCE:PORTS",
        "dns53": "RESOURCE:PORTS_UDP",
        "big": "MemberOf placement constraint unsatisfied",
        "same-group": "DistinctInstance placement constraint unsatisfied",
        # The task went where it fitted, so this placement evaluates the instances as they are
        # now: zone-b now holds the task (distinct), eni-full has room for it.
        "zone-b": got["zone-b"],
        "eni-full": got["eni-full"],
    }
    assert placed_on <= {"zone-b", "eni-full"} and len(placed_on) == 1
    rows2 = second.assign(name=[by_arn[a] for a in _arns(lab, second)])
    got2 = dict(zip(rows2["name"], rows2["reason"], strict=True))
    assert got2["zone-b"] == "LOCATION" and got2["eni-full"] == "RESOURCE:ENI"
    seen = set(first["filter"]) | set(second["filter"])
    assert {f.name for f in FILTERS} <= seen  # every filter rejected at least one instance
    # ECS's words, per filter (documented wording where AWS has one).
    msg = dict(zip(rows["name"], rows["message"], strict=True))
    short = rows.set_index("name")["container_instance"]
    assert msg["small-cpu"] == (
        f"The closest matching container-instance {short['small-cpu']} has insufficient CPU units "
        "available."
    )
    assert msg["port80"].endswith("is already using a port required by your task.")
    assert msg["agent-off"].endswith('encountered error "AGENT".')
    assert msg["draining"].endswith("is not ACTIVE (it is DRAINING), so it takes no new tasks.")
    assert not rows.set_index("name").loc["agent-off", "agent_connected"]
    assert rows.set_index("name").loc["small-cpu", "cpu_free"] == 2048
    assert set(rows["instance_type"]) >= {"m5.xlarge", "m6g.xlarge", "c5.xlarge", "m5.2xlarge"}


def _arns(lab, view):
    """Full container-instance ARNs of the view's rows (the view shows the short id)."""
    arns = lab.client("ecs").list_container_instances(cluster="why")["containerInstanceArns"]
    full = {a.rsplit("/", 1)[-1]: a for a in arns}
    return [full[c] for c in view["container_instance"]]


def test_view_is_empty_before_any_placement(lab, ecs):
    ecs.create_cluster(clusterName="why")
    view = why_not_placed_view(lab, "why")
    assert view.empty and "message" in view.columns
