"""What an Auto Scaling group is: its bounds, launch template, subnets and member instances."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Group", "Member", "Activity"]


@dataclass
class Member:
    """An instance in a group. lifecycle: Pending -> InService -> Terminating (-> gone)."""

    instance_id: str
    instance_type: str
    az: str
    template_version: str
    launched_at: datetime
    lifecycle: str = "Pending"
    protected: bool = False
    health: str = "Healthy"


@dataclass
class Activity:
    id: str
    group: str
    description: str
    cause: str
    started_at: datetime
    ended_at: datetime | None = None
    status: str = "InProgress"  # Successful | Failed | InProgress
    message: str | None = None
    progress: int = 0


@dataclass
class Group:
    name: str
    arn: str
    template_id: str
    template_name: str
    template_version: str  # as given: "$Default", "$Latest" or a number
    min_size: int
    max_size: int
    desired: int
    subnet_ids: list[str]
    azs: list[str]
    created_at: datetime
    protect_new: bool = False
    default_cooldown: int = 300
    health_check_type: str = "EC2"
    grace_period: int = 0
    capacity_rebalance: bool = False
    tags: list[dict] = field(default_factory=list)  # {key, value, propagate}
    termination_policies: list[str] = field(default_factory=lambda: ["Default"])
    members: dict[str, Member] = field(default_factory=dict)  # insertion = launch order
    deleting: bool = False
    timer: object = None  # the pending reconcile

    def live(self) -> list[Member]:
        """Members that count towards the desired capacity (not on their way out)."""
        return [m for m in self.members.values() if m.lifecycle != "Terminating"]
