"""Converting between wire values and Python values along botocore shapes, and checking them.

* :func:`to_wire` -- handler output (datetimes, bytes, nested dicts) -> the JSON-protocol body value
  for an output shape. Drops ``None``; raises on a member the shape does not have.
* :func:`check_input` -- a decoded JSON request against an input shape: the AWS-shaped error for
  wrong types or missing required members, before any handler runs.
* :func:`check_output` -- the strict walker: every member known, JSON types right, enums in the
  model, timestamps as epoch numbers. botocore's parser silently drops unknown keys, so this is
  what catches our mistakes; the dispatcher runs it on every response when
  ``ECSLAB_CHECK_SHAPES=1`` (the test suite sets it).
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape

__all__ = ["to_wire", "check_input", "check_output", "ShapeProblem", "epoch", "Wire"]


class Wire(dict):
    """A handler's structure already in wire form (epoch timestamps, only JSON values): to_wire
    passes it through untouched. For hot, large outputs (RunTask / DescribeTasks tasks); the
    strict ``check_output`` walk still checks it when ECSLAB_CHECK_SHAPES is set."""


class ShapeProblem(Exception):
    pass


def epoch(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return round(value.timestamp(), 3)


_PASS_THROUGH = frozenset(("string", "integer", "long", "boolean", "double", "float"))


def to_wire(shape: Shape | None, value: Any, path: str = "") -> Any:
    if shape is None or value is None:
        return None
    t = shape.type_name
    if t == "structure":
        if value.__class__ is Wire:
            return value
        if not isinstance(value, dict):
            raise ShapeProblem(f"{path or shape.name}: expected a dict, got {type(value).__name__}")
        out = {}
        members = shape.members
        for key, v in value.items():
            m = members.get(key)
            if m is None:
                raise ShapeProblem(f"{path}.{key}: not a member of {shape.name}")
            if v is None:
                continue
            # Scalars pass through as they are (most values): no recursion, no path string.
            out[key] = v if m.type_name in _PASS_THROUGH else to_wire(m, v, f"{path}.{key}")
        return out
    if t == "list":
        member = shape.member
        if member.type_name in _PASS_THROUGH:
            return list(value)
        return [to_wire(member, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if t == "map":
        return {str(k): to_wire(shape.value, v, f"{path}.{k}") for k, v in value.items()}
    if t == "timestamp":
        if isinstance(value, datetime):
            return epoch(value)
        return value
    if t == "blob":
        if isinstance(value, (bytes, bytearray)):
            return base64.b64encode(bytes(value)).decode("ascii")
        return value
    return value


_JSON_TYPES = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float),
    "blob": (str,),
}


def _type_ok(t: str, value: Any) -> bool:
    if t in ("integer", "long", "double", "float", "timestamp") and isinstance(value, bool):
        return False
    return isinstance(value, _JSON_TYPES.get(t, (object,)))


def check_output(shape: Shape | None, value: Any, path: str = "$") -> list[str]:
    """Problems found walking ``value`` (a decoded JSON response body) along ``shape``."""
    problems: list[str] = []
    _walk(shape, value, path, problems, strict=True)
    return problems


def check_input(shape: Shape | None, value: Any) -> list[str]:
    """Problems with a decoded JSON request: wrong types and missing required members.

    Unknown members are ignored, as AWS JSON services do (newer clients may send newer fields).
    """
    problems: list[str] = []
    if shape is None:
        return problems
    _walk(shape, value, "", problems, strict=False)
    return problems


def _walk(shape: Shape | None, value: Any, path: str, problems: list[str], strict: bool) -> None:
    if shape is None:
        if strict and value not in (None, {}):
            problems.append(f"{path}: the operation has no output, got {value!r}")
        return
    t = shape.type_name
    if value is None:
        if strict:
            problems.append(f"{path}: null is never sent on the wire")
        return
    if t == "structure":
        # A ``Wire`` structure is walked like any other: skipping it would leave RunTask and
        # DescribeTasks tasks unchecked.
        if not isinstance(value, dict):
            problems.append(f"{path}: expected object for {shape.name}, got {type(value).__name__}")
            return
        for key, v in value.items():
            if key not in shape.members:
                if strict:
                    problems.append(f"{path}.{key}: unknown member of {shape.name}")
                continue
            _walk(shape.members[key], v, f"{path}.{key}", problems, strict)
        if not strict:
            for req in shape.required_members:
                if req not in value:
                    problems.append(
                        f"{path}.{req}: missing required member"
                        if path
                        else f"{req}: missing required member"
                    )
        return
    if t == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected array, got {type(value).__name__}")
            return
        for i, v in enumerate(value):
            _walk(shape.member, v, f"{path}[{i}]", problems, strict)
        return
    if t == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected object (map), got {type(value).__name__}")
            return
        for k, v in value.items():
            _walk(shape.value, v, f"{path}.{k}", problems, strict)
        return
    if not _type_ok(t, value):
        problems.append(f"{path}: expected {t}, got {type(value).__name__} {value!r:.60}")
        return
    if strict and t == "string" and shape.enum and value not in shape.enum:
        problems.append(f"{path}: {value!r} is not one of {shape.name}'s values {shape.enum}")
