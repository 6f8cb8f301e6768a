"""botocore's own service models: the single source of truth for shapes and protocols."""

from __future__ import annotations

import gc
from functools import cache, lru_cache

import botocore.loaders
from botocore.model import OperationModel, ServiceModel

__all__ = [
    "service_model",
    "operation_model",
    "SERVICES",
    "service_for_target_prefix",
    "service_for_signing_name",
    "freeze_models",
]

#: botocore service name -> what the lab calls it (client name == botocore name).
SERVICES = (
    "ecs",
    "ecr",
    "ec2",
    "ssm",
    "elbv2",
    "secretsmanager",
    "logs",
    "cloudwatch",
    "iam",
    "sts",
    "application-autoscaling",
    "autoscaling",
)


@lru_cache(maxsize=1)
def _loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


@cache
def service_model(name: str) -> ServiceModel:
    model = ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)
    freeze_models(f"server:{name}")
    return model


_FROZEN: set[str] = set()


def freeze_models(key: str) -> None:
    """Once a service's botocore models are loaded for good (``key``: who loaded them), move
    every live object out of the collector's generations (``gc.freeze``). A model is tens of
    thousands of long-lived dicts and lists that each full collection would otherwise walk
    again (~90 ms a time at 1,000 instances, measured by benchmarks/bench_tasks_moto.py, several
    times per 10,000 tasks). A collection first, so no garbage is frozen; once per key per
    process. Frozen objects are still freed by reference counting."""
    if key in _FROZEN:
        return
    _FROZEN.add(key)
    gc.collect()
    gc.freeze()


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


@cache
def service_for_target_prefix(prefix: str) -> str | None:
    for name in SERVICES:
        if service_model(name).metadata.get("targetPrefix") == prefix:
            return name
    return None


@cache
def service_for_signing_name(signing: str) -> str | None:
    for name in SERVICES:
        md = service_model(name).metadata
        if signing in (md.get("signingName"), md.get("endpointPrefix"), name):
            return name
    return None
