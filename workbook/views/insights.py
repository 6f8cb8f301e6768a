"""Container Insights for the lessons: which metrics exist at which level, what the lab publishes,
and what they cost per hour. Everything is read through the lab (its CloudWatch client and
``lab.insights_metric_count()`` / ``lab.costs()``); the tables are for reading."""

from __future__ import annotations

import pandas as pd

from ..aws import client

__all__ = [
    "CUSTOM_METRIC_USD",
    "LEVEL_COLUMNS",
    "METRIC_LEVELS",
    "hourly_metric_cost",
    "listed_metrics",
    "metric_levels",
]

#: us-east-1 list price of a custom metric for the first 10,000 metric-months of a month (USD).
CUSTOM_METRIC_USD = 0.30
LEVEL_COLUMNS = ("ClusterName", "ServiceName", "TaskDefinitionFamily")
#: metric -> (levels it exists at on AWS, modelled by ecslab). From the CloudWatch user guide's
#: "Amazon ECS Container Insights metrics" table (classic Container Insights).
METRIC_LEVELS: dict[str, tuple[tuple[str, ...], bool]] = {
    "ContainerInstanceCount": (("ClusterName",), True),
    "ServiceCount": (("ClusterName",), True),
    "TaskCount": (("ClusterName",), True),
    "CpuReserved": (LEVEL_COLUMNS, True),
    "CpuUtilized": (LEVEL_COLUMNS, True),
    "MemoryReserved": (LEVEL_COLUMNS, True),
    "MemoryUtilized": (LEVEL_COLUMNS, True),
    "DesiredTaskCount": (("ServiceName",), True),
    "RunningTaskCount": (("ServiceName",), True),
    "PendingTaskCount": (("ServiceName",), True),
    "DeploymentCount": (("ServiceName",), False),
    "TaskSetCount": (("ServiceName",), False),
    "NetworkRxBytes": (LEVEL_COLUMNS, False),
    "NetworkTxBytes": (LEVEL_COLUMNS, False),
    "StorageReadBytes": (LEVEL_COLUMNS, False),
    "StorageWriteBytes": (LEVEL_COLUMNS, False),
    "EphemeralStorageReserved": (LEVEL_COLUMNS, False),
    "EphemeralStorageUtilized": (LEVEL_COLUMNS, False),
}


def metric_levels() -> pd.DataFrame:
    """One row per metric: ✓ where it exists (cluster, service, task family) and whether the
    lab models it (network, storage and deployment metrics it does not)."""
    rows = []
    for metric, (levels, modelled) in METRIC_LEVELS.items():
        row = {"metric": metric}
        row.update({c: ("✓" if c in levels else "") for c in LEVEL_COLUMNS})
        row["in ecslab"] = "yes" if modelled else "no (not modelled)"
        rows.append(row)
    return pd.DataFrame(rows).set_index("metric")


def listed_metrics(lab) -> pd.DataFrame:
    """What CloudWatch's ListMetrics returns for ECS/ContainerInsights, as a table: metric name,
    dimension names and values."""
    cw = client(lab, "cloudwatch")
    rows = []
    token = None
    while True:
        kw = {"Namespace": "ECS/ContainerInsights"} | ({"NextToken": token} if token else {})
        page = cw.list_metrics(**kw)
        for m in page["Metrics"]:
            dims = {d["Name"]: d["Value"] for d in m["Dimensions"]}
            rows.append(
                {
                    "metric": m["MetricName"],
                    "dimensions": ", ".join(dims),
                    **{c: dims.get(c, "") for c in LEVEL_COLUMNS},
                }
            )
        token = page.get("NextToken")
        if not token:
            break
    cols = ["metric", "dimensions", *LEVEL_COLUMNS]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["dimensions", "metric"], kind="stable").reset_index(drop=True)


def hourly_metric_cost(lab, cluster: str) -> tuple[float, float]:
    """(metrics the cluster reports now, USD an hour for them at the lab's custom-metric rate)."""
    counts = lab.insights_metric_count()
    mine = counts[counts["cluster"] == cluster]
    n = float(mine["metrics"].iloc[-1]) if len(mine) else 0.0
    rate = lab.prices.cloudwatch_metric_month(1).usd
    return n, n * rate / 730
