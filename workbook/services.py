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
from datetime import datetime

import pandas as pd

from .aws import client
from .instances import LaunchRequest, _name_tags, user_data_for

__all__ = [
    "deployment_bands",
    "deployments_table",
    "rolling_bounds",
    "service_events",
    "service_history",
    "service_tasks",
    "start_cluster",
    "target_health_history",
    "target_health_table",
    "task_labels",
]

_TASK_ID = re.compile(r"\b[0-9a-f]{32}\b")
_INSTANCE_ID = re.compile(r"\bi-[0-9a-f]{17}\b")
_TG_ARN = re.compile(r"arn:aws:elasticloadbalancing:[^ )]*:targetgroup/([^/ )]+)/[0-9a-f]+")
_EVENT_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\b")

#: Lifecycle states grouped the way the console counts them.
PENDING = ("PROVISIONING", "PENDING", "ACTIVATING")
STOPPING = ("DEACTIVATING", "STOPPING", "DEPROVISIONING")


def start_cluster(
    lab, cluster: str = "MyCluster", count: int = 3, instance_type: str = "m5.large"
) -> pd.DataFrame:
    """Create ``cluster`` and launch ``count`` ECS-optimized instances joining it, one per
    Availability Zone in turn (Name tags ``<cluster>-1`` ...); the clock moves a minute so they
    register. Returns their table: name, zone, type."""
    ecs, ec2 = client(lab, "ecs"), client(lab, "ec2")
    ecs.create_cluster(clusterName=cluster)
    subnets = sorted(
        (s for s in ec2.describe_subnets()["Subnets"] if s["MapPublicIpOnLaunch"]),
        key=lambda s: s["AvailabilityZone"],
    )
    rows = []
    for i in range(count):
        subnet = subnets[i % len(subnets)]
        req = LaunchRequest(
            instance_type=instance_type,
            user_data=user_data_for(cluster),
            subnet_id=subnet["SubnetId"],
            name=f"{cluster}-{i + 1}",
        )
        ec2.run_instances(**req.run_instances_kwargs(lab))
        rows.append((req.name, subnet["AvailabilityZone"], instance_type))
    lab.advance("1m")
    return pd.DataFrame(rows, columns=["name", "zone", "type"]).set_index("name")


# -- ids a reader can follow ------------------------------------------------------------------------


def _service_arn(lab, cluster: str, service: str) -> str:
    return f"arn:aws:ecs:{lab.region}:{lab.account_id}:service/{cluster}/{service}"


