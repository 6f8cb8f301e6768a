"""Billing: every cost is a vectorised query over the event table.

ECS itself is free; you pay for the EC2 instances (per second, 60 s minimum per running period),
Fargate task resources (requested vCPU and memory from image pull start to stop, rounded up to the
second, 60 s minimum), ECR storage (GB-month) and Container Insights custom metrics.
"""

from .costs import COST_COLUMNS, costs
from .prices import PriceBook

__all__ = ["costs", "COST_COLUMNS", "PriceBook"]
