"""One service-scheduler pass: the REPLICA pass (:mod:`.scheduler`) or the DAEMON pass
(:mod:`.daemon`). Choosing here keeps the imports one-way (the DAEMON pass reuses the REPLICA
pass's helpers, so the REPLICA module must not import it back)."""

from __future__ import annotations

from .daemon import reconcile_daemon
from .model import Service
from .scheduler import reconcile

__all__ = ["run_pass"]


def run_pass(dom, svc: Service) -> None:
    """Run the pass the service's scheduling strategy calls for (a timer callback)."""
    if not svc.daemon:
        reconcile(dom, svc)
        return
    svc.timer = None
    if svc.status != "INACTIVE":
        reconcile_daemon(dom, svc)
