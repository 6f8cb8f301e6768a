"""CloudWatch subset for Container Insights: ListMetrics, GetMetricStatistics, GetMetricData.

Only the ``ECS/ContainerInsights`` namespace has data: what ``lab.metrics(published=True)`` holds
(``ecslab.domain.insights``): the documented metrics per dimension set, one-minute datapoints
while Container Insights is on for the cluster and the resource has RUNNING tasks, utilisation
modelled. As on AWS, asking for a metric or dimension set that has no data is not an error: the
answer is simply empty. Error codes are CloudWatch's query-compatible ones
(``InvalidParameterValue``, ``InvalidParameterCombination``, ``InvalidNextToken``).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pandas as pd

from ..core.errors import error_for_code
from .registry import handler

NAMESPACE = "ECS/ContainerInsights"
ECS_NAMESPACE = "AWS/ECS"  # service CPUUtilization / MemoryUtilization (lab.alarms)
ECS_METRICS = ("CPUUtilization", "MemoryUtilization")
CP_NAMESPACE, CP_METRIC = "AWS/ECS/ManagedScaling", "CapacityProviderReservation"
InvalidParameterValueException = error_for_code("InvalidParameterValueException")
InvalidParameterCombinationException = error_for_code("InvalidParameterCombinationException")
InvalidNextToken = error_for_code("InvalidNextToken")
#: dimension names (sorted) -> (metrics level, {dimension name: column})
_DIMS = {
    ("ClusterName",): ("cluster", {"ClusterName": "cluster"}),
    ("ClusterName", "ServiceName"): (
        "service",
        {"ClusterName": "cluster", "ServiceName": "service"},
    ),
    ("ClusterName", "TaskDefinitionFamily"): (
        "family",
        {"ClusterName": "cluster", "TaskDefinitionFamily": "family"},
    ),
}
_LIST_DIMS = {
    "cluster": ["ClusterName"],
    "service": ["ServiceName", "ClusterName"],
    "family": ["TaskDefinitionFamily", "ClusterName"],
}
_COL = {"ClusterName": "cluster", "ServiceName": "service", "TaskDefinitionFamily": "family"}
_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PAGE = 500  # ListMetrics returns up to 500 metrics a call


def _ts(v) -> pd.Timestamp:
    if isinstance(v, (int, float)):
        return pd.Timestamp(datetime.fromtimestamp(v, tz=timezone.utc))
    t = pd.Timestamp(v)
    return t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC")


class _Published:
    """The published metrics of one request, computed once per level."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_level: dict[str, pd.DataFrame] = {}

    def level(self, level: str) -> pd.DataFrame:
        if level not in self._by_level:
            self._by_level[level] = self.lab.metrics(level=level, published=True)
        return self._by_level[level]

    def series(self, metric: str, dimensions: list[dict], start, end) -> pd.Series:
        names = tuple(sorted(d["Name"] for d in dimensions))
        if metric in ECS_METRICS:  # AWS/ECS service utilisation (the load model's datapoints)
            return _ecs_series(self.lab, metric, dimensions, start, end)
        if metric == CP_METRIC:
            return _reservation_series(self.lab, dimensions, start, end)
        if names not in _DIMS or len(set(names)) != len(names):
            return pd.Series(dtype=float)  # no metric has that dimension set: no data
        level, cols = _DIMS[names]
        df = self.level(level)
        sel = (df["metric"] == metric) & (df["time"] >= start) & (df["time"] < end)  # End exclusive
        for d in dimensions:
            sel &= df[cols[d["Name"]]].astype(object) == d["Value"]
        return df[sel].set_index("time")["value"]


def _ecs_series(lab, metric: str, dimensions: list[dict], start, end) -> pd.Series:
    dims = {d["Name"]: d["Value"] for d in dimensions}
    if len(dimensions) != 2 or set(dims) != {"ClusterName", "ServiceName"}:
        return pd.Series(dtype=float)
    minutes, values = lab.alarms.datapoints(metric, dims["ClusterName"], dims["ServiceName"])
    s = pd.Series(values, index=pd.to_datetime([m * 60 for m in minutes], unit="s", utc=True))
    return s[(s.index >= start) & (s.index < end)]


