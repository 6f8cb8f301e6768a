"""How many of the installed botocore model's ECS operations ecslab answers (the handler registry)."""

from __future__ import annotations

import botocore.session

from ecslab.api import load_handlers
from ecslab.api.registry import HANDLERS

# raise it as operations are added (41 before issue 16; +10 agent/ops, +5 capacity providers,
# +5 task sets)
FLOOR = 61

NEW = {
    "UpdateCluster",
    "RegisterContainerInstance",
    "DiscoverPollEndpoint",
    "SubmitTaskStateChange",
    "SubmitContainerStateChange",
    "SubmitAttachmentStateChanges",
    "UpdateContainerAgent",
    "GetTaskProtection",
    "UpdateTaskProtection",
    "ListServicesByNamespace",
    "CreateTaskSet",
    "DescribeTaskSets",
    "UpdateTaskSet",
    "DeleteTaskSet",
    "UpdateServicePrimaryTaskSet",
}


def _answered() -> set[str]:
    load_handlers()
    model = botocore.session.get_session().get_service_model("ecs")
    return {op for op in model.operation_names if ("ecs", op) in HANDLERS}


def test_ecs_operation_count_reaches_the_floor():
    answered = _answered()
    assert len(answered) >= FLOOR, sorted(answered)
    assert NEW <= answered
