"""Cluster, task-definition and Fargate-price checks (the first lessons). Checks look at the lab (through its API, never its internals) and say pass or fail,
with a hint in plain words. Usable from plain Python and shown nicely in a notebook.

In a lesson's graded cell, ``checks.cluster_exists(lab, "MyCluster").require()`` shows the result
when it passes and raises :class:`CheckFailed` (an AssertionError, so nbgrader counts it) carrying
the hint when it does not.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
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
    title = _("cluster {name} exists").format(name=name)
    c = _describe(lab, name)
    if c is None or c["status"] != "ACTIVE":
        others = [n for n in _active_names(lab) if n != name]
        close = [n for n in others if n.lower() == name.lower()]
        if c is not None:
            msg = _("cluster {name} exists but is {status} (it was deleted)").format(
                name=name, status=c["status"]
            )
            hint = _("A deleted cluster stays INACTIVE; create it again with create_cluster.")
        else:
            msg = _("there is no cluster named {name} in this lab ({region})").format(
                name=name, region=lab.region
            )
            hint = _('Create it with ecs.create_cluster(clusterName="{name}").').format(name=name)
        if close:
            hint += " " + _("Names are case-sensitive: the lab has {names}.").format(
                names=", ".join(close)
            )
        elif others:
            hint += " " + _("Clusters in the lab: {names}.").format(names=", ".join(others))
        return CheckResult(title, False, msg, hint)
    if container_insights is not None:
        got = {s["name"]: s["value"] for s in c.get("settings", [])}.get("containerInsights")
        if got != container_insights:
            return CheckResult(
                title,
                False,
                _("containerInsights is {got}, the exercise wants {want}").format(
                    got=got, want=container_insights
                ),
                _(
                    "Pass settings=[{{'name': 'containerInsights', 'value': '{want}'}}] to "
                    "create_cluster, or change it later with update_cluster_settings."
                ).format(want=container_insights),
            )
    if tags:
        have = {t["key"]: t["value"] for t in c.get("tags", [])}
        missing = {k: v for k, v in tags.items() if have.get(k) != v}
        if missing:
            want = ", ".join(f"{k}={v}" for k, v in missing.items())
            return CheckResult(
                title,
                False,
                _("the cluster lacks the tag(s) {tags}").format(tags=want),
                _(
                    "Tags are a list of {'key': ..., 'value': ...} dicts: pass tags=[...] to "
                    "create_cluster, or add them later with tag_resource(resourceArn=..., tags=[...]). "
                    "Keys and values are case-sensitive."
                ),
            )
    extra = []
    if container_insights is not None:
        extra.append(f"containerInsights={container_insights}")
    if tags:
        extra.append(_("tags {tags}").format(tags=", ".join(f"{k}={v}" for k, v in tags.items())))
    if not extra:
        return CheckResult(title, True, "ACTIVE")
    return CheckResult(title, True, _("ACTIVE with {details}").format(details="; ".join(extra)))


def cluster_deleted(lab, name: str) -> CheckResult:
    """The cluster ``name`` existed and is now INACTIVE (deleted)."""
    title = _("cluster {name} deleted").format(name=name)
    c = _describe(lab, name)
    if c is None:
        return CheckResult(
            title,
            False,
            _("the lab never had a cluster named {name}").format(name=name),
            _('Create it first (ecs.create_cluster(clusterName="{name}")), then delete it.').format(
                name=name
            ),
        )
    if c["status"] == "ACTIVE":
        return CheckResult(
            title,
            False,
            _("cluster {name} is still ACTIVE").format(name=name),
            _(
                'Delete it with ecs.delete_cluster(cluster="{name}"); '
                "an empty cluster deletes at once."
            ).format(name=name),
        )
    return CheckResult(
        title, True, _("cluster {name} is {status}").format(name=name, status=c["status"])
    )


def fargate_task_price(
    answer, task_cpu: int = 1024, task_memory: int = 2048, arch: str = "x86_64"
) -> CheckResult:
    """``answer`` is the hourly list price (USD) of a Fargate task of this size (within 0.1 %)."""
    from ..views.pricing import fargate_rate, fargate_task_hourly

    size = f"{task_cpu / 1024:g} vCPU / {task_memory / 1024:g} GB"
    title = _("Fargate price of a {size} task").format(size=size)
    expected = fargate_task_hourly(task_cpu, task_memory, arch)
    r = fargate_rate(arch)
    hint = _(
        "Fargate bills what the task requests: vCPUs x ${vcpu}/vCPU-hour plus "
        "GB x ${gb}/GB-hour ({arch}). Memory in GB = MiB / 1024."
    ).format(vcpu=r["usd_per_vcpu_hour"], gb=r["usd_per_gb_hour"], arch=arch)
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return CheckResult(
            title,
            False,
            _("the answer should be a number, got {answer}").format(answer=repr(answer)),
            hint,
        )
    if abs(answer - expected) > expected * 1e-3:
        return CheckResult(
            title, False, _("${answer}/h is not right").format(answer=f"{answer:.5f}"), hint
        )
    return CheckResult(title, True, _("${answer} per hour").format(answer=f"{answer:.5f}"))
