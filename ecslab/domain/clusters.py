"""ECS clusters: a logical grouping of container instances, tasks and services."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..core.errors import ClusterNotFoundException, InvalidParameterException
from ..core.ids import arn, parse_arn

__all__ = ["Cluster", "Clusters", "CLUSTER_NAME_RE"]

CLUSTER_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
INSIGHTS_VALUES = ("enabled", "disabled", "enhanced")


@dataclass
class Cluster:
    name: str
    arn: str
    created_at: datetime
    status: str = "ACTIVE"
    settings: dict[str, str] = field(default_factory=lambda: {"containerInsights": "disabled"})
    # UpdateCluster: execute_command_configuration (snake_case document) and the Service
    # Connect default namespace (stored as given; ecslab has no Cloud Map, so [M]).
    execute_command: dict | None = None
    service_connect_namespace: str | None = None


class Clusters:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_name: dict[str, Cluster] = {}  # insertion order = creation order

    # -- lookups ---------------------------------------------------------------------------------

    def arn_for(self, name: str) -> str:
        return arn("ecs", self.lab.region, self.lab.account_id, f"cluster/{name}")

    def name_from_ref(self, ref: str) -> str:
        """Cluster name from a name or an ARN (an ARN of another account/region finds nothing)."""
        if ref.startswith("arn:"):
            parts = parse_arn(ref)
            if (
                not parts
                or parts["service"] != "ecs"
                or not parts["resource"].startswith("cluster/")
            ):
                raise InvalidParameterException("Invalid Arn")  # same text ECS uses for a bad ARN
            if parts["region"] != self.lab.region or parts["account"] != self.lab.account_id:
                raise ClusterNotFoundException("Cluster not found.")
            return parts["resource"].split("/", 1)[1]
        return ref

    def find(self, ref: str | None) -> Cluster | None:
        name = self.name_from_ref(ref or "default")
        return self._by_name.get(name)

    def get(self, ref: str | None) -> Cluster:
        """The ACTIVE cluster named by ``ref`` (default "default"), else ClusterNotFoundException."""
        c = self.find(ref)
        if c is None or c.status != "ACTIVE":
            raise ClusterNotFoundException("Cluster not found.")
        return c

    def active(self) -> list[Cluster]:
        return [c for c in self._by_name.values() if c.status == "ACTIVE"]

    def owns(self, resource_arn: str) -> bool:
        parts = parse_arn(resource_arn)
        if not parts or parts["service"] != "ecs" or not parts["resource"].startswith("cluster/"):
            return False
        c = self._by_name.get(parts["resource"].split("/", 1)[1])
        return c is not None and c.arn == resource_arn and c.status == "ACTIVE"

    def counts(self, cluster: Cluster) -> dict[str, int]:
        totals = {
            "registeredContainerInstancesCount": 0,
            "runningTasksCount": 0,
            "pendingTasksCount": 0,
            "activeServicesCount": 0,
        }
        for d in self.lab.domains:
            fn = getattr(d, "cluster_counts", None)
            if fn is not None:
                for k, v in fn(cluster.arn).items():
                    totals[k] = totals.get(k, 0) + v
        return totals

    # -- changes ---------------------------------------------------------------------------------

    def create(
        self, name: str | None = None, settings: dict[str, str] | None = None
    ) -> tuple[Cluster, bool]:
        """Create (or return the existing ACTIVE) cluster. Returns (cluster, created)."""
        name = "default" if name is None else name
        if not CLUSTER_NAME_RE.match(name):
            raise InvalidParameterException(
                "Cluster name must be 1-255 characters long and contain only letters (uppercase and lowercase), numbers, hyphens and underscores."
            )
        wanted = dict(settings or {})
        self._check_settings(wanted)
        existing = self._by_name.get(name)
        if existing is not None and existing.status == "ACTIVE":
            return existing, False
        default_insights = (
            self.lab.account_setting_value("containerInsights")
            if hasattr(self.lab, "account_setting_value")
            else "disabled"
        )
        cluster = Cluster(name=name, arn=self.arn_for(name), created_at=self.lab.now)
        cluster.settings["containerInsights"] = wanted.get(
            "containerInsights", default_insights or "disabled"
        )
        self._by_name.pop(name, None)  # a re-created INACTIVE cluster is a new cluster
        self._by_name[name] = cluster
        self.lab.emit(
            "ClusterCreated",
            "ecs",
            cluster=name,
            resource=cluster.arn,
            settings=dict(cluster.settings),
        )
        return cluster, True

    def update_settings(self, ref: str, settings: dict[str, str]) -> Cluster:
        cluster = self.get(ref)
        self._check_settings(settings)
        cluster.settings.update(settings)
        self.lab.emit(
            "ClusterSettingsUpdated",
            "ecs",
            cluster=cluster.name,
            resource=cluster.arn,
            settings=dict(settings),
        )
        return cluster

    def update(
        self,
        ref: str,
        settings: dict[str, str] | None = None,
        execute_command: dict | None = None,
        namespace: str | None = None,
    ) -> Cluster:
        """UpdateCluster: validate everything first, then change the cluster and emit one fact."""
        cluster = self.get(ref)
        self._check_settings(settings or {})
        if execute_command is not None:
            _check_execute_command(execute_command)
        if settings:
            cluster.settings.update(settings)
        if execute_command is not None:
            cluster.execute_command = execute_command
        if namespace is not None:
            # An empty namespace string removes the default (documented for UpdateCluster).
            cluster.service_connect_namespace = namespace or None
        self.lab.emit(
            "ClusterUpdated",
            "ecs",
            cluster=cluster.name,
            resource=cluster.arn,
            settings=dict(settings or {}),
            execute_command=execute_command,
            namespace=namespace,
        )
        return cluster

    def delete(self, ref: str) -> Cluster:
        cluster = self.get(ref)
        for d in self.lab.domains:
            check = getattr(d, "blocks_cluster_delete", None)
            if check is not None:
                check(cluster.arn)  # raises ClusterContains*Exception
        cluster.status = "INACTIVE"
        self.lab.emit("ClusterDeleted", "ecs", cluster=cluster.name, resource=cluster.arn)
        return cluster

    @staticmethod
    def _check_settings(settings: dict[str, str]) -> None:
        for key, value in settings.items():
            if key != "containerInsights":
                raise InvalidParameterException(
                    f"Invalid cluster setting name '{key}'. The only supported setting is containerInsights."
                )
            if value not in INSIGHTS_VALUES:
                raise InvalidParameterException(
                    f"Invalid value '{value}' for setting containerInsights. Valid values are enabled, disabled, and enhanced."
                )


_LOGGING = ("NONE", "DEFAULT", "OVERRIDE")


def _check_execute_command(cfg: dict) -> None:
    """executeCommandConfiguration rules from the ECS API Reference (ExecuteCommandConfiguration).

    logging OVERRIDE needs a logConfiguration; a logConfiguration with another logging value is
    rejected (the message texts are modelled, [M]).
    """
    logging = cfg.get("logging", "DEFAULT")
    if logging not in _LOGGING:
        raise InvalidParameterException(
            f"Invalid value '{logging}' for logging. Valid values are NONE, DEFAULT and OVERRIDE."
        )
    log_cfg = cfg.get("log_configuration")
    if logging == "OVERRIDE" and not log_cfg:
        raise InvalidParameterException(
            "logConfiguration must be specified when logging is set to OVERRIDE."
        )
    if logging != "OVERRIDE" and log_cfg:
        raise InvalidParameterException(
            "logConfiguration can only be specified when logging is set to OVERRIDE."
        )
    if log_cfg and not (log_cfg.get("cloud_watch_log_group_name") or log_cfg.get("s3_bucket_name")):
        raise InvalidParameterException(
            "logConfiguration must specify cloudWatchLogGroupName or s3BucketName."
        )
