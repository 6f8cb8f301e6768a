"""Exercise checks for deployment strategies (lesson 15): a blue/green deployment that baked and
finished on the right release, and a deployment that rolled back."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
from .result import CheckResult

__all__ = ["bluegreen_deployed", "rolled_back"]


def _newest(lab, cluster: str, service: str) -> dict | None:
    ecs = client(lab, "ecs")
    page = ecs.list_service_deployments(cluster=cluster, service=service, maxResults=1)
    if not page["serviceDeployments"]:
        return None
    arn = page["serviceDeployments"][0]["serviceDeploymentArn"]
    return ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]


def _version(lab, td_arn: str) -> str | None:
    td = client(lab, "ecs").describe_task_definition(taskDefinition=td_arn)["taskDefinition"]
    for c in td["containerDefinitions"]:
        for e in c.get("environment", []):
            if e["name"] == "VERSION":
                return e["value"]
    return None


def _target_td(lab, sd: dict) -> str:
    rev = client(lab, "ecs").describe_service_revisions(
        serviceRevisionArns=[sd["targetServiceRevision"]["arn"]]
    )["serviceRevisions"][0]
    return rev["taskDefinition"]


def _weights(lab, rule_arn: str) -> dict[str, int]:
    rule = client(lab, "elbv2").describe_rules(RuleArns=[rule_arn])["Rules"][0]
    groups = rule["Actions"][0].get("ForwardConfig", {}).get("TargetGroups", [])
    return {g["TargetGroupArn"]: g.get("Weight", 1) for g in groups}


def bluegreen_deployed(
    lab, cluster: str, service: str, version: str, bake_minutes: int
) -> CheckResult:
    """The newest service deployment of ``service`` is BLUE_GREEN with ``bakeTimeInMinutes``
    ``bake_minutes``, SUCCESSFUL, on a revision of release ``version`` (environment VERSION),
    and the production listener rule sends all its traffic to the service's target group."""
    title = _("service {service} deployed release {version} blue/green").format(
        service=service, version=version
    )
    hint = _(
        "UpdateService with the new task definition and deploymentConfiguration "
        "strategy BLUE_GREEN and bakeTimeInMinutes {bake}, then let simulated time pass: "
        "the green tasks start, the test and production rules move to them, the bake time "
        "runs, and clean-up waits for the blue targets to drain (300 s) before the service "
        "deployment is SUCCESSFUL."
    ).format(bake=bake_minutes)
    try:
        sd = _newest(lab, cluster, service)
        svc = client(lab, "ecs").describe_services(cluster=cluster, services=[service])["services"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    if sd is None or not svc:
        return CheckResult(
            title, False, _("service {service} has no deployments").format(service=service), hint
        )
    config = sd["deploymentConfiguration"]
    if config.get("strategy") != "BLUE_GREEN":
        return CheckResult(
            title,
            False,
            _("its newest deployment used the {strategy} strategy").format(
                strategy=config.get("strategy")
            ),
            hint,
        )
    if config.get("bakeTimeInMinutes") != bake_minutes:
        return CheckResult(
            title,
            False,
            _("its newest deployment baked for {got} minutes, not {want}").format(
                got=config.get("bakeTimeInMinutes"), want=bake_minutes
            ),
            hint,
        )
    got = _version(lab, _target_td(lab, sd))
    if got != str(version):
        return CheckResult(
            title,
            False,
            _("its newest deployment rolls out release {got}").format(got=got),
            hint,
        )
    if sd["status"] != "SUCCESSFUL":
        return CheckResult(
            title,
            False,
            _("its newest deployment is {status} (stage {stage})").format(
                status=sd["status"], stage=sd.get("lifecycleStage", "-")
            ),
            hint,
        )
    lb = svc[0]["loadBalancers"][0]
    rule = lb.get("advancedConfiguration", {}).get("productionListenerRule")
    weights = _weights(lab, rule) if rule else {}
    if weights and weights.get(lb["targetGroupArn"], 0) != sum(weights.values()):
        return CheckResult(
            title, False, _("the production rule does not send all traffic to it"), hint
        )
    return CheckResult(
        title,
        True,
        _(
            "SUCCESSFUL after {bake} minutes of bake time; {running} tasks of release {version}"
        ).format(bake=bake_minutes, running=svc[0]["runningCount"], version=version),
    )


def rolled_back(lab, cluster: str, service: str, breaker: bool = False) -> CheckResult:
    """The newest service deployment of ``service`` rolled back (ROLLBACK_SUCCESSFUL; with
    ``breaker`` the circuit breaker did it, TRIGGERED) and the service runs its desired count
    on the revision it rolled back to."""
    title = (
        _("the circuit breaker rolled service {service} back")
        if breaker
        else _("service {service} rolled back")
    ).format(service=service)
    hint = (
        _(
            "Turn the circuit breaker on with rollback (deploymentConfiguration "
            "deploymentCircuitBreaker enable true, rollback true) in the same UpdateService "
            "that deploys the broken release, then let simulated time pass: after enough "
            "failed tasks ECS rolls back to the last completed deployment by itself."
        )
        if breaker
        else _(
            "While the deployment is IN_PROGRESS, StopServiceDeployment with its ARN "
            "(ListServiceDeployments) and stopType ROLLBACK, then let simulated time pass "
            "until the service is steady on the old revision again."
        )
    )
    try:
        sd = _newest(lab, cluster, service)
        svc = client(lab, "ecs").describe_services(cluster=cluster, services=[service])["services"]
    except ClientError as e:
        return CheckResult(title, False, str(e), hint)
    if sd is None or not svc:
        return CheckResult(
            title, False, _("service {service} has no deployments").format(service=service), hint
        )
    if sd["status"] != "ROLLBACK_SUCCESSFUL":
        return CheckResult(
            title,
            False,
            _("its newest service deployment is {status}").format(status=sd["status"]),
            hint,
        )
    if breaker and sd["deploymentCircuitBreaker"]["status"] != "TRIGGERED":
        return CheckResult(
            title,
            False,
            _("it rolled back, but the circuit breaker is {status}").format(
                status=sd["deploymentCircuitBreaker"]["status"]
            ),
            hint,
        )
    rev = sd.get("rollback", {}).get("serviceRevisionArn")
    back_to = (
        client(lab, "ecs").describe_service_revisions(serviceRevisionArns=[rev])[
            "serviceRevisions"
        ][0]["taskDefinition"]
        if rev
        else None
    )
    s = svc[0]
    if back_to and s["taskDefinition"] != back_to:
        return CheckResult(
            title, False, _("the service does not run the revision it rolled back to"), hint
        )
    if s["runningCount"] != s["desiredCount"]:
        return CheckResult(
            title,
            False,
            _("{running} of {desired} tasks running").format(
                running=s["runningCount"], desired=s["desiredCount"]
            ),
            hint,
        )
    return CheckResult(
        title,
        True,
        _("ROLLBACK_SUCCESSFUL: back on {td}, {running} tasks running").format(
            td=s["taskDefinition"].rsplit("/", 1)[-1], running=s["runningCount"]
        ),
    )
