"""Handler registry: ``@handler("ecs", "CreateCluster")`` on a function ``(lab, params) -> dict``.

``params`` and the returned dict use AWS member names (camelCase for ECS); handlers translate to
the snake_case domain calls. Read-only operations (Describe*, List*, Get*, BatchGet*) are not
recorded as inputs in the event table; everything else is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["handler", "HANDLERS", "Handler"]

_READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Discover")


@dataclass(frozen=True)
class Handler:
    service: str
    operation: str
    fn: Callable[[Any, dict], dict]
    mutating: bool


HANDLERS: dict[tuple[str, str], Handler] = {}


def handler(service: str, operation: str, *, mutating: bool | None = None):
    def register(fn):
        m = mutating if mutating is not None else not operation.startswith(_READ_PREFIXES)
        HANDLERS[(service, operation)] = Handler(service, operation, fn, m)
        return fn

    return register
