"""Task definitions: families of numbered revisions, account- and region-wide (not per cluster).

A definition is the snake_case form of the RegisterTaskDefinition request plus what ECS adds
(revision, status, compatibilities, requiresAttributes, registeredAt/By). Status moves
ACTIVE -> INACTIVE (DeregisterTaskDefinition) -> DELETE_IN_PROGRESS (DeleteTaskDefinitions).

Other domains name a definition the way the API does and call :meth:`TaskDefinitions.resolve`:
``family`` (latest ACTIVE revision), ``family:n`` or the full ARN. ``resolve(ref, for_use=True)``
is for RunTask / StartTask / CreateService / UpdateService: INACTIVE and DELETE_IN_PROGRESS
revisions stay describable but cannot start anything new. (The API reference says INACTIVE ones
are describable "while an active task or service references them"; the deregister page says they
"remain discoverable in your account indefinitely" -- ecslab keeps them describable.)
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.errors import AwsError, ClientException, InvalidParameterException
from ..core.ids import arn, parse_arn
from .taskdef_fargate import run_rules
from .taskdef_normalize import compatibilities, normalize_container, requires_attributes
from .taskdef_rules import RuleContext

__all__ = ["TaskDefinition", "TaskDefinitions", "STATUSES"]

STATUSES = ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")
NOT_FOUND = "Unable to describe task definition."  # [V] DescribeTaskDefinition on a missing one
MAX_DELETE = 10  # S-BOTO DeleteTaskDefinitions: "up to 10 task definitions"
# [U] no AWS text found for these two DeleteTaskDefinitions failure reasons.
STILL_ACTIVE = "The specified task definition is still in ACTIVE status. Please deregister the target and try again."
DOES_NOT_EXIST = "The specified task definition does not exist."


@dataclass
class TaskDefinition:
    family: str
    revision: int
    arn: str
    spec: dict[str, Any]  # normalised request, snake_case, without tags
    compatibilities: list[str]
    requires_attributes: list[str]
    registered_at: datetime
    registered_by: str
    cpu_units: int | None = None
    memory_mib: int | None = None
    status: str = "ACTIVE"
    deregistered_at: datetime | None = None
    delete_requested_at: datetime | None = None

    @property
    def containers(self) -> list[dict[str, Any]]:
        return self.spec["container_definitions"]

    @property
    def network_mode(self) -> str:
        """The effective mode (AWS omits networkMode from output when it was not given: bridge)."""
        return self.spec.get("network_mode") or "bridge"

    @property
    def requires_compatibilities(self) -> list[str]:
        return list(self.spec.get("requires_compatibilities") or [])

    @property
    def execution_role_arn(self) -> str | None:
        return self.spec.get("execution_role_arn")

    @property
    def task_role_arn(self) -> str | None:
        return self.spec.get("task_role_arn")

    def describe(self) -> dict[str, Any]:
        """The TaskDefinition document (snake_case; the API layer renames along the shape)."""
        s = copy.deepcopy(self.spec)
        out: dict[str, Any] = {"task_definition_arn": self.arn}
        out["container_definitions"] = s.pop("container_definitions")
        out["family"] = s.pop("family")
        out["revision"] = self.revision
        out["volumes"] = s.pop("volumes", [])
        out["status"] = self.status
        if self.requires_attributes:
            out["requires_attributes"] = [{"name": n} for n in self.requires_attributes]
        out["placement_constraints"] = s.pop("placement_constraints", [])
        out["compatibilities"] = list(self.compatibilities)
        out.update(s)
        out["registered_at"] = self.registered_at
        if self.deregistered_at is not None:
            out["deregistered_at"] = self.deregistered_at
        if self.delete_requested_at is not None:
            out["delete_requested_at"] = self.delete_requested_at
        out["registered_by"] = self.registered_by
        return out


class TaskDefinitions:
    def __init__(self, lab) -> None:
        self.lab = lab
        # family -> revision -> definition; dict order = first registration of the family.
        self._families: dict[str, dict[int, TaskDefinition]] = {}

    # -- naming --------------------------------------------------------------------------------

    def arn_for(self, family: str, revision: int) -> str:
        return arn(
            "ecs", self.lab.region, self.lab.account_id, f"task-definition/{family}:{revision}"
        )

    def parse_ref(self, ref: str) -> tuple[str | None, int | None]:
        """(family, revision or None) from ``family``, ``family:n`` or an ARN.

        An ARN of another region or account gives (None, None): it names nothing in this lab.
        """
        body = ref or ""
        if body.startswith("arn:"):
            parts = parse_arn(body)
            if (
                not parts
                or parts["service"] != "ecs"
                or not parts["resource"].startswith("task-definition/")
            ):
                raise InvalidParameterException("Invalid Arn")
            if parts["region"] != self.lab.region or parts["account"] != self.lab.account_id:
                return None, None
            body = parts["resource"].split("/", 1)[1]
        family, sep, rev = body.partition(":")
        if not sep:
            return family, None
        if not rev.isdigit():
            # [V3] moto mirrors this AWS text; terraform users report "Invalid revision number."
            raise ClientException(f"Invalid revision number. Number: {rev}")
        return family, int(rev)

    def find(self, ref: str) -> TaskDefinition | None:
        """The revision named by ``ref`` (any status), or the latest ACTIVE one for a bare family."""
        family, revision = self.parse_ref(ref)
        revisions = self._families.get(family or "", {})
        if revision is not None:
            return revisions.get(revision)
        active = [td for td in revisions.values() if td.status == "ACTIVE"]
        return active[-1] if active else None

    def resolve(self, ref: str, *, for_use: bool = False) -> TaskDefinition:
        """The definition named by ``ref`` or the AWS error.

        ``for_use=True`` (RunTask, StartTask, CreateService, UpdateService) rejects revisions that
        are not ACTIVE and words "not found" as those operations do.
        """
        td = self.find(ref)
        if not for_use:
            if td is None:
                raise ClientException(NOT_FOUND)
            return td
        if td is None:
            raise ClientException("TaskDefinition not found.")  # [V] CreateService
        if td.status != "ACTIVE":
            # [V] "TaskDefinition is inactive" (UpdateService); same text for DELETE_IN_PROGRESS [U]
            raise ClientException("TaskDefinition is inactive")
        return td

    def owns(self, resource_arn: str) -> bool:
        parts = parse_arn(resource_arn)
        if not parts or not parts["resource"].startswith("task-definition/"):
            return False
        try:
            td = self.find(resource_arn)
        except AwsError:
            return False
        return td is not None and td.arn == resource_arn

    # -- queries -------------------------------------------------------------------------------

    def all(self) -> list[TaskDefinition]:
        return [td for revs in self._families.values() for td in revs.values()]

    def list(
        self, family: str | None = None, status: str = "ACTIVE", descending: bool = False
    ) -> list[TaskDefinition]:
        """Revisions with ``status``, by family name then revision number (ListTaskDefinitions)."""
        rows = [
            td
            for td in self.all()
            if td.status == status and (family is None or td.family == family)
        ]
        rows.sort(key=lambda td: (td.family, td.revision), reverse=descending)
        return rows

    def families(self, prefix: str = "", status: str = "ALL") -> list[str]:
        """Family names (ListTaskDefinitionFamilies): ACTIVE = has an ACTIVE revision."""
        out = []
        for family, revs in self._families.items():
            if not family.startswith(prefix):
                continue
            active = any(td.status == "ACTIVE" for td in revs.values())
            if status == "ALL" or (status == "ACTIVE") == active:
                out.append(family)
        return out

    # -- changes -------------------------------------------------------------------------------

    def register(self, spec: dict[str, Any], tags: dict[str, str] | None = None) -> TaskDefinition:
        """Validate ``spec`` (the request in snake_case) and add revision n+1 of its family."""
        spec = copy.deepcopy(spec)
        spec.pop("tags", None)
        ctx = RuleContext.of(spec)
        run_rules(ctx)
        tags = dict(tags or {})
        self.lab.tags.validate(tags)
        compat = compatibilities(ctx)
        attrs = requires_attributes(ctx)
        spec["container_definitions"] = [
            normalize_container(c, ctx.network_mode) for c in ctx.containers
        ]
        if ctx.cpu_units is not None:
            spec["cpu"] = str(ctx.cpu_units)
        if ctx.memory_mib is not None:
            spec["memory"] = str(ctx.memory_mib)
        spec.setdefault("volumes", [])
        spec.setdefault("placement_constraints", [])
        family = spec["family"]
        revisions = self._families.setdefault(family, {})
        revision = max(revisions, default=0) + 1
        td = TaskDefinition(
            family=family,
            revision=revision,
            arn=self.arn_for(family, revision),
            spec=spec,
            compatibilities=compat,
            requires_attributes=attrs,
            registered_at=self.lab.now,
            registered_by=f"arn:aws:iam::{self.lab.account_id}:root",
            cpu_units=ctx.cpu_units,
            memory_mib=ctx.memory_mib,
        )
        revisions[revision] = td
        self.lab.emit(
            "TaskDefinitionRegistered",
            "ecs",
            resource=td.arn,
            family=family,
            revision=revision,
            cpu=spec.get("cpu"),
            memory=spec.get("memory"),
            network_mode=td.network_mode,
            compatibilities=list(compat),
            requires_compatibilities=td.requires_compatibilities,
            containers=[_container_summary(c) for c in td.containers],
        )
        if tags:
            self.lab.tags.set(td.arn, tags, check=False)
        return td

    def deregister(self, ref: str) -> TaskDefinition:
        family, revision = self.parse_ref(ref)
        if family is not None and revision is None:
            raise ClientException("Revision is missing.")  # [U] moto's text; AWS needs family:n
        td = self.resolve(ref)
        if td.status == "ACTIVE":
            td.status = "INACTIVE"
            td.deregistered_at = self.lab.now
            self.lab.emit(
                "TaskDefinitionDeregistered",
                "ecs",
                resource=td.arn,
                family=td.family,
                revision=td.revision,
            )
        return td  # deregistering again is a no-op that returns the definition as it is

    def delete(self, refs: list[str]) -> tuple[list[TaskDefinition], list[dict[str, str]]]:
        """DeleteTaskDefinitions: INACTIVE -> DELETE_IN_PROGRESS; per-item failures otherwise."""
        if not refs:
            raise InvalidParameterException("taskDefinitions must contain at least one item.")
        if len(refs) > MAX_DELETE:
            raise InvalidParameterException(
                f"You can specify up to {MAX_DELETE} task definitions in one DeleteTaskDefinitions call."
            )
        picked, failures = [], []
        for ref in refs:
            try:
                family, revision = self.parse_ref(ref)
            except ClientException as e:
                failures.append({"arn": ref, "reason": e.message})
                continue
            if family is not None and revision is None:
                failures.append({"arn": ref, "reason": "Revision is missing."})
                continue
            td = self.find(ref)
            if td is None:
                failures.append({"arn": self._arn_of(ref), "reason": DOES_NOT_EXIST})
            elif td.status == "ACTIVE":
                failures.append({"arn": td.arn, "reason": STILL_ACTIVE})
            elif all(td is not p for p in picked):
                picked.append(td)
        for td in picked:
            if td.status == "INACTIVE":
                td.status = "DELETE_IN_PROGRESS"
                td.delete_requested_at = self.lab.now
                self.lab.emit(
                    "TaskDefinitionDeleted",
                    "ecs",
                    resource=td.arn,
                    family=td.family,
                    revision=td.revision,
                    status=td.status,
                )
        return picked, failures

    def _arn_of(self, ref: str) -> str:
        if ref.startswith("arn:"):
            return ref
        family, revision = self.parse_ref(ref)
        return self.arn_for(family or "", revision or 0)


def _container_summary(c: dict[str, Any]) -> dict[str, Any]:
    """The figures billing and charts need from a container, JSON-ready."""
    return {
        "name": c["name"],
        "image": c["image"],
        "cpu": c.get("cpu", 0),
        "memory": c.get("memory"),
        "memory_reservation": c.get("memory_reservation"),
        "essential": c.get("essential", True),
    }
