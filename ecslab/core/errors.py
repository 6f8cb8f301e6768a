"""AWS-shaped errors. One class per AWS error code the engine raises.

The API layer turns an :class:`AwsError` into the error response of the service's protocol, so a
boto3 caller sees ``ClientError`` (or ``client.exceptions.<Code>``) with this code and message.
"""

from __future__ import annotations

__all__ = [
    "AwsError",
    "error_for_code",
    "AccessDeniedException",
    "AttributeLimitExceededException",
    "ClientException",
    "ClusterContainsContainerInstancesException",
    "ClusterContainsServicesException",
    "ClusterContainsTasksException",
    "ClusterNotFoundException",
    "InvalidParameterException",
    "LimitExceededException",
    "ResourceNotFoundException",
    "ServerException",
    "ServiceNotActiveException",
    "ServiceNotFoundException",
    "UnsupportedFeatureException",
    "SerializationException",
    "ValidationException",
    "UnknownOperationException",
    "InternalFailure",
]


class AwsError(Exception):
    """An error AWS would return: ``code`` (the error code) and ``message`` (its text)."""

    code: str = "ServerException"
    status: int = 400

    def __init__(self, message: str = "", *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _define(code: str, status: int = 400) -> type[AwsError]:
    cls = type(code.replace(".", ""), (AwsError,), {"code": code, "status": status})
    cls.__module__ = __name__
    return cls


_registry: dict[str, type[AwsError]] = {}


def error_for_code(code: str, status: int = 400) -> type[AwsError]:
    """The class for ``code`` (created on first use, e.g. ``InvalidAMIID.NotFound``)."""
    if code not in _registry:
        _registry[code] = _define(code, status)
    return _registry[code]


AccessDeniedException = error_for_code("AccessDeniedException")
AttributeLimitExceededException = error_for_code("AttributeLimitExceededException")
ClientException = error_for_code("ClientException")
ClusterContainsContainerInstancesException = error_for_code(
    "ClusterContainsContainerInstancesException"
)
ClusterContainsServicesException = error_for_code("ClusterContainsServicesException")
ClusterContainsTasksException = error_for_code("ClusterContainsTasksException")
ClusterNotFoundException = error_for_code("ClusterNotFoundException")
InvalidParameterException = error_for_code("InvalidParameterException")
LimitExceededException = error_for_code("LimitExceededException")
ResourceNotFoundException = error_for_code("ResourceNotFoundException")
ServerException = error_for_code("ServerException", 500)
ServiceNotActiveException = error_for_code("ServiceNotActiveException")
ServiceNotFoundException = error_for_code("ServiceNotFoundException")
UnsupportedFeatureException = error_for_code("UnsupportedFeatureException")
# Protocol-level errors (any JSON service).
SerializationException = error_for_code("SerializationException")
ValidationException = error_for_code("ValidationException")
UnknownOperationException = error_for_code("UnknownOperationException", 404)
InternalFailure = error_for_code("InternalFailure", 500)