def _reservation_series(lab, dimensions: list[dict], start, end) -> pd.Series:
    """AWS/ECS/ManagedScaling CapacityProviderReservation: the facts managed scaling published
    each minute (``ecslab.domain.capacity.scaling``)."""
    dims = {d["Name"]: d["Value"] for d in dimensions}
    if len(dimensions) != 2 or set(dims) != {"ClusterName", "CapacityProviderName"}:
        return pd.Series(dtype=float)
    ev = lab.events
    rows = ev[
        (ev["kind"] == "ManagedScalingMetricPublished") & (ev["cluster"] == dims["ClusterName"])
    ]
    rows = rows[
        rows["detail"].map(lambda d: d.get("capacity_provider")) == dims["CapacityProviderName"]
    ]
    s = pd.Series(
        rows["detail"].map(lambda d: float(d["value"])).to_numpy(),
        index=pd.to_datetime(rows["time"], utc=True),
        dtype=float,
    )
    return s[(s.index >= start) & (s.index < end)]


def _namespace_ok(namespace: str | None, metric: str) -> bool:
    if metric == CP_METRIC:
        return namespace == CP_NAMESPACE
    if metric in ECS_METRICS:
        return namespace == ECS_NAMESPACE
    return namespace == NAMESPACE


def _period(value) -> int:
    period = int(value)
    if period < 60 or period % 60:
        raise InvalidParameterValueException(
            "The parameter Period must be a multiple of 60 (ecslab's Container Insights data has "
            "one-minute resolution)."
        )
    return period


def _window(p) -> tuple[pd.Timestamp, pd.Timestamp]:
    start, end = _ts(p["StartTime"]), _ts(p["EndTime"])
    if end <= start:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime."
        )
    return start, end


