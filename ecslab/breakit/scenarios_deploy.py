"""Scenario 8: a rolling deployment blocked by a static host port.

Service deploy-web runs two httpd tasks in bridge mode with ``hostPort 80`` on two instances --
one per instance, every port 80 taken. Release 2 (a new revision, environment ``VERSION=2``)
is deployed with the default minimumHealthyPercent 100 / maximumPercent 200: the scheduler wants
to start the two new tasks before it stops an old one, no instance has port 80 free, and the
deployment stalls ("... The closest matching container-instance ... is already using a port
required by your task.").

The check reads the service: one deployment, COMPLETED, on a revision that carries release 2.
"""

from __future__ import annotations

from ..core.checks import CheckResult
from .kit import client, launch
from .model import Scenario
from .svckit import last_event, service
from .text import F_, N_, joined

__all__ = ["ROLLING_BLOCKED", "deploy_revision"]

CLUSTER, NAME, DESIRED = "deploy-lab", "deploy-web", 2
UNPLACED = "was unable to place a task"
NO_PROGRESS = "was unable to stop or start tasks during a deployment"


def deploy_revision(lab, version: str, host_port: int = 80) -> str:
    """Register a deploy-web revision of release ``version``; returns its ARN."""
    td = client(lab, "ecs").register_task_definition(
        family=NAME,
        networkMode="bridge",
        containerDefinitions=[
            {
                "name": "web",
                "image": "httpd:2.4",
                "cpu": 256,
                "memory": 512,
                "essential": True,
                "portMappings": [{"containerPort": 80, "hostPort": host_port}],
                "environment": [{"name": "VERSION", "value": version}],
            }
        ],
    )
    return td["taskDefinition"]["taskDefinitionArn"]


def _setup(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    for i in (1, 2):
        launch(lab, f"deploy-{i}", CLUSTER)
    lab.advance("1m")
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=NAME,
        taskDefinition=deploy_revision(lab, "1"),
        desiredCount=DESIRED,
        deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200},
    )
    lab.advance("2m")  # release 1 runs, steady
    ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=deploy_revision(lab, "2"))
    lab.advance("3m")


def _rev(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _deployments_text(svc: dict) -> str:
    return joined(
        "; ",
        [
            F_(
                "{status} {revision} {rollout} (running {running}, pending {pending}, "
                "desired {desired})",
                status=d["status"],
                revision=_rev(d["taskDefinition"]),
                rollout=d["rolloutState"],
                running=d["runningCount"],
                pending=d["pendingCount"],
                desired=d["desiredCount"],
            )
            for d in svc["deployments"]
        ],
    )


def _observe(lab, variant: str) -> str:
    svc = service(lab, CLUSTER, NAME)
    if svc is None:
        return F_("service {name} does not exist", name=NAME)
    lines = [F_("deployments: {deployments}", deployments=_deployments_text(svc))]
    event = last_event(svc, UNPLACED, NO_PROGRESS)
    if event:
        lines.append(F_("service event: {event}", event=event))
    return joined("\n", lines)


def _version(lab, td_arn: str) -> str | None:
    td = client(lab, "ecs").describe_task_definition(taskDefinition=td_arn)["taskDefinition"]
    for c in td["containerDefinitions"]:
        for e in c.get("environment", []):
            if e["name"] == "VERSION":
                return e["value"]
    return None


def _check(lab, variant: str) -> CheckResult:
    svc = service(lab, CLUSTER, NAME)
    if svc is None or svc["status"] != "ACTIVE":
        return CheckResult(
            "",
            False,
            F_("service {name} is not ACTIVE", name=NAME),
            N_("Fix the deployment of the existing service (update-service), do not delete it."),
        )
    primary = svc["deployments"][0]
    version = _version(lab, primary["taskDefinition"])
    if version != "2":
        return CheckResult(
            "",
            False,
            F_(
                "the service deploys {revision}, release {version}",
                revision=_rev(primary["taskDefinition"]),
                version=version,
            ),
            N_(
                "Rolling back is not rolling out: the service must end on a revision of release 2 "
                "(environment VERSION=2)."
            ),
        )
    if len(svc["deployments"]) > 1 or primary["rolloutState"] != "COMPLETED":
        event = last_event(svc, UNPLACED, NO_PROGRESS) or ""
        hint = N_(
            "With minimumHealthyPercent 100 and maximumPercent 200 the scheduler starts the new "
            "tasks before it stops an old one, and each wants host port 80 on an instance whose "
            "port 80 is taken. Register a release-2 revision with hostPort 0 (dynamic) and "
            "deploy it, or set minimumHealthyPercent 50 so an old task stops first, or add "
            "instances."
        )
        if NO_PROGRESS in event:
            hint = joined(
                " ",
                [
                    N_(
                        "minimumHealthyPercent 100 with maximumPercent 100 leaves the scheduler "
                        "no room at all: it may neither stop an old task nor start a new one."
                    ),
                    hint,
                ],
            )
        return CheckResult(
            "",
            False,
            F_("deployment not completed: {deployments}", deployments=_deployments_text(svc)),
            hint,
        )
    if svc["runningCount"] < DESIRED:
        return CheckResult(
            "",
            False,
            F_(
                "{running} of {desired} tasks RUNNING", running=svc["runningCount"], desired=DESIRED
            ),
            F_(
                "Keep desiredCount {desired}: the service must still serve on both instances.",
                desired=DESIRED,
            ),
        )
    return CheckResult(
        "",
        True,
        F_(
            "deployment COMPLETED on {revision} (release 2), {running} tasks RUNNING",
            revision=_rev(primary["taskDefinition"]),
            running=svc["runningCount"],
        ),
    )


def _fix(lab, variant: str) -> None:
    arn = deploy_revision(lab, "2", host_port=0)
    client(lab, "ecs").update_service(
        cluster=CLUSTER,
        service=NAME,
        taskDefinition=arn,
        # the defaults again, in case they were changed: room for the new tasks beside the old
        deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200},
    )
    lab.advance("5m")


ROLLING_BLOCKED = Scenario(
    number=8,
    slug="rolling-deployment-blocked",
    title=N_("rolling deployment blocked by a static host port"),
    cluster=CLUSTER,
    variants=("static-port-maximum-200",),
    brief=(
        N_(
            "Service deploy-web (two tasks on the two instances of deploy-lab) was updated to "
            "release 2 (a new revision with VERSION=2). Minutes later the old tasks still run, no "
            "release-2 task does, and the deployment stays IN_PROGRESS. Get release 2 rolled out."
        )
    ),
    questions=(
        N_(
            "With minimumHealthyPercent 100 and maximumPercent 200, how many tasks does the "
            "deployment want running at once?"
        ),
        N_("What does the service event say about the closest matching container instance?"),
        N_("Can two tasks with hostPort 80 share an instance? What does hostPort 0 do?"),
        N_("What would minimumHealthyPercent 50, or a third instance, change?"),
    ),
    fix=(
        N_(
            "Let the new tasks fit: a release-2 revision with dynamic host ports (hostPort 0, behind "
            "an ALB in practice) or awsvpc; or minimumHealthyPercent 50 so old tasks stop first; or "
            "more instances. Then the deployment COMPLETES."
        )
    ),
    hints=(
        N_(
            "The service event names the closest instance and says it 'is already using a port "
            "required by your task'."
        ),
        N_(
            "Register release 2 again with hostPort 0 and update-service to it (or update-service "
            "--deployment-configuration minimumHealthyPercent=50)."
        ),
    ),
    setup=_setup,
    observe=_observe,
    checker=_check,
    fixer=_fix,
)
