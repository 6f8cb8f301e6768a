"""Scenarios about capacity and container instances: 3 the instance never registers, 7 awsvpc
ENI exhaustion and trunking (2, placement, is in :mod:`.scenarios_placement`)."""

from __future__ import annotations

from ..core.checks import CheckResult
from .kit import (
    client,
    failures_text,
    last_placement_failures,
    launch,
    public_subnets,
    running,
    started_at,
)
from .model import Scenario
from .text import F_, N_, joined

__all__ = ["NEVER_JOINS", "ENI"]

WEB_IMAGE = "httpd:2.4"


# -- 3: the container instance never registers ------------------------------------------------------


def _instances_named(lab, name: str) -> list[dict]:
    resp = client(lab, "ec2").describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
    return [
        i
        for r in resp["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] in ("pending", "running")
    ]


def _join_setup(lab, variant: str) -> None:
    client(lab, "ecs").create_cluster(clusterName="join-lab")
    if variant == "no-ecs-cluster":
        launch(lab, "join-1", None)
    elif variant == "wrong-cluster-name":
        launch(lab, "join-1", "join_lab")
    elif variant == "no-instance-role":
        launch(lab, "join-1", "join-lab", profile=False)
    else:
        subnets = client(lab, "ec2").describe_subnets()["Subnets"]
        private = next((s["SubnetId"] for s in subnets if not s.get("MapPublicIpOnLaunch")), None)
        private = private or lab.network.add_private_subnet(name="private-a")
        launch(lab, "join-1", "join-lab", subnet_id=private)
    lab.advance("2m")


def _active_in(lab, cluster: str) -> list[dict]:
    ecs = client(lab, "ecs")
    arns = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    if not arns:
        return []
    return ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
        "containerInstances"
    ]


def _join_observe(lab, variant: str) -> str:
    count = len(_active_in(lab, "join-lab"))
    found = _instances_named(lab, "join-1")
    last = ""
    if found:
        lines = [ln for ln in lab.agent_log(found[0]["InstanceId"]) if "level=" in ln]
        errors = [ln for ln in lines if "level=error" in ln] or lines[-1:]
        if errors:
            msg = errors[-1].split('msg="', 1)[-1].split('" ', 1)[0]
            last = F_('; its agent log says: "{message}"', message=msg)
    return F_(
        "{count} container instance(s) in join-lab; join-1 is running{last}",
        count=count,
        last=last,
    )


def _join_check(lab, variant: str) -> CheckResult:
    active = _active_in(lab, "join-lab")
    if active:
        return CheckResult(
            "",
            True,
            F_("{count} ACTIVE container instance(s) in join-lab", count=len(active)),
        )
    where = []
    for c in client(lab, "ecs").list_clusters()["clusterArns"]:
        name = c.rsplit("/", 1)[-1]
        if name != "join-lab" and any(
            i["ec2InstanceId"] in [x["InstanceId"] for x in _instances_named(lab, "join-1")]
            for i in _active_in(lab, name)
        ):
            where.append(name)
    msg = N_("no ACTIVE container instance in join-lab")
    if where:
        msg = F_(
            "no ACTIVE container instance in join-lab (join-1 registered in {clusters} instead)",
            clusters=", ".join(where),
        )
    hint = {
        "no-ecs-cluster": N_(
            "Without an ECS_CLUSTER line in /etc/ecs/ecs.config the agent joins 'default'. "
            "Launch an instance whose user data writes ECS_CLUSTER=join-lab."
        ),
        "wrong-cluster-name": N_(
            "Read the agent log: 'Cluster not found.' The user data names a cluster that is not "
            "join-lab. Launch an instance with ECS_CLUSTER=join-lab (creating a cluster with the "
            "misspelt name makes it join the wrong cluster)."
        ),
        "no-instance-role": N_(
            "The agent has no credentials (NoCredentialProviders): the instance has no instance "
            "profile. Launch one with IamInstanceProfile ecsInstanceRole."
        ),
        "no-route": N_(
            "The agent cannot reach the ECS endpoint (i/o timeout): the subnet is private with no "
            "NAT or endpoint. Add lab.network.add_ecs_vpc_endpoint() and give the agent time to "
            "retry, or launch in a public subnet."
        ),
    }[variant]
    return CheckResult("", False, msg, hint)


