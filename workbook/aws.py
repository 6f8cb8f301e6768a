"""Talking to the lab the way a learner does: cached boto3 clients and errors in AWS's words."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

__all__ = ["client", "error_text", "Outcome", "attempt"]

_CLIENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def client(lab, service: str):
    """``lab.client(service)``, made once per lab (creating a boto3 client takes ~50 ms)."""
    per_lab = _CLIENTS.setdefault(lab, {})
    if service not in per_lab:
        per_lab[service] = lab.client(service)
    return per_lab[service]


def error_text(exc: BaseException) -> str:
    """``"ClusterNotFoundException: Cluster not found."``: the code and message AWS returns."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'Error')}: {err.get('Message', '')}".rstrip()
    if isinstance(exc, ParamValidationError):
        # Raised by boto3 before anything is sent; the text is botocore's own.
        return "ParamValidationError: " + str(exc.kwargs.get("report", exc)).strip()
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Outcome:
    """The result of a panel action: ``ok``, a one-line ``message`` and the raw ``response``."""

    ok: bool
    message: str
    response: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.ok


def attempt(fn: Callable[[], dict], success: Callable[[dict], str]) -> Outcome:
    """Run one AWS call; an AWS error becomes a failed Outcome carrying AWS's words."""
    try:
        resp = fn()
    except (ClientError, ParamValidationError) as exc:
        return Outcome(False, error_text(exc))
    return Outcome(True, success(resp), resp)
