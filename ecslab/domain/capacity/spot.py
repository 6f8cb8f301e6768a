"""Fargate Spot interruptions: a recorded lab action standing for AWS reclaiming capacity.

``lab.capacity.interrupt_spot(task=None)`` records the ``interrupt_spot`` lab action. It picks
the task (the one named, else one RUNNING FARGATE_SPOT task drawn with ``lab.random``, so the
same seed and history pick the same task), sends the two-minute warning -- a task state change
(``TaskSpotInterruptionWarned``, what EventBridge's "ECS Task State Change" carries) -- and two
minutes later stops the task with stop code ``SpotInterruption`` and reason "Your Spot Task was
interrupted." [V: stop code enum; Amazon ECS Developer Guide, "Fargate Spot": two-minute warning,
then the task is stopped]. A service replaces the task as it replaces any stopped task.
[M] ecslab sends the stop signal at the end of the two minutes; AWS sends SIGTERM with the
warning, so a container that exits on SIGTERM may stop sooner.
"""

from __future__ import annotations

from ...core.errors import InvalidParameterException
from ...core.record import lab_action

__all__ = ["WARNING_SECONDS", "REASON", "interrupt_spot"]

WARNING_SECONDS = 120
REASON = "Your Spot Task was interrupted."


def _spot_tasks(lab) -> list:
    return [
        t
        for t in lab.tasks.all()
        if t.capacity_provider == "FARGATE_SPOT"
        and t.last_status == "RUNNING"
        and t.desired_status == "RUNNING"
    ]


@lab_action
def interrupt_spot(lab, task: str | None = None) -> str:
    """Interrupt one FARGATE_SPOT task (``task``: its ARN or id; default: one drawn at random)."""
    from ..tasks import lifecycle

    candidates = _spot_tasks(lab)
    if task is not None:
        chosen = lab.tasks.locate(task)
        if chosen is None or chosen not in candidates:
            raise InvalidParameterException(
                f"{task} is not a RUNNING task on FARGATE_SPOT capacity."
            )  # [M] lab-action refusal
    else:
        if not candidates:
            raise InvalidParameterException("No RUNNING FARGATE_SPOT task to interrupt.")  # [M]
        chosen = candidates[int(lab.random.integers(0, len(candidates), size=1)[0])]
    lab.tasks.fact(
        "TaskSpotInterruptionWarned",
        chosen,
        stop_code="SpotInterruption",
        warning_seconds=WARNING_SECONDS,
        service=chosen.service,
        family=chosen.family,
    )

    def stop(t=chosen) -> None:
        lifecycle.begin_stop(lab.tasks, t, "SpotInterruption", REASON)

    lab.clock.after(WARNING_SECONDS, stop, "spot-interruption")
    return chosen.arn