def _join_fix(lab, variant: str) -> None:
    if variant == "no-route":
        lab.network.add_ecs_vpc_endpoint()
        lab.advance("10m")
        return
    old = [i["InstanceId"] for i in _instances_named(lab, "join-1")]
    if old:
        client(lab, "ec2").terminate_instances(InstanceIds=old)
    launch(lab, "join-2", "join-lab")
    lab.advance("1m")


NEVER_JOINS = Scenario(
    number=3,
    slug="instance-never-registers",
    title=N_("container instance never registers"),
    cluster="join-lab",
    variants=("no-ecs-cluster", "wrong-cluster-name", "no-instance-role", "no-route"),
    brief=(
        N_(
            "An EC2 instance (Name join-1) was launched for cluster join-lab from the ECS-optimized "
            "AMI. Minutes later, join-lab still has no container instance. Make an instance join "
            "join-lab."
        )
    ),
    questions=(
        N_("Is join-1 running? Which cluster, if any, did it register in?"),
        N_(
            "What does its agent log say (lab.agent_log(instance_id); on AWS "
            "/var/log/ecs/ecs-agent.log)?"
        ),
        N_("What does its user data write to /etc/ecs/ecs.config?"),
        N_("Does it have an instance profile, and a route to the ECS endpoint?"),
    ),
    fix=(
        N_(
            "Give the agent what it needs: ECS_CLUSTER=join-lab in /etc/ecs/ecs.config (user data), "
            "the ecsInstanceRole instance profile, and a route to ECS (public IP, NAT or an ECS VPC "
            "endpoint). Relaunch where the instance itself must change."
        )
    ),
    hints=(
        N_(
            "lab.diagnose_instance(id) and lab.agent_log(id) show what the agent tried and what "
            "failed."
        ),
        N_(
            "No ECS_CLUSTER -> 'default'; 'Cluster not found.' -> a misspelt name; "
            "NoCredentialProviders -> no instance profile; i/o timeout -> no route. Relaunch with "
            "the fix (or add the VPC endpoint for the route)."
        ),
    ),
    setup=_join_setup,
    observe=_join_observe,
    checker=_join_check,
    fixer=_join_fix,
)


# -- 7: awsvpc ENI exhaustion; trunking on but not effective ----------------------------------------

ENI_TASKS = 4


def _eni_run(lab, count: int) -> None:
    client(lab, "ecs").run_task(
        cluster="eni-lab",
        taskDefinition="eni-app",
        count=count,
        networkConfiguration={"awsvpcConfiguration": {"subnets": public_subnets(lab)}},
    )
    lab.advance("1m")


def _eni_setup(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    ecs.create_cluster(clusterName="eni-lab")
    if variant == "t3-unsupported":
        ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    launch(lab, "eni-1", "eni-lab", "t3.medium" if variant == "t3-unsupported" else "m5.large")
    lab.advance("1m")
    if variant == "predates-setting":
        ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    ecs.register_task_definition(
        family="eni-app",
        networkMode="awsvpc",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "web", "image": WEB_IMAGE, "cpu": 256, "memory": 512}],
    )
    _eni_run(lab, ENI_TASKS)


def _eni_observe(lab, variant: str) -> str:
    failures = last_placement_failures(lab, "eni-lab", "eni-app", started_at(lab, "eni-trunking"))
    head = F_(
        "{running} of {total} eni-app tasks RUNNING",
        running=len(running(lab, "eni-lab", "eni-app")),
        total=ENI_TASKS,
    )
    return joined("; ", [head, failures_text(failures)])


