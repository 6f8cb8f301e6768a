"""Exercise checks for running tasks (lessons 05 and 07): read through ListTasks/DescribeTasks
and DescribeContainerInstances, never the engine's internals."""

from __future__ import annotations

from collections import Counter

from ..aws import client
from ..i18n import _, ngettext
from ..views.instances import name_tags
from .result import CheckResult

__all__ = ["tasks_running"]


def _tasks(lab, cluster: str, family: str) -> list[dict]:
    ecs = client(lab, "ecs")
    arns = [
        a
        for p in ecs.get_paginator("list_tasks").paginate(cluster=cluster, family=family)
        for a in p["taskArns"]
    ]
    out = []
    for i in range(0, len(arns), 100):
        out += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    return out


def _instance_names(lab, cluster: str, tasks: list[dict]) -> dict[str, str]:
    """container-instance ARN -> Name tag (or EC2 id)."""
    arns = sorted({t["containerInstanceArn"] for t in tasks if "containerInstanceArn" in t})
    if not arns:
        return {}
    cis = client(lab, "ecs").describe_container_instances(cluster=cluster, containerInstances=arns)
    names = name_tags(lab)
    return {
        c["containerInstanceArn"]: names.get(c["ec2InstanceId"], c["ec2InstanceId"])
        for c in cis["containerInstances"]
    }


def tasks_running(
    lab,
    cluster: str,
    family: str,
    count: int,
    *,
    per_az: int | None = None,
    on: list[str] | None = None,
    network_mode: str | None = None,
) -> CheckResult:
    """``count`` tasks of ``family`` are RUNNING in ``cluster`` (exactly; desired RUNNING), and
    optionally ``per_az`` in every Availability Zone that has one, all ``on`` these instances
    (Name tags), or all with this network mode."""
    title = ngettext(
        "{count} {family} task(s) RUNNING in {cluster}",
        "{count} {family} task(s) RUNNING in {cluster}",
        count,
    ).format(count=count, family=family, cluster=cluster)
    try:
        tasks = _tasks(lab, cluster, family)
    except Exception as exc:  # ClusterNotFoundException and the like: say it in AWS's words
        from ..aws import error_text

        return CheckResult(
            title,
            False,
            error_text(exc),
            _("Create the cluster {cluster} first.").format(cluster=cluster),
        )
    running = [t for t in tasks if t["lastStatus"] == "RUNNING"]
    waiting = [t for t in tasks if t["lastStatus"] != "RUNNING"]
    if len(running) != count:
        msg = f"{len(running)} RUNNING"
        if waiting:
            states = Counter(t["lastStatus"] for t in waiting)
            msg += ", " + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        if waiting and len(running) + len(waiting) >= count:
            hint = _("Some are still on their way: advance the clock (lab.advance('30s')).")
        elif len(running) > count:
            hint = _("Too many: stop the extra ones (stop_task) so exactly {count} run.").format(
                count=count
            )
        else:
            hint = _(
                "Run more with run_task(count=...). If run_task returned failures, read their "
                "reasons (RESOURCE:MEMORY, RESOURCE:PORTS, RESOURCE:ENI ...) and "
                "lab.why_not_placed(cluster, family) to see which check refused each instance."
            )
        return CheckResult(title, False, msg, hint)
    if network_mode is not None:
        ecs = client(lab, "ecs")
        modes = {
            ecs.describe_task_definition(taskDefinition=a)["taskDefinition"].get(
                "networkMode", "bridge"
            )
            for a in {t["taskDefinitionArn"] for t in running}
        }
        if modes != {network_mode}:
            return CheckResult(
                title,
                False,
                _("the tasks use network mode {modes}, not {want}").format(
                    modes=", ".join(sorted(modes)), want=network_mode
                ),
                _("Register a revision with networkMode='{want}' and run that one.").format(
                    want=network_mode
                ),
            )
    where = _instance_names(lab, cluster, running)
    if per_az is not None:
        zones = Counter(t.get("availabilityZone", "?") for t in running)
        if any(n != per_az for n in zones.values()):
            spread = ", ".join(f"{z}: {n}" for z, n in sorted(zones.items()))
            return CheckResult(
                title,
                False,
                _("per Availability Zone: {spread} (the exercise wants {n} in each)").format(
                    spread=spread, n=per_az
                ),
                _(
                    "RunTask's default strategy is random. Pass placementStrategy=[{'type': "
                    "'spread', 'field': 'attribute:ecs.availability-zone'}] (stop the misplaced ones "
                    "first)."
                ),
            )
    if on is not None:
        off = sorted(
            {where.get(t.get("containerInstanceArn", ""), "Fargate") for t in running} - set(on)
        )
        if off:
            return CheckResult(
                title,
                False,
                _("some run on {off}, not only on {on}").format(
                    off=", ".join(off), on=", ".join(on)
                ),
                _(
                    "Pin them with a memberOf constraint (for example "
                    "'ec2InstanceId == i-...' or an attribute), or with start_task on that instance."
                ),
            )
    detail = []
    if per_az is not None:
        detail.append(_("{n} per Availability Zone").format(n=per_az))
    if on is not None:
        detail.append(_("on {names}").format(names=", ".join(on)))
    if network_mode is not None:
        detail.append(_("network mode {mode}").format(mode=network_mode))
    if not detail:
        return CheckResult(title, True, "RUNNING")
    return CheckResult(title, True, _("RUNNING ({details})").format(details="; ".join(detail)))
