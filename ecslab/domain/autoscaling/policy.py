"""Scaling arithmetic for ECS service auto scaling: target tracking and step scaling.

* Target tracking (ECS): the new desired count is ``ceil(desired x metric / target)`` (rounded
  up, so it never removes more than needed), clamped to [min, max]. AlarmHigh (metric above the
  target) scales out; AlarmLow (below 90 % of the target, [M] modelled) scales in unless
  ``DisableScaleIn``. ``ScaleOutCooldown``/``ScaleInCooldown`` default to 300 s for ECS.
  [M] During a scale-out cooldown no further scale-out and no scale-in start; during a scale-in
  cooldown no scale-in starts (a scale-out may: availability first). [M] A scale-in removes at
  most a quarter of the desired count (at least one task): "scale-in is more gradual".
* Step scaling: the breach (metric - alarm threshold) picks the step whose
  [MetricIntervalLowerBound, MetricIntervalUpperBound) contains it; ``ChangeInCapacity`` adds
  the adjustment, ``PercentChangeInCapacity`` adds ``desired x adjustment / 100`` (truncated
  toward zero, at least ``MinAdjustmentMagnitude`` in size), ``ExactCapacity`` sets it.
  ``Cooldown`` (default 300 s, [M]) blocks another activity of the same policy.
"""

from __future__ import annotations

import math
from typing import Any

from ...core.errors import error_for_code

__all__ = [
    "target_tracking",
    "gradual_scale_in",
    "step_scaling",
    "pick_step",
    "tracking_config",
    "step_config",
    "DEFAULT_COOLDOWN",
    "LOW_RATIO",
    "PREDEFINED",
]

DEFAULT_COOLDOWN = 300
LOW_RATIO = 0.9  # [M] AlarmLow's threshold as a share of the target value
DIMENSION = "ecs:service:DesiredCount"
PREDEFINED = {
    "ECSServiceAverageCPUUtilization": "CPUUtilization",
    "ECSServiceAverageMemoryUtilization": "MemoryUtilization",
}
ValidationException = error_for_code("ValidationException")


def target_tracking(desired: int, metric: float, target: float) -> int:
    """The desired count that brings ``metric`` to ``target`` (before min/max clamping)."""
    if desired <= 0:
        return 1 if metric > 0 else 0
    return max(1, math.ceil(desired * metric / target - 1e-9))


def gradual_scale_in(desired: int, proportional: int) -> int:
    """[M] Scale-in is more gradual than scale-out (the ECS guide's words): one scale-in removes
    at most a quarter of the desired count (at least one task), never below ``proportional``."""
    return max(proportional, desired - max(1, desired // 4))


def pick_step(steps: list[dict[str, Any]], breach: float) -> dict[str, Any] | None:
    for s in steps:
        lo = s.get("metric_interval_lower_bound")
        hi = s.get("metric_interval_upper_bound")
        if (lo is None or breach >= lo) and (hi is None or breach < hi):
            return s
    return None


def step_scaling(desired: int, cfg: dict[str, Any], breach: float) -> int | None:
    """The new desired count for a step policy, or None when no step covers ``breach``."""
    step = pick_step(cfg.get("step_adjustments") or [], breach)
    if step is None:
        return None
    adj = int(step["scaling_adjustment"])
    kind = cfg.get("adjustment_type")
    if kind == "ExactCapacity":
        return adj
    if kind == "PercentChangeInCapacity":
        change = int(desired * adj / 100)  # truncated toward zero
        least = int(cfg.get("min_adjustment_magnitude") or 0)
        if adj and abs(change) < least:
            change = least if adj > 0 else -least
        return desired + change
    return desired + adj


def tracking_config(cfg: dict[str, Any] | None) -> dict[str, Any]:
    if not cfg:
        raise ValidationException(
            "TargetTrackingScalingPolicyConfiguration is required for a policy of type "
            "TargetTrackingScaling."
        )  # [M]
    if cfg.get("customized_metric_specification"):
        raise ValidationException(
            "ecslab models the predefined ECS metrics (ECSServiceAverageCPUUtilization, "
            "ECSServiceAverageMemoryUtilization), not customized metrics."
        )  # [M]
    spec = cfg.get("predefined_metric_specification") or {}
    kind = spec.get("predefined_metric_type")
    if kind is None:
        raise ValidationException(
            "Either PredefinedMetricSpecification or CustomizedMetricSpecification is required."
        )  # [M]
    if kind not in PREDEFINED:
        raise ValidationException(
            f"Unsupported metric {kind} for the scalable dimension {DIMENSION}."
            if not kind.startswith("ALB")
            else "ecslab does not model ALBRequestCountPerTarget; use an ECS utilisation metric."
        )  # [M]
    target = float(cfg["target_value"])
    if not 8.515920e-109 <= target <= 6.44e16 or target > 100:
        raise ValidationException(
            "TargetValue must be a utilisation above 0 and at most 100 percent."
        )  # [M]
    out = dict(cfg)
    out["scale_out_cooldown"] = int(cfg.get("scale_out_cooldown", DEFAULT_COOLDOWN))
    out["scale_in_cooldown"] = int(cfg.get("scale_in_cooldown", DEFAULT_COOLDOWN))
    out["disable_scale_in"] = bool(cfg.get("disable_scale_in", False))
    if out["scale_out_cooldown"] < 0 or out["scale_in_cooldown"] < 0:
        raise ValidationException("Cooldown periods must be non-negative.")  # [M]
    return out


def step_config(cfg: dict[str, Any] | None) -> dict[str, Any]:
    if not cfg:
        raise ValidationException(
            "StepScalingPolicyConfiguration is required for a policy of type StepScaling."
        )  # [M]
    kind = cfg.get("adjustment_type")
    if kind not in ("ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"):
        raise ValidationException("AdjustmentType is required for a StepScaling policy.")  # [M]
    steps = cfg.get("step_adjustments") or []
    if not steps:
        raise ValidationException("At least one step adjustment is required.")  # [M]
    spans = sorted(
        (
            s.get("metric_interval_lower_bound", float("-inf")),
            s.get("metric_interval_upper_bound", float("inf")),
        )
        for s in steps
    )
    for lo, hi in spans:
        if lo >= hi:
            raise ValidationException(
                "Step adjustment upper bound must be greater than its lower bound."
            )  # [M]
    for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
        if hi > lo:
            raise ValidationException("Step adjustment intervals must not overlap.")  # [M]
    if cfg.get("min_adjustment_magnitude") and kind != "PercentChangeInCapacity":
        raise ValidationException(
            "MinAdjustmentMagnitude is only for the PercentChangeInCapacity adjustment type."
        )  # [M]
    out = dict(cfg)
    out["cooldown"] = int(cfg.get("cooldown", DEFAULT_COOLDOWN))
    out["metric_aggregation_type"] = cfg.get("metric_aggregation_type") or "Average"
    return out
