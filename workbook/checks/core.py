"""Cluster, task-definition and Fargate-price checks (the first lessons). Checks look at the lab (through its API, never its internals) and say pass or fail,
with a hint in plain words. Usable from plain Python and shown nicely in a notebook.

In a lesson's graded cell, ``checks.cluster_exists(lab, "MyCluster").require()`` shows the result
when it passes and raises :class:`CheckFailed` (an AssertionError, so nbgrader counts it) carrying
the hint when it does not.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from .result import CheckResult


def _describe(lab, name: str) -> dict | None:
    ecs = client(lab, "ecs")
    try:
        resp = ecs.describe_clusters(clusters=[name], include=["SETTINGS", "TAGS"])
    except ClientError:
        return None
    return resp["clusters"][0] if resp["clusters"] else None


def _active_names(lab) -> list[str]:
    pages = client(lab, "ecs").get_paginator("list_clusters").paginate()
    return [a.rsplit("/", 1)[-1] for p in pages for a in p["clusterArns"]]


def cluster_exists(
    lab,
    name: str,
    *,
    container_insights: str | None = None,
    tags: dict[str, str] | None = None,
) -> CheckResult:
    """The cluster ``name`` is ACTIVE (and has this containerInsights value and these tags)."""
    title = f"cluster {name} exists"
    c = _describe(lab, name)
    if c is None or c["status"] != "ACTIVE":
        others = [n for n in _active_names(lab) if n != name]
        close = [n for n in others if n.lower() == name.lower()]
        if c is not None:
            msg = f"cluster {name} exists but is {c['status']} (it was deleted)"
            hint = "A deleted cluster stays INACTIVE; create it again with create_cluster."
        else:
            msg = f"there is no cluster named {name} in this lab ({lab.region})"
            hint = f'Create it with ecs.create_cluster(clusterName="{name}").'
        if close:
            hint += f" Names are case-sensitive: the lab has {', '.join(close)}."
        elif others:
            hint += f" Clusters in the lab: {', '.join(others)}."
        return CheckResult(title, False, msg, hint)
    if container_insights is not None:
        got = {s["name"]: s["value"] for s in c.get("settings", [])}.get("containerInsights")
        if got != container_insights:
            return CheckResult(
                title,
                False,
                f"containerInsights is {got}, the exercise wants {container_insights}",
                "Pass settings=[{'name': 'containerInsights', 'value': "
                f"'{container_insights}'}}] to create_cluster, or change it later with "
                "update_cluster_settings.",
            )
    if tags:
        have = {t["key"]: t["value"] for t in c.get("tags", [])}
        missing = {k: v for k, v in tags.items() if have.get(k) != v}
        if missing:
            want = ", ".join(f"{k}={v}" for k, v in missing.items())
            return CheckResult(
                title,
                False,
                f"the cluster lacks the tag(s) {want}",
                "Tags are a list of {'key': ..., 'value': ...} dicts: pass tags=[...] to "
                "create_cluster, or add them later with tag_resource(resourceArn=..., tags=[...]). "
                "Keys and values are case-sensitive.",
            )
    extra = []
    if container_insights is not None:
        extra.append(f"containerInsights={container_insights}")
    if tags:
        extra.append("tags " + ", ".join(f"{k}={v}" for k, v in tags.items()))
    return CheckResult(title, True, "ACTIVE" + (" with " + "; ".join(extra) if extra else ""))


def cluster_deleted(lab, name: str) -> CheckResult:
    """The cluster ``name`` existed and is now INACTIVE (deleted)."""
    title = f"cluster {name} deleted"
    c = _describe(lab, name)
    if c is None:
        return CheckResult(
            title,
            False,
            f"the lab never had a cluster named {name}",
            f'Create it first (ecs.create_cluster(clusterName="{name}")), then delete it.',
        )
    if c["status"] == "ACTIVE":
        return CheckResult(
            title,
            False,
            f"cluster {name} is still ACTIVE",
            f'Delete it with ecs.delete_cluster(cluster="{name}"); an empty cluster deletes at once.',
        )
    return CheckResult(title, True, f"cluster {name} is {c['status']}")


def fargate_task_price(
    answer, task_cpu: int = 1024, task_memory: int = 2048, arch: str = "x86_64"
) -> CheckResult:
    """``answer`` is the hourly list price (USD) of a Fargate task of this size (within 0.1 %)."""
    from ..views.pricing import fargate_rate, fargate_task_hourly

    size = f"{task_cpu / 1024:g} vCPU / {task_memory / 1024:g} GB"
    title = f"Fargate price of a {size} task"
    expected = fargate_task_hourly(task_cpu, task_memory, arch)
    r = fargate_rate(arch)
    hint = (
        f"Fargate bills what the task requests: vCPUs x ${r['usd_per_vcpu_hour']}/vCPU-hour plus "
        f"GB x ${r['usd_per_gb_hour']}/GB-hour ({arch}). Memory in GB = MiB / 1024."
    )
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return CheckResult(title, False, f"the answer should be a number, got {answer!r}", hint)
    if abs(answer - expected) > expected * 1e-3:
        return CheckResult(title, False, f"${answer:.5f}/h is not right", hint)
    return CheckResult(title, True, f"${answer:.5f} per hour")
