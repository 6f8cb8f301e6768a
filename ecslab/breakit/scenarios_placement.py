"""Scenario 2: "no container instance met all of its requirements".

Cluster place-lab has one m5.large. Variants ``cpu``, ``memory`` and ``ports``: RunTask of
place-app answers only ``failures`` (RESOURCE:CPU / RESOURCE:MEMORY / RESOURCE:PORTS).
Variant ``service``: a service of place-app asks for more CPU than the instance has; it starts
nothing and its events say "(service place-app) was unable to place a task because no container
instance met all of its requirements. The closest matching container-instance <id> has
insufficient CPU units available."
"""

from __future__ import annotations

from ..core.checks import CheckResult
from .kit import client, failures_text, last_placement_failures, launch, running, started_at
from .model import Scenario
from .svckit import last_event, service
from .text import F_, N_, joined

__all__ = ["PLACEMENT", "PLACE_SPECS"]

WEB_IMAGE = "httpd:2.4"
CLUSTER, FAMILY = "place-lab", "place-app"
UNPLACED = "was unable to place a task"

#: variant -> (container cpu, memory, host port) of the app and how many copies must run
PLACE_SPECS = {
    "cpu": (4096, 512, None, 1),
    "memory": (256, 16384, None, 1),
    "ports": (256, 512, 80, 2),
    "service": (4096, 512, None, 1),
}
HINTS = {
    "cpu": N_(
        "The task asks for more CPU units than any instance has free (an m5.large registers "
        "2048). Register a revision that asks for less, or add a bigger instance, then run it."
    ),
    "memory": N_(
        "The task asks for more memory than any instance registered (an m5.large registers "
        "7985 MiB, not 8192). Ask for less, or add an instance with more memory."
    ),
    "ports": N_(
        "Two copies must run, but both want host port 80 on the only instance. Use a dynamic "
        "host port (hostPort 0) in a new revision, or add a second instance; then run the second "
        "copy."
    ),
    "service": N_(
        "The service's task asks for more CPU units than the instance registers (an m5.large: "
        "2048). Register a revision that asks for less and update the service to it "
        "(update-service --task-definition place-app), or add a bigger instance."
    ),
}


def _short_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1][:8] + "…"


def _place_register(lab, cpu: int, memory: int, host_port: int | None) -> str:
    container = {"name": "web", "image": WEB_IMAGE, "cpu": cpu, "memory": memory}
    if host_port is not None:
        container["portMappings"] = [{"containerPort": 80, "hostPort": host_port}]
    td = client(lab, "ecs").register_task_definition(
        family=FAMILY, networkMode="bridge", containerDefinitions=[container]
    )
    return td["taskDefinition"]["taskDefinitionArn"]


