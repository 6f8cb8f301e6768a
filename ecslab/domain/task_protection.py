"""Task scale-in protection (GetTaskProtection / UpdateTaskProtection).

Documented behaviour (ECS Developer Guide, "Protect your Amazon ECS tasks from being terminated
by scale-in events"): only tasks that belong to a service can be protected; protection lasts
``expiresInMinutes`` (default 120, at most 2880 = 48 h); while a task is protected the service
scheduler does not stop it when the service scales in. Protection ends at its expiry on the
simulated clock, and the scheduler then gets another pass so the scale-in completes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.errors import InvalidParameterException

__all__ = ["TaskProtection", "DEFAULT_MINUTES", "MAX_MINUTES"]

DEFAULT_MINUTES = 120
MAX_MINUTES = 2880


@dataclass
class Protection:
    task_arn: str
    expires_at: datetime
    timer: object = None


class TaskProtection:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_task: dict[str, Protection] = {}

    def is_protected(self, task_arn: str) -> bool:
        p = self._by_task.get(task_arn)
        return p is not None and p.expires_at > self.lab.now

    def expiry(self, task_arn: str) -> datetime | None:
        return self._by_task[task_arn].expires_at if self.is_protected(task_arn) else None

    def _resolve(self, cluster_ref: str | None, refs: list[str]):
        """-> (cluster, [(ref, task or None, failure reason or None)]), nothing changed."""
        cluster = self.lab.clusters.get(cluster_ref)
        if not refs:
            raise InvalidParameterException("Tasks cannot be empty.")
        if len(refs) > 10:
            raise InvalidParameterException("tasks can have at most 10 items.")
        out = []
        for ref in refs:
            task = self.lab.tasks.find(cluster.name, ref)
            if task is None:
                out.append((ref, None, "MISSING"))
            elif not task.service:
                # Documented: a standalone task gives a TASK_NOT_VALID failure.
                out.append((ref, task, "TASK_NOT_VALID"))
            else:
                out.append((ref, task, None))
        return cluster, out

    def get(self, cluster_ref: str | None, refs: list[str]):
        _, rows = self._resolve(cluster_ref, refs)
        return rows

    def update(
        self,
        cluster_ref: str | None,
        refs: list[str],
        enabled: bool,
        minutes: int | None = None,
    ):
        if minutes is not None and enabled and not 1 <= minutes <= MAX_MINUTES:
            raise InvalidParameterException(
                f"expiresInMinutes must be between 1 and {MAX_MINUTES}."
            )
        cluster, rows = self._resolve(cluster_ref, refs)
        clock = self.lab.clock
        for _, task, reason in rows:
            if reason is not None:
                continue
            old = self._by_task.pop(task.arn, None)
            if old is not None:
                clock.cancel(old.timer)
            if enabled:
                until = self.lab.now + timedelta(minutes=minutes or DEFAULT_MINUTES)
                prot = Protection(task.arn, until)
                prot.timer = clock.at(until, lambda t=task: self._expired(t), "task-protection")
                self._by_task[task.arn] = prot
            self.lab.emit(
                "TaskProtectionUpdated",
                "ecs",
                cluster=cluster.name,
                resource=task.arn,
                service=task.service,
                protection_enabled=bool(enabled),
                expires_at=self._by_task[task.arn].expires_at.isoformat() if enabled else None,
            )
            if not enabled:
                self._rerun(task)
        return rows

    def _expired(self, task) -> None:
        self._by_task.pop(task.arn, None)
        self.lab.emit(
            "TaskProtectionExpired",
            "ecs",
            cluster=task.cluster,
            resource=task.arn,
            service=task.service,
        )
        self._rerun(task)

    def _rerun(self, task) -> None:
        # A scale-in that protection held back can now finish: give the service a pass.
        svc = self.lab.services.find(task.cluster, task.service)
        if svc is not None:
            self.lab.services.kick(svc)
