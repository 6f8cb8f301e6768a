"""Scenario 10: an invalid Fargate CPU/memory pair (RegisterTaskDefinition refuses it)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..core.checks import CheckResult
from .kit import client, error_text, role_arn
from .model import Scenario
from .scenarios_start import WEB_IMAGE
from .text import F_, N_

__all__ = ["FARGATE_SIZE", "BROKEN_SIZES", "broken_size_definition"]


# -- 10: invalid Fargate CPU/memory pair ---------------------------------------------------------------

#: variant -> (the broken sizes, what the app needs: cpu units, MiB)
BROKEN_SIZES = {
    "memory-too-big": (("256", "4096"), (256, 4096)),
    "memory-too-small": (("1024", "512"), (1024, 512)),
}


def broken_size_definition(lab, variant: str) -> dict:
    """The task definition the learner is handed (RegisterTaskDefinition refuses it)."""
    (cpu, memory), _ = BROKEN_SIZES[variant]
    return {
        "family": "size-app",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": cpu,
        "memory": memory,
        "executionRoleArn": role_arn(lab, "ecsTaskExecutionRole"),
        "containerDefinitions": [{"name": "web", "image": WEB_IMAGE, "essential": True}],
    }


def _size_setup(lab, variant: str) -> None:
    client(lab, "ecs").create_cluster(clusterName="size-lab")


def _size_observe(lab, variant: str) -> str:
    try:  # a refused call leaves no trace in the lab
        client(lab, "ecs").register_task_definition(**broken_size_definition(lab, variant))
    except ClientError as exc:
        return error_text(exc)
    return N_("RegisterTaskDefinition accepted the definition (the engine's size table changed?)")


def _size_check(lab, variant: str) -> CheckResult:
    _, (need_cpu, need_mem) = BROKEN_SIZES[variant]
    ecs = client(lab, "ecs")
    arns = ecs.list_task_definitions(familyPrefix="size-app", status="ACTIVE")["taskDefinitionArns"]
    hint = F_(
        "The app needs at least {cpu} CPU units and {memory} MiB. Fargate accepts only certain "
        "pairs: see the Fargate task size table (lab.taskdefs or lesson 03) and pick the smallest "
        "valid pair that gives both, with requiresCompatibilities FARGATE.",
        cpu=need_cpu,
        memory=need_mem,
    )
    if not arns:
        return CheckResult("", False, N_("there is no ACTIVE size-app revision yet"), hint)
    td = ecs.describe_task_definition(taskDefinition=arns[-1])["taskDefinition"]
    rev = f"size-app:{td['revision']}"
    if "FARGATE" not in td.get("compatibilities", []):
        return CheckResult(
            "", False, F_("{revision} is not FARGATE-compatible", revision=rev), hint
        )
    cpu, mem = int(td.get("cpu") or 0), int(td.get("memory") or 0)
    if cpu < need_cpu or mem < need_mem:
        return CheckResult(
            "",
            False,
            F_(
                "{revision} has {cpu} CPU / {memory} MiB, less than the app needs",
                revision=rev,
                cpu=cpu,
                memory=mem,
            ),
            hint,
        )
    return CheckResult(
        "",
        True,
        F_(
            "{revision} registered for Fargate with {cpu} CPU / {memory} MiB",
            revision=rev,
            cpu=cpu,
            memory=mem,
        ),
    )


def _size_fix(lab, variant: str) -> None:
    td = broken_size_definition(lab, variant)
    td["cpu"], td["memory"] = {
        "memory-too-big": ("512", "4096"),
        "memory-too-small": ("1024", "2048"),
    }[variant]
    client(lab, "ecs").register_task_definition(**td)


FARGATE_SIZE = Scenario(
    number=10,
    slug="invalid-fargate-size",
    title=N_("invalid Fargate CPU/memory pair"),
    cluster="size-lab",
    variants=tuple(BROKEN_SIZES),
    brief=(
        N_(
            "Register the size-app task definition you were given "
            "(breakit.broken_size_definition(lab, variant)) for Fargate. RegisterTaskDefinition "
            "refuses it. Register a revision that Fargate accepts and that still gives the app what "
            "it needs."
        )
    ),
    questions=(
        N_("What exactly does the ClientException say?"),
        N_("Which CPU values go with which memory values on Fargate?"),
        N_("What does the app need at least (the broken definition's larger figure)?"),
    ),
    fix=(
        N_(
            "Use a valid Fargate pair: 256 CPU takes 512-2048 MiB, 512 CPU 1-4 GB, 1024 CPU 2-8 GB, "
            "... Raise the smaller figure to the next valid pair and register again."
        )
    ),
    hints=(
        N_(
            "Fargate sizes are pairs, not free figures: a given CPU value allows only some memory "
            "values."
        ),
        N_("256 CPU cannot have 4 GB (use 512 CPU / 4096 MiB); 1024 CPU needs at least 2048 MiB."),
    ),
    setup=_size_setup,
    observe=_size_observe,
    checker=_size_check,
    fixer=_size_fix,
)
