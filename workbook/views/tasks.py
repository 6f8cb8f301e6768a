"""Tasks the way the lessons read them: console-style tables from ListTasks / DescribeTasks
(ids shown as instance names and ``family #n``, so outputs compare across seeds), the
lifecycle timestamps, and the "why not placed?" table with instance names. No ECS logic here."""

from __future__ import annotations

import pandas as pd

from ..aws import client
from .instances import name_tags

__all__ = [
    "containers_table",
    "describe",
    "lifecycle_table",
    "network_table",
    "tasks_table",
    "why_table",
]

TIMESTAMPS = (
    "createdAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)


def describe(lab, cluster: str, arns: list[str]) -> list[dict]:
    """DescribeTasks in batches of 100, in the order given."""
    ecs = client(lab, "ecs")
    out: list[dict] = []
    for i in range(0, len(arns), 100):
        got = {
            t["taskArn"]: t
            for t in ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
        }
        out += [got[a] for a in arns[i : i + 100] if a in got]
    return out


def _instances(lab, cluster: str, tasks: list[dict]) -> dict[str, str]:
    arns = sorted({t["containerInstanceArn"] for t in tasks if "containerInstanceArn" in t})
    if not arns:
        return {}
    names = name_tags(lab)
    cis = client(lab, "ecs").describe_container_instances(cluster=cluster, containerInstances=arns)
    return {
        c["containerInstanceArn"]: names.get(c["ec2InstanceId"], c["ec2InstanceId"])
        for c in cis["containerInstances"]
    }


def _arns(lab, cluster: str, family: str | None, desired: str) -> list[str]:
    ecs = client(lab, "ecs")
    kw = {"cluster": cluster}
    if family is not None:
        kw["family"] = family
    statuses = ("RUNNING", "STOPPED") if desired == "any" else (desired,)
    out = []
    for s in statuses:
        pages = ecs.get_paginator("list_tasks").paginate(desiredStatus=s, **kw)
        out += [a for p in pages for a in p["taskArns"]]
    return out


def tasks_table(
    lab, cluster: str, family: str | None = None, desired: str = "RUNNING"
) -> pd.DataFrame:
    """One row per task (ListTasks with ``desired`` = RUNNING, STOPPED or "any"), oldest first,
    indexed ``family #n``: revision, instance (Name tag; "Fargate" for Fargate), zone, last and
    desired status, stop code, exit codes and host ports."""
    tasks = sorted(
        describe(lab, cluster, _arns(lab, cluster, family, desired)), key=lambda t: t["createdAt"]
    )
    where = _instances(lab, cluster, tasks)
    seen: dict[str, int] = {}
    rows, index = [], []
    for t in tasks:
        fam, rev = t["taskDefinitionArn"].rsplit("/", 1)[1].split(":")
        seen[fam] = seen.get(fam, 0) + 1
        index.append(f"{fam} #{seen[fam]}")
        codes = [c.get("exitCode") for c in t["containers"]]
        ports = [b["hostPort"] for c in t["containers"] for b in c.get("networkBindings", [])]
        rows.append(
            {
                "revision": int(rev),
                "instance": where.get(t.get("containerInstanceArn", ""), "Fargate"),
                "az": t.get("availabilityZone", ""),
                "lastStatus": t["lastStatus"],
                "desiredStatus": t["desiredStatus"],
                "stopCode": t.get("stopCode", ""),
                "exitCodes": ", ".join("-" if c is None else str(c) for c in codes),
                "hostPorts": ", ".join(str(p) for p in sorted(ports)),
            }
        )
    cols = [
        "revision",
        "instance",
        "az",
        "lastStatus",
        "desiredStatus",
        "stopCode",
        "exitCodes",
        "hostPorts",
    ]
    return pd.DataFrame(rows, columns=cols, index=pd.Index(index, name="task"))


def lifecycle_table(lab, cluster: str, arn: str) -> pd.DataFrame:
    """A task's timestamps, as seconds after createdAt (the ones it has so far)."""
    t = describe(lab, cluster, [arn])[0]
    created = t["createdAt"]
    rows = [
        {"timestamp": k, "seconds_after_created": round((t[k] - created).total_seconds(), 3)}
        for k in TIMESTAMPS
        if k in t
    ]
    return pd.DataFrame(rows).set_index("timestamp")


def containers_table(lab, cluster: str, arn: str) -> pd.DataFrame:
    """A task's containers: essential (from its task definition), status, exit code, reason."""
    t = describe(lab, cluster, [arn])[0]
    td = client(lab, "ecs").describe_task_definition(taskDefinition=t["taskDefinitionArn"])
    essential = {
        c["name"]: c.get("essential", True) for c in td["taskDefinition"]["containerDefinitions"]
    }
    rows = [
        {
            "container": c["name"],
            "essential": essential.get(c["name"], True),
            "lastStatus": c["lastStatus"],
            "exitCode": c.get("exitCode", ""),
            "reason": c.get("reason", ""),
        }
        for c in t["containers"]
    ]
    return pd.DataFrame(rows).set_index("container")


def network_table(
    lab, cluster: str, family: str | None = None, desired: str = "RUNNING"
) -> pd.DataFrame:
    """Per task: network mode, host and container ports (networkBindings) and, for awsvpc, its
    ENI attachment's status and subnet zone."""
    ecs = client(lab, "ecs")
    tasks = sorted(
        describe(lab, cluster, _arns(lab, cluster, family, desired)), key=lambda t: t["createdAt"]
    )
    where = _instances(lab, cluster, tasks)
    modes: dict[str, str] = {}
    seen: dict[str, int] = {}
    rows, index = [], []
    for t in tasks:
        td = t["taskDefinitionArn"]
        if td not in modes:
            modes[td] = ecs.describe_task_definition(taskDefinition=td)["taskDefinition"].get(
                "networkMode", "bridge"
            )
        fam = td.rsplit("/", 1)[1].split(":")[0]
        seen[fam] = seen.get(fam, 0) + 1
        index.append(f"{fam} #{seen[fam]}")
        binds = [b for c in t["containers"] for b in c.get("networkBindings", [])]
        eni = next(
            (a for a in t.get("attachments", []) if a["type"] == "ElasticNetworkInterface"), None
        )
        rows.append(
            {
                "instance": where.get(t.get("containerInstanceArn", ""), "Fargate"),
                "networkMode": modes[td],
                "ports": ", ".join(f"{b['hostPort']}->{b['containerPort']}" for b in binds),
                "eni": eni["status"] if eni else "",
                "lastStatus": t["lastStatus"],
            }
        )
    cols = ["instance", "networkMode", "ports", "eni", "lastStatus"]
    return pd.DataFrame(rows, columns=cols, index=pd.Index(index, name="task"))


def why_table(lab, cluster: str, family: str | None = None) -> pd.DataFrame:
    """``lab.why_not_placed`` with instance names: which check removed each instance in the
    last placement (of ``family``)."""
    why = lab.why_not_placed(cluster, family)
    names = name_tags(lab)
    out = pd.DataFrame(
        {
            "instance": [names.get(i, i) for i in why["ec2_instance_id"]],
            "filter": why["filter"].tolist(),
            "reason": why["reason"].tolist(),
        }
    )
    return out.set_index("instance")