def _place_setup(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    launch(lab, "place-1", CLUSTER, "m5.large")
    lab.advance("1m")
    cpu, memory, port, want = PLACE_SPECS[variant]
    _place_register(lab, cpu, memory, port)
    if variant == "service":
        ecs.create_service(
            cluster=CLUSTER, serviceName=FAMILY, taskDefinition=FAMILY, desiredCount=want
        )
        lab.advance("2m")
        return
    if variant == "ports":
        ecs.run_task(cluster=CLUSTER, taskDefinition=FAMILY)  # the first copy fits
        lab.advance("1m")
    ecs.run_task(cluster=CLUSTER, taskDefinition=FAMILY)
    lab.advance("1m")


def _place_observe(lab, variant: str) -> str:
    if variant == "service":
        svc = service(lab, CLUSTER, FAMILY)
        if svc is None:
            return F_("service {name} does not exist", name=FAMILY)
        event = last_event(svc, UNPLACED) or F_("no placement failure reported")
        return F_(
            "runningCount {running} of {desired}; newest event: {event}",
            running=svc["runningCount"],
            desired=svc["desiredCount"],
            event=event,
        )
    failures = last_placement_failures(
        lab, CLUSTER, FAMILY, started_at(lab, "no-instance-met-requirements")
    )
    text = failures_text(failures)
    if failures:
        where = F_("(container instance {id})", id=_short_id(failures[0]["arn"]))
        return joined(" ", [text, where])
    return text


def _service_check(lab) -> CheckResult:
    svc = service(lab, CLUSTER, FAMILY)
    if svc is None or svc["status"] != "ACTIVE":
        return CheckResult(
            "",
            False,
            F_("service {name} is not ACTIVE", name=FAMILY),
            joined(
                " ",
                [
                    N_(
                        "Fix the service in place (update-service); running the task by hand "
                        "does not make the service work."
                    ),
                    HINTS["service"],
                ],
            ),
        )
    primary = svc["deployments"][0]
    want = max(svc["desiredCount"], 1)
    if svc["runningCount"] >= want and primary["rolloutState"] == "COMPLETED":
        return CheckResult(
            "",
            True,
            F_(
                "service {name}: {running} task(s) RUNNING, deployment COMPLETED",
                name=FAMILY,
                running=svc["runningCount"],
            ),
        )
    event = last_event(svc, UNPLACED) or F_("no placement failure reported")
    return CheckResult(
        "",
        False,
        F_(
            "service {name}: {running} of {want} task(s) RUNNING; newest event: {event}",
            name=FAMILY,
            running=svc["runningCount"],
            want=want,
            event=event,
        ),
        HINTS["service"],
    )


def _place_check(lab, variant: str) -> CheckResult:
    if variant == "service":
        return _service_check(lab)
    want = PLACE_SPECS[variant][3]
    have = running(lab, CLUSTER, FAMILY)
    if len(have) >= want:
        return CheckResult(
            "", True, F_("{running} place-app task(s) RUNNING in place-lab", running=len(have))
        )
    failures = last_placement_failures(lab, CLUSTER, FAMILY)
    return CheckResult(
        "",
        False,
        F_(
            "{running} of {want} place-app task(s) RUNNING; last placement: {failures}",
            running=len(have),
            want=want,
            failures=failures_text(failures),
        ),
        HINTS[variant],
    )


def _place_fix(lab, variant: str) -> None:
    cpu, memory, port, want = PLACE_SPECS[variant]
    fixed = {
        "cpu": (1024, memory, port),
        "memory": (cpu, 4096, port),
        "ports": (cpu, memory, 0),
        "service": (1024, memory, port),
    }
    arn = _place_register(lab, *fixed[variant])
    if variant == "service":
        client(lab, "ecs").update_service(cluster=CLUSTER, service=FAMILY, taskDefinition=arn)
        lab.advance("2m")
        return
    missing = want - len(running(lab, CLUSTER, FAMILY))
    if missing > 0:
        client(lab, "ecs").run_task(cluster=CLUSTER, taskDefinition=FAMILY, count=missing)
        lab.advance("1m")


PLACEMENT = Scenario(
    number=2,
    slug="no-instance-met-requirements",
    title=N_("no container instance met all of its requirements"),
    cluster=CLUSTER,
    variants=tuple(PLACE_SPECS),
    brief=(
        N_(
            "Cluster place-lab has one m5.large. RunTask of place-app returns no task, only "
            "failures (in the service variant: service place-app starts nothing). Find the "
            "requirement no instance meets and get the app running (two copies in the ports "
            "variant; through the service in the service variant)."
        )
    ),
    questions=(
        N_(
            "What reason does each RunTask failure give (RESOURCE:CPU, RESOURCE:MEMORY, "
            "RESOURCE:PORTS ...)?"
        ),
        N_(
            "What does the task ask for, and what does the instance have left "
            "(describe-container-instances: remainingResources)?"
        ),
        N_("Which filter removed the instance (lab.why_not_placed)?"),
        N_(
            "For a service: what does its newest event say about the closest matching "
            "container-instance?"
        ),
    ),
    fix=(
        N_(
            "Make the request fit or add capacity: lower cpu/memory in a new revision (memory below "
            "the *registered* memory), use dynamic host ports (hostPort 0) or awsvpc, or add "
            "instances; then run the task (or update the service to the new revision)."
        )
    ),
    hints=(
        N_(
            "The failure reason names the resource. Compare the task definition's cpu/memory/ports "
            "with the container instance's remainingResources."
        ),
        N_(
            "cpu: ask for at most 2048 units; memory: at most 7985 MiB on an m5.large; ports: "
            "register a revision with hostPort 0 and run the second copy; service: a revision with "
            "cpu 1024, then update-service --task-definition place-app."
        ),
    ),
    setup=_place_setup,
    observe=_place_observe,
    checker=_place_check,
    fixer=_place_fix,
)
