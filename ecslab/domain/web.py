"""What answers on a port: the small records health checks probe.

Nothing really listens in ecslab, so a health check (an ALB probe, a container's ``curl -f``)
asks a *responder*: any callable ``(Probe) -> Reply``. A :class:`Site` is the usual one, a
record of the paths an HTTP server answers (``httpd`` serves ``/`` and answers 404 for
``/health``). The tasks/services code builds responders from a task's state (is the container
running, which host port is mapped, is its health forced to fail) and hands them to the load
balancer through the ``health_responder`` domain hook (see ``ecslab.domain.elb.targets``).

Images: :class:`Web` knows what a few public images serve (httpd, nginx and the ECS sample app
serve ``/`` on port 80) and a recorded lab action declares more
(``lab.web.declare_image("my-api", paths={"/health": 200}, port=8080)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..core.record import lab_action

__all__ = ["Probe", "Reply", "Responder", "Site", "Web", "image_key"]


@dataclass(frozen=True)
class Probe:
    """One health-check request: where it goes and what it asks."""

    target_id: str
    port: int | None
    protocol: str = "HTTP"  # HTTP | HTTPS | TCP (a TCP probe only opens a connection)
    path: str = "/"
    timeout: float = 5.0


@dataclass(frozen=True)
class Reply:
    """What came back: an HTTP status, a bare TCP connection, a refusal or nothing (timeout)."""

    status: int | None = None
    connected: bool = False
    refused: bool = False
    timed_out: bool = False

    @classmethod
    def http(cls, status: int) -> Reply:
        return cls(status=int(status), connected=True)

    @classmethod
    def tcp(cls) -> Reply:
        return cls(connected=True)

    @classmethod
    def refuse(cls) -> Reply:
        return cls(refused=True)

    @classmethod
    def timeout(cls) -> Reply:
        return cls(timed_out=True)


class Responder(Protocol):
    def __call__(self, probe: Probe) -> Reply: ...


@dataclass(frozen=True)
class Site:
    """An HTTP server: ``paths`` maps a path to its status; any other path gets ``other``.

    ``port=None`` answers on whatever port is asked (the caller already mapped it)."""

    paths: tuple[tuple[str, int], ...] = (("/", 200),)
    port: int | None = 80
    other: int = 404

    @classmethod
    def serving(cls, paths: dict[str, int] | list[str], port: int | None = 80) -> Site:
        if isinstance(paths, dict):
            items = tuple((str(p), int(s)) for p, s in paths.items())
        else:
            items = tuple((str(p), 200) for p in paths)
        return cls(items, port)

    def status(self, path: str) -> int:
        path = (path or "/").split("?", 1)[0] or "/"
        return dict(self.paths).get(path, self.other)

    def on(self, port: int | None) -> Site:
        """The same site answering on another port (e.g. a bridge-mode host port)."""
        return Site(self.paths, port, self.other)

    def __call__(self, probe: Probe) -> Reply:
        if self.port is not None and probe.port is not None and probe.port != self.port:
            return Reply.refuse()
        if probe.protocol == "TCP":
            return Reply.tcp()
        return Reply.http(self.status(probe.path))


#: What well-known images serve when run with their default command (their Dockerfiles start a
#: web server on port 80 whose document root has only an index page).
_KNOWN = {
    "httpd": Site(),
    "nginx": Site(),
    "amazon/amazon-ecs-sample": Site(),
    "ecs-sample-image/amazon-ecs-sample": Site(),
}
_PREFIXES = (
    "docker.io/library/",
    "docker.io/",
    "public.ecr.aws/docker/library/",
    "public.ecr.aws/",
)


def image_key(image: str) -> str:
    """``public.ecr.aws/docker/library/httpd:2.4`` -> ``httpd`` (registry, tag and digest off)."""
    name = image.split("@", 1)[0]
    head, _, tail = name.rpartition("/")
    if ":" in tail:
        tail = tail.split(":", 1)[0]
    name = f"{head}/{tail}" if head else tail
    for p in _PREFIXES:
        if name.startswith(p):
            return name[len(p) :]
    return name


class Web:
    """Which images serve which paths (known defaults plus recorded declarations)."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self.declared: dict[str, Site] = {}

    def site_for_image(self, image: str) -> Site | None:
        key = image_key(image)
        return self.declared.get(key) or _KNOWN.get(key)

    def declare_image(
        self, image: str, paths: dict[str, int] | list[str], port: int | None = 80
    ) -> None:
        """Declare what ``image`` serves (recorded lab action), e.g. ``paths={"/": 200}``."""
        if isinstance(paths, list):
            paths = {p: 200 for p in paths}
        self.lab.act("declare_image_site", image=image, paths=dict(paths), port=port)


@lab_action
def declare_image_site(lab, image: str, paths: dict[str, int], port: int | None = 80) -> None:
    key = image_key(image)
    lab.web.declared[key] = Site.serving(paths, port)
    lab.emit("ImageSiteDeclared", "lab", resource=key, paths=dict(paths), port=port)