def _buckets(s: pd.Series, start: pd.Timestamp, period: int) -> pd.DataFrame:
    if s.empty:
        return pd.DataFrame(columns=list(_STATS), dtype=float)
    step = pd.Timedelta(seconds=period)
    g = s.groupby(start + ((s.index - start) // step) * step)
    return pd.DataFrame(
        {
            "SampleCount": g.count().astype(float),
            "Average": g.mean(),
            "Sum": g.sum(),
            "Minimum": g.min(),
            "Maximum": g.max(),
        }
    )


def _unit(metric: str) -> str:
    if metric in ECS_METRICS or metric == CP_METRIC:
        return "Percent"
    if metric.startswith("Memory"):
        return "Megabytes"
    return "None" if metric.startswith("Cpu") else "Count"


@handler("cloudwatch", "ListMetrics")
def list_metrics(lab, p):
    ns = p.get("Namespace")
    out = []
    if ns in (None, NAMESPACE):
        pub = _Published(lab)
        for level, dims in _LIST_DIMS.items():
            df = pub.level(level)
            if df.empty:
                continue
            for keys, _ in df.groupby([_COL[d] for d in dims] + ["metric"], sort=True):
                *vals, metric = keys
                out.append(
                    {
                        "Namespace": NAMESPACE,
                        "MetricName": metric,
                        "Dimensions": [
                            {"Name": d, "Value": str(v)} for d, v in zip(dims, vals, strict=True)
                        ],
                    }
                )
    if ns in (None, ECS_NAMESPACE):
        for (cluster, service), series in sorted(lab.alarms.series.items()):
            if series.minutes:
                out.extend(
                    {
                        "Namespace": ECS_NAMESPACE,
                        "MetricName": m,
                        "Dimensions": [
                            {"Name": "ClusterName", "Value": cluster},
                            {"Name": "ServiceName", "Value": service},
                        ],
                    }
                    for m in ECS_METRICS
                )
    if p.get("MetricName"):
        out = [m for m in out if m["MetricName"] == p["MetricName"]]
    for f in p.get("Dimensions") or []:
        out = [
            m
            for m in out
            if any(
                d["Name"] == f["Name"] and ("Value" not in f or d["Value"] == f["Value"])
                for d in m["Dimensions"]
            )
        ]
    offset = 0
    if p.get("NextToken"):
        try:
            offset = int(json.loads(base64.b64decode(p["NextToken"], validate=True))["offset"])
        except Exception:
            raise InvalidNextToken("The service cannot process the NextToken.") from None
        if not 0 <= offset <= len(out):
            raise InvalidNextToken("The service cannot process the NextToken.")
    chunk = out[offset : offset + _PAGE]
    token = None
    if offset + _PAGE < len(out):
        token = base64.b64encode(json.dumps({"offset": offset + _PAGE}).encode()).decode()
    return {"Metrics": chunk, "NextToken": token}


@handler("cloudwatch", "GetMetricStatistics")
def get_metric_statistics(lab, p):
    start, end = _window(p)
    period = _period(p["Period"])
    stats = p.get("Statistics") or []
    if p.get("ExtendedStatistics"):
        raise InvalidParameterValueException(
            "ecslab does not keep percentiles: ExtendedStatistics are not supported; use "
            "Statistics (SampleCount, Average, Sum, Minimum, Maximum)."
        )
    if not stats:
        raise InvalidParameterCombinationException(
            "Must specify either Statistics or ExtendedStatistics, but not both."
        )
    metric = p["MetricName"]
    unit = _unit(metric)
    if not _namespace_ok(p["Namespace"], metric) or p.get("Unit") not in (None, unit):
        return {"Label": metric, "Datapoints": []}
    s = _Published(lab).series(metric, p.get("Dimensions") or [], start, end)
    b = _buckets(s, start, period)
    points = [
        {"Timestamp": t.to_pydatetime(), "Unit": unit, **{st: float(row[st]) for st in stats}}
        for t, row in b.iterrows()
    ]
    return {"Label": metric, "Datapoints": points}


@handler("cloudwatch", "GetMetricData")
def get_metric_data(lab, p):
    start, end = _window(p)
    ids = [q["Id"] for q in p["MetricDataQueries"]]
    if len(set(ids)) != len(ids):
        raise InvalidParameterValueException(
            "The values for parameter Id in MetricDataQueries are not unique."
        )
    for q in p["MetricDataQueries"]:
        if "MetricStat" not in q:
            raise InvalidParameterValueException(
                "ecslab supports MetricStat queries, not metric math Expressions."
            )
        ms = q["MetricStat"]
        _period(ms["Period"])
        if ms["Stat"] not in _STATS:
            raise InvalidParameterValueException(
                f"Unsupported statistic {ms['Stat']!r}; ecslab supports {', '.join(_STATS)}."
            )
    pub = _Published(lab)
    results = []
    for q in p["MetricDataQueries"]:
        ms = q["MetricStat"]
        metric = ms["Metric"]
        name = metric.get("MetricName", "")
        wrong_unit = ms.get("Unit") not in (None, _unit(name))
        if not _namespace_ok(metric.get("Namespace"), name) or wrong_unit:
            b = _buckets(pd.Series(dtype=float), start, 60)
        else:
            s = pub.series(name, metric.get("Dimensions") or [], start, end)
            b = _buckets(s, start, int(ms["Period"]))
        if p.get("ScanBy", "TimestampDescending") == "TimestampDescending":
            b = b.iloc[::-1]
        if q.get("ReturnData", True):
            results.append(
                {
                    "Id": q["Id"],
                    "Label": q.get("Label") or name,
                    "Timestamps": [t.to_pydatetime() for t in b.index],
                    "Values": [float(v) for v in b[ms["Stat"]]],
                    "StatusCode": "Complete",
                }
            )
    return {"MetricDataResults": results, "Messages": []}
