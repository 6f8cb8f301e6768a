"""Scenario 13: the service's tasks are stuck in PROVISIONING (capacity providers, lesson 13).

Cluster ``cap-lab`` has one Auto Scaling group capacity provider ``asg-cp`` as its default
strategy and service ``web`` wants 3 tasks, but no instance ever comes: variant
``max-size-zero`` -- the group's MaxSize is 0, so managed scaling cannot raise its desired
capacity (CapacityProviderReservation stays at 200); variant ``managed-scaling-off`` -- the
provider's managed scaling is DISABLED, so nothing acts on the metric and the group stays at 0.
The check passes when the service runs its 3 tasks on instances of the group, with the group and
provider still in place (no switching to another launch type).
"""

from __future__ import annotations

import base64

from botocore.exceptions import ClientError

from ..core.checks import CheckResult
from .kit import ami, client, user_data
from .model import Scenario
from .text import F_, N_, joined

__all__ = ["STUCK_PROVISIONING"]

CLUSTER, SERVICE, GROUP, PROVIDER = "cap-lab", "web", "cap-asg", "asg-cp"
WANT = 3


def _setup(lab, variant: str) -> None:
    ecs, ec2, asg = client(lab, "ecs"), client(lab, "ec2"), client(lab, "autoscaling")
    ecs.create_cluster(clusterName=CLUSTER)
    lt = ec2.create_launch_template(
        LaunchTemplateName="cap-lt",
        LaunchTemplateData={
            "ImageId": ami(lab),
            "InstanceType": "m5.large",
            "IamInstanceProfile": {"Name": "ecsInstanceRole"},
            "UserData": base64.b64encode(user_data(CLUSTER).encode()).decode(),
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    subnets = ",".join(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])
    asg.create_auto_scaling_group(
        AutoScalingGroupName=GROUP,
        LaunchTemplate={"LaunchTemplateId": lt},
        MinSize=0,
        MaxSize=0 if variant == "max-size-zero" else 4,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnets,
        NewInstancesProtectedFromScaleIn=True,
    )
    arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0][
        "AutoScalingGroupARN"
    ]
    managed = variant != "managed-scaling-off"
    ecs.create_capacity_provider(
        name=PROVIDER,
        autoScalingGroupProvider={
            "autoScalingGroupArn": arn,
            "managedScaling": {
                "status": "ENABLED" if managed else "DISABLED",
                "targetCapacity": 100,
            },
            "managedTerminationProtection": "ENABLED" if managed else "DISABLED",
        },
    )
    ecs.put_cluster_capacity_providers(
        cluster=CLUSTER,
        capacityProviders=[PROVIDER],
        defaultCapacityProviderStrategy=[{"capacityProvider": PROVIDER, "weight": 1}],
    )
    ecs.register_task_definition(
        family=SERVICE,
        containerDefinitions=[
            {"name": "web", "image": "httpd:2.4", "cpu": 512, "memory": 512, "essential": True}
        ],
    )
    ecs.create_service(
        cluster=CLUSTER, serviceName=SERVICE, taskDefinition=SERVICE, desiredCount=WANT
    )
    lab.advance("10m")


def _state(lab) -> dict:
    ecs, asg = client(lab, "ecs"), client(lab, "autoscaling")
    out: dict = {"service": None, "group": None, "provider": None, "tasks": []}
    try:
        svcs = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"]
        out["service"] = svcs[0] if svcs else None
        arns = ecs.list_tasks(cluster=CLUSTER, serviceName=SERVICE)["taskArns"]
        if arns:
            out["tasks"] = ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"]
        got = ecs.describe_capacity_providers(capacityProviders=[PROVIDER])["capacityProviders"]
        out["provider"] = got[0] if got else None
    except ClientError:
        pass
    groups = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"]
    out["group"] = groups[0] if groups else None
    return out


def _observe(lab, variant: str) -> str:
    st = _state(lab)
    svc, g, p = st["service"], st["group"], st["provider"]
    statuses: dict[str, int] = {}
    for t in st["tasks"]:
        statuses[t["lastStatus"]] = statuses.get(t["lastStatus"], 0) + 1
    lines = [
        F_(
            "service {name}: desiredCount {desired}, runningCount {running}, pendingCount "
            "{pending}",
            name=SERVICE,
            desired=svc["desiredCount"],
            running=svc["runningCount"],
            pending=svc["pendingCount"],
        ),
        F_(
            "tasks: {counts}",
            counts=", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
        ),
    ]
    if g is not None:
        lines.append(
            F_(
                "Auto Scaling group {name}: MinSize {min}, MaxSize {max}, DesiredCapacity "
                "{desired}, {count} instances",
                name=GROUP,
                min=g["MinSize"],
                max=g["MaxSize"],
                desired=g["DesiredCapacity"],
                count=len(g["Instances"]),
            )
        )
    if p is not None:
        ms = p["autoScalingGroupProvider"]["managedScaling"]
        lines.append(
            F_(
                "capacity provider {name}: managedScaling {status}, targetCapacity {target}",
                name=PROVIDER,
                status=ms["status"],
                target=ms["targetCapacity"],
            )
        )
    last = lab.managed_scaling.last.get(PROVIDER)
    if last is not None and p is not None and ms["status"] == "ENABLED":
        lines.append(
            f"CapacityProviderReservation: {last['value']:.0f} (M={last['m']}, N={last['n']})"
        )  # AWS's metric name and figures only
    return joined("\n", lines)


