"""Services the way a learner reads them: deployments, tasks and events as tables, and the history
of a service (tasks per deployment, target health) recomputed from the lab's event table.

No ECS logic here: the current state comes from DescribeServices / DescribeTasks /
DescribeTargetHealth, the history from the facts the engine recorded (``TaskCreated`` names the
deployment that started a task in ``started_by``; ``TaskStatusChanged`` / ``TaskRunning`` /
``TaskStopped`` move it through its lifecycle; ``TargetHealthChanged`` moves a target).

Task ids are shown as ``t1``, ``t2`` ... in the order the service started them, so a lesson's
tables read the same from run to run (the real ids are 32 hex digits).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from ..aws import client
from .instances import LaunchRequest, _name_tags, user_data_for
from .service_history import (
    _created,
    deployment_bands,
    service_history,
    target_health_history,
)

__all__ = [
    "deployment_bands",
    "deployments_table",
    "load_balancer",
    "rolling_bounds",
    "service_events",
    "service_history",
    "service_tasks",
    "start_cluster",
    "target_health_table",
    "target_health_history",
    "task_labels",
]

_TASK_ID = re.compile(r"\b[0-9a-f]{32}\b")
_INSTANCE_ID = re.compile(r"\bi-[0-9a-f]{17}\b")
_TG_ARN = re.compile(r"arn:aws:elasticloadbalancing:[^ )]*:targetgroup/([^/ )]+)/[0-9a-f]+")
_EVENT_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def start_cluster(
    lab,
    cluster: str = "MyCluster",
    count: int = 3,
    instance_type: str = "m5.large",
    first: int = 1,
) -> pd.DataFrame:
    """Create ``cluster`` (if needed) and launch ``count`` ECS-optimized instances joining it, one
    per Availability Zone in turn (Name tags ``<cluster>-<first>`` ...); the clock moves a minute
    so they register. Returns their table: name, zone, type."""
    ecs, ec2 = client(lab, "ecs"), client(lab, "ec2")
    ecs.create_cluster(clusterName=cluster)
    subnets = sorted(
        (s for s in ec2.describe_subnets()["Subnets"] if s["MapPublicIpOnLaunch"]),
        key=lambda s: s["AvailabilityZone"],
    )
    rows = []
    for i in range(count):
        subnet = subnets[(first - 1 + i) % len(subnets)]
        req = LaunchRequest(
            instance_type=instance_type,
            user_data=user_data_for(cluster),
            subnet_id=subnet["SubnetId"],
            name=f"{cluster}-{first + i}",
        )
        ec2.run_instances(**req.run_instances_kwargs(lab))
        rows.append((req.name, subnet["AvailabilityZone"], instance_type))
    lab.advance("1m")
    return pd.DataFrame(rows, columns=["name", "zone", "type"]).set_index("name")


def load_balancer(
    lab, name: str = "web", target_type: str = "instance", port: int = 80, **health_check: Any
) -> dict[str, str]:
    """An internet-facing ALB over every public subnet, a target group ``<name>-tg`` (HTTP on
    ``port``, ``target_type``; ``health_check`` as CreateTargetGroup keywords, e.g.
    ``HealthCheckPath="/"``) and an HTTP:80 listener forwarding to it; the clock moves until the
    ALB is active (3 simulated minutes). Returns the ARNs (``lb``, ``tg``) and ``dns``."""
    ec2, elb = client(lab, "ec2"), client(lab, "elbv2")
    subnets = [s for s in ec2.describe_subnets()["Subnets"] if s["MapPublicIpOnLaunch"]]
    subnets.sort(key=lambda s: s["AvailabilityZone"])
    lb = elb.create_load_balancer(Name=f"{name}-alb", Subnets=[s["SubnetId"] for s in subnets])
    lb = lb["LoadBalancers"][0]
    tg = elb.create_target_group(
        Name=f"{name}-tg",
        Protocol="HTTP",
        Port=port,
        VpcId=subnets[0]["VpcId"],
        TargetType=target_type,
        **health_check,
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    elb.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]])
    return {"lb": lb["LoadBalancerArn"], "tg": tg, "dns": lb["DNSName"]}


# -- ids a reader can follow ------------------------------------------------------------------------


def task_labels(lab, cluster: str, service: str) -> dict[str, str]:
    """Task id (32 hex digits) -> ``t1``, ``t2`` ... in the order the service started them."""
    created = _created(lab, cluster, service)
    return {arn.rsplit("/", 1)[-1]: f"t{i + 1}" for i, arn in enumerate(created["task"])}


def _readable(lab, text: str, labels: dict[str, str]) -> str:
    names = _name_tags(lab)
    text = _TASK_ID.sub(lambda m: labels.get(m[0], "…"), text)
    text = _INSTANCE_ID.sub(lambda m: names.get(m[0], "i-…"), text)
    return _TG_ARN.sub(lambda m: f"targetgroup/{m[1]}", text)


def _describe(lab, cluster: str, service: str) -> dict:
    resp = client(lab, "ecs").describe_services(cluster=cluster, services=[service])
    if not resp["services"]:
        raise ValueError(f"there is no service {service} in cluster {cluster}")
    return resp["services"][0]


# -- the current state -------------------------------------------------------------------------------


def deployments_table(lab, cluster: str, service: str) -> pd.DataFrame:
    """DescribeServices' deployments (PRIMARY first): revision, desired/pending/running counts,
    rolloutState and when it started (simulated time)."""
    s = _describe(lab, cluster, service)
    rows = [
        {
            "deployment": d["id"],
            "status": d["status"],
            "revision": d["taskDefinition"].rsplit("/", 1)[-1],
            "desired": d["desiredCount"],
            "pending": d["pendingCount"],
            "running": d["runningCount"],
            "rolloutState": d.get("rolloutState", ""),
            "created": f"{d['createdAt']:%H:%M:%S}",
        }
        for d in s["deployments"]
    ]
    return pd.DataFrame(rows).set_index("deployment")


def service_events(lab, cluster: str, service: str, last: int | None = None) -> pd.DataFrame:
    """The service's events oldest first (DescribeServices lists newest first), with task ids as
    ``t1``..., instance ids as their Name tags and target-group ARNs as their names; ``last``
    keeps the newest few."""
    s = _describe(lab, cluster, service)
    labels = task_labels(lab, cluster, service)
    events = list(reversed(s["events"]))
    if last is not None:
        events = events[-last:]
    rows = [(f"{e['createdAt']:%H:%M:%S}", _readable(lab, e["message"], labels)) for e in events]
    out = pd.DataFrame(rows, columns=["time", "message"])
    out.index = pd.RangeIndex(len(s["events"]) - len(out), len(s["events"]))
    return out


def service_tasks(lab, cluster: str, service: str, desired_status: str = "RUNNING") -> pd.DataFrame:
    """The service's tasks (ListTasks + DescribeTasks): label, revision, zone, instance, last
    status, health, and the stop reason for stopped ones."""
    ecs = client(lab, "ecs")
    arns = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus=desired_status)[
        "taskArns"
    ]
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
    labels = task_labels(lab, cluster, service)
    names = _name_tags(lab)
    ids = _container_instance_ids(lab, cluster, [t.get("containerInstanceArn") for t in tasks])
    ci_to_ec2 = {arn: names.get(i, "i-…") for arn, i in ids.items()}
    rows = []
    for t in tasks:
        tid = t["taskArn"].rsplit("/", 1)[-1]
        rows.append(
            {
                "task": labels.get(tid, "…"),
                "revision": t["taskDefinitionArn"].rsplit("/", 1)[-1],
                "zone": t.get("availabilityZone", ""),
                "instance": ci_to_ec2.get(t.get("containerInstanceArn", ""), ""),
                "lastStatus": t["lastStatus"],
                "health": t.get("healthStatus", ""),
                "stoppedReason": _readable(lab, t.get("stoppedReason", ""), labels),
            }
        )
    order = {v: int(v[1:]) for v in labels.values()}
    rows.sort(key=lambda r: order.get(r["task"], 0))
    cols = ["task", "revision", "zone", "instance", "lastStatus", "health", "stoppedReason"]
    out = pd.DataFrame(rows, columns=cols).set_index("task")
    if desired_status == "RUNNING":
        out = out.drop(columns="stoppedReason")
    return out


def target_health_table(
    lab, target_group_arn: str, cluster: str | None = None, service: str | None = None
) -> pd.DataFrame:
    """DescribeTargetHealth as a table: target (instance Name tag or IP), port, zone, state,
    reason and description; ``cluster``/``service`` add which task (``t1``...) each target is."""
    elb = client(lab, "elbv2")
    got = elb.describe_target_health(TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    names = _name_tags(lab)
    owners = _target_owners(lab, cluster, service) if cluster and service else {}
    rows = []
    for d in got:
        t, h = d["Target"], d["TargetHealth"]
        rows.append(
            {
                "target": names.get(t["Id"], t["Id"]),
                "port": t.get("Port"),
                "task": owners.get((t["Id"], t.get("Port"))) or owners.get((t["Id"], None), ""),
                "zone": t.get("AvailabilityZone", ""),
                "state": h["State"],
                "reason": h.get("Reason", ""),
                "description": h.get("Description", ""),
            }
        )
    cols = ["target", "port", "task", "zone", "state", "reason", "description"]
    out = pd.DataFrame(rows, columns=cols)
    return out if owners else out.drop(columns="task")


def _target_owners(lab, cluster: str, service: str) -> dict:
    """Target -> task label: (instance id, host port) for bridge/host tasks, (IP, None) for
    awsvpc tasks (the ENI's address), from DescribeTasks."""
    ecs = client(lab, "ecs")
    labels = task_labels(lab, cluster, service)
    arns = []
    for status in ("RUNNING", "STOPPED"):
        arns += ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus=status)[
            "taskArns"
        ]
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    cis = _container_instance_ids(lab, cluster, [t.get("containerInstanceArn") for t in tasks])
    out: dict = {}
    if True:
        for t in tasks:
            label = labels.get(t["taskArn"].rsplit("/", 1)[-1], "…")
            for a in t.get("attachments", []):
                for d in a.get("details", []):
                    if d["name"] == "privateIPv4Address":
                        out[(d["value"], None)] = label
            ec2_id = cis.get(t.get("containerInstanceArn", ""))
            for c in t.get("containers", []):
                for b in c.get("networkBindings", []):
                    out[(ec2_id, b.get("hostPort"))] = label
    return out


