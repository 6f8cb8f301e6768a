"""ECS capacity providers: FARGATE, FARGATE_SPOT and Auto Scaling group providers with managed
scaling (``lab.capacity``)."""

from .model import FARGATE_PROVIDERS, Association, Provider, StrategyItem
from .providers import CapacityProviders
from .scaling import ManagedScaling
from .spot import interrupt_spot  # noqa: F401  (registers the lab action)

__all__ = [
    "CapacityProviders",
    "ManagedScaling",
    "Provider",
    "Association",
    "StrategyItem",
    "FARGATE_PROVIDERS",
]
