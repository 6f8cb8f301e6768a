"""Service auto scaling views (lesson 14): a service set up for scaling, the per-minute story of
load, utilisation and task counts, alarm state intervals, scaling activities and policies.

Everything is read through the lab's clients (Application Auto Scaling, CloudWatch, ECS) and
its event table; the offered load is the lab's load model (``lab.alarms.offered_load``).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from ..aws import client
from .services import start_cluster

__all__ = [
    "DIM",
    "scaling_service",
    "target_tracking",
    "scaling_history",
    "alarm_intervals",
    "alarms_table",
    "activities_table",
    "resource_id",
]

DIM = "ecs:service:DesiredCount"


def resource_id(cluster: str, service: str) -> str:
    return f"service/{cluster}/{service}"


def scaling_service(
    lab,
    cluster: str = "MyCluster",
    service: str = "web",
    instances: int = 3,
    instance_type: str = "m5.large",
    task_cpu: int = 256,
    desired: int = 1,
) -> dict:
    """A cluster of ``instances`` and a REPLICA service of a long-running busybox web server
    (``task_cpu`` CPU units, 256 MiB a task), stable. Returns the service's summary."""
    start_cluster(lab, cluster, instances, instance_type)
    ecs = client(lab, "ecs")
    ecs.register_task_definition(
        family=service,
        containerDefinitions=[
            {
                "name": "web",
                "image": "busybox",
                "cpu": task_cpu,
                "memory": 256,
                "command": ["httpd", "-f", "-p", "8080"],
            }
        ],
    )
    ecs.create_service(
        cluster=cluster, serviceName=service, taskDefinition=service, desiredCount=desired
    )
    ecs.get_waiter("services_stable").wait(cluster=cluster, services=[service])
    s = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    return {k: s[k] for k in ("serviceName", "status", "desiredCount", "runningCount")}


def target_tracking(
    lab,
    cluster: str,
    service: str,
    target: float = 50.0,
    metric: str = "ECSServiceAverageCPUUtilization",
    scale_out_cooldown: int = 60,
    scale_in_cooldown: int = 300,
    disable_scale_in: bool = False,
    name: str = "cpu-target-tracking",
) -> dict:
    """PutScalingPolicy: a target-tracking policy on ``metric`` (the answer: PolicyARN, Alarms)."""
    return client(lab, "application-autoscaling").put_scaling_policy(
        PolicyName=name,
        ServiceNamespace="ecs",
        ResourceId=resource_id(cluster, service),
        ScalableDimension=DIM,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": float(target),
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            "ScaleOutCooldown": scale_out_cooldown,
            "ScaleInCooldown": scale_in_cooldown,
            "DisableScaleIn": disable_scale_in,
        },
    )


def _counts(lab, cluster: str, service: str, grid: pd.DatetimeIndex) -> tuple[list, list]:
    from .deploy import running_counts

    ev = lab.events
    arn_tail = f":service/{cluster}/{service}"
    rows = ev[
        ev["kind"].isin(["ServiceCreated", "ServiceUpdated"])
        & ev["resource"].astype(str).str.endswith(arn_tail)
    ]
    desired = []
    for t, d in zip(rows["time"], rows["detail"], strict=True):
        n = d.get("desired_count", (d.get("changes") or {}).get("desired_count"))
        if n is not None:
            desired.append((t, n))
    d = pd.Series([n for _, n in desired], index=[t for t, _ in desired], dtype=float)
    d = d[~d.index.duplicated(keep="last")]
    r = running_counts(lab, cluster, service).set_index("time")["running"]

    def at(s: pd.Series) -> list:
        if s.empty:
            return [0] * len(grid)
        return [int(v) for v in s.reindex(s.index.union(grid)).ffill().fillna(0).loc[grid]]

    return at(d), at(r)


