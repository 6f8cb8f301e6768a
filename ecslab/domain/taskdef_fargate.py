"""The FARGATE launch-type rules, and ``run_rules`` (every rule, in order) for RegisterTaskDefinition.

A FARGATE rule raises when ``requiresCompatibilities`` names FARGATE; otherwise
:func:`fargate_problem` only decides whether FARGATE is listed in ``compatibilities``.
Provenance tags as in :mod:`ecslab.domain.taskdef_rules`.
"""

from __future__ import annotations

from ..core.errors import ClientException
from .taskdef_rules import FARGATE_RULES, RULES, RuleContext, fargate_rule, is_ecr_image
from .taskdef_sizes import fargate_pair_ok

__all__ = ["run_rules", "fargate_problem", "FARGATE_RULES", "RULES"]


@fargate_rule
def fargate_network_mode(ctx: RuleContext) -> None:
    if ctx.network_mode != "awsvpc":
        raise ClientException(
            "Fargate only supports network mode \u2018awsvpc\u2019."
        )  # [V] curly quotes


@fargate_rule
def fargate_task_size(ctx: RuleContext) -> None:
    if ctx.cpu_units is None:
        raise ClientException("Fargate requires that 'cpu' be defined at the task level.")  # [V]
    if ctx.memory_mib is None:
        raise ClientException("Fargate requires that 'memory' be defined at the task level.")  # [U]
    if not fargate_pair_ok(ctx.cpu_units, ctx.memory_mib):
        raise ClientException(
            f"No Fargate configuration exists for given values: {ctx.cpu_units} CPU, {ctx.memory_mib} memory. See the Amazon ECS documentation for the valid values."
        )  # [V]


@fargate_rule
def fargate_no_privileged(ctx: RuleContext) -> None:
    for c in ctx.containers:
        if c.get("privileged"):
            raise ClientException(
                f"Tasks using the Fargate launch type do not support privileged containers (container '{c['name']}')."
            )  # [U] in the style of the ipcMode message
    if ctx.spec.get("ipc_mode"):
        raise ClientException("Tasks using the Fargate launch type do not support ipcMode.")  # [V]
    if ctx.spec.get("pid_mode") == "host":
        raise ClientException(
            "Tasks using the Fargate launch type do not support pidMode host."
        )  # [U]


@fargate_rule
def fargate_execution_role(ctx: RuleContext) -> None:
    if ctx.execution_role:
        return
    for c in ctx.containers:
        if (c.get("log_configuration") or {}).get("log_driver") == "awslogs":
            raise ClientException(
                "Fargate requires task definition to have execution role ARN to support log driver awslogs."
            )  # [V]
        if is_ecr_image(c.get("image", "")):
            raise ClientException(
                "Fargate requires task definition to have execution role ARN to support ECR images."
            )  # [V]


def run_rules(ctx: RuleContext) -> None:
    """Raise the first problem; FARGATE rules only when FARGATE is required."""
    for check in RULES:
        check(ctx)
    if "FARGATE" in ctx.requires:
        for check in FARGATE_RULES:
            check(ctx)


def fargate_problem(ctx: RuleContext) -> str | None:
    """Why the definition is not Fargate-compatible (None when it is). Run after ``run_rules``."""
    for check in FARGATE_RULES:
        try:
            check(ctx)
        except ClientException as e:
            return e.message
    return None