def _created(lab, cluster: str, service: str) -> pd.DataFrame:
    """TaskCreated facts of the service's tasks, in order (task arn, time, deployment, az)."""
    ev = lab.events
    ev = ev[(ev["kind"] == "TaskCreated") & (ev["cluster"] == cluster)]
    mine = [d.get("service") == service for d in ev["detail"]]
    ev = ev[mine]
    return pd.DataFrame(
        {
            "task": ev["resource"].astype(str).to_numpy(),
            "time": ev["time"].to_numpy(),
            "deployment": [d.get("started_by", "") for d in ev["detail"]],
            "az": [d.get("az", "") for d in ev["detail"]],
            "revision": [f"{d.get('family')}:{d.get('revision')}" for d in ev["detail"]],
        }
    )


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
    """DescribeServices' deployments (PRIMARY first): revision, desired/pending/running/failed
    counts, rolloutState and when it started (simulated time)."""
    s = _describe(lab, cluster, service)
    rows = [
        {
            "deployment": d["id"],
            "status": d["status"],
            "revision": d["taskDefinition"].rsplit("/", 1)[-1],
            "desired": d["desiredCount"],
            "pending": d["pendingCount"],
            "running": d["runningCount"],
            "failed": d.get("failedTasks", 0),
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


# -- history from the event table ---------------------------------------------------------------------


def service_history(lab, cluster: str, service: str, until: datetime | None = None) -> pd.DataFrame:
    """Tasks per deployment over simulated time: one row per moment something changed, columns
    time, deployment, pending, running, stopping (counts of that deployment's tasks), and the
    service's desired count then (``desired``; None for a DAEMON service, whose desired count
    follows its instances)."""
    ev = lab.events
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    created = _created(lab, cluster, service)
    created = created[created["time"] <= ev["time"].max()] if len(ev) else created.iloc[:0]
    dep_of = dict(zip(created["task"], created["deployment"], strict=True))
    moves = ev[ev["resource"].isin(list(dep_of)) & ev["kind"].isin(_STATUS_KINDS)]
    status = [d.get("status") for d in moves["detail"]]
    tr = pd.DataFrame(
        {
            "time": moves["time"].to_numpy(),
            "task": moves["resource"].astype(str).to_numpy(),
            "status": status,
        }
    ).dropna()
    tr["state"] = tr["status"].map(_category)
    tr = tr[tr["state"].notna()]
    tr = tr[tr["state"] != tr.groupby("task")["state"].shift()]  # only real moves
    tr["deployment"] = tr["task"].map(dep_of)
    prev = tr.groupby("task")["state"].shift()
    plus = tr.assign(delta=1)
    minus = tr.assign(state=prev, delta=-1).dropna(subset=["state"])
    steps = pd.concat([plus, minus])
    steps = steps[steps["state"] != "stopped"]
    cols = ["time", "deployment", "pending", "running", "stopping", "desired"]
    if steps.empty:
        return pd.DataFrame(columns=cols)
    grid = steps.pivot_table(
        index=["time", "deployment"], columns="state", values="delta", aggfunc="sum", fill_value=0
    )
    for c in ("pending", "running", "stopping"):
        if c not in grid:
            grid[c] = 0
    grid = grid[["pending", "running", "stopping"]].unstack("deployment", fill_value=0).cumsum()
    out = grid.stack("deployment", future_stack=True).reset_index()
    first = steps.groupby("deployment")["time"].min()
    out = out[out["time"] >= out["deployment"].map(first)]  # a deployment's rows from its start
    out = out.sort_values(["time", "deployment"], kind="stable")
    desired = _desired_over_time(ev, _service_arn(lab, cluster, service))
    if desired.empty:
        out["desired"] = None
    else:
        out = pd.merge_asof(out, desired, on="time", direction="backward")
    for c in ("pending", "running", "stopping"):
        out[c] = out[c].astype(int)
    return out[cols].reset_index(drop=True)


_STATUS_KINDS = ["TaskCreated", "TaskStatusChanged", "TaskRunning", "TaskStopped"]


def _category(status: str) -> str | None:
    if status in PENDING:
        return "pending"
    if status == "RUNNING":
        return "running"
    if status in STOPPING:
        return "stopping"
    if status == "STOPPED":
        return "stopped"
    return None


def _desired_over_time(ev: pd.DataFrame, svc_arn: str) -> pd.DataFrame:
    mine = ev[ev["resource"] == svc_arn]
    rows = []
    for t, k, d in zip(mine["time"], mine["kind"].astype(str), mine["detail"], strict=True):
        if k == "ServiceCreated":
            if d.get("scheduling_strategy") == "DAEMON":
                return pd.DataFrame(columns=["time", "desired"])
            rows.append((t, d.get("desired_count")))
        elif k == "ServiceUpdated" and "desired_count" in d.get("changes", {}):
            rows.append((t, d["changes"]["desired_count"]))
        elif k == "ServiceDeleted":
            rows.append((t, 0))
    return pd.DataFrame(rows, columns=["time", "desired"])


def deployment_bands(lab, cluster: str, service: str) -> pd.DataFrame:
    """One row per deployment: id, revision, start, completed (when its rollout completed or
    failed; NaT while in progress), end (when a newer deployment completed and replaced it, or
    the service went INACTIVE; NaT while it still runs) and outcome (its rolloutState)."""
    ev = lab.events
    mine = ev[ev["resource"] == _service_arn(lab, cluster, service)]
    deps: dict[str, dict] = {}
    for t, k, d in zip(mine["time"], mine["kind"].astype(str), mine["detail"], strict=True):
        if k == "DeploymentStarted":
            deps[d["deployment"]] = {
                "deployment": d["deployment"],
                "revision": d["task_definition"].rsplit("/", 1)[-1],
                "start": t,
                "completed": pd.NaT,
                "end": pd.NaT,
                "outcome": "IN_PROGRESS",
            }
        elif k in ("DeploymentCompleted", "DeploymentFailed") and d["deployment"] in deps:
            done = "COMPLETED" if k == "DeploymentCompleted" else "FAILED"
            deps[d["deployment"]].update(completed=t, outcome=done)
            if done == "COMPLETED":  # the older ones still running were replaced
                for other in deps.values():
                    if other["deployment"] != d["deployment"] and pd.isna(other["end"]):
                        other["end"] = t
        elif k == "ServiceInactive":
            for other in deps.values():
                if pd.isna(other["end"]):
                    other["end"] = t
    cols = ["deployment", "revision", "start", "completed", "end", "outcome"]
    return pd.DataFrame(list(deps.values()), columns=cols)


def target_health_history(
    lab, target_group_arn: str, until: datetime | None = None
) -> pd.DataFrame:
    """Every TargetHealthChanged of a target group: time, target (Name tag or IP), port, from,
    to (the new state) and the reason code."""
    ev = lab.events
    ev = ev[(ev["kind"] == "TargetHealthChanged") & (ev["resource"] == target_group_arn)]
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    names = _name_tags(lab)
    return pd.DataFrame(
        {
            "time": ev["time"].to_numpy(),
            "target": [names.get(d["target"], d["target"]) for d in ev["detail"]],
            "port": [d.get("port") for d in ev["detail"]],
            "from": [d.get("from") for d in ev["detail"]],
            "to": [d.get("to") for d in ev["detail"]],
            "reason": [d.get("reason") or "" for d in ev["detail"]],
        }
    )
