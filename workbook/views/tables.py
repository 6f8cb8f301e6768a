"""Console-style tables over the lab, built only from API calls and the event table."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

from ..aws import client

__all__ = ["clusters_table", "events_table", "CLUSTER_COLUMNS"]

CLUSTER_COLUMNS = [
    "name",
    "status",
    "containerInsights",
    "tags",
    "instances",
    "running",
    "pending",
    "services",
    "arn",
]


def clusters_table(lab, names: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per cluster: the active ones (ListClusters), or exactly ``names`` (DescribeClusters,
    so deleted clusters show INACTIVE and unknown ones MISSING)."""
    ecs = client(lab, "ecs")
    if names is None:
        pages = ecs.get_paginator("list_clusters").paginate()
        refs = [a for p in pages for a in p["clusterArns"]]
    else:
        refs = list(names)
    rows = []
    for i in range(0, len(refs), 100):  # DescribeClusters takes at most 100
        resp = ecs.describe_clusters(clusters=refs[i : i + 100], include=["SETTINGS", "TAGS"])
        for c in resp["clusters"]:
            settings = {s["name"]: s["value"] for s in c.get("settings", [])}
            rows.append(
                {
                    "name": c["clusterName"],
                    "status": c["status"],
                    "containerInsights": settings.get("containerInsights", ""),
                    "tags": ", ".join(f"{t['key']}={t['value']}" for t in c.get("tags", [])),
                    "instances": c["registeredContainerInstancesCount"],
                    "running": c["runningTasksCount"],
                    "pending": c["pendingTasksCount"],
                    "services": c["activeServicesCount"],
                    "arn": c["clusterArn"],
                }
            )
        for f in resp["failures"]:
            rows.append(
                {"name": f["arn"].rsplit("/", 1)[-1], "status": f["reason"], "arn": f["arn"]}
            )
    df = pd.DataFrame(rows, columns=CLUSTER_COLUMNS)
    return df.fillna("").set_index("name") if not df.empty else df.set_index("name")


def events_table(
    lab, kinds: Iterable[str] | None = None, origin: str | None = None, detail: bool = True
) -> pd.DataFrame:
    """The event table for reading: time as text, the detail as compact JSON, optional filters."""
    ev = lab.events
    if kinds is not None:
        ev = ev[ev["kind"].isin(list(kinds))]
    if origin is not None:
        ev = ev[ev["origin"] == origin]
    out = pd.DataFrame(
        {
            "time": ev["time"].dt.strftime("%H:%M:%S").astype(object),
            "origin": ev["origin"].astype(str),
            "kind": ev["kind"].astype(str),
            "cluster": ev["cluster"].fillna("").astype(str),
        },
        index=pd.Index(ev["seq"].to_numpy(), name="seq"),
    )
    if detail:
        out["detail"] = [_short(d) for d in ev["detail"]]
    return out


def _short(d: dict) -> str:
    # API call inputs carry the operation; show it first, the rest compactly.
    d = dict(d)
    op = d.pop("operation", None)
    params = d.pop("params", None)
    parts = [op] if op else []
    if params:
        parts.append(json.dumps(params, sort_keys=True, separators=(",", ":")))
    if d:
        parts.append(json.dumps(d, sort_keys=True, separators=(",", ":")))
    text = " ".join(parts)
    return text if len(text) <= 90 else text[:87] + "..."