def _container_instance_ids(lab, cluster: str, arns) -> dict[str, str]:
    """Container-instance ARN -> EC2 instance id (DescribeContainerInstances answers for
    deregistered instances too, which ListContainerInstances no longer lists)."""
    ecs = client(lab, "ecs")
    arns = sorted({a for a in arns if a})
    out = {}
    for i in range(0, len(arns), 100):
        got = ecs.describe_container_instances(
            cluster=cluster, containerInstances=arns[i : i + 100]
        )
        out.update(
            {c["containerInstanceArn"]: c["ec2InstanceId"] for c in got["containerInstances"]}
        )
    return out


# -- arithmetic --------------------------------------------------------------------------------------


def rolling_bounds(desired: int, minimum_healthy_percent: int, maximum_percent: int) -> dict:
    """What a rolling deployment may do: the fewest healthy tasks it keeps (rounded up), the most
    tasks it may run (rounded down), and so how many old tasks it may stop and new tasks it may
    start at first."""
    low = math.ceil(desired * minimum_healthy_percent / 100)
    high = math.floor(desired * maximum_percent / 100)
    return {
        "desired": desired,
        "min_healthy": low,
        "max_tasks": high,
        "may_stop_first": max(desired - low, 0),
        "may_start_first": max(high - desired, 0),
    }
