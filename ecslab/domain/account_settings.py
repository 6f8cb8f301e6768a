"""ECS account settings (PutAccountSetting, PutAccountSettingDefault, ListAccountSettings ...).

Two layers, as in AWS: the account default (PutAccountSettingDefault) and a setting for one
principal (PutAccountSetting; ecslab's caller is the account root,
``arn:aws:iam::<account>:root``). The effective value for the lab is the caller's own setting,
else the account default, else AWS's default. Other domains ask ``lab.account_setting_value``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import InvalidParameterException

__all__ = ["AccountSettings", "Setting", "AWS_DEFAULTS"]

#: name -> (AWS default value, allowed values)
AWS_DEFAULTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "awsvpcTrunking": ("disabled", ("enabled", "disabled")),
    "containerInsights": ("disabled", ("enabled", "disabled", "enhanced")),
    "serviceLongArnFormat": ("enabled", ("enabled",)),
    "taskLongArnFormat": ("enabled", ("enabled",)),
    "containerInstanceLongArnFormat": ("enabled", ("enabled",)),
    "fargateTaskRetirementWaitPeriod": ("7", ("0", "7", "14")),
}


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    principal_arn: str
    type: str  # "user" (set by someone) | "aws_managed" (AWS's default)


class AccountSettings:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.root = f"arn:aws:iam::{lab.account_id}:root"
        self._defaults: dict[str, str] = {}
        self._by_principal: dict[tuple[str, str], str] = {}  # (principal, name) -> value
        lab.account_setting_value = self.value

    @staticmethod
    def _check(name: str, value: str | None = None) -> None:
        if name not in AWS_DEFAULTS:
            raise InvalidParameterException(
                f"Invalid account setting name '{name}'. ecslab supports: {', '.join(AWS_DEFAULTS)}."
            )
        allowed = AWS_DEFAULTS[name][1]
        if value is not None and value not in allowed:
            raise InvalidParameterException(
                f"Invalid value '{value}' for setting {name}. Valid values are: {', '.join(allowed)}."
            )

    def value(self, name: str, principal: str | None = None) -> str:
        """The effective value of ``name`` for ``principal`` (default: the caller)."""
        principal = principal or self.root
        if (principal, name) in self._by_principal:
            return self._by_principal[(principal, name)]
        return self._defaults.get(name, AWS_DEFAULTS.get(name, ("", ()))[0])

    def put(self, name: str, value: str, principal: str | None = None) -> Setting:
        self._check(name, value)
        principal = principal or self.root
        self._by_principal[(principal, name)] = value
        self.lab.emit(
            "AccountSettingChanged", "ecs", resource=name, value=value, principal=principal
        )
        return Setting(name, value, principal, "user")

    def put_default(self, name: str, value: str) -> Setting:
        self._check(name, value)
        self._defaults[name] = value
        self.lab.emit("AccountSettingChanged", "ecs", resource=name, value=value, principal="*")
        return Setting(name, value, self.root, "user")

    def delete(self, name: str, principal: str | None = None) -> Setting:
        self._check(name)
        principal = principal or self.root
        old = self._by_principal.pop((principal, name), None)
        if old is not None:
            self.lab.emit("AccountSettingDeleted", "ecs", resource=name, principal=principal)
            return Setting(name, old, principal, "user")
        return Setting(name, self.value(name, principal), principal, "aws_managed")

    def list(self, principal: str | None = None, effective: bool = False) -> list[Setting]:
        principal = principal or self.root
        out = []
        for name, (aws_default, _) in AWS_DEFAULTS.items():
            if (principal, name) in self._by_principal:
                out.append(Setting(name, self._by_principal[(principal, name)], principal, "user"))
            elif name in self._defaults:
                out.append(Setting(name, self._defaults[name], principal, "user"))
            elif effective:
                out.append(Setting(name, aws_default, principal, "aws_managed"))
        return out
