"""CloudWatch subset for Container Insights: ListMetrics, GetMetricStatistics, GetMetricData.

Only the ``ECS/ContainerInsights`` namespace has data; metrics exist for clusters while Container
Insights is enabled on them (cluster setting or the account default at creation). Values come
from ``ecslab.domain.insights.metrics`` (one-minute resolution, utilisation modelled).
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterException, error_for_code
from ..domain.insights import metrics
from .paging import page
from .registry import handler

NAMESPACE = "ECS/ContainerInsights"
InvalidParameterValueException = error_for_code("InvalidParameterValueException")
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
_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


def _ts(v) -> pd.Timestamp:
    if isinstance(v, (int, float)):
        return pd.Timestamp(datetime.fromtimestamp(v, tz=timezone.utc))
    return (
        pd.Timestamp(v).tz_convert("UTC") if pd.Timestamp(v).tzinfo else pd.Timestamp(v, tz="UTC")
    )


def _enabled_mask(lab, df: pd.DataFrame) -> np.ndarray:
    """True where the row's cluster had Container Insights on at the row's time."""
    ev = lab.events
    cfg = ev[ev["kind"].isin(["ClusterCreated", "ClusterSettingsUpdated", "ClusterDeleted"])]
    on = pd.DataFrame(
        {
            "time": cfg["time"].array,
            "cluster": cfg["cluster"].astype(object).to_numpy(),
            "on": [
                (d.get("settings") or {}).get("containerInsights") in ("enabled", "enhanced")
                if k != "ClusterDeleted"
                else False
                for k, d in zip(cfg["kind"], cfg["detail"], strict=True)
            ],
            "has": [
                k == "ClusterDeleted" or "containerInsights" in (d.get("settings") or {})
                for k, d in zip(cfg["kind"], cfg["detail"], strict=True)
            ],
        }
    )
    on = on[on["has"]].drop(columns="has").sort_values("time", kind="stable")
    on["cluster"] = on["cluster"].astype(str)
    on["time"] = on["time"].astype("datetime64[ns, UTC]")
    if df.empty or on.empty:
        return np.zeros(len(df), dtype=bool)
    left = (
        df[["time", "cluster"]]
        .assign(
            time=df["time"].astype("datetime64[ns, UTC]"),
            cluster=df["cluster"].astype(str),
            _i=np.arange(len(df)),
        )
        .sort_values("time", kind="stable")
    )
    merged = pd.merge_asof(left, on, on="time", by="cluster")
    mask = np.zeros(len(df), dtype=bool)
    mask[merged["_i"].to_numpy()] = merged["on"].fillna(False).astype(bool).to_numpy()
    return mask


def _level_of(dimensions: list[dict]) -> tuple[str, dict[str, str]]:
    names = tuple(sorted(d["Name"] for d in dimensions))
    if names not in _DIMS:
        raise InvalidParameterValueException(
            f"ecslab has no ECS/ContainerInsights metrics with dimensions {list(names)}"
        )
    level, cols = _DIMS[names]
    return level, {cols[d["Name"]]: d["Value"] for d in dimensions}


def _series(lab, metric: str, dimensions: list[dict], start, end) -> pd.Series:
    level, where = _level_of(dimensions)
    df = metrics(
        lab.events,
        lab.now,
        level=level,
        start=start,
        end=min(end, pd.Timestamp(lab.now)),
        seed=lab.seed,
    )
    if df.empty:
        return pd.Series(dtype=float)
    df = df[_enabled_mask(lab, df)]
    df = df[
        (df["metric"] == metric) & (df["time"] >= start) & (df["time"] < end)
    ]  # EndTime is exclusive
    for col, val in where.items():
        df = df[df[col].astype(object) == val]
    return df.set_index("time")["value"]


def _buckets(s: pd.Series, start: pd.Timestamp, period: int) -> pd.DataFrame:
    if s.empty:
        return pd.DataFrame(columns=list(_STATS))
    key = start + ((s.index - start) // pd.Timedelta(seconds=period)) * pd.Timedelta(seconds=period)
    g = s.groupby(key)
    return pd.DataFrame(
        {
            "SampleCount": g.count().astype(float),
            "Average": g.mean(),
            "Sum": g.sum(),
            "Minimum": g.min(),
            "Maximum": g.max(),
        }
    )


@handler("cloudwatch", "ListMetrics")
def list_metrics(lab, p):
    ns = p.get("Namespace")
    out = []
    if ns in (None, NAMESPACE):
        for level, dims in (
            ("cluster", ["ClusterName"]),
            ("service", ["ServiceName", "ClusterName"]),
            ("family", ["TaskDefinitionFamily", "ClusterName"]),
        ):
            df = metrics(lab.events, lab.now, level=level, seed=lab.seed)
            if df.empty:
                continue
            df = df[_enabled_mask(lab, df)]
            col = {
                "ClusterName": "cluster",
                "ServiceName": "service",
                "TaskDefinitionFamily": "family",
            }
            for keys, _ in df.groupby([col[d] for d in dims] + ["metric"], sort=True):
                *vals, metric = keys
                m = {
                    "Namespace": NAMESPACE,
                    "MetricName": metric,
                    "Dimensions": [
                        {"Name": d, "Value": str(v)} for d, v in zip(dims, vals, strict=True)
                    ],
                }
                out.append(m)
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
    chunk, token = page(out, p, default_max=500, max_limit=500, key="_no_limit")
    return {"Metrics": chunk, "NextToken": token}


@handler("cloudwatch", "GetMetricStatistics")
def get_metric_statistics(lab, p):
    start, end, period = _ts(p["StartTime"]), _ts(p["EndTime"]), int(p["Period"])
    if period < 60 or period % 60:
        raise InvalidParameterValueException(
            "The parameter Period must be a multiple of 60 (ecslab stores one-minute data)."
        )
    if end <= start:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime."
        )
    stats = p.get("Statistics") or []
    if not stats or any(s not in _STATS for s in stats):
        raise InvalidParameterException(
            "Statistics must hold one or more of SampleCount, Average, Sum, Minimum, Maximum."
        )
    if p["Namespace"] != NAMESPACE:
        return {"Label": p["MetricName"], "Datapoints": []}
    b = _buckets(
        _series(lab, p["MetricName"], p.get("Dimensions") or [], start, end), start, period
    )
    unit = (
        "Megabytes"
        if p["MetricName"].startswith("Memory")
        else ("None" if p["MetricName"].startswith("Cpu") else "Count")
    )
    points = [
        {"Timestamp": t.to_pydatetime(), "Unit": unit, **{s: float(row[s]) for s in stats}}
        for t, row in b.iterrows()
    ]
    return {"Label": p["MetricName"], "Datapoints": points}


@handler("cloudwatch", "GetMetricData")
def get_metric_data(lab, p):
    start, end = _ts(p["StartTime"]), _ts(p["EndTime"])
    results = []
    for q in p["MetricDataQueries"]:
        if "MetricStat" not in q:
            raise InvalidParameterValueException(
                "ecslab supports MetricStat queries, not metric math Expressions."
            )
        ms = q["MetricStat"]
        metric = ms["Metric"]
        stat = ms["Stat"]
        if stat not in _STATS:
            raise InvalidParameterValueException(
                f"Unsupported statistic {stat!r}; use one of {', '.join(_STATS)}."
            )
        if metric.get("Namespace") != NAMESPACE:
            b = pd.DataFrame(columns=list(_STATS))
        else:
            b = _buckets(
                _series(lab, metric["MetricName"], metric.get("Dimensions") or [], start, end),
                start,
                int(ms["Period"]),
            )
        if p.get("ScanBy", "TimestampDescending") == "TimestampDescending":
            b = b.iloc[::-1]
        if q.get("ReturnData", True):
            results.append(
                {
                    "Id": q["Id"],
                    "Label": q.get("Label") or metric["MetricName"],
                    "Timestamps": [t.to_pydatetime() for t in b.index],
                    "Values": [float(v) for v in b[stat]],
                    "StatusCode": "Complete",
                }
            )
    return {"MetricDataResults": results, "Messages": []}
