"""What a capacity provider is (snake_case): an Auto Scaling group provider or FARGATE(_SPOT)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Provider", "Association", "FARGATE_PROVIDERS", "StrategyItem"]

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


@dataclass
class Provider:
    name: str
    arn: str
    group_name: str | None = None  # the Auto Scaling group (None for FARGATE / FARGATE_SPOT)
    group_arn: str | None = None
    scaling_status: str = "DISABLED"  # managedScaling.status
    target_capacity: int = 100
    min_step: int = 1
    max_step: int = 10000
    warmup: int = 300
    termination_protection: str = "DISABLED"
    managed_draining: str = "ENABLED"
    status: str = "ACTIVE"
    update_status: str | None = None
    update_reason: str | None = None
    cluster: str | None = None  # the one cluster an ASG provider is associated with

    @property
    def fargate(self) -> bool:
        return self.group_name is None

    @property
    def managed(self) -> bool:
        return self.scaling_status == "ENABLED"


@dataclass(frozen=True)
class StrategyItem:
    provider: str
    weight: int = 0
    base: int = 0


@dataclass
class Association:
    """A cluster's capacity providers and default strategy (PutClusterCapacityProviders)."""

    providers: list[str] = field(default_factory=list)
    default: list[StrategyItem] = field(default_factory=list)
    status: str | None = None  # attachmentsStatus: UPDATE_IN_PROGRESS / UPDATE_COMPLETE
    attachments: dict[str, str] = field(default_factory=dict)  # provider -> attachment id
    policies: dict[str, str] = field(default_factory=dict)  # provider -> scaling policy name
