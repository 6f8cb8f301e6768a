"""``lab.services``: CreateService, UpdateService, DeleteService, lookups and the hooks that keep
the scheduler informed.

Facts: ``ServiceCreated`` (name, launch_type, scheduling_strategy, desired_count,
task_definition; for a task-set service also ``deployment_controller: EXTERNAL``, and no task
definition), ``ServiceUpdated`` (the changes), ``ServiceDeleted`` (at DeleteService; billing
and Container Insights count services from ServiceCreated to ServiceDeleted, by cluster name),
``ServiceInactive`` (DRAINING -> INACTIVE once its tasks stopped), ``DeploymentStarted`` /
``DeploymentCompleted`` / ``DeploymentFailed`` / ``DeploymentRolledBack``,
``ServiceSteadyState``, ``ServiceEventAdded`` (each service event), ``ContainerHealthChanged``.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from ...core.errors import (
    ClusterContainsServicesException,
    InvalidParameterException,
    ServiceNotActiveException,
    ServiceNotFoundException,
)
from ...core.ids import parse_arn
from ..capacity.model import FARGATE_PROVIDERS
from . import bluegreen as BG
from . import deployments as D
from . import external as EX
from . import health as H
from . import tasksets as TS
from . import validate as V
from .history import History
from .model import Service
from .passes import run_pass

__all__ = ["Services", "SCALED_ABOVE_0"]

SCALED_ABOVE_0 = "The service cannot be stopped while it is scaled above 0."  # [V3]
NOT_FOUND = "Service not found."
NOT_ACTIVE = "Service was not ACTIVE."


class Services:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_cluster: dict[str, dict[str, Service]] = {}  # cluster -> name -> newest
        self._history: list[Service] = []  # every service ever created, in order
        self.by_target: dict[tuple[str, str, int], tuple[Service, Any]] = {}
        self._lost: dict[str, tuple[int, set[str]]] = {}
        lab.tasks.on_service_task = self._task_event
        self.history = History(self)  # service deployments and revisions
        self.task_sets = TS.TaskSets(self)  # EXTERNAL deployment controller

    # -- lookups ---------------------------------------------------------------------------------

    def arn_for(self, cluster: str, name: str) -> str:
        return f"arn:aws:ecs:{self.lab.region}:{self.lab.account_id}:service/{cluster}/{name}"

    def in_cluster(self, cluster: str) -> list[Service]:
        return list(self._by_cluster.get(cluster, {}).values())

    def find(self, cluster: str, ref: str) -> Service | None:
        name = ref
        if ref.startswith("arn:"):
            parts = parse_arn(ref)
            if (
                not parts
                or parts["service"] != "ecs"
                or not parts["resource"].startswith("service/")
            ):
                raise InvalidParameterException("Invalid Arn")
            path = parts["resource"].split("/")
            if len(path) == 3 and path[1] != cluster:
                return None
            name = path[-1]
        return self._by_cluster.get(cluster, {}).get(name)

    def get(self, cluster_ref: str | None, ref: str, *, active: bool = True) -> Service:
        cluster = self.lab.clusters.get(cluster_ref)
        svc = self.find(cluster.name, ref)
        if svc is None:
            raise ServiceNotFoundException(NOT_FOUND)
        if active and svc.status != "ACTIVE":
            raise ServiceNotActiveException(NOT_ACTIVE)
        return svc

    def owns(self, resource_arn: str) -> bool:
        parts = parse_arn(resource_arn) or {}
        if parts.get("resource", "").startswith("task-set/"):
            return self.task_sets.owns(resource_arn)
        path = parts.get("resource", "").split("/")
        if len(path) != 3 or path[0] != "service":
            return False
        svc = self._by_cluster.get(path[1], {}).get(path[2])
        return svc is not None and svc.arn == resource_arn and svc.status != "INACTIVE"

    def in_namespace(self, namespace: str) -> list[Service]:
        return services_in_namespace(self, namespace)

    def lost_instances(self, cluster: str) -> set[str]:
        """Container instances of ``cluster`` that are not ACTIVE (their tasks move away)."""
        cis = self.lab.container_instances
        got = self._lost.get(cluster)
        if got is None or got[0] != cis.version:
            got = (cis.version, {c.arn for c in cis.in_cluster(cluster) if c.status != "ACTIVE"})
            self._lost[cluster] = got
        return got[1]

    # -- CreateService -----------------------------------------------------------------------------

    def create(self, p: dict[str, Any]) -> Service:
        lab = self.lab
        cluster = lab.clusters.get(p.get("cluster"))
        external = _controller(p) == "EXTERNAL"
        name = p.get("service_name") or ""
        V.check_name(name)
        old = self._by_cluster.get(cluster.name, {}).get(name)
        if old is not None and old.status != "INACTIVE":
            raise InvalidParameterException("Creation of service was not idempotent.")  # [V]
        strategy = p.get("scheduling_strategy") or "REPLICA"
        daemon = strategy == "DAEMON"
        if external:
            EX.check_create(p, daemon)  # launch settings belong to its task sets
        cps = (
            []
            if external
            else _strategy(lab, cluster, p.get("capacity_provider_strategy"), p.get("launch_type"))
        )
        launch_type = p.get("launch_type") or _launch_type_of(cps)
        if external:
            td = None
        elif not p.get("task_definition"):
            raise InvalidParameterException(
                "A task definition is required for the ECS deployment controller."
            )  # [M]
        else:
            td = lab.taskdefs.resolve(p["task_definition"], for_use=True)
        desired = p.get("desired_count")
        if daemon:
            if launch_type == "FARGATE":
                raise InvalidParameterException(V.DAEMON_FARGATE)
            if desired is not None:
                raise InvalidParameterException(V.DAEMON_COUNT)
            if p.get("placement_strategy"):
                raise InvalidParameterException(V.DAEMON_STRATEGY)
            desired = 0
        elif desired is None:
            raise InvalidParameterException(
                "desiredCount is required for a service using the REPLICA scheduling strategy."
            )  # [M]
        _check_count(desired)
        lo, hi, enable, rollback = V.deployment_config(p.get("deployment_configuration"), daemon)
        grace = p.get("health_check_grace_period_seconds") or 0
        if grace < 0:
            raise InvalidParameterException("healthCheckGracePeriodSeconds must be >= 0.")  # [M]
        lbs = V.load_balancers(lab, p.get("load_balancers"), td)
        tags = dict(p.get("tags") or {})
        lab.tags.validate(tags)
        svc = Service(
            name=name,
            arn=self.arn_for(cluster.name, name),
            cluster=cluster.name,
            cluster_arn=cluster.arn,
            created_at=lab.now,
            scheduling_strategy=strategy,
            launch_type=launch_type,
            desired_count=desired,
            td=td,
            load_balancers=lbs,
            network_configuration=p.get("network_configuration"),
            placement_constraints=list(p.get("placement_constraints") or []),
            placement_strategy=list(p.get("placement_strategy") or []),
            health_check_grace_period=int(grace),
            minimum_healthy_percent=lo,
            maximum_percent=hi,
            breaker_enable=enable,
            breaker_rollback=rollback,
            enable_execute_command=bool(p.get("enable_execute_command")),
            propagate_tags=p.get("propagate_tags"),
            enable_ecs_managed_tags=bool(p.get("enable_ecs_managed_tags")),
            platform_version=p.get("platform_version"),
            role_arn=p.get("role"),
            service_connect_namespace=_namespace(cluster, p.get("service_connect_configuration")),
            capacity_provider_strategy=cps,
            deployment_controller="EXTERNAL" if external else "ECS",
        )
        if not external:
            V.check_launch(lab, cluster, td, D.request(lab, svc, None, td))
        strategy_cfg = BG.parse(lab, p, svc, None)
        # -- valid: change state
        self.history.configs[svc.arn] = strategy_cfg
        self._by_cluster.setdefault(cluster.name, {})[name] = svc
        self._history.append(svc)
        lab.emit(
            "ServiceCreated",
            "ecs",
            cluster=cluster.name,
            resource=svc.arn,
            name=name,
            launch_type=launch_type,
            scheduling_strategy=strategy,
            desired_count=desired,
            task_definition=td.arn if td is not None else None,
            target_groups=[lb.target_group_arn for lb in lbs],
            namespace=svc.service_connect_namespace,
            # only when EXTERNAL, so tables saved before task sets existed still replay
            **({"deployment_controller": "EXTERNAL"} if external else {}),
        )
        if tags:
            lab.tags.set(svc.arn, tags, check=False, cluster=cluster.name)
        if not external:
            D.new_deployment(self, svc, td)
        self.kick(svc)
        return svc

    # -- UpdateService -----------------------------------------------------------------------------

    def update(self, p: dict[str, Any]) -> Service:
        lab = self.lab
        svc = self.get(p.get("cluster"), p["service"])
        _controller(p)
        if svc.external:
            return EX.update(self, svc, p)
        changes: dict[str, Any] = {}
        desired = p.get("desired_count")
        if desired is not None:
            if svc.daemon:
                raise InvalidParameterException(V.DAEMON_COUNT)
            _check_count(desired)
            changes["desired_count"] = desired
        td = svc.td
        if p.get("task_definition"):
            td = lab.taskdefs.resolve(p["task_definition"], for_use=True)
            if td is not svc.td:
                changes["task_definition"] = td.arn
        current = (
            svc.minimum_healthy_percent,
            svc.maximum_percent,
            svc.breaker_enable,
            svc.breaker_rollback,
        )
        cfg = V.deployment_config(p.get("deployment_configuration"), svc.daemon, current)
        if cfg != current:
            changes["deployment_configuration"] = list(cfg)
        new = {}
        for key in ("network_configuration", "placement_constraints", "placement_strategy"):
            if p.get(key) is not None and p[key] != getattr(svc, key):
                new[key] = p[key]
        if p.get("capacity_provider_strategy"):
            cps = _strategy(
                lab, lab.clusters.get(svc.cluster), p["capacity_provider_strategy"], None
            )
            if cps != svc.capacity_provider_strategy:
                new["capacity_provider_strategy"] = cps
                new["launch_type"] = _launch_type_of(cps)
        if svc.daemon and new.get("placement_strategy"):
            raise InvalidParameterException(V.DAEMON_STRATEGY)
        lbs = svc.load_balancers
        if p.get("load_balancers") is not None:
            lbs = V.load_balancers(lab, p["load_balancers"], td)
            if lbs != svc.load_balancers:
                new["load_balancers"] = lbs
        elif "task_definition" in changes and svc.load_balancers:
            V.load_balancers(lab, [_lb_in(lb) for lb in svc.load_balancers], td)
        grace = p.get("health_check_grace_period_seconds")
        if grace is not None:
            if grace < 0:
                raise InvalidParameterException("healthCheckGracePeriodSeconds must be >= 0.")
            changes["health_check_grace_period_seconds"] = grace
        if p.get("enable_execute_command") is not None:
            changes["enable_execute_command"] = bool(p["enable_execute_command"])
        trial = dataclasses.replace(svc, **new)
        cluster = lab.clusters.get(svc.cluster)
        if new or "task_definition" in changes:
            V.check_launch(lab, cluster, td, D.request(lab, trial, None, td))
        deploy = bool(p.get("force_new_deployment") or new or "task_definition" in changes)
        strategy_cfg = BG.parse(lab, p, trial, self.history.configs.get(svc.arn))
        if strategy_cfg != self.history.configs.get(svc.arn):
            changes["strategy"] = strategy_cfg.strategy
        # -- valid: change state
        self.history.configs[svc.arn] = strategy_cfg
        for key, value in new.items():
            setattr(svc, key, value)
        if "desired_count" in changes:
            svc.desired_count = svc.primary.desired_count = desired
            svc.steady = False
        svc.minimum_healthy_percent, svc.maximum_percent = cfg[0], cfg[1]
        svc.breaker_enable, svc.breaker_rollback = cfg[2], cfg[3]
        if grace is not None:
            svc.health_check_grace_period = int(grace)
        if "enable_execute_command" in changes:
            svc.enable_execute_command = changes["enable_execute_command"]
        detail = {k: v for k, v in changes.items()}
        detail.update({k: str(v) for k, v in new.items()})
        lab.emit(
            "ServiceUpdated",
            "ecs",
            cluster=svc.cluster,
            resource=svc.arn,
            changes=detail,
            force_new_deployment=bool(p.get("force_new_deployment")),
        )
        if deploy:
            D.new_deployment(self, svc, td)
        self.kick(svc)
        return svc

    # -- DeleteService -------------------------------------------------------------------------------

    def delete(self, cluster_ref: str | None, ref: str, force: bool = False) -> Service:
        svc = self.get(cluster_ref, ref)
        if not svc.daemon and svc.desired_count > 0 and not force:
            raise InvalidParameterException(SCALED_ABOVE_0)
        svc.status = "DRAINING"
        svc.desired_count = 0
        if svc.deployments:
            svc.primary.desired_count = 0
        self.lab.emit("ServiceDeleted", "ecs", cluster=svc.cluster, resource=svc.arn, force=force)
        self.kick(svc)
        return svc

    def uses_capacity_provider(self, cluster: str, provider: str) -> bool:
        """An ACTIVE or DRAINING service of ``cluster`` has ``provider`` in its strategy."""
        return any(
            s.status != "INACTIVE"
            and any(i["capacity_provider"] == provider for i in s.capacity_provider_strategy)
            for s in self._by_cluster.get(cluster, {}).values()
        )

    def deactivated(self, svc: Service) -> None:
        svc.status = "INACTIVE"
        svc.steady = False
        self.lab.emit("ServiceInactive", "ecs", cluster=svc.cluster, resource=svc.arn)

    # -- the scheduler's clock -----------------------------------------------------------------------

    def kick(self, svc: Service, delay: float = 0.0) -> None:
        """Run a scheduler pass for ``svc`` ``delay`` seconds from now (or sooner if one is
        already due)."""
        if svc.status == "INACTIVE":
            return
        clock = self.lab.clock
        due = clock.now + timedelta(seconds=delay)
        if svc.timer is not None and not svc.timer.cancelled and svc.timer.due <= due:
            return
        clock.cancel(svc.timer)
        svc.timer = clock.at(due, lambda: run_pass(self, svc), "service-scheduler")

    def became_healthy(self, svc: Service, st) -> None:
        svc.consecutive_failures = 0
        svc.backoff_until = None
        st.deployment.failed_tasks = 0  # resetOnHealthyTask (default true)

    # -- hooks -----------------------------------------------------------------------------------

    def _task_event(self, task, kind: str) -> None:
        if kind not in ("TaskRunning", "TaskStopping", "TaskStopped"):
            return
        svc = self._by_cluster.get(task.cluster, {}).get(task.service)
        st = svc.tasks.get(task.arn) if svc is not None else None
        if st is None:
            return
        if kind == "TaskRunning":
            H.task_running(self, svc, st)
        elif kind == "TaskStopping":
            if not st.stopping_by_us:
                H.release_targets(self, svc, st)
        else:
            del svc.tasks[task.arn]
            failed = task.stop_code in ("TaskFailedToStart", "EssentialContainerExited") or (
                st.unhealthy is not None
            )
            if failed and not st.ever_healthy:
                if svc.external:
                    TS.count_failure(self, svc, st.deployment)
                else:
                    D.count_failure(self, svc, st.deployment)
        self.kick(svc)

    def on_target_health_changed(self, tg, target, old: str) -> None:
        H.target_changed(self, tg, target, old)

    def on_container_instances_changed(self, cluster: str | None) -> None:
        names = [cluster] if cluster is not None else list(self._by_cluster)
        for name in names:
            for svc in self._by_cluster.get(name, {}).values():
                self.kick(svc)

    # -- cluster hooks ---------------------------------------------------------------------------

    def _of(self, cluster_arn: str) -> list[Service]:
        return self.in_cluster(cluster_arn.rsplit("/", 1)[-1])

    def cluster_counts(self, cluster_arn: str) -> dict[str, int]:
        return {
            "activeServicesCount": sum(1 for s in self._of(cluster_arn) if s.status == "ACTIVE")
        }

    def cluster_statistics(self, cluster_arn: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self._of(cluster_arn):
            if s.status in ("ACTIVE", "DRAINING"):
                lt = "Fargate" if s.launch_type == "FARGATE" else "EC2"
                key = f"{s.status.lower()}{lt}ServiceCount"
                out[key] = out.get(key, 0) + 1
        return out

    def blocks_cluster_delete(self, cluster_arn: str) -> None:
        if any(s.status != "INACTIVE" for s in self._of(cluster_arn)):
            raise ClusterContainsServicesException(
                "The Cluster cannot be deleted while Services are active."
            )


def _check_count(desired: int) -> None:
    if desired < 0:
        raise InvalidParameterException("desiredCount must be greater than or equal to 0.")  # [M]


def _lb_in(lb) -> dict:
    return {
        "target_group_arn": lb.target_group_arn,
        "container_name": lb.container_name,
        "container_port": lb.container_port,
    }


def _namespace(cluster, sc: dict[str, Any] | None) -> str | None:
    """The Service Connect namespace a service joins: its own, else the cluster's default
    (documented for serviceConnectConfiguration.namespace)."""
    if not sc or not sc.get("enabled"):
        return None
    return sc.get("namespace") or cluster.service_connect_namespace


def services_in_namespace(dom, namespace: str) -> list:
    """ACTIVE services of every cluster that joined ``namespace`` (name or ARN as given)."""
    return [
        svc
        for by_name in dom._by_cluster.values()
        for svc in by_name.values()
        if svc.status == "ACTIVE" and svc.service_connect_namespace == namespace
    ]


def _strategy(lab, cluster, given, launch_type) -> list[dict[str, Any]]:
    """The service's capacity provider strategy (given, else the cluster default) or []."""
    items = lab.capacity.resolve(cluster, given, launch_type)
    return [{"capacity_provider": i.provider, "weight": i.weight, "base": i.base} for i in items]


def _launch_type_of(cps: list[dict[str, Any]]) -> str:
    if cps and cps[0]["capacity_provider"] in FARGATE_PROVIDERS:
        return "FARGATE"
    return "EC2"


def _controller(p: dict[str, Any]) -> str:
    ctrl = (p.get("deployment_controller") or {}).get("type") or "ECS"
    if ctrl not in ("ECS", "EXTERNAL"):
        raise InvalidParameterException(
            f"ecslab simulates the ECS (rolling update) and EXTERNAL deployment controllers; "
            f"{ctrl} is not simulated."
        )  # [M]
    return ctrl