def _trunked(lab) -> list[dict]:
    out = []
    for ci in _active_cis(lab):
        attrs = {a["name"] for a in ci.get("attributes", [])}
        if "ecs.awsvpc-trunk-id" in attrs:
            out.append(ci)
    return out


def _active_cis(lab) -> list[dict]:
    return _active_in(lab, "eni-lab")


def _eni_check(lab, variant: str) -> CheckResult:
    have = len(running(lab, "eni-lab", "eni-app"))
    trunked = _trunked(lab)
    setting = {
        s["name"]: s["value"]
        for s in client(lab, "ecs").list_account_settings(
            name="awsvpcTrunking", effectiveSettings=True
        )["settings"]
    }.get("awsvpcTrunking")
    if have >= ENI_TASKS and trunked:
        return CheckResult(
            "",
            True,
            F_(
                "{running} eni-app tasks RUNNING; {trunked} instance(s) have a trunk ENI",
                running=have,
                trunked=len(trunked),
            ),
        )
    msg = F_(
        "{running} of {wanted} eni-app tasks RUNNING, {trunked} trunked instance(s)",
        running=have,
        wanted=ENI_TASKS,
        trunked=len(trunked),
    )
    if setting != "enabled":
        hint = N_(
            "Each awsvpc task takes an ENI: an m5.large has 3, one is the instance's own, so 2 "
            "tasks. Turn on the awsvpcTrunking account setting, then launch an instance (the "
            "setting applies to instances launched after it)."
        )
    elif not trunked:
        hint = N_(
            "awsvpcTrunking is enabled, but no instance in eni-lab has a trunk ENI "
            "(ecs.awsvpc-trunk-id): instances launched before the setting keep their limit, and "
            "t3/t3a do not support trunking. Launch a supported type (m5.large) now."
        )
    else:
        hint = N_("A trunked instance is there: run the missing eni-app tasks.")
    return CheckResult("", False, msg, hint)


def _eni_fix(lab, variant: str) -> None:
    client(lab, "ecs").put_account_setting(name="awsvpcTrunking", value="enabled")
    launch(lab, "eni-2", "eni-lab", "m5.large")
    lab.advance("1m")
    missing = ENI_TASKS - len(running(lab, "eni-lab", "eni-app"))
    if missing > 0:
        _eni_run(lab, missing)


ENI = Scenario(
    number=7,
    slug="eni-trunking",
    title=N_("awsvpc ENI exhaustion; trunking on but not effective"),
    cluster="eni-lab",
    variants=("no-trunking", "predates-setting", "t3-unsupported"),
    brief=(
        N_(
            "Run 4 eni-app tasks (awsvpc, 0.25 vCPU each) in cluster eni-lab. Only some start "
            "although the instance has CPU and memory to spare. Make all of them run, using ENI "
            "trunking."
        )
    ),
    questions=(
        N_("What reason do the RunTask failures give?"),
        N_("How many ENIs does the instance type have, and how many awsvpc tasks does that allow?"),
        N_("Is awsvpcTrunking enabled (list-account-settings --effective-settings)? Since when?"),
        N_("Does the container instance have the ecs.awsvpc-trunk-id attribute? Why not?"),
    ),
    fix=(
        N_(
            "Enable awsvpcTrunking and launch (or replace with) instances of a supported type after "
            "the setting, so they get a trunk ENI; then run the remaining tasks."
        )
    ),
    hints=(
        N_(
            "RESOURCE:ENI: the instance ran out of network interfaces, not CPU. Trunking raises the "
            "limit, but only for some instances."
        ),
        N_(
            "Trunking applies to instances launched after the setting and not to t3/t3a: "
            "put-account-setting awsvpcTrunking enabled, launch a new m5.large into eni-lab, run the "
            "rest."
        ),
    ),
    setup=_eni_setup,
    observe=_eni_observe,
    checker=_eni_check,
    fixer=_eni_fix,
)
