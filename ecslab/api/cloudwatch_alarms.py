"""CloudWatch metric alarms: PutMetricAlarm, DescribeAlarms, DeleteAlarms (``lab.alarms``).

Alarms on ``AWS/ECS`` ``CPUUtilization``/``MemoryUtilization`` with ``ClusterName`` and
``ServiceName`` dimensions evaluate every simulated minute on the load model's datapoints; an
alarm on any other metric stays INSUFFICIENT_DATA (ecslab has no data for it).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from ..core.errors import error_for_code
from .registry import handler

InvalidNextToken = error_for_code("InvalidNextToken")
_SPEC = {
    "AlarmName": "alarm_name",
    "AlarmDescription": "alarm_description",
    "ActionsEnabled": "actions_enabled",
    "AlarmActions": "alarm_actions",
    "OKActions": "ok_actions",
    "InsufficientDataActions": "insufficient_data_actions",
    "MetricName": "metric_name",
    "Namespace": "namespace",
    "Statistic": "statistic",
    "ExtendedStatistic": "extended_statistic",
    "Dimensions": "dimensions",
    "Period": "period",
    "Unit": "unit",
    "EvaluationPeriods": "evaluation_periods",
    "DatapointsToAlarm": "datapoints_to_alarm",
    "Threshold": "threshold",
    "ComparisonOperator": "comparison_operator",
    "TreatMissingData": "treat_missing_data",
    "Metrics": "metrics",
}


@handler("cloudwatch", "PutMetricAlarm")
def put_metric_alarm(lab, p):
    spec = {snake: p[camel] for camel, snake in _SPEC.items() if camel in p}
    spec["dimensions"] = [{"Name": d["Name"], "Value": d["Value"]} for d in p.get("Dimensions", [])]
    if "Threshold" not in p:
        raise error_for_code("ValidationException")(
            "ecslab evaluates static thresholds: Threshold is required."
        )  # [M]
    lab.alarms.check(spec)
    lab.alarms.put(spec)
    return {}


@handler("cloudwatch", "DeleteAlarms")
def delete_alarms(lab, p):
    names = p["AlarmNames"]
    missing = [n for n in names if n not in lab.alarms.alarms]
    if missing:
        raise error_for_code("ResourceNotFound", 404)(f"{missing[0]} does not exist")  # [M]
    lab.alarms.delete(names)
    return {}


def alarm_out(a) -> dict[str, Any]:
    out: dict[str, Any] = {
        "AlarmName": a.name,
        "AlarmArn": a.arn,
        "AlarmConfigurationUpdatedTimestamp": a.updated_at,
        "ActionsEnabled": a.actions_enabled,
        "OKActions": a.ok_actions,
        "AlarmActions": a.alarm_actions,
        "InsufficientDataActions": a.insufficient_data_actions,
        "StateValue": a.state,
        "StateReason": a.reason,
        "StateUpdatedTimestamp": a.state_updated_at,
        "MetricName": a.metric_name,
        "Namespace": a.namespace,
        "Statistic": a.statistic,
        "Dimensions": a.dimensions,
        "Period": a.period,
        "EvaluationPeriods": a.evaluation_periods,
        "DatapointsToAlarm": a.datapoints_to_alarm,
        "Threshold": a.threshold,
        "ComparisonOperator": a.comparison,
        "TreatMissingData": a.treat_missing,
        "StateTransitionedTimestamp": a.transitioned_at,
    }
    if a.description is not None:
        out["AlarmDescription"] = a.description
    if a.reason_data is not None:
        out["StateReasonData"] = a.reason_data
    if a.unit is not None:
        out["Unit"] = a.unit
    return out


@handler("cloudwatch", "DescribeAlarms")
def describe_alarms(lab, p):
    alarms = sorted(lab.alarms.alarms.values(), key=lambda a: a.name)  # by name, as CloudWatch
    if p.get("AlarmNames"):
        alarms = [a for a in alarms if a.name in p["AlarmNames"]]
    if p.get("AlarmNamePrefix"):
        alarms = [a for a in alarms if a.name.startswith(p["AlarmNamePrefix"])]
    if p.get("StateValue"):
        alarms = [a for a in alarms if a.state == p["StateValue"]]
    if p.get("ActionPrefix"):
        alarms = [
            a for a in alarms if any(x.startswith(p["ActionPrefix"]) for x in a.alarm_actions)
        ]
    types = p.get("AlarmTypes") or ["MetricAlarm"]
    if "MetricAlarm" not in types:
        alarms = []
    limit = p.get("MaxRecords", 50)
    start = 0
    if p.get("NextToken"):
        try:
            start = int(json.loads(base64.b64decode(p["NextToken"], validate=True))["offset"])
        except Exception:
            raise InvalidNextToken("The service cannot process the NextToken.") from None
        if not 0 <= start <= len(alarms):
            raise InvalidNextToken("The service cannot process the NextToken.")
    chunk = alarms[start : start + limit]
    token = None
    if start + limit < len(alarms):
        token = base64.b64encode(json.dumps({"offset": start + limit}).encode()).decode()
    return {
        "MetricAlarms": [alarm_out(a) for a in chunk],
        "CompositeAlarms": [],
        "NextToken": token,
    }
