"""Exercise checks for services (lesson 06) and load balancing (lesson 08). Same contract as
:mod:`workbook.checks` (exported from there): read the lab through its API (DescribeServices,
DescribeTasks, DescribeTargetHealth) and return a :class:`CheckResult` with a plain-words hint.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
from .result import CheckResult

__all__ = ["deployment_completed", "service_steady", "targets_healthy"]


def _wait() -> str:
    """The "let time pass" hint (built at use, so it follows the current language)."""
    return _(
        "Move the clock (lab.advance('2m')) or wait like the CLI does: "
        "ecs.get_waiter('services_stable').wait(cluster=..., services=[...])."
    )


def _service(lab, cluster: str, name: str) -> tuple[dict | None, CheckResult | None]:
    title = _("service {name}").format(name=name)
    try:
        got = client(lab, "ecs").describe_services(cluster=cluster, services=[name])
    except ClientError as exc:
        err = exc.response["Error"]
        return None, CheckResult(
            title,
            False,
            f"{err['Code']}: {err['Message']}",
            _('Create the cluster first: ecs.create_cluster(clusterName="{cluster}").').format(
                cluster=cluster
            ),
        )
    if not got["services"] or got["services"][0]["status"] == "INACTIVE":
        listed = client(lab, "ecs").list_services(cluster=cluster)["serviceArns"]
        names = [a.rsplit("/", 1)[-1] for a in listed]
        hint = _(
            'Create it with ecs.create_service(cluster="{cluster}", serviceName="{name}", ...).'
        ).format(cluster=cluster, name=name)
        if names:
            hint += " " + _("Services in {cluster}: {names}.").format(
                cluster=cluster, names=", ".join(names)
            )
        return None, CheckResult(
            title, False, _("there is no active service {name}").format(name=name), hint
        )
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
    title = _("service {service} steady").format(service=service)
    if desired is not None:
        title += _(" with {n} tasks").format(n=desired)
    if azs:
        title += _(" over {n} AZs").format(n=azs)
    if healthy_tasks:
        title += _(" and healthy")
    if failed is not None:
        return CheckResult(title, False, failed.message, failed.hint)
    if desired is not None and s["desiredCount"] != desired:
        return CheckResult(
            title,
            False,
            _("desiredCount is {got}, the exercise wants {want}").format(
                got=s["desiredCount"], want=desired
            ),
            _(
                'Change it with ecs.update_service(cluster="{cluster}", service="{service}", '
                "desiredCount={n}) (aws ecs update-service --desired-count {n})."
            ).format(cluster=cluster, service=service, n=desired),
        )
    if len(s["deployments"]) > 1 or s["pendingCount"] or s["runningCount"] != s["desiredCount"]:
        return CheckResult(
            title,
            False,
            _(
                "not steady yet: {running} running, {pending} pending of "
                "{desired} desired, {deployments} deployment(s)"
            ).format(
                running=s["runningCount"],
                pending=s["pendingCount"],
                desired=s["desiredCount"],
                deployments=len(s["deployments"]),
            ),
            _wait()
            + " "
            + _("If it never settles, read the service's events: they say what is wrong."),
        )
    running = _running(lab, cluster, service)
    zones = [t.get("availabilityZone", "") for t in running]
    if azs and len(set(zones)) < azs:
        counts = ", ".join(f"{z}: {zones.count(z)}" for z in sorted(set(zones))) or _("none")
        return CheckResult(
            title,
            False,
            _("the running tasks are in {n} AZ(s) ({counts})").format(
                n=len(set(zones)), counts=counts
            ),
            _(
                "A REPLICA service spreads over attribute:ecs.availability-zone by default, but only "
                "over zones where the cluster has container instances with room: launch one per "
                "zone, and do not replace the default with a binpack placementStrategy."
            ),
        )
    health = [t.get("healthStatus", "UNKNOWN") for t in running]
    if healthy_tasks and (not health or set(health) != {"HEALTHY"}):
        got = ", ".join(f"{h}: {health.count(h)}" for h in sorted(set(health))) or _("no tasks")
        return CheckResult(
            title,
            False,
            _("task health is {got}").format(got=got),
            _(
                "ECS reports HEALTHY only for tasks whose task definition has a healthCheck (a "
                "HEALTHCHECK in the image is ignored): register a revision with healthCheck="
                "{{'command': ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], ...}} and deploy "
                "it; the first check runs `interval` seconds after the container starts."
            ).format(),
        )
    spread = _(" in {n} AZs").format(n=len(set(zones))) if zones else ""
    if healthy_tasks:
        spread += _(", all HEALTHY")
    return CheckResult(
        title,
        True,
        _("{running} of {desired} running{spread}, steady").format(
            running=s["runningCount"], desired=s["desiredCount"], spread=spread
        ),
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
    title = _("deployment of {what} completed").format(what=task_definition or _("the service"))
    if failed is not None:
        return CheckResult(title, False, failed.message, failed.hint)
    primary = s["deployments"][0]
    revision = primary["taskDefinition"].rsplit("/", 1)[-1]
    if task_definition is not None and revision != task_definition:
        return CheckResult(
            title,
            False,
            _("the service deploys {revision}, not {want}").format(
                revision=revision, want=task_definition
            ),
            _(
                'Start the deployment with ecs.update_service(cluster="{cluster}", '
                'service="{service}", taskDefinition="{want}"); register the revision '
                "first if it does not exist."
            ).format(cluster=cluster, service=service, want=task_definition),
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
                _("{key} is {got}, the exercise wants {want}").format(
                    key=key, got=cfg.get(key), want=want
                ),
                _(
                    "Pass deploymentConfiguration={{'minimumHealthyPercent': ..., "
                    "'maximumPercent': ...}} to update_service (in the same call as the new "
                    "taskDefinition)."
                ).format(),
            )
    state = primary.get("rolloutState")
    if state == "FAILED":
        return CheckResult(
            title,
            False,
            _("the deployment failed: {reason}").format(
                reason=primary.get("rolloutStateReason", "")
            ),
            _(
                "Read the service's events and the stopped tasks' stoppedReason, fix the task "
                "definition, and deploy again."
            ),
        )
    if state != "COMPLETED" or len(s["deployments"]) > 1:
        return CheckResult(
            title,
            False,
            _(
                "{revision} is {state} with {running} of {desired} running; "
                "{older} older deployment(s) still draining"
            ).format(
                revision=revision,
                state=state,
                running=primary["runningCount"],
                desired=primary["desiredCount"],
                older=len(s["deployments"]) - 1,
            ),
            _wait(),
        )
    extra = ""
    if minimum_healthy_percent is not None or maximum_percent is not None:
        extra = (
            f" (minimumHealthyPercent {cfg['minimumHealthyPercent']}, maximumPercent "
            f"{cfg['maximumPercent']})"
        )
    return CheckResult(
        title,
        True,
        _("{revision} COMPLETED, {running} running{extra}").format(
            revision=revision, running=primary["runningCount"], extra=extra
        ),
    )


def targets_healthy(lab, target_group_arn: str, *, count: int | None = None) -> CheckResult:
    """Every registered target of the group is ``healthy`` (and there are ``count`` of them);
    draining targets (deregistered, on their way out) are not counted."""
    name = target_group_arn.split(":targetgroup/")[-1].split("/")[0]
    title = _("targets healthy in {name}").format(name=name)
    try:
        got = client(lab, "elbv2").describe_target_health(TargetGroupArn=target_group_arn)
    except ClientError as exc:
        err = exc.response["Error"]
        return CheckResult(
            title,
            False,
            f"{err['Code']}: {err['Message']}",
            _("Use the TargetGroupArn that create_target_group returned."),
        )
    # Draining targets are on their way out (deregistered, finishing their requests): not counted.
    live = [d for d in got["TargetHealthDescriptions"] if d["TargetHealth"]["State"] != "draining"]
    states = [d["TargetHealth"]["State"] for d in live]
    healthy = states.count("healthy")
    if not states:
        return CheckResult(
            title,
            False,
            _("no targets are registered")
            + (_(" (some are draining)") if got["TargetHealthDescriptions"] else ""),
            _(
                "ECS registers a service's tasks when they reach RUNNING: give create_service "
                "loadBalancers=[{{'targetGroupArn': ..., 'containerName': ..., "
                "'containerPort': ...}}]."
            ).format(),
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
            _("{healthy} of {total} targets healthy; others: {others}").format(
                healthy=healthy, total=len(states), others=", ".join(sorted(set(bad)))
            ),
            _(
                "initial: wait a few health-check intervals (lab.advance('1m')). unhealthy with "
                "Target.ResponseCodeMismatch: the health-check path is not served (fix it with "
                "elbv2.modify_target_group(HealthCheckPath=...))."
            ),
        )
    if count is not None and healthy != count:
        return CheckResult(
            title,
            False,
            _("{healthy} healthy targets, the exercise wants {count}").format(
                healthy=healthy, count=count
            ),
            _("Each running task of the service is one target: change the service's desiredCount."),
        )
    return CheckResult(
        title,
        True,
        _("{healthy} of {total} targets healthy").format(healthy=healthy, total=len(states)),
    )
