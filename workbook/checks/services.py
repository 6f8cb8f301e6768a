"""Exercise checks for services (lesson 06) and load balancing (lesson 08). Same contract as
:mod:`workbook.checks` (exported from there): read the lab through its API (DescribeServices,
DescribeTasks, DescribeTargetHealth) and return a :class:`CheckResult` with a plain-words hint.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from .result import CheckResult

__all__ = ["deployment_completed", "service_steady", "targets_healthy"]

WAIT = (
    "Move the clock (lab.advance('2m')) or wait like the CLI does: "
    "ecs.get_waiter('services_stable').wait(cluster=..., services=[...])."
)


def _service(lab, cluster: str, name: str) -> tuple[dict | None, CheckResult | None]:
    title = f"service {name}"
    try:
        got = client(lab, "ecs").describe_services(cluster=cluster, services=[name])
    except ClientError as exc:
        err = exc.response["Error"]
        return None, CheckResult(
            title,
            False,
            f"{err['Code']}: {err['Message']}",
            f'Create the cluster first: ecs.create_cluster(clusterName="{cluster}").',
        )
    if not got["services"] or got["services"][0]["status"] == "INACTIVE":
        listed = client(lab, "ecs").list_services(cluster=cluster)["serviceArns"]
        names = [a.rsplit("/", 1)[-1] for a in listed]
        hint = f'Create it with ecs.create_service(cluster="{cluster}", serviceName="{name}", ...).'
        if names:
            hint += f" Services in {cluster}: {', '.join(names)}."
        return None, CheckResult(title, False, f"there is no active service {name}", hint)
    return got["services"][0], None


def _running(lab, cluster: str, name: str) -> list[dict]:
    ecs = client(lab, "ecs")
    arns = ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus="RUNNING")["taskArns"]
    if not arns:
        return []
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
    return [t for t in tasks if t["lastStatus"] == "RUNNING"]


def service_steady(
    lab,
    cluster: str,
    service: str,
    *,
    desired: int | None = None,
    azs: int | None = None,
    healthy_tasks: bool = False,
) -> CheckResult:
    """The service is ACTIVE with one deployment, runningCount = desiredCount (= the ``desired``
    the exercise wants) and nothing pending; with ``azs``, its running tasks are spread over at
    least that many Availability Zones; with ``healthy_tasks``, every running task reports
    healthStatus HEALTHY (only container health checks from the task definition make that)."""
    s, failed = _service(lab, cluster, service)
    want = f" with {desired} tasks" if desired is not None else ""
    where = f" over {azs} AZs" if azs else ""
    title = f"service {service} steady{want}{where}" + (" and healthy" if healthy_tasks else "")
    if failed is not None:
        return CheckResult(title, False, failed.message, failed.hint)
    if desired is not None and s["desiredCount"] != desired:
        return CheckResult(
            title,
            False,
            f"desiredCount is {s['desiredCount']}, the exercise wants {desired}",
            f'Change it with ecs.update_service(cluster="{cluster}", service="{service}", '
            f"desiredCount={desired}) (aws ecs update-service --desired-count {desired}).",
        )
    if len(s["deployments"]) > 1 or s["pendingCount"] or s["runningCount"] != s["desiredCount"]:
        return CheckResult(
            title,
            False,
            f"not steady yet: {s['runningCount']} running, {s['pendingCount']} pending of "
            f"{s['desiredCount']} desired, {len(s['deployments'])} deployment(s)",
            WAIT + " If it never settles, read the service's events: they say what is wrong.",
        )
    running = _running(lab, cluster, service)
    zones = [t.get("availabilityZone", "") for t in running]
    if azs and len(set(zones)) < azs:
        counts = ", ".join(f"{z}: {zones.count(z)}" for z in sorted(set(zones))) or "none"
        return CheckResult(
            title,
            False,
            f"the running tasks are in {len(set(zones))} AZ(s) ({counts})",
            "A REPLICA service spreads over attribute:ecs.availability-zone by default, but only "
            "over zones where the cluster has container instances with room: launch one per "
            "zone, and do not replace the default with a binpack placementStrategy.",
        )
    health = [t.get("healthStatus", "UNKNOWN") for t in running]
    if healthy_tasks and (not health or set(health) != {"HEALTHY"}):
        got = ", ".join(f"{h}: {health.count(h)}" for h in sorted(set(health))) or "no tasks"
        return CheckResult(
            title,
            False,
            f"task health is {got}",
            "ECS reports HEALTHY only for tasks whose task definition has a healthCheck (a "
            "HEALTHCHECK in the image is ignored): register a revision with healthCheck="
            "{'command': ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], ...} and deploy "
            "it; the first check runs `interval` seconds after the container starts.",
        )
    spread = f" in {len(set(zones))} AZs" if zones else ""
    if healthy_tasks:
        spread += ", all HEALTHY"
    return CheckResult(
        title, True, f"{s['runningCount']} of {s['desiredCount']} running{spread}, steady"
    )


def deployment_completed(
    lab,
    cluster: str,
    service: str,
    *,
    task_definition: str | None = None,
    minimum_healthy_percent: int | None = None,
    maximum_percent: int | None = None,
) -> CheckResult:
    """The service's PRIMARY deployment (of ``family:revision`` if given) finished: rolloutState
    COMPLETED and no older deployment left; with the deployment configuration asked for."""
    s, failed = _service(lab, cluster, service)
    title = f"deployment of {task_definition or 'the service'} completed"
    if failed is not None:
        return CheckResult(title, False, failed.message, failed.hint)
    primary = s["deployments"][0]
    revision = primary["taskDefinition"].rsplit("/", 1)[-1]
    if task_definition is not None and revision != task_definition:
        return CheckResult(
            title,
            False,
            f"the service deploys {revision}, not {task_definition}",
            f'Start the deployment with ecs.update_service(cluster="{cluster}", '
            f'service="{service}", taskDefinition="{task_definition}"); register the revision '
            "first if it does not exist.",
        )
    cfg = s["deploymentConfiguration"]
    for key, want in (
        ("minimumHealthyPercent", minimum_healthy_percent),
        ("maximumPercent", maximum_percent),
    ):
        if want is not None and cfg.get(key) != want:
            return CheckResult(
                title,
                False,
                f"{key} is {cfg.get(key)}, the exercise wants {want}",
                "Pass deploymentConfiguration={'minimumHealthyPercent': ..., 'maximumPercent': "
                "...} to update_service (in the same call as the new taskDefinition).",
            )
    state = primary.get("rolloutState")
    if state == "FAILED":
        return CheckResult(
            title,
            False,
            f"the deployment failed: {primary.get('rolloutStateReason', '')}",
            "Read the service's events and the stopped tasks' stoppedReason, fix the task "
            "definition, and deploy again.",
        )
    if state != "COMPLETED" or len(s["deployments"]) > 1:
        return CheckResult(
            title,
            False,
            f"{revision} is {state} with {primary['runningCount']} of "
            f"{primary['desiredCount']} running; {len(s['deployments']) - 1} older deployment(s) "
            "still draining",
            WAIT,
        )
    extra = ""
    if minimum_healthy_percent is not None or maximum_percent is not None:
        extra = (
            f" (minimumHealthyPercent {cfg['minimumHealthyPercent']}, maximumPercent "
            f"{cfg['maximumPercent']})"
        )
    return CheckResult(
        title, True, f"{revision} COMPLETED, {primary['runningCount']} running{extra}"
    )


def targets_healthy(lab, target_group_arn: str, *, count: int | None = None) -> CheckResult:
    """Every registered target of the group is ``healthy`` (and there are ``count`` of them);
    draining targets (deregistered, on their way out) are not counted."""
    name = target_group_arn.split(":targetgroup/")[-1].split("/")[0]
    title = f"targets healthy in {name}"
    try:
        got = client(lab, "elbv2").describe_target_health(TargetGroupArn=target_group_arn)
    except ClientError as exc:
        err = exc.response["Error"]
        return CheckResult(
            title,
            False,
            f"{err['Code']}: {err['Message']}",
            "Use the TargetGroupArn that create_target_group returned.",
        )
    # Draining targets are on their way out (deregistered, finishing their requests): not counted.
    live = [d for d in got["TargetHealthDescriptions"] if d["TargetHealth"]["State"] != "draining"]
    states = [d["TargetHealth"]["State"] for d in live]
    healthy = states.count("healthy")
    if not states:
        return CheckResult(
            title,
            False,
            "no targets are registered"
            + (" (some are draining)" if got["TargetHealthDescriptions"] else ""),
            "ECS registers a service's tasks when they reach RUNNING: give create_service "
            "loadBalancers=[{'targetGroupArn': ..., 'containerName': ..., 'containerPort': ...}].",
        )
    bad = [
        f"{d['TargetHealth']['State']} ({d['TargetHealth'].get('Reason', '')})"
        for d in live
        if d["TargetHealth"]["State"] != "healthy"
    ]
    if bad:
        return CheckResult(
            title,
            False,
            f"{healthy} of {len(states)} targets healthy; others: {', '.join(sorted(set(bad)))}",
            "initial: wait a few health-check intervals (lab.advance('1m')). unhealthy with "
            "Target.ResponseCodeMismatch: the health-check path is not served (fix it with "
            "elbv2.modify_target_group(HealthCheckPath=...)).",
        )
    if count is not None and healthy != count:
        return CheckResult(
            title,
            False,
            f"{healthy} healthy targets, the exercise wants {count}",
            "Each running task of the service is one target: change the service's desiredCount.",
        )
    return CheckResult(title, True, f"{healthy} of {len(states)} targets healthy")
