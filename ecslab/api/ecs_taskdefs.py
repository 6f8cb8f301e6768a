"""ECS task definition operations: register, describe, list, deregister, delete."""

from __future__ import annotations

import re
from typing import Any

from ..core.errors import InvalidParameterException
from ..domain.taskdef_rules import NAME_RE
from .ecs_common import tags_in, tags_out
from .paging import page
from .registry import handler
from .shape_case import shape, to_camel, to_snake

_FAMILY_FILTER = re.compile(r"^[a-zA-Z0-9\-_]+$")


def taskdef_out(td) -> dict[str, Any]:
    """A domain TaskDefinition as the TaskDefinition output shape (camelCase)."""
    return to_camel(shape("ecs", "TaskDefinition"), td.describe())


def _check_enum(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidParameterException(
            f"Invalid {name} '{value}'. Valid values are {', '.join(allowed)}."
        )


@handler("ecs", "RegisterTaskDefinition")
def register_task_definition(lab, p):
    spec = to_snake(shape("ecs", "RegisterTaskDefinitionRequest"), p)
    tags = tags_in(spec.pop("tags", None))
    td = lab.taskdefs.register(spec, tags)
    out: dict[str, Any] = {"taskDefinition": taskdef_out(td)}
    if tags:
        out["tags"] = tags_out(lab.tags.of(td.arn))
    return out


@handler("ecs", "DescribeTaskDefinition")
def describe_task_definition(lab, p):
    include = p.get("include") or []
    for inc in include:
        _check_enum("include value", inc, ("TAGS",))
    td = lab.taskdefs.resolve(p["taskDefinition"])
    out: dict[str, Any] = {"taskDefinition": taskdef_out(td)}
    if "TAGS" in include:
        out["tags"] = tags_out(lab.tags.of(td.arn))
    return out


@handler("ecs", "ListTaskDefinitions")
def list_task_definitions(lab, p):
    status = p.get("status") or "ACTIVE"
    sort = p.get("sort") or "ASC"
    _check_enum("status", status, ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"))
    _check_enum("sort", sort, ("ASC", "DESC"))
    family = p.get("familyPrefix")  # the full family name, despite the member's name (S-BOTO)
    if family is not None and not _FAMILY_FILTER.match(family):
        raise InvalidParameterException("family must match ^[a-zA-Z0-9\\-_]+$")
    rows = lab.taskdefs.list(family=family, status=status, descending=sort == "DESC")
    chunk, token = page([td.arn for td in rows], p)
    return {"taskDefinitionArns": chunk, "nextToken": token}


@handler("ecs", "ListTaskDefinitionFamilies")
def list_task_definition_families(lab, p):
    status = p.get("status") or "ALL"
    _check_enum("status", status, ("ACTIVE", "INACTIVE", "ALL"))
    prefix = p.get("familyPrefix") or ""
    if prefix and not NAME_RE.match(prefix):
        raise InvalidParameterException("family must match ^[a-zA-Z0-9\\-_]+$")
    chunk, token = page(lab.taskdefs.families(prefix, status), p)
    return {"families": chunk, "nextToken": token}


@handler("ecs", "DeregisterTaskDefinition")
def deregister_task_definition(lab, p):
    return {"taskDefinition": taskdef_out(lab.taskdefs.deregister(p["taskDefinition"]))}


@handler("ecs", "DeleteTaskDefinitions")
def delete_task_definitions(lab, p):
    deleted, failures = lab.taskdefs.delete(list(p["taskDefinitions"]))
    return {"taskDefinitions": [taskdef_out(td) for td in deleted], "failures": failures}
