"""Stand-ins for operations other slices build, so the transport can be tested now.

Replace a use with the real operation once it lands (the walkthrough test will).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from ecslab.api.registry import HANDLERS, handler

TASK_ARN = "arn:aws:ecs:ap-east-1:123456789012:task/MyCluster/0123456789abcdef0123456789abcdef"


@contextmanager
def describe_tasks_standin(running_after: float = 20) -> Iterator[str]:
    """ECS DescribeTasks answering one task, PENDING for the lab's first ``running_after``
    simulated seconds and RUNNING after. Yields the task ARN; the previous handler is restored."""
    key = ("ecs", "DescribeTasks")
    previous = HANDLERS.get(key)

    @handler("ecs", "DescribeTasks")
    def describe_tasks(lab, params):
        ready = lab.now >= lab.start + timedelta(seconds=running_after)
        task = {"taskArn": TASK_ARN, "lastStatus": "RUNNING" if ready else "PENDING"}
        return {"tasks": [task], "failures": []}

    try:
        yield TASK_ARN
    finally:
        if previous is None:
            HANDLERS.pop(key, None)
        else:
            HANDLERS[key] = previous
