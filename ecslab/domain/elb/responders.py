"""Who answers a target's health probes.

The responder given at registration (the service scheduler passes the task's), else the first
domain whose ``health_responder(target_group, target)`` hook returns one, else a server declared
with :meth:`RespondersMixin.declare_server` (a recorded lab action), else nothing listens: a
running instance refuses the connection (Target.FailedHealthChecks) and an address nobody holds
times out (Target.Timeout).
"""

from __future__ import annotations

from ...core.record import lab_action
from ..web import Reply, Site
from .model import Target, TargetGroup

__all__ = ["RespondersMixin"]


class RespondersMixin:
    def responder_for(self, tg: TargetGroup, t: Target):
        if t.responder is not None:
            return t.responder
        for d in self.lab.domains:
            hook = getattr(d, "health_responder", None)
            found = hook(tg, t) if hook is not None else None
            if found is not None:
                return found
        declared = self.servers.get((t.id, t.port))
        if declared is not None:
            return declared
        running = [i for i in self.lab.instances._by_id.values() if i.state == "running"]
        if tg.target_type == "instance":
            up = any(i.id == t.id for i in running)
        else:
            up = any(i.private_ip == t.id for i in running)
        return (lambda probe: Reply.refuse()) if up else (lambda probe: Reply.timeout())

    def declare_server(
        self,
        target_id: str,
        port: int,
        paths: dict[str, int] | list[str] | None = None,
        reply: str | None = None,
    ) -> None:
        """Declare what answers probes on ``target_id:port`` (recorded lab action): an HTTP
        server with ``paths`` (``{"/": 200}``; others 404), or ``reply="timeout"`` / ``"refuse"``
        / ``"tcp"``. ``paths=None, reply=None`` removes the declaration."""
        if isinstance(paths, list):
            paths = {p: 200 for p in paths}
        self.lab.act("elb_declare_server", target_id=target_id, port=port, paths=paths, reply=reply)


_REPLIES = {"timeout": Reply.timeout, "refuse": Reply.refuse, "tcp": Reply.tcp}


@lab_action
def elb_declare_server(
    lab, target_id: str, port: int, paths: dict[str, int] | None = None, reply: str | None = None
) -> None:
    if reply is not None and reply not in _REPLIES:
        raise ValueError(f"reply must be one of {sorted(_REPLIES)}, not {reply!r}")
    key = (target_id, port)
    if paths is None and reply is None:
        lab.elb.servers.pop(key, None)
    elif reply is not None:
        made = _REPLIES[reply]()
        lab.elb.servers[key] = lambda probe: made
    else:
        lab.elb.servers[key] = Site.serving(paths, None)
    lab.emit(
        "TargetServerDeclared", "lab", resource=f"{target_id}:{port}", paths=paths, reply=reply
    )
