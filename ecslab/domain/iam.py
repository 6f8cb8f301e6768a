"""The few IAM roles an ECS walkthrough needs, and lab actions to break or fix them.

A new lab has, as an account that followed the ECS getting-started guide would:

* role ``ecsInstanceRole`` (trusted by ec2.amazonaws.com, policy
  AmazonEC2ContainerServiceforEC2Role) and the instance profile of the same name holding it;
* role ``ecsTaskExecutionRole`` (trusted by ecs-tasks.amazonaws.com, policy
  AmazonECSTaskExecutionRolePolicy).

``lab.iam.remove_role(name)`` / ``lab.iam.add_role(name)`` are recorded lab actions, for
exercises such as "launch an instance without the role and find out why it never registers".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from ..core.errors import error_for_code
from ..core.record import lab_action

__all__ = ["Iam", "Role", "InstanceProfile", "STANDARD_ROLES", "ECS_INSTANCE_POLICY"]

ECS_INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

#: name -> (trusted service, managed policy, has an instance profile)
STANDARD_ROLES = {
    "ecsInstanceRole": ("ec2.amazonaws.com", ECS_INSTANCE_POLICY, True),
    "ecsTaskExecutionRole": ("ecs-tasks.amazonaws.com", EXECUTION_POLICY, False),
}
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _iam_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return prefix + "".join(_ALNUM[b % 32] for b in digest[:17])


@dataclass
class Role:
    name: str
    id: str
    arn: str
    created_at: datetime
    trust_policy: str
    policies: list[str] = field(default_factory=list)
    path: str = "/"


@dataclass
class InstanceProfile:
    name: str
    id: str
    arn: str
    created_at: datetime
    roles: list[str] = field(default_factory=list)
    path: str = "/"


class Iam:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.roles: dict[str, Role] = {}
        self.profiles: dict[str, InstanceProfile] = {}
        for name in STANDARD_ROLES:
            self._create_standard(name, lab.start)

    def _create_standard(self, name: str, when: datetime) -> None:
        service, policy, profile = STANDARD_ROLES[name]
        acct = self.lab.account_id
        trust = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": service},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            separators=(",", ":"),
        )
        self.roles[name] = Role(
            name,
            _iam_id("AROA", acct, "role", name),
            f"arn:aws:iam::{acct}:role/{name}",
            when,
            trust,
            [policy],
        )
        if profile:
            self.profiles[name] = InstanceProfile(
                name,
                _iam_id("AIPA", acct, "instance-profile", name),
                f"arn:aws:iam::{acct}:instance-profile/{name}",
                when,
                [name],
            )

    # -- lookups ---------------------------------------------------------------------------------

    def role(self, name: str) -> Role:
        r = self.roles.get(name)
        if r is None:
            raise error_for_code("NoSuchEntity", 404)(f"The role with name {name} cannot be found.")
        return r

    def profile(self, name: str) -> InstanceProfile:
        p = self.profiles.get(name)
        if p is None:
            raise error_for_code("NoSuchEntity", 404)(f"Instance Profile {name} cannot be found.")
        return p

    def profile_by_arn(self, arn: str) -> InstanceProfile | None:
        return next((p for p in self.profiles.values() if p.arn == arn), None)

    def profile_grants_ecs(self, arn: str | None) -> str | None:
        """None if an instance with profile ``arn`` may call ECS as its agent, else the reason."""
        if arn is None:
            return "the instance has no IAM instance profile"
        p = self.profile_by_arn(arn)
        if p is None or not p.roles:
            return f"the instance profile {arn} no longer exists or holds no role"
        role = self.roles.get(p.roles[0])
        if role is None or ECS_INSTANCE_POLICY not in role.policies:
            return (
                f"the role in instance profile {p.name} lacks the "
                "AmazonEC2ContainerServiceforEC2Role policy (ecs:RegisterContainerInstance)"
            )
        return None

    # -- lab actions ----------------------------------------------------------------------------

    def remove_role(self, name: str) -> None:
        """Delete a standard role (and its instance profile) -- a recorded lab action."""
        self.lab.act("remove_iam_role", name=name)

    def add_role(self, name: str) -> None:
        """(Re)create a standard role (and its instance profile) -- a recorded lab action."""
        self.lab.act("add_iam_role", name=name)


def _standard(name: str) -> None:
    if name not in STANDARD_ROLES:
        raise ValueError(f"ecslab manages only the standard roles {sorted(STANDARD_ROLES)}")


@lab_action
def remove_iam_role(lab, name: str) -> None:
    _standard(name)
    if name not in lab.iam.roles:
        return
    del lab.iam.roles[name]
    lab.iam.profiles.pop(name, None)
    lab.emit("RoleDeleted", "iam", resource=f"arn:aws:iam::{lab.account_id}:role/{name}")


@lab_action
def add_iam_role(lab, name: str) -> None:
    _standard(name)
    if name in lab.iam.roles:
        return
    lab.iam._create_standard(name, lab.now)
    lab.emit("RoleCreated", "iam", resource=lab.iam.roles[name].arn)
