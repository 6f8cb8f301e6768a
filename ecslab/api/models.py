"""botocore's own service models: the single source of truth for shapes and protocols."""

from __future__ import annotations

from functools import cache

import botocore.loaders
from botocore.model import OperationModel, ServiceModel

__all__ = [
    "service_model",
    "operation_model",
    "SERVICES",
    "service_for_target_prefix",
    "service_for_signing_name",
    "load_all",
    "use_loader",
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


_LOADER: list[botocore.loaders.Loader] = []


def use_loader(loader: botocore.loaders.Loader) -> None:
    """Read models through ``loader`` from now on: the in-process clients' shared one, so each
    JSON model is parsed once per process, not once for each side."""
    _LOADER[:] = [loader]


def _loader() -> botocore.loaders.Loader:
    if not _LOADER:
        _LOADER.append(botocore.loaders.create_loader())
    return _LOADER[0]


@cache
def service_model(name: str) -> ServiceModel:
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)


def load_all() -> None:
    """Every served service's model, loaded now (the process-wide cache keeps them)."""
    for name in SERVICES:
        service_model(name)


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
