"""Exercise check for the Container Insights lesson: the hourly metric cost, from lab state."""

from __future__ import annotations

from ..aws import client
from ..views.insights import hourly_metric_cost
from .result import CheckResult

__all__ = ["insights_hourly_cost"]


def insights_hourly_cost(lab, answer, cluster: str, tasks: int = 3) -> CheckResult:
    """``cluster`` has Container Insights on and ``tasks`` RUNNING tasks, and ``answer`` is what
    its metrics cost per hour in USD (8 for the cluster + 6 per task, x rate / 730 h)."""
    title = f"Container Insights on {cluster} with {tasks} running tasks"
    ecs = client(lab, "ecs")
    found = ecs.describe_clusters(clusters=[cluster], include=["SETTINGS"])["clusters"]
    if not found or found[0]["status"] != "ACTIVE":
        return CheckResult(title, False, f"there is no active cluster {cluster}", "create it first")
    setting = {s["name"]: s["value"] for s in found[0].get("settings", [])}.get("containerInsights")
    if setting not in ("enabled", "enhanced"):
        return CheckResult(
            title,
            False,
            f"containerInsights is {setting} on {cluster}",
            "ecs.update_cluster_settings(cluster=..., settings=[{'name': 'containerInsights', "
            "'value': 'enabled'}]) (the account default only applies to clusters created later)",
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
            f"{cluster} has {len(running)} RUNNING tasks, the exercise wants {tasks}",
            "run_task(cluster=..., taskDefinition=..., count=...) then lab.advance('1m') so they "
            "reach RUNNING (metrics are sent only for resources with RUNNING tasks)",
        )
    n, usd = hourly_metric_cost(lab, cluster)
    hint = (
        "count the metrics (8 for a cluster with running tasks + 6 per running task), then "
        "metrics x $0.30 per metric-month / 730 hours a month"
    )
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return CheckResult(
            title, False, f"the answer should be a number of USD, got {answer!r}", hint
        )
    if abs(answer - usd) > max(5e-6, 1e-3 * usd):
        return CheckResult(
            title, False, f"${answer} an hour is not what {n:.0f} metrics cost", hint
        )
    return CheckResult(
        title, True, f"{n:.0f} metrics cost ${usd:.6f} an hour (${usd * 730:.2f} a month)"
    )
