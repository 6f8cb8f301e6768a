"""EC2 launch templates: what an Auto Scaling group launches (CreateLaunchTemplate & co).

A template keeps numbered versions; each version is the launch data an instance is started with
(image, instance type, instance profile, security groups, base64 user data, tags). Only the
fields RunInstances uses in ecslab are honoured; the others are kept and described back.

Error codes and messages: [V] from the EC2 API error-code reference; wording marked [U] is
modelled on AWS output seen in public logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...core import catalog
from ...core.errors import error_for_code
from .images import find_image

__all__ = ["LaunchTemplate", "LaunchTemplates", "TEMPLATE_NAME_RE"]

TEMPLATE_NAME_RE = re.compile(r"^[a-zA-Z0-9().\-/_]{3,128}$")

AlreadyExists = error_for_code("InvalidLaunchTemplateName.AlreadyExistsException")
Malformed = error_for_code("InvalidLaunchTemplateName.MalformedException")
NameNotFound = error_for_code("InvalidLaunchTemplateName.NotFoundException")
IdNotFound = error_for_code("InvalidLaunchTemplateId.NotFound")
IdMalformed = error_for_code("InvalidLaunchTemplateId.Malformed")
VersionNotFound = error_for_code("InvalidLaunchTemplateId.VersionNotFound")


@dataclass
class LaunchTemplate:
    id: str
    name: str
    created_at: datetime
    versions: list[dict[str, Any]] = field(default_factory=list)  # index = version - 1
    descriptions: list[str | None] = field(default_factory=list)
    default_version: int = 1
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def latest_version(self) -> int:
        return len(self.versions)

    def data(self, version: str | int | None) -> dict[str, Any]:
        """The launch data of ``version`` ("$Latest", "$Default", a number; default $Default)."""
        return self.versions[self.version_number(version) - 1]

    def version_number(self, version: str | int | None) -> int:
        if version in (None, "$Default"):
            return self.default_version
        if version == "$Latest":
            return self.latest_version
        try:
            n = int(version)
        except (TypeError, ValueError):
            n = 0
        if not 1 <= n <= self.latest_version:
            raise VersionNotFound(
                f"Could not find launch template version {version} for launch template ID "
                f"{self.id}."
            )  # [U]
        return n


class LaunchTemplates:
    """``lab.launch_templates``."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_id: dict[str, LaunchTemplate] = {}

    def all(self) -> list[LaunchTemplate]:
        return list(self._by_id.values())

    def find(self, *, template_id: str | None = None, name: str | None = None) -> LaunchTemplate:
        """By id or name, else the EC2 not-found error."""
        if template_id is not None:
            if not template_id.startswith("lt-"):
                raise IdMalformed(
                    f"The specified launch template ID '{template_id}' is malformed."
                )  # [U]
            got = self._by_id.get(template_id)
            if got is None:
                raise IdNotFound(
                    f"The specified launch template, with template ID {template_id}, does not "
                    "exist."
                )  # [U]
            return got
        got = next((t for t in self._by_id.values() if t.name == name), None)
        if got is None:
            raise NameNotFound(
                "At least one of the launch templates specified in the request does not exist."
            )  # [V]
        return got

    def create(
        self,
        name: str,
        data: dict[str, Any],
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> LaunchTemplate:
        if not TEMPLATE_NAME_RE.match(name or ""):
            raise Malformed(
                "A launch template name must be between 3 and 128 characters, and may contain "
                "letters, numbers, and the following characters: - ( ) . / _.'"
            )  # [V]
        if any(t.name == name for t in self._by_id.values()):
            raise AlreadyExists("Launch template name already in use.")  # [V]
        self._check_data(data)
        lt = LaunchTemplate(
            id="lt-" + self.lab.random.hex(17),
            name=name,
            created_at=self.lab.now,
            versions=[dict(data)],
            descriptions=[description],
            tags=dict(tags or {}),
        )
        self._by_id[lt.id] = lt
        self.lab.emit(
            "LaunchTemplateCreated",
            "ec2",
            resource=lt.id,
            name=name,
            image_id=data.get("image_id"),
            instance_type=data.get("instance_type"),
        )
        return lt

    def add_version(
        self, lt: LaunchTemplate, data: dict[str, Any], source: str | None, description: str | None
    ) -> int:
        base = lt.data(source) if source is not None else {}
        merged = {**base, **data}
        self._check_data(merged)
        lt.versions.append(merged)
        lt.descriptions.append(description)
        self.lab.emit(
            "LaunchTemplateVersionCreated",
            "ec2",
            resource=lt.id,
            version=lt.latest_version,
            image_id=merged.get("image_id"),
            instance_type=merged.get("instance_type"),
        )
        return lt.latest_version

    def delete(self, lt: LaunchTemplate) -> None:
        del self._by_id[lt.id]
        self.lab.emit("LaunchTemplateDeleted", "ec2", resource=lt.id, name=lt.name)

    def _check_data(self, data: dict[str, Any]) -> None:
        if data.get("image_id") is not None:
            find_image(data["image_id"])  # InvalidAMIID.* as RunInstances raises it
        itype = data.get("instance_type")
        if itype is not None and catalog.instance_type(itype) is None:
            raise error_for_code("InvalidParameterValue")(
                f"Invalid value '{itype}' for InstanceType."
            )
