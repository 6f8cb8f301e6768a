"""Scenario 4: health checks killing healthy tasks.

Service health-web (two httpd tasks, bridge mode, dynamic host ports) keeps replacing its tasks:

* ``wrong-health-path``: the target group checks ``/health``; httpd serves only ``/`` and answers
  404 (``Target.ResponseCodeMismatch``), so every target goes unhealthy and the service stops it
  ("Task failed ELB health checks in (target-group ...)");
* ``no-grace-period``: a slow-starting app (``sleep 90 && httpd-foreground``: it listens 90 s
  after it starts) behind a target group checking every 15 s, unhealthy after 2 failures, and
  healthCheckGracePeriodSeconds 0;
* ``short-start-period``: the same slow app with a container health check (``curl -f
  http://localhost/``, interval 10, retries 3, startPeriod 10): UNHEALTHY before the app listens
  ("Task failed container health checks");
* ``failing-health-command``: a container health check on a path the app does not serve.

The check reads state: the service's tasks RUNNING and healthy (targets ``healthy``, task
``healthStatus`` HEALTHY where the task definition has a health check) and no task replaced for
failed health checks in the last :data:`QUIET` -- a fix has to hold, not just look fine once.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ..core.checks import CheckResult
from ..domain.elb.model import DESCRIPTIONS
from .kit import client, launch
from .model import Scenario
from .svckit import alb, health_stops, last_event, service, service_tasks, stop_time, target_health
from .text import F_, N_, joined

__all__ = ["HEALTH_KILLS", "QUIET", "health_revision"]

CLUSTER, NAME, DESIRED = "health-lab", "health-web", 2
QUIET = timedelta(minutes=5)
SLOW = ["sh", "-c", "sleep 90 && httpd-foreground"]  # the app listens 90 s after it starts
CURL_ROOT = ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
CURL_HEALTH = ["CMD-SHELL", "curl -f http://localhost/health || exit 1"]
LB_VARIANTS = ("wrong-health-path", "no-grace-period")

HINTS = {
    "wrong-health-path": N_(
        "The target group checks a path httpd does not serve: it answers 404 "
        "(Target.ResponseCodeMismatch), so every target goes unhealthy and the service replaces "
        "the task. Point the target group's HealthCheckPath at '/' (elbv2 modify-target-group)."
    ),
    "no-grace-period": N_(
        "The app listens only ~90 s after it starts, but the target group calls it unhealthy "
        "after 2 checks 15 s apart and, with healthCheckGracePeriodSeconds 0, the service stops "
        "it at once. Give it a grace period longer than the start-up plus a few checks "
        "(update-service --health-check-grace-period-seconds 180)."
    ),
    "short-start-period": N_(
        "The container health check fails 3 times, 10 s apart, before the app listens (~90 s); "
        "startPeriod 10 covers none of it. Register a revision whose healthCheck startPeriod "
        "covers the start-up (120) and update the service to it."
    ),
    "failing-health-command": N_(
        "The health check curls /health, which httpd answers with 404, so 'curl -f' fails every "
        "time. Register a revision that checks a path the app serves ('/') and update the service "
        "to it."
    ),
}


def health_revision(lab, variant: str, **check) -> str:
    """Register a health-web revision for ``variant`` (``check`` overrides healthCheck fields);
    returns its ARN."""
    container = {
        "name": "web",
        "image": "httpd:2.4",
        "cpu": 256,
        "memory": 512,
        "essential": True,
        "portMappings": [{"containerPort": 80, "hostPort": 0}],
    }
    if variant in ("no-grace-period", "short-start-period"):
        container["command"] = list(SLOW)
    if variant == "short-start-period":
        hc = {"command": CURL_ROOT, "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 10}
        container["healthCheck"] = {**hc, **check}
    elif variant == "failing-health-command":
        hc = {"command": CURL_HEALTH, "interval": 10, "timeout": 5, "retries": 3}
        container["healthCheck"] = {**hc, **check}
    td = client(lab, "ecs").register_task_definition(
        family=NAME, networkMode="bridge", containerDefinitions=[container]
    )
    return td["taskDefinition"]["taskDefinitionArn"]


def _setup(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    launch(lab, "health-1", CLUSTER)
    kw = {}
    if variant in LB_VARIANTS:
        got = alb(
            lab,
            "health-alb",
            NAME,
            HealthCheckPath="/health" if variant == "wrong-health-path" else "/",
            HealthCheckIntervalSeconds=15,
            HealthyThresholdCount=2,
            UnhealthyThresholdCount=2,
        )
        client(lab, "elbv2").modify_target_group_attributes(
            TargetGroupArn=got["tg"],
            Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
        )
        kw["loadBalancers"] = [
            {"targetGroupArn": got["tg"], "containerName": "web", "containerPort": 80}
        ]
        lab.advance("3m")  # the load balancer becomes active
    else:
        lab.advance("1m")
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=NAME,
        taskDefinition=health_revision(lab, variant),
        desiredCount=DESIRED,
        healthCheckGracePeriodSeconds=0,
        **kw,
    )
    lab.advance("3m")


def _reason_code(description: str) -> str | None:
    """The DescribeTargetHealth reason code behind an event's description."""
    for code, text in DESCRIPTIONS.items():
        pattern = re.escape(text).replace(re.escape("{code}"), r"[\d, ]+")
        if re.fullmatch(pattern, description):
            return code
    return None


