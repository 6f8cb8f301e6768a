"""ECS Anywhere's first step: SSM hybrid activations (CreateActivation / DescribeActivations /
DeleteActivation), from the AWS Systems Manager API Reference.

An activation lets up to ``registration_limit`` (default 1, at most 1000) on-premises machines
register as managed instances (``mi-...``) until it expires (default 24 hours after creation,
at most 30 days). The activation code is a secret returned only by CreateActivation.
Registering the managed instance as an EXTERNAL container instance is the next step (issue 16;
not yet built in this slice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..core.errors import error_for_code

__all__ = ["Activations", "Activation"]

InvalidActivationId = error_for_code("InvalidActivationId")
InvalidParameters = error_for_code("InvalidParameters")
ValidationException = error_for_code("ValidationException")

DEFAULT_EXPIRY = timedelta(hours=24)
MAX_EXPIRY = timedelta(days=30)
MAX_LIMIT = 1000


@dataclass
class Activation:
    id: str
    code: str
    iam_role: str
    created_at: datetime
    expires_at: datetime
    registration_limit: int = 1
    registrations: int = 0
    description: str | None = None
    default_instance_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


class Activations:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_id: dict[str, Activation] = {}  # insertion order = creation order

    def create(
        self,
        iam_role: str,
        *,
        registration_limit: int | None = None,
        expires_at: datetime | None = None,
        description: str | None = None,
        default_instance_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Activation:
        lab = self.lab
        limit = 1 if registration_limit is None else registration_limit
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationException(
                f"RegistrationLimit must be between 1 and {MAX_LIMIT}."
            )  # [M] text
        now = lab.now
        until = expires_at or now + DEFAULT_EXPIRY
        if until <= now or until - now > MAX_EXPIRY:
            raise InvalidParameters(
                "ExpirationDate must be in the future and at most 30 days from now."
            )  # [M] text
        h = lab.random.hex(32)
        aid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        code = lab.random.hex(20)
        act = Activation(
            id=aid,
            code=code,
            iam_role=iam_role,
            created_at=now,
            expires_at=until,
            registration_limit=limit,
            description=description,
            default_instance_name=default_instance_name,
            tags=dict(tags or {}),
        )
        self._by_id[aid] = act
        lab.emit(
            "ActivationCreated",
            "ssm",
            resource=aid,
            iam_role=iam_role,
            registration_limit=limit,
            expires_at=until.isoformat(),
        )
        return act

    def expired(self, act: Activation) -> bool:
        return self.lab.now >= act.expires_at

    def list(self, ids: list[str] | None = None) -> list[Activation]:
        acts = list(self._by_id.values())
        return [a for a in acts if a.id in ids] if ids else acts

    def delete(self, aid: str) -> None:
        if aid not in self._by_id:
            raise InvalidActivationId("")
        del self._by_id[aid]
        self.lab.emit("ActivationDeleted", "ssm", resource=aid)
