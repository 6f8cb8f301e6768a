"""Opaque, deterministic nextToken pagination shared by every List* handler."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from ..core.errors import InvalidParameterException

__all__ = ["page"]


def page(
    items: Sequence[Any],
    params: dict[str, Any],
    *,
    default_max: int = 100,
    max_limit: int = 100,
    key: str = "maxResults",
) -> tuple[list[Any], str | None]:
    """Slice ``items`` by ``params[key]`` / ``params['nextToken']`` -> (page, nextToken or None)."""
    limit = params.get(key)
    if limit is None:
        limit = default_max
    if not 1 <= limit <= max_limit:
        raise InvalidParameterException(f"{key} must be between 1 and {max_limit}.")
    start = 0
    token = params.get("nextToken")
    if token:
        try:
            start = int(json.loads(base64.b64decode(token.encode(), validate=True))["offset"])
        except Exception:
            raise InvalidParameterException("Invalid token") from None
        if start < 0:
            raise InvalidParameterException("Invalid token")
    chunk = list(items[start : start + limit])
    nxt = None
    if start + limit < len(items):
        nxt = base64.b64encode(json.dumps({"offset": start + limit}).encode()).decode()
    return chunk, nxt
