"""Secrets Manager secrets (``lab.secrets``): the subset ECS needs for repositoryCredentials and
container secrets. ARNs end in ``-`` and six random characters, as AWS's do; deletion is
scheduled after a 7-30 day recovery window (a clock timer) unless forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..core.errors import error_for_code
from ..core.ids import arn, parse_arn

__all__ = ["Secret", "Secrets"]

ResourceNotFoundException = error_for_code("ResourceNotFoundException")
ResourceExistsException = error_for_code("ResourceExistsException")
InvalidRequestException = error_for_code("InvalidRequestException")
InvalidParameterException = error_for_code("InvalidParameterException")

NAME_RE = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
NOT_FOUND = "Secrets Manager can't find the specified secret."


@dataclass
class Secret:
    name: str
    arn: str
    created_at: datetime
    version_id: str
    secret_string: str | None = None
    secret_binary: str | None = None  # base64, as on the wire
    description: str | None = None
    kms_key_id: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    deletion_date: datetime | None = None
    timer: object = None


class Secrets:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_name: dict[str, Secret] = {}

    def find(self, secret_id: str) -> Secret | None:
        """By name, full ARN, or partial ARN (without the random suffix)."""
        if secret_id in self._by_name:
            return self._by_name[secret_id]
        parts = parse_arn(secret_id)
        if parts and parts["service"] == "secretsmanager":
            for s in self._by_name.values():
                if secret_id == s.arn or secret_id == s.arn[:-7]:
                    return s
        return None

    def get(self, secret_id: str) -> Secret:
        s = self.find(secret_id)
        if s is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return s

    def readable(self, secret_id: str) -> Secret | None:
        """The secret if GetSecretValue would succeed (exists, not scheduled for deletion)."""
        s = self.find(secret_id)
        return s if s is not None and s.deletion_date is None else None

    def value(self, secret_id: str) -> Secret:
        s = self.get(secret_id)
        if s.deletion_date is not None:
            raise InvalidRequestException(
                "You can't perform this operation on the secret because it was marked for deletion."
            )
        return s

    def create(
        self,
        name: str,
        *,
        secret_string: str | None = None,
        secret_binary: str | None = None,
        description: str | None = None,
        kms_key_id: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> Secret:
        if not NAME_RE.match(name):
            raise InvalidParameterException(
                "Invalid name. Must be a valid name containing alphanumeric characters, or any of "
                "the following: -/_+=.@!"
            )
        if secret_string is not None and secret_binary is not None:
            raise InvalidParameterException(
                "You can't specify both a binary secret value and a string secret value in the same secret."
            )
        existing = self._by_name.get(name)
        if existing is not None:
            if existing.deletion_date is not None:
                raise InvalidRequestException(
                    "You can't create this secret because a secret with this name is already "
                    "scheduled for deletion."
                )
            raise ResourceExistsException(
                f"The operation failed because the secret {name} already exists."
            )
        draws = self.lab.random.integers(0, len(_ALPHABET), size=6)
        suffix = "".join(_ALPHABET[int(i)] for i in draws)
        h = self.lab.random.hex(32)
        secret = Secret(
            name=name,
            arn=arn(
                "secretsmanager", self.lab.region, self.lab.account_id, f"secret:{name}-{suffix}"
            ),
            created_at=self.lab.now,
            version_id=f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}",
            secret_string=secret_string,
            secret_binary=secret_binary,
            description=description,
            kms_key_id=kms_key_id,
            tags=[dict(t) for t in tags or []],
        )
        self._by_name[name] = secret
        self.lab.emit("SecretCreated", "secretsmanager", resource=secret.arn, name=name)
        return secret

    def delete(self, secret_id: str, *, recovery_days: int | None, force: bool) -> Secret:
        s = self.get(secret_id)
        if force and recovery_days is not None:
            raise InvalidParameterException(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
            )
        days = 30 if recovery_days is None else recovery_days
        if not force and not 7 <= days <= 30:
            raise InvalidParameterException(
                "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
            )
        if s.deletion_date is not None and not force:
            raise InvalidRequestException(
                "You can't perform this operation on the secret because it was already scheduled for deletion."
            )
        if force:
            s.deletion_date = self.lab.now
            self._remove(s)
            return s
        s.deletion_date = self.lab.now + timedelta(days=days)
        s.timer = self.lab.clock.at(
            s.deletion_date, lambda: self._remove(s), f"delete secret {s.name}"
        )
        self.lab.emit(
            "SecretDeletionScheduled",
            "secretsmanager",
            resource=s.arn,
            name=s.name,
            deletion_date=s.deletion_date.isoformat(),
        )
        return s

    def _remove(self, s: Secret) -> None:
        if self._by_name.get(s.name) is not s:
            return
        if s.timer is not None:
            self.lab.clock.cancel(s.timer)
        del self._by_name[s.name]
        self.lab.emit("SecretDeleted", "secretsmanager", resource=s.arn, name=s.name)
