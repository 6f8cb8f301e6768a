"""Capacity provider strategies: validation (AWS's messages) and how tasks are split.

A strategy is a list of (capacityProvider, weight, base). ``base`` tasks go to the one provider
that has a base; the rest are shared in proportion to the weights [V: Amazon ECS Developer
Guide, "Capacity provider strategies"]. The split is a deterministic largest-deficit fill over
the tasks already counted for each provider (for a service: its live tasks) [M].

Messages: [V] from the ECS documentation or AWS output quoted in public issues, [U] modelled.
"""

from __future__ import annotations

from ...core.errors import InvalidParameterException
from .model import FARGATE_PROVIDERS, StrategyItem

__all__ = ["parse", "check_for_cluster", "split", "BOTH", "NO_WEIGHT", "NO_WEIGHT_DEFAULT"]

#: [V3] RunTask/CreateService with both launchType and capacityProviderStrategy.
BOTH = (
    "Specifying both a launch type and capacity provider strategy is not supported. Remove one "
    "and try again."
)
#: [V] (quoted in terraform-aws-modules/terraform-aws-ecs#27)
NO_WEIGHT_DEFAULT = (
    "There are no capacity providers with a weight value greater than zero defined in the default "
    "capacity provider strategy. At least one capacity provider must have a weight value greater "
    "than zero specified. Update the cluster's default capacity provider strategy or specify a "
    "valid capacity provider strategy and try again."
)
#: [U] the same check on a strategy given with the call
NO_WEIGHT = (
    "There are no capacity providers with a weight value greater than zero defined in the "
    "capacity provider strategy. At least one capacity provider must have a weight value greater "
    "than zero specified. Specify a valid capacity provider strategy and try again."
)
ONE_BASE = (
    "A capacity provider strategy can only have one capacity provider with a base value greater "
    "than zero. Update the capacity provider strategy and try again."
)  # [U]
NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify a "
    "valid capacity provider and try again."
)  # [V3]
MIXED = (
    "A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling "
    "groups and Fargate providers. Specify one or the other and try again."
)  # [V3]


def parse(items: list[dict] | None) -> list[StrategyItem]:
    """API strategy items (snake_case: capacity_provider, weight, base) -> StrategyItem list."""
    out = []
    for it in items or []:
        weight = 0 if it.get("weight") is None else it["weight"]
        base = 0 if it.get("base") is None else it["base"]
        if not 0 <= weight <= 1000:
            raise InvalidParameterException(
                "The specified capacity provider strategy weight must be between 0 and 1000."
            )  # [U] documented range 0-1000
        if not 0 <= base <= 100000:
            raise InvalidParameterException(
                "The specified capacity provider strategy base must be between 0 and 100000."
            )  # [U] documented range 0-100000
        out.append(StrategyItem(it["capacity_provider"], weight, base))
    names = [i.provider for i in out]
    if len(set(names)) != len(names):
        raise InvalidParameterException(
            "The specified capacity provider strategy cannot contain duplicate capacity providers."
        )  # [U]
    if len(out) > 20:
        raise InvalidParameterException(
            "The specified capacity provider strategy cannot contain more than 20 capacity "
            "providers."
        )  # [U] documented limit 20
    return out


def check_shape(items: list[StrategyItem], *, default: bool = False) -> None:
    """What a strategy must satisfy on its own (base on one provider, some weight)."""
    if not items:
        return
    if sum(1 for i in items if i.base > 0) > 1:
        raise InvalidParameterException(ONE_BASE)
    if all(i.weight == 0 for i in items):
        raise InvalidParameterException(NO_WEIGHT_DEFAULT if default else NO_WEIGHT)


def check_for_cluster(items: list[StrategyItem], associated: list[str], providers: dict) -> None:
    """The strategy against a cluster: known, associated providers of one kind."""
    for i in items:
        if i.provider not in associated:
            raise InvalidParameterException(NOT_ASSOCIATED)
    kinds = {i.provider in FARGATE_PROVIDERS for i in items}
    if len(kinds) > 1:
        raise InvalidParameterException(MIXED)


def split(items: list[StrategyItem], count: int, have: dict[str, int] | None = None) -> list[str]:
    """The provider of each of ``count`` new tasks, given ``have`` tasks already per provider."""
    have = {i.provider: (have or {}).get(i.provider, 0) for i in items}
    total_w = sum(i.weight for i in items)
    out = []
    for _ in range(count):
        short = next((i for i in items if i.base > 0 and have[i.provider] < i.base), None)
        if short is not None:
            pick = short.provider
        else:
            beyond = {i.provider: have[i.provider] - min(i.base, have[i.provider]) for i in items}
            n = sum(beyond.values()) + 1
            weighted = [i for i in items if i.weight > 0]
            pick = max(
                weighted,
                key=lambda i: (
                    i.weight * n / total_w - beyond[i.provider],
                    i.weight,
                    -items.index(i),
                ),
            ).provider
        have[pick] += 1
        out.append(pick)
    return out
