"""Exercise checks for the cost lesson: answers compared with the engine's own figures."""

from __future__ import annotations

from ..i18n import _
from .result import CheckResult

__all__ = ["break_even_count", "lab_cost"]


def _is_number(x) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float))


def break_even_count(
    lab,
    answer,
    *,
    cpu: int,
    memory: int,
    instance_type: str,
    network_mode: str = "awsvpc",
    trunking: bool = True,
    arch: str = "x86_64",
    up_to: int = 100,
) -> CheckResult:
    """``answer`` is the smallest task count (up to ``up_to``) at which EC2 ``instance_type`` costs
    no more than Fargate for always-on tasks of this size (None if it never does)."""
    mode = network_mode
    if trunking and network_mode == "awsvpc":
        mode = _("{mode} with trunking").format(mode=network_mode)
    title = _("break-even count for {type} ({cpu}/{memory}, {mode}, Fargate {arch})").format(
        type=instance_type, cpu=cpu, memory=memory, mode=mode, arch=arch
    )
    cmp = lab.compare_launch_types(
        cpu=cpu,
        memory=memory,
        count=1,
        instance_types=[instance_type],
        network_mode=network_mode,
        trunking=trunking,
        arch=arch,
        counts=range(1, up_to + 1),
    )
    want = cmp.break_even_count[instance_type]
    per = cmp.workload["tasks_per_instance"][instance_type]
    hint = _(
        "Call lab.compare_launch_types(cpu=..., memory=..., count=..., instance_types=[...], "
        "trunking=..., arch=...) and read .break_even_count (a dict by instance type); pass a "
        "count (or counts=range(...)) big enough for the table to reach it. {per} such tasks fit "
        "on one {type} here."
    ).format(per=per, type=instance_type)
    if answer is None and want is None:
        return CheckResult(title, True, _("EC2 never costs less up to {n} tasks").format(n=up_to))
    if answer is not None and not (_is_number(answer) and float(answer).is_integer()):
        return CheckResult(
            title,
            False,
            _("the answer should be a whole number, got {answer}").format(answer=repr(answer)),
            hint,
        )
    if answer != want:
        got = "None" if answer is None else _("{n} tasks").format(n=int(answer))
        return CheckResult(
            title, False, _("{got} is not the break-even count").format(got=got), hint
        )
    return CheckResult(
        title, True, _("{n} tasks: EC2 is no dearer from there (while full)").format(n=want)
    )


def lab_cost(lab, answer, resource_type: str = "ec2-instance") -> CheckResult:
    """``answer`` is what the lab's ``resource_type`` resources have cost so far, in USD to the
    cent (within half a cent)."""
    title = _("cost of the lab's {type} resources so far").format(type=resource_type)
    by = lab.costs(by="resource_type").set_index("resource_type")["cost"]
    want = float(by.get(resource_type, 0.0))
    hint = _(
        'lab.costs(by="resource_type") sums the bill per resource type; pick the '
        "{type} row and round to cents (round(x, 2))."
    ).format(type=repr(resource_type))
    if not _is_number(answer):
        return CheckResult(
            title,
            False,
            _("the answer should be a number, got {answer}").format(answer=repr(answer)),
            hint,
        )
    if abs(answer - want) > 0.005:
        return CheckResult(
            title,
            False,
            _("${answer} is not what the bill says").format(answer=f"{answer:,.2f}"),
            hint,
        )
    return CheckResult(title, True, f"${want:,.2f}")  # a figure, no words
