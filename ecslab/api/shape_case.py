"""camelCase <-> snake_case along a botocore shape, so deep AWS documents reach the domain in snake_case.

Only structure member names are renamed (with botocore's own ``xform_name``); map keys are user
data (log options, docker labels) and stay as they are. ``to_camel`` uses the shape's member list
to undo the renaming exactly (``size_in_gi_b`` -> ``sizeInGiB``).
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name
from botocore.model import Shape

from .models import service_model

__all__ = ["to_snake", "to_camel", "shape"]


def shape(service: str, name: str) -> Shape:
    return service_model(service).shape_for(name)


_NAMES: dict[str, dict[str, str]] = {}


def _camel_names(s: Shape) -> dict[str, str]:
    # Keyed by shape name: botocore builds new Shape objects on every lookup.
    names = _NAMES.get(s.name)
    if names is None:
        names = _NAMES[s.name] = {xform_name(m): m for m in s.members}
    return names


def to_snake(s: Shape | None, value: Any) -> Any:
    if s is None or value is None:
        return value
    t = s.type_name
    if t == "structure" and isinstance(value, dict):
        return {
            xform_name(k): to_snake(s.members.get(k), v) for k, v in value.items() if k in s.members
        }
    if t == "list" and isinstance(value, list):
        return [to_snake(s.member, v) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: to_snake(s.value, v) for k, v in value.items()}
    return value


def to_camel(s: Shape | None, value: Any) -> Any:
    if s is None or value is None:
        return value
    t = s.type_name
    if t == "structure" and isinstance(value, dict):
        names = _camel_names(s)
        out = {}
        for k, v in value.items():
            if k not in names:
                raise KeyError(f"{k!r} is not a member of {s.name}")
            out[names[k]] = to_camel(s.members[names[k]], v)
        return out
    if t == "list" and isinstance(value, list):
        return [to_camel(s.member, v) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: to_camel(s.value, v) for k, v in value.items()}
    return value
