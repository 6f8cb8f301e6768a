"""Elastic Load Balancing v2 (Application Load Balancers): load balancers, listeners, target
groups and target health on the simulated clock. ``lab.elb`` is an :class:`Elb`."""

from .domain import Elb
from .model import DESCRIPTIONS, PROVISIONING_SECONDS

__all__ = ["Elb", "DESCRIPTIONS", "PROVISIONING_SECONDS"]
