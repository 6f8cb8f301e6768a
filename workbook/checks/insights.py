"""Exercise check for the Container Insights lesson: the hourly metric cost, from lab state."""

from __future__ import annotations

from ..aws import client
from ..i18n import _
from ..views.insights import hourly_metric_cost
from .result import CheckResult

__all__ = ["insights_hourly_cost"]


def insights_hourly_cost(lab, answer, cluster: str, tasks: int = 3) -> CheckResult:
    """``cluster`` has Container Insights on and ``tasks`` RUNNING tasks, and ``answer`` is what
    its metrics cost per hour in USD (8 for the cluster + 6 per task, x rate / 730 h)."""
    title = _("Container Insights on {cluster} with {n} running tasks").format(
        cluster=cluster, n=tasks
    )
    ecs = client(lab, "ecs")
    found = ecs.describe_clusters(clusters=[cluster], include=["SETTINGS"])["clusters"]
    if not found or found[0]["status"] != "ACTIVE":
        return CheckResult(
            title,
            False,
            _("there is no active cluster {cluster}").format(cluster=cluster),
            _("create it first"),
        )
    setting = {s["name"]: s["value"] for s in found[0].get("settings", [])}.get("containerInsights")
    if setting not in ("enabled", "enhanced"):
        return CheckResult(
            title,
            False,
            _("containerInsights is {setting} on {cluster}").format(
                setting=setting, cluster=cluster
            ),
            _(
                "ecs.update_cluster_settings(cluster=..., settings=[{'name': 'containerInsights', "
                "'value': 'enabled'}]) (the account default only applies to clusters created later)"
            ),
        )
    arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]
    running = [
        t
        for t in (ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else [])
        if t["lastStatus"] == "RUNNING"
    ]
    if len(running) != tasks:
        return CheckResult(
            title,
            False,
            _("{cluster} has {n} RUNNING tasks, the exercise wants {want}").format(
                cluster=cluster, n=len(running), want=tasks
            ),
            _(
                "run_task(cluster=..., taskDefinition=..., count=...) then lab.advance('1m') so they "
                "reach RUNNING (metrics are sent only for resources with RUNNING tasks)"
            ),
        )
    n, usd = hourly_metric_cost(lab, cluster)
    hint = _(
        "count the metrics (8 for a cluster with running tasks + 6 per running task), then "
        "metrics x $0.30 per metric-month / 730 hours a month"
    )
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return CheckResult(
            title,
            False,
            _("the answer should be a number of USD, got {answer}").format(answer=repr(answer)),
            hint,
        )
    if abs(answer - usd) > max(5e-6, 1e-3 * usd):
        return CheckResult(
            title,
            False,
            _("${answer} an hour is not what {n} metrics cost").format(answer=answer, n=f"{n:.0f}"),
            hint,
        )
    return CheckResult(
        title,
        True,
        _("{n} metrics cost ${hourly} an hour (${monthly} a month)").format(
            n=f"{n:.0f}", hourly=f"{usd:.6f}", monthly=f"{usd * 730:.2f}"
        ),
    )