def scaling_history(lab, cluster: str, service: str, start=None) -> pd.DataFrame:
    """One row a whole simulated minute from ``start`` (default: the service's creation) to the
    last minute that ended: the offered load (requests/s, at the minute's middle),
    CPUUtilization and MemoryUtilization (%, CloudWatch's AWS/ECS one-minute datapoints; empty
    where no task ran), desired and running counts (at the minute's end)."""
    ev = lab.events
    created = ev[
        (ev["kind"] == "ServiceCreated")
        & ev["resource"].astype(str).str.endswith(f":service/{cluster}/{service}")
    ]
    t0 = pd.Timestamp(start) if start is not None else created["time"].min()
    now = pd.Timestamp(lab.now)
    # Whole minutes only: a minute's datapoint exists once it has ended.
    grid = pd.date_range(t0.floor("1min"), now.floor("1min") - pd.Timedelta(minutes=1), freq="1min")
    if not len(grid):
        grid = pd.DatetimeIndex([t0.floor("1min")])
    dims = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}]
    cw = client(lab, "cloudwatch")
    util = {}
    for metric in ("CPUUtilization", "MemoryUtilization"):
        pts = cw.get_metric_statistics(
            Namespace="AWS/ECS",
            MetricName=metric,
            Dimensions=dims,
            StartTime=grid[0].to_pydatetime(),
            EndTime=(now + timedelta(minutes=1)).to_pydatetime(),
            Period=60,
            Statistics=["Average"],
        )["Datapoints"]
        s = pd.Series({pd.Timestamp(p["Timestamp"]): p["Average"] for p in pts}, dtype=float)
        util[metric] = s.reindex(grid).round(1).tolist() if len(s) else [None] * len(grid)
    # The offered load of each minute, at its middle (as the metric model samples it).
    mids = [(t + pd.Timedelta(seconds=30)).to_pydatetime() for t in grid]
    load = lab.alarms.offered_load(cluster, service, mids)
    # Counts at the end of each minute: what the minute's utilisation was measured against.
    desired, running = _counts(lab, cluster, service, grid + pd.Timedelta(minutes=1))
    return pd.DataFrame(
        {
            "time": grid,
            "load_rps": [round(v, 1) for v in load],
            "cpu": util["CPUUtilization"],
            "memory": util["MemoryUtilization"],
            "desired": desired,
            "running": running,
        }
    )


def alarm_intervals(lab, prefix: str = "") -> pd.DataFrame:
    """Each alarm's states as intervals (from its AlarmStateChanged facts): alarm, kind
    (AlarmHigh / AlarmLow / the name), state, start, end (now for the current state)."""
    ev = lab.events
    rows = ev[ev["kind"] == "AlarmStateChanged"]
    out = []
    current: dict[str, tuple] = {}
    for t, d in zip(rows["time"], rows["detail"], strict=True):
        name = d["name"]
        if not name.startswith(prefix):
            continue
        if name in current:
            state, since = current[name]
            out.append((name, state, since, t))
        current[name] = (d["new_state"], t)
    now = pd.Timestamp(lab.now)
    out += [(n, s, since, now) for n, (s, since) in current.items()]
    table = pd.DataFrame(out, columns=["alarm", "state", "start", "end"])
    table.insert(1, "kind", [_kind(n) for n in table["alarm"]])
    return table.sort_values(["alarm", "start"], ignore_index=True)


def _kind(name: str) -> str:
    for k in ("AlarmHigh", "AlarmLow"):
        if f"-{k}-" in name:
            return k
    return name


def alarms_table(lab, prefix: str = "") -> pd.DataFrame:
    """DescribeAlarms as a table: kind, state, metric, comparison and threshold, datapoints (M
    of N), period; alarm names shortened to their kind (their uuid differs by seed)."""
    kw = {"AlarmNamePrefix": prefix} if prefix else {}
    got = client(lab, "cloudwatch").describe_alarms(**kw)["MetricAlarms"]
    rows = [
        {
            "alarm": _kind(a["AlarmName"]),
            "state": a["StateValue"],
            "metric": a["MetricName"],
            "condition": f"{a['ComparisonOperator']} {a['Threshold']:g}",
            "datapoints": f"{a['DatapointsToAlarm']} of {a['EvaluationPeriods']}",
            "period_s": a["Period"],
        }
        for a in got
    ]
    return pd.DataFrame(rows).set_index("alarm") if rows else pd.DataFrame()


def activities_table(lab, cluster: str, service: str) -> pd.DataFrame:
    """DescribeScalingActivities, oldest first: time, description, cause (alarm names shortened
    to their kind), status."""
    acts = client(lab, "application-autoscaling").describe_scaling_activities(
        ServiceNamespace="ecs", ResourceId=resource_id(cluster, service)
    )["ScalingActivities"]
    rows = []
    for a in reversed(acts):
        cause = a["Cause"]
        for word in cause.split():
            if word.startswith("TargetTracking-"):
                cause = cause.replace(word, f"TargetTracking-…-{_kind(word)}")
        rows.append(
            {
                "time": f"{a['StartTime']:%H:%M}",
                "description": a["Description"],
                "cause": cause,
                "status": a["StatusCode"],
            }
        )
    return pd.DataFrame(rows, columns=["time", "description", "cause", "status"])