def _check(lab, variant: str) -> CheckResult:
    st = _state(lab)
    svc, g, p = st["service"], st["group"], st["provider"]
    if g is None or p is None or p["status"] != "ACTIVE":
        return CheckResult(
            "",
            False,
            F_(
                "the Auto Scaling group {group} or the capacity provider {provider} is gone",
                group=GROUP,
                provider=PROVIDER,
            ),
            N_("Keep the group and its provider: the fix is in their settings."),
        )
    if svc is None or svc.get("launchType") and svc["launchType"] != "EC2":
        return CheckResult(
            "",
            False,
            F_("service {name} no longer uses the capacity provider", name=SERVICE),
            N_("Keep the service on its capacity provider strategy."),
        )
    ms = p["autoScalingGroupProvider"]["managedScaling"]
    if g["MaxSize"] == 0:
        return CheckResult(
            "",
            False,
            F_(
                "group {group} has MaxSize 0: managed scaling can never add an instance",
                group=GROUP,
            ),
            F_(
                "aws autoscaling update-auto-scaling-group --auto-scaling-group-name {group} "
                "--max-size 4",
                group=GROUP,
            ),
        )
    if ms["status"] != "ENABLED" and g["DesiredCapacity"] == 0:
        return CheckResult(
            "",
            False,
            F_(
                "capacity provider {provider} has managed scaling DISABLED and the group wants 0",
                provider=PROVIDER,
            ),
            N_(
                "aws ecs update-capacity-provider --name asg-cp --auto-scaling-group-provider "
                "managedScaling={status=ENABLED,targetCapacity=100}"
            ),
        )
    on_group = {i["InstanceId"] for i in g["Instances"]}
    running = [t for t in st["tasks"] if t["lastStatus"] == "RUNNING"]
    if len(running) < WANT:
        return CheckResult(
            "",
            False,
            F_("{running} of {want} tasks RUNNING so far", running=len(running), want=WANT),
            N_(
                "Managed scaling acts every minute and the instance needs about a minute to join: "
                "advance the clock (lab.advance('5m'))."
            ),
        )
    ci_arns = [t["containerInstanceArn"] for t in running]
    cis = client(lab, "ecs").describe_container_instances(
        cluster=CLUSTER, containerInstances=ci_arns
    )["containerInstances"]
    if not all(c["ec2InstanceId"] in on_group for c in cis):
        return CheckResult(
            "",
            False,
            N_("some tasks run on instances outside the group"),
            N_("Let the capacity provider bring the instances."),
        )
    return CheckResult(
        "",
        True,
        F_(
            "{running} tasks RUNNING on {instances} instance(s) of {group} (MaxSize {max_size}, "
            "managed scaling {status})",
            running=len(running),
            instances=len(on_group),
            group=GROUP,
            max_size=g["MaxSize"],
            status=ms["status"],
        ),
    )


def _fix(lab, variant: str) -> None:
    if variant == "max-size-zero":
        client(lab, "autoscaling").update_auto_scaling_group(AutoScalingGroupName=GROUP, MaxSize=4)
    else:
        client(lab, "ecs").update_capacity_provider(
            name=PROVIDER,
            autoScalingGroupProvider={
                "managedScaling": {"status": "ENABLED", "targetCapacity": 100}
            },
        )
    lab.advance("5m")


STUCK_PROVISIONING = Scenario(
    number=13,
    slug="stuck-in-provisioning",
    title=N_("Tasks stuck in PROVISIONING (capacity provider)"),
    cluster=CLUSTER,
    variants=("max-size-zero", "managed-scaling-off"),
    brief=(
        N_(
            "Service web in cap-lab uses the cluster's capacity provider asg-cp. It was created ten"
            " minutes ago and none of its 3 tasks has started: they all sit in PROVISIONING. Make "
            "them run on instances from the capacity provider's Auto Scaling group, without "
            "switching the service to another launch type."
        )
    ),
    questions=(
        N_(
            "What do aws ecs describe-tasks show as lastStatus, and is there a containerInstanceArn?"
        ),
        N_("What are the Auto Scaling group's MinSize, MaxSize and DesiredCapacity?"),
        N_("Is managed scaling ENABLED on the capacity provider? What is its targetCapacity?"),
        N_(
            "What does CapacityProviderReservation (AWS/ECS/ManagedScaling) say, and what would "
            "target tracking do with it?"
        ),
    ),
    fix=(
        N_(
            "Let managed scaling grow the group: raise the group's MaxSize above 0 "
            "(update-auto-scaling-group --max-size 4), or turn managed scaling on for the provider "
            "(update-capacity-provider ... managedScaling status ENABLED), then wait a few minutes."
        )
    ),
    hints=(
        N_(
            "Tasks of an Auto Scaling group capacity provider wait in PROVISIONING until an "
            "instance of the group has room; only managed scaling, within MinSize and MaxSize, adds "
            "instances."
        ),
        N_(
            "aws autoscaling describe-auto-scaling-groups and aws ecs describe-capacity-providers: "
            "fix MaxSize 0 with update-auto-scaling-group, or DISABLED managed scaling with "
            "update-capacity-provider, then lab.advance('5m')."
        ),
    ),
    setup=_setup,
    observe=_observe,
    checker=_check,
    fixer=_fix,
    variant_notes={
        "max-size-zero": "the group's MaxSize is 0: CapacityProviderReservation stays 200",
        "managed-scaling-off": "managed scaling DISABLED: nothing scales the group",
    },
)
