"""The console-style view of a lab: clusters -> container instances -> tasks -> services (with
their events), as tables a dashboard or a learner's code can show. Plain logic over the public
surface (the lab's boto3 clients); the widget lives in ``workbook.panels.dashboard``."""

from __future__ import annotations

import pandas as pd

from ..aws import client
from .instances import readable
from .services import service_events
from .tables import clusters_table
from .tasks import tasks_table

__all__ = ["Console", "instances_table", "services_table"]

INSTANCE_COLUMNS = [
    "instance",
    "type",
    "zone",
    "status",
    "agent",
    "cpu free",
    "memory free",
    "running",
    "pending",
]
SERVICE_COLUMNS = [
    "service",
    "status",
    "desired",
    "running",
    "pending",
    "deployments",
    "launch type",
]


def instances_table(lab, cluster: str) -> pd.DataFrame:
    """One row per container instance (ListContainerInstances + DescribeContainerInstances)."""
    ecs = client(lab, "ecs")
    arns = [
        a
        for p in ecs.get_paginator("list_container_instances").paginate(cluster=cluster)
        for a in p["containerInstanceArns"]
    ]
    rows = []
    for i in range(0, len(arns), 100):
        for ci in ecs.describe_container_instances(
            cluster=cluster, containerInstances=arns[i : i + 100]
        )["containerInstances"]:
            attrs = {a["name"]: a.get("value") for a in ci.get("attributes", [])}
            free = {r["name"]: r.get("integerValue") for r in ci.get("remainingResources", [])}
            rows.append(
                {
                    "instance": readable(lab, ci["ec2InstanceId"]),
                    "type": attrs.get("ecs.instance-type", ""),
                    "zone": attrs.get("ecs.availability-zone", ""),
                    "status": ci["status"],
                    "agent": "connected" if ci["agentConnected"] else "disconnected",
                    "cpu free": free.get("CPU"),
                    "memory free": free.get("MEMORY"),
                    "running": ci["runningTasksCount"],
                    "pending": ci["pendingTasksCount"],
                }
            )
    return (
        pd.DataFrame(rows, columns=INSTANCE_COLUMNS)
        .sort_values(["zone", "instance"], kind="stable")
        .reset_index(drop=True)
    )


def services_table(lab, cluster: str) -> pd.DataFrame:
    """One row per service (ListServices + DescribeServices)."""
    ecs = client(lab, "ecs")
    arns = [
        a
        for p in ecs.get_paginator("list_services").paginate(cluster=cluster)
        for a in p["serviceArns"]
    ]
    rows = []
    for i in range(0, len(arns), 10):  # DescribeServices takes at most 10
        for s in ecs.describe_services(cluster=cluster, services=arns[i : i + 10])["services"]:
            rows.append(
                {
                    "service": s["serviceName"],
                    "status": s["status"],
                    "desired": s.get("desiredCount", 0),
                    "running": s.get("runningCount", 0),
                    "pending": s.get("pendingCount", 0),
                    "deployments": len(s.get("deployments", [])),
                    "launch type": s.get("launchType", ""),
                }
            )
    return (
        pd.DataFrame(rows, columns=SERVICE_COLUMNS)
        .sort_values("service", kind="stable")
        .reset_index(drop=True)
    )


class Console:
    """What the AWS console shows for one selected cluster, as DataFrames."""

    def __init__(self, lab, cluster: str | None = None) -> None:
        self.lab = lab
        self.cluster = cluster

    def clusters(self) -> pd.DataFrame:
        return clusters_table(self.lab)

    def select(self, cluster: str) -> None:
        if cluster not in set(self.clusters().index):
            raise ValueError(f"no active cluster named {cluster!r}")
        self.cluster = cluster

    def _need(self) -> str:
        if self.cluster is None:
            names = list(self.clusters().index)
            if not names:
                raise ValueError("the lab has no clusters yet")
            self.cluster = names[0]
        return self.cluster

    def instances(self) -> pd.DataFrame:
        return instances_table(self.lab, self._need())

    def tasks(self, desired: str = "RUNNING") -> pd.DataFrame:
        return tasks_table(self.lab, self._need(), desired=desired)

    def services(self) -> pd.DataFrame:
        return services_table(self.lab, self._need())

    def events(self, service: str, last: int = 10) -> pd.DataFrame:
        return service_events(self.lab, self._need(), service, last=last)
