"""API layer: one handler per AWS operation, AWS spellings in and out, AWS-shaped errors.

Handlers register themselves with :func:`ecslab.api.registry.handler`; importing this package
imports every handler module (the list below grows with each service slice).
"""

from __future__ import annotations

import importlib

HANDLER_MODULES = [
    "ecslab.api.ecs_clusters",
    "ecslab.api.logs",
    "ecslab.api.cloudwatch",
    "ecslab.api.ecs_taskdefs",
    "ecslab.api.ecr_repositories",
    "ecslab.api.ecr_images",
    "ecslab.api.secretsmanager_secrets",
    "ecslab.api.ecs_container_instances",
    "ecslab.api.ecs_account_settings",
    "ecslab.api.ec2_network",
    "ecslab.api.ec2_instances",
    "ecslab.api.ssm_parameters",
    "ecslab.api.iam_roles",
    "ecslab.api.elbv2_balancers",
    "ecslab.api.elbv2_target_groups",
    "ecslab.api.elbv2_rules",
    "ecslab.api.ecs_tasks",
    "ecslab.api.ecs_services",
    "ecslab.api.appscaling",
    "ecslab.api.cloudwatch_alarms",
    "ecslab.api.ecs_deployments",
    "ecslab.api.ecs_agent",
    "ecslab.api.ecs_task_protection",
    "ecslab.api.ecs_namespaces",
    "ecslab.api.ssm_activations",
    "ecslab.api.ec2_launch_templates",
    "ecslab.api.autoscaling_groups",
    "ecslab.api.ecs_capacity_providers",
    "ecslab.api.ecs_task_sets",
]


_loaded = 0  # how many of HANDLER_MODULES are imported (dispatch calls this on every request)


def load_handlers() -> None:
    global _loaded
    if _loaded == len(HANDLER_MODULES):
        return
    for name in HANDLER_MODULES:
        importlib.import_module(name)
    _loaded = len(HANDLER_MODULES)
