"""One service-scheduler pass: the REPLICA pass (:mod:`.scheduler`), the DAEMON pass
(:mod:`.daemon`) or the task-set pass of an EXTERNAL service (:mod:`.tasksets`). Choosing here keeps the imports one-way (the DAEMON pass reuses the REPLICA
pass's helpers, so the REPLICA module must not import it back)."""

from __future__ import annotations

from .daemon import reconcile_daemon
from .model import Service
from .scheduler import reconcile
from .tasksets import reconcile_external

__all__ = ["run_pass"]


def run_pass(dom, svc: Service) -> None:
    """Run the pass the service's scheduling strategy calls for (a timer callback)."""
    if svc.external:
        reconcile_external(dom, svc)  # task sets (EXTERNAL deployment controller)
        return
    if not svc.daemon:
        reconcile(dom, svc)
        return
    svc.timer = None
    if svc.status != "INACTIVE":
        reconcile_daemon(dom, svc)
