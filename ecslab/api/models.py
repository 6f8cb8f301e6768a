"""botocore's own service models: the single source of truth for shapes and protocols."""

from __future__ import annotations

from functools import cache, lru_cache

import botocore.loaders
from botocore.model import OperationModel, ServiceModel

__all__ = [
    "service_model",
    "operation_model",
    "SERVICES",
    "service_for_target_prefix",
    "service_for_signing_name",
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
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)


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
