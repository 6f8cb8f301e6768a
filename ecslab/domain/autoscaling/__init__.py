"""Service auto scaling: the load model, CloudWatch alarms on ``AWS/ECS`` metrics, and
Application Auto Scaling targets, policies and activities for ECS services."""

from .alarms import Alarms, MetricAlarm
from .load import LoadCurve, set_load
from .targets import AppScaling

__all__ = ["Alarms", "AppScaling", "LoadCurve", "MetricAlarm", "set_load"]
