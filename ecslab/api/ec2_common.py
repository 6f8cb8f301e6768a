"""EC2 request helpers: Filters (with * and ? wildcards, as EC2 accepts) and tags."""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from ..core.errors import error_for_code

__all__ = ["select", "tags_out", "tags_from_specs"]


def tags_out(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def tags_from_specs(specs: list[dict] | None, resource_type: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in specs or []:
        if spec.get("ResourceType") == resource_type:
            out.update({t["Key"]: t.get("Value", "") for t in spec.get("Tags") or []})
    return out


def _matches(actual: Any, wanted: list[str]) -> bool:
    values = actual if isinstance(actual, (list, tuple)) else [actual]
    return any(v is not None and fnmatchcase(str(v), w) for v in values for w in wanted)


def select(
    items: list[Any],
    filters: list[dict] | None,
    fields: dict[str, Callable[[Any], Any]],
    tags: Callable[[Any], dict[str, str]] | None = None,
) -> list[Any]:
    """Keep the items matching every filter (values within one filter are OR-ed)."""
    out = list(items)
    for f in filters or []:
        name, wanted = f.get("Name", ""), list(f.get("Values") or [])
        if name.startswith("tag:") and tags is not None:
            key = name[4:]
            out = [i for i in out if key in tags(i) and _matches(tags(i)[key], wanted)]
        elif name == "tag-key" and tags is not None:
            out = [i for i in out if _matches(list(tags(i)), wanted)]
        elif name in fields:
            get = fields[name]
            out = [i for i in out if _matches(get(i), wanted)]
        else:
            raise error_for_code("InvalidParameterValue")(f"The filter '{name}' is invalid")
    return out