def _observe(lab, variant: str) -> str:
    svc = service(lab, CLUSTER, NAME)
    if svc is None:
        return F_("service {name} does not exist", name=NAME)
    stops = health_stops(lab, CLUSTER, NAME)
    first = [
        F_(
            "{stopped} {name} tasks stopped by the service for failed health checks",
            stopped=len(stops),
            name=NAME,
        ),
        F_(
            "runningCount {running} of {desired}",
            running=svc["runningCount"],
            desired=svc["desiredCount"],
        ),
    ]
    if stops:
        first.append(F_("last stoppedReason: {reason}", reason=stops[-1]["stoppedReason"]))
    lines = [joined("; ", first)]
    event = last_event(svc, "is unhealthy in", "failed container health checks")
    if event:
        lines.append(F_("service event: {event}", event=event))
        why = re.search(r"due to \(reason (.*)\)\.$", event)
        code = _reason_code(why.group(1)) if why else None
        if code:
            lines.append(
                F_("target health reason: {code} ({reason})", code=code, reason=why.group(1))
            )
    return joined("\n", lines)


def _tg_arns(svc: dict) -> list[str]:
    return [lb["targetGroupArn"] for lb in svc.get("loadBalancers", [])]


def _check(lab, variant: str) -> CheckResult:
    svc = service(lab, CLUSTER, NAME)
    hint = HINTS[variant]
    if svc is None or svc["status"] != "ACTIVE":
        return CheckResult(
            "",
            False,
            F_("service {name} is not ACTIVE", name=NAME),
            joined(" ", [N_("Keep the service: fix it in place."), hint]),
        )
    if svc["desiredCount"] < DESIRED:
        return CheckResult(
            "",
            False,
            F_(
                "desiredCount is {count}: {name} must run {desired} tasks",
                count=svc["desiredCount"],
                name=NAME,
                desired=DESIRED,
            ),
            joined(
                " ",
                [
                    N_(
                        "A service that runs fewer tasks fails fewer health checks, but the app "
                        "is still down."
                    ),
                    hint,
                ],
            ),
        )
    problems = []
    running = [t for t in service_tasks(lab, CLUSTER, NAME) if t["lastStatus"] == "RUNNING"]
    if len(running) < DESIRED:
        problems.append(
            F_("{running} of {desired} tasks RUNNING", running=len(running), desired=DESIRED)
        )
    if variant in LB_VARIANTS and not _tg_arns(svc):
        return CheckResult(
            "",
            False,
            F_("{name} no longer sits behind its target group", name=NAME),
            joined(" ", [N_("Without a load balancer there is no traffic to serve."), hint]),
        )
    elb = client(lab, "elbv2")
    for tg_arn in _tg_arns(svc):
        tg = elb.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"][0]
        if "404" in tg.get("Matcher", {}).get("HttpCode", "200").replace("-", ","):
            return CheckResult(
                "",
                False,
                F_("target group {name} accepts 404 as healthy", name=tg["TargetGroupName"]),
                joined(" ", [N_("Counting 'Not Found' as healthy hides the failure."), hint]),
            )
        states = [d["TargetHealth"]["State"] for d in target_health(lab, tg_arn)]
        healthy = states.count("healthy")
        if healthy < DESIRED:
            problems.append(
                F_(
                    "{healthy} of {desired} targets healthy in {name} ({states})",
                    healthy=healthy,
                    desired=DESIRED,
                    name=tg["TargetGroupName"],
                    states=", ".join(sorted(states)) or F_("none registered"),
                )
            )
    td = client(lab, "ecs").describe_task_definition(taskDefinition=svc["taskDefinition"])
    checked = [
        c
        for c in td["taskDefinition"]["containerDefinitions"]
        if c.get("healthCheck", {}).get("command", ["NONE"])[0] != "NONE"
    ]
    if variant not in LB_VARIANTS and not checked:
        return CheckResult(
            "",
            False,
            F_("{name}'s task definition has no container health check any more", name=NAME),
            joined(
                " ", [N_("Removing the health check hides failures instead of fixing them."), hint]
            ),
        )
    if checked:
        ok = sum(1 for t in running if t.get("healthStatus") == "HEALTHY")
        if ok < DESIRED:
            problems.append(F_("{ok} of {desired} tasks HEALTHY", ok=ok, desired=DESIRED))
    if problems:
        return CheckResult("", False, joined("; ", problems), hint)
    stops = health_stops(lab, CLUSTER, NAME)
    if stops:
        quiet = lab.now - stop_time(stops[-1])
        if quiet < QUIET:
            return CheckResult(
                "",
                False,
                F_(
                    "{desired} tasks healthy now, but the service replaced a task for failed "
                    "health checks {seconds} s ago",
                    desired=DESIRED,
                    seconds=int(quiet.total_seconds()),
                ),
                N_(
                    "A fix has to hold: the check wants 5 minutes without a replacement. Let time "
                    "pass (lab.advance('5m')) and check again."
                ),
            )
    return CheckResult(
        "",
        True,
        F_(
            "{desired} {name} tasks RUNNING and healthy, none replaced for failed health checks "
            "in the last 5 minutes",
            desired=DESIRED,
            name=NAME,
        ),
    )


