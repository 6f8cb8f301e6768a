"""Service deployments and service revisions: the history ECS keeps of a service's deployments
(ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
StopServiceDeployment).

They are derived from the deployments the scheduler already makes ([V] Developer Guide, "View
service history using Amazon ECS service deployments"): CreateService, an UpdateService that
changes the task definition (or network / placement / load balancers) and ``forceNewDeployment``
each start one ECS deployment (``ecs-svc/...``), and each of those is one *service deployment*
whose *target service revision* is the configuration being deployed and whose *source service
revisions* are the ones still running at its start. A desired-count change alone makes none.

Status ([V] the states of ServiceDeployment):

* ``IN_PROGRESS`` at start ([M] PENDING is skipped: ecslab starts deployments at once);
* ``SUCCESSFUL`` when the rollout completes;
* ``ROLLBACK_REQUESTED`` (StopServiceDeployment ROLLBACK) -> ``ROLLBACK_IN_PROGRESS`` (the next
  scheduler pass) -> ``ROLLBACK_SUCCESSFUL`` once the service is steady on the source revision;
  the circuit breaker with rollback goes straight to ``ROLLBACK_IN_PROGRESS``;
* ``STOPPED``: [M] a newer deployment superseded it before it finished, or the circuit breaker
  failed it without rollback.

The records are state rebuilt by replay (the inputs re-run); the rolling path adds their ARNs to
the existing DeploymentStarted / DeploymentCompleted facts instead of new rows, so labs saved
before keep their ids. New behaviour (stops, rollbacks, blue/green stages) emits its own facts.
Ids: the revision id is the ECS deployment's 19 digits, the service-deployment id 22 url-safe
characters hashed from it -- no random draws.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...core.errors import InvalidParameterException, error_for_code
from . import bluegreen as BG
from .model import Deployment, Service, breaker_threshold

__all__ = ["History", "Revision", "ServiceDeployment", "TERMINAL", "STOPPABLE"]

TERMINAL = ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
#: [V] stop-service-deployment.md: the states StopServiceDeployment accepts.
STOPPABLE = (
    "PENDING",
    "IN_PROGRESS",
    "STOP_REQUESTED",
    "ROLLBACK_REQUESTED",
    "ROLLBACK_IN_PROGRESS",
)
SUPERSEDED = "Stopped because a newer service deployment started."  # [M]
BREAKER_STOPPED = "ECS deployment circuit breaker: tasks failed to start."  # as rolloutStateReason
USER_ROLLBACK = "Rollback requested by the user (StopServiceDeployment)."  # [M]
BREAKER_ROLLBACK = "ECS deployment circuit breaker: tasks failed to start."  # [M]
NOT_FOUND = "The service deployment does not exist."  # [M]

ConflictException = error_for_code("ConflictException")
NotFound = error_for_code("ServiceDeploymentNotFoundException")


@dataclass
class Revision:
    arn: str
    service_arn: str
    cluster_arn: str
    td_arn: str
    launch_type: str
    platform_version: str | None
    load_balancers: list[dict[str, Any]]  # snake_case, with advanced_configuration if any
    network_configuration: dict[str, Any] | None
    images: list[tuple[str, str, str | None]]  # (container, image, digest)
    created_at: datetime


@dataclass
class ServiceDeployment:
    arn: str
    service: Service
    dep: Deployment  # the ECS deployment of the target revision
    target: Revision
    sources: list[tuple[Revision, Deployment]]
    config: dict[str, Any]  # the deployment configuration at its start (snake_case)
    created_at: datetime
    updated_at: datetime
    status: str = "IN_PROGRESS"
    status_reason: str = ""
    finished_at: datetime | None = None
    stopped_at: datetime | None = None
    lifecycle_stage: str | None = None
    hooks: list[dict[str, Any]] = field(default_factory=list)  # lifecycleHookDetails, snake
    rollback: dict[str, Any] | None = None  # reason, started_at, revision arn
    rollback_dep: Deployment | None = None
    breaker: str = "DISABLED"  # DISABLED | MONITORING | TRIGGERED | MONITORING_COMPLETE
    frozen: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # rev arn -> counts
    bg: Any = None  # bluegreen.Run for BLUE_GREEN deployments

    @property
    def id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


def _sd_id(dep_id: str) -> str:
    raw = hashlib.sha256(dep_id.encode()).digest()[:16]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class History:
    """``lab.services.history``: every service deployment and revision, oldest first."""

    def __init__(self, dom) -> None:
        self.dom = dom
        self.lab = dom.lab
        self.deployments: dict[str, ServiceDeployment] = {}
        self.revisions: dict[str, Revision] = {}
        self.by_dep: dict[str, ServiceDeployment] = {}
        self.configs: dict[str, BG.Config] = {}  # service arn -> strategy settings
        self.hook_outcomes: dict[str, str] = {}  # Lambda arn -> its configured answer [M]

    # -- queries -----------------------------------------------------------------------------

    def of_service(self, svc: Service) -> list[ServiceDeployment]:
        return [sd for sd in self.deployments.values() if sd.service is svc]

    def current(self, svc: Service) -> ServiceDeployment | None:
        mine = self.of_service(svc)
        return mine[-1] if mine else None

    def find(self, arn: str) -> ServiceDeployment:
        if not _is_arn(arn, "service-deployment"):
            raise InvalidParameterException(f"Invalid service deployment ARN: {arn}")  # [M]
        sd = self.deployments.get(arn)
        if sd is None:
            raise NotFound(NOT_FOUND)
        return sd

    def counts(self, sd: ServiceDeployment, rev: Revision, dep: Deployment) -> tuple[int, int, int]:
        """(requested, running, pending) tasks of ``rev`` in ``sd`` (frozen once it ended)."""
        if rev.arn in sd.frozen:
            return sd.frozen[rev.arn]
        svc = sd.service
        tasks = [st.task for st in svc.tasks.values() if st.deployment is dep]
        running = sum(1 for t in tasks if t.last_status == "RUNNING")
        pending = sum(1 for t in tasks if t.live and t.last_status != "RUNNING")
        if dep is svc.primary and svc.status == "ACTIVE":
            requested = dep.desired_count
        else:
            requested = sum(1 for st in svc.tasks.values() if st.deployment is dep and st.task.live)
        return requested, running, pending

    def breaker_out(self, sd: ServiceDeployment) -> tuple[str, int, int]:
        return sd.breaker, sd.dep.failed_tasks, breaker_threshold(sd.dep.desired_count)

    # -- configuration -------------------------------------------------------------------------

    def config_for(self, svc: Service) -> BG.Config:
        return self.configs.get(svc.arn) or BG.Config()

    # -- the scheduler's hooks ----------------------------------------------------------------

    def started(self, svc: Service, dep: Deployment) -> dict[str, Any]:
        """A new ECS deployment began: record its revision and service deployment; returns the
        detail to add to the DeploymentStarted fact."""
        lab = self.lab
        digits = dep.id.removeprefix("ecs-svc/")
        rev = Revision(
            arn=f"arn:aws:ecs:{lab.region}:{lab.account_id}:service-revision/{svc.cluster}/"
            f"{svc.name}/{digits}",
            service_arn=svc.arn,
            cluster_arn=svc.cluster_arn,
            td_arn=dep.td.arn,
            launch_type=svc.launch_type,
            platform_version=(svc.platform_version or "LATEST")
            if svc.launch_type == "FARGATE"
            else None,
            load_balancers=self._lbs(svc),
            network_configuration=svc.network_configuration,
            images=_images(lab, svc, dep.td),
            created_at=lab.now,
        )
        self.revisions[rev.arn] = rev
        sources = []
        for old in svc.deployments[1:]:
            prev = self.by_dep.get(old.id)
            if prev is not None:
                src = prev.target if prev.dep is old else self._revision_of(prev, old)
                if src is not None:
                    sources.append((src, old))
        superseded = []
        for prev in self.of_service(svc):
            if prev.status not in TERMINAL:
                self._finish(prev, "STOPPED", SUPERSEDED, emit=False)
                superseded.append(prev.arn)
                if prev.bg is not None:
                    BG.abandon(self, prev)
        cfg = self.config_for(svc)
        sd = ServiceDeployment(
            arn=f"arn:aws:ecs:{lab.region}:{lab.account_id}:service-deployment/{svc.cluster}/"
            f"{svc.name}/{_sd_id(dep.id)}",
            service=svc,
            dep=dep,
            target=rev,
            sources=sources,
            config=cfg.snapshot(svc),
            created_at=lab.now,
            updated_at=lab.now,
            breaker="MONITORING" if svc.breaker_enable else "DISABLED",
        )
        self.deployments[sd.arn] = sd
        self.by_dep[dep.id] = sd
        if cfg.strategy == "BLUE_GREEN" and sources:
            BG.begin(self, sd, cfg)
        detail: dict[str, Any] = {"service_deployment": sd.arn, "service_revision": rev.arn}
        if superseded:
            detail["superseded"] = superseded
        return detail

    def _revision_of(self, sd: ServiceDeployment, dep: Deployment) -> Revision | None:
        """The revision an ECS deployment runs (a rollback deployment runs a source's)."""
        if sd.rollback_dep is dep and sd.rollback:
            return self.revisions.get(sd.rollback["revision"])
        return None

    def _lbs(self, svc: Service) -> list[dict[str, Any]]:
        adv = self.config_for(svc).advanced
        out = []
        for i, lb in enumerate(svc.load_balancers):
            item = {
                "target_group_arn": lb.target_group_arn,
                "container_name": lb.container_name,
                "container_port": lb.container_port,
            }
            if i < len(adv) and adv[i]:
                item["advanced_configuration"] = dict(adv[i])
            out.append(item)
        return out

    def completed(self, svc: Service, dep: Deployment) -> dict[str, Any]:
        """The scheduler completed ``dep``'s rollout; returns detail for DeploymentCompleted."""
        sd = self.by_dep.get(dep.id)
        if sd is None:
            return {}
        if sd.rollback_dep is dep and sd.bg is None and sd.status == "ROLLBACK_IN_PROGRESS":
            self._finish(sd, "ROLLBACK_SUCCESSFUL", sd.status_reason, emit=False)
            return {"service_deployment": sd.arn, "status": "ROLLBACK_SUCCESSFUL"}
        if sd.dep is not dep or sd.status != "IN_PROGRESS":
            return {}
        if sd.bg is not None and not sd.bg.done:
            return {}  # blue/green finishes after its clean-up (bluegreen.after_pass)
        self._finish(sd, "SUCCESSFUL", f"Service deployment {sd.id} completed.", emit=False)
        return {"service_deployment": sd.arn, "status": "SUCCESSFUL"}

    def tripped(self, svc: Service, dep: Deployment, rollback: Deployment | None) -> None:
        """The circuit breaker failed ``dep`` (``rollback``: the deployment rolling back)."""
        sd = self.by_dep.get(dep.id)
        if sd is None or sd.dep is not dep or sd.status in TERMINAL:
            return
        sd.breaker = "TRIGGERED"
        if rollback is None:
            self._finish(sd, "STOPPED", BREAKER_STOPPED, emit=False)
            return
        last = svc.last_completed
        prev = self.by_dep.get(last.id) if last is not None else None
        rev = None
        if prev is not None:
            rev = prev.target if prev.dep is last else self._revision_of(prev, last)
        # The DeploymentFailed / DeploymentRolledBack facts already record this transition.
        self._start_rollback(
            sd, rollback, rev, BREAKER_ROLLBACK, "ROLLBACK_IN_PROGRESS", emit=False
        )

    def after_pass(self, svc: Service) -> None:
        """End of a scheduler pass: advance rollbacks and blue/green stages."""
        sd = self.current(svc)
        if sd is None or sd.status in TERMINAL:
            return
        if sd.status == "ROLLBACK_REQUESTED":
            self._set(sd, "ROLLBACK_IN_PROGRESS")
        if sd.status == "ROLLBACK_IN_PROGRESS":
            if sd.bg is not None and svc.steady and svc.primary is sd.rollback_dep:
                self._finish(sd, "ROLLBACK_SUCCESSFUL", sd.status_reason)
            return
        if sd.bg is not None:
            BG.after_pass(self, sd)

    # -- blue/green routing (used by the scheduler and the health module) ---------------------

    def holding(self, svc: Service) -> bool:
        """Blue/green: the blue tasks stay until clean-up."""
        sd = self.current(svc)
        return sd is not None and sd.bg is not None and sd.bg.holding()

    def may_launch(self, svc: Service) -> bool:
        """Blue/green: no green task starts before SCALE_UP."""
        sd = self.current(svc)
        return sd is None or sd.bg is None or sd.status != "IN_PROGRESS" or sd.bg.may_launch()

    def set_hook_outcome(self, function_arn: str, outcome: str) -> None:
        """[M] What a Lambda lifecycle hook answers (a recorded lab action)."""
        self.lab.act("set_hook_outcome", function_arn=function_arn, outcome=outcome)

    def target_group_for(self, svc: Service, st, lb) -> str:
        sd = self.current(svc)
        if sd is not None and sd.bg is not None:
            return sd.bg.target_group_for(svc, st, lb)
        return lb.target_group_arn

    # -- StopServiceDeployment -----------------------------------------------------------------

    def stop(self, arn: str, stop_type: str | None) -> ServiceDeployment:
        sd = self.find(arn)
        stop_type = stop_type or "ROLLBACK"
        if stop_type != "ROLLBACK":
            raise InvalidParameterException(
                f"The stopType {stop_type} is not supported. The valid value is ROLLBACK."
            )  # [M] (the API reference: "The valid values are ROLLBACK.")
        if sd.status not in STOPPABLE:
            raise ConflictException(
                f"The service deployment is {sd.status} and cannot be stopped."
            )  # [M]
        if sd.status != "IN_PROGRESS" and sd.status != "PENDING":
            return sd  # [V] already stopping or rolling back: it simply continues
        if not sd.sources:
            raise ConflictException(
                "The service deployment has no source service revision to roll back to."
            )  # [M]
        # Valid: change state.
        if sd.bg is not None:
            BG.roll_back(self, sd, USER_ROLLBACK, "ROLLBACK_REQUESTED")
        else:
            from . import deployments as D

            rev, _ = sd.sources[0]
            td = self.lab.taskdefs.resolve(rev.td_arn)
            new = D.new_deployment(self.dom, sd.service, td, reason=USER_ROLLBACK, record=False)
            self._start_rollback(sd, new, rev, USER_ROLLBACK, "ROLLBACK_REQUESTED")
        self.dom.kick(sd.service)
        return sd

    # -- ContinueServiceDeployment ---------------------------------------------------------------

    def resume(self, arn: str, hook_id: str, action: str | None) -> ServiceDeployment:
        sd = self.find(arn)
        BG.resume(self, sd, hook_id, action or "CONTINUE")
        return sd

    # -- transitions -----------------------------------------------------------------------------

    def _start_rollback(
        self, sd, dep, rev: Revision | None, reason: str, status: str, emit: bool = True
    ) -> None:
        sd.rollback = {
            "reason": reason,
            "started_at": self.lab.now,
            "revision": rev.arn if rev is not None else None,
        }
        sd.rollback_dep = dep
        if dep is not None:
            self.by_dep.setdefault(dep.id, sd)
        sd.status_reason = reason
        self._set(sd, status, emit)

    def _set(self, sd: ServiceDeployment, status: str, emit: bool = True) -> None:
        sd.status, sd.updated_at = status, self.lab.now
        svc = sd.service
        if not emit:
            return
        self.lab.emit(
            "ServiceDeploymentChanged",
            "ecs",
            cluster=svc.cluster,
            resource=sd.arn,
            service=svc.arn,
            status=status,
            reason=sd.status_reason,
            stage=sd.lifecycle_stage,
        )

    def _finish(self, sd: ServiceDeployment, status: str, reason: str, emit: bool = True) -> None:
        lab = self.lab
        for rev, dep in [(sd.target, sd.dep), *sd.sources]:
            sd.frozen[rev.arn] = self.counts(sd, rev, dep)
        sd.status, sd.status_reason, sd.updated_at = status, reason, lab.now
        sd.finished_at = lab.now
        if status == "STOPPED":
            sd.stopped_at = lab.now
        if sd.breaker == "MONITORING":
            sd.breaker = "MONITORING_COMPLETE"
        if sd.bg is not None:
            sd.bg.cancel()
        # The rolling path's own facts (DeploymentStarted / Completed / Failed) carry its
        # outcomes (emit=False); user stops and blue/green endings get a row of their own.
        if emit:
            svc = sd.service
            lab.emit(
                "ServiceDeploymentFinished",
                "ecs",
                cluster=svc.cluster,
                resource=sd.arn,
                service=svc.arn,
                status=status,
                reason=reason,
            )


def _is_arn(value: str, kind: str) -> bool:
    parts = (value or "").split(":", 5)
    return (
        len(parts) == 6
        and parts[0] == "arn"
        and parts[2] == "ecs"
        and parts[5].startswith(f"{kind}/")
        and len(parts[5].split("/")) == 4
    )


def is_revision_arn(value: str) -> bool:
    return _is_arn(value, "service-revision")


def _images(lab, svc: Service, td) -> list[tuple[str, str, str | None]]:
    """[V] ECS resolves each container image to a digest when a deployment starts (software
    version consistency); an image the lab cannot resolve is listed without a digest."""
    out = []
    for c in td.containers:
        got = lab.images.resolve(
            c["image"],
            launch_type=svc.launch_type,
            execution_role_can_pull_ecr=True,
            repository_credentials=(c.get("repository_credentials") or {}).get(
                "credentials_parameter"
            ),
            network_path=True,
        )
        out.append((c["name"], c["image"], None if isinstance(got, str) else got.digest))
    return out