def _fix(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    if variant == "wrong-health-path":
        svc = service(lab, CLUSTER, NAME)
        client(lab, "elbv2").modify_target_group(
            TargetGroupArn=_tg_arns(svc)[0], HealthCheckPath="/"
        )
    elif variant == "no-grace-period":
        ecs.update_service(cluster=CLUSTER, service=NAME, healthCheckGracePeriodSeconds=180)
    else:
        change = {"startPeriod": 120} if variant == "short-start-period" else {}
        if variant == "failing-health-command":
            change["command"] = CURL_ROOT
        arn = health_revision(lab, variant, **change)
        ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=arn)
    lab.advance("10m")  # back-off after repeated failures, start-up, then 5 quiet minutes


HEALTH_KILLS = Scenario(
    number=4,
    slug="health-checks-kill-healthy-tasks",
    title=N_("health checks killing healthy tasks"),
    cluster=CLUSTER,
    variants=(
        "short-start-period",
        "wrong-health-path",
        "no-grace-period",
        "failing-health-command",
    ),
    brief=(
        N_(
            "Service health-web in cluster health-lab runs httpd, which serves its page at '/'. Its"
            " tasks start, and are stopped and replaced a minute later, again and again. Make the "
            "service keep 2 healthy tasks (and keep its health checks: they are there for a "
            "reason)."
        )
    ),
    questions=(
        N_(
            "What stoppedReason do the stopped tasks give: ELB health checks or container health "
            "checks?"
        ),
        N_(
            "What do the service events say about the targets (the reason in 'due to (reason ...)')?"
        ),
        N_(
            "Which path does the target group check (describe-target-groups), and does the app "
            "answer 200 there?"
        ),
        N_(
            "How long does the app take to start (its command), against interval x retries + "
            "startPeriod, or the target group's interval x unhealthy threshold?"
        ),
        N_("What is the service's healthCheckGracePeriodSeconds?"),
    ),
    fix=(
        N_(
            "Make the health check fit the app: check a path it serves (the target group's "
            "HealthCheckPath or the container's command), give a slow app time (the container "
            "health check's startPeriod in a new revision, or the service's "
            "healthCheckGracePeriodSeconds), then let the service run 5 minutes without a "
            "replacement."
        )
    ),
    hints=(
        N_(
            "Read a stopped task's stoppedReason and the service events: which health check fails, "
            "and why ('due to (reason ...)', 'failed container health checks')?"
        ),
        N_(
            "404 at the health path -> modify-target-group --health-check-path /; an app slower than "
            "the checks -> a revision with healthCheck startPeriod 120, or update-service "
            "--health-check-grace-period-seconds 180; a check on /health -> check '/'."
        ),
    ),
    setup=_setup,
    observe=_observe,
    checker=_check,
    fixer=_fix,
    variant_notes={
        "no-grace-period": "the slow start is the command 'sleep 90 && httpd-foreground': ecslab's "
        "server answers nothing until it runs (Process.listens_after)",
        "short-start-period": "the same slow start, with a container health check",
    },
)
