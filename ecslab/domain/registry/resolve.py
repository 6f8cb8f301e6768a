"""Image resolution at task launch (``lab.images.resolve``): what a container's ``image`` names,
or the reason ECS gives when it cannot pull it.

Three sources: this lab's ECR repositories (``<account>.dkr.ecr.<region>.amazonaws.com/repo:tag``
or ``@sha256:...``), the public-image catalog (``ecslab/data/public_images.json``: busybox,
httpd, nginx, amazon/amazon-ecs-sample and their public.ecr.aws aliases), and other registries,
which need ``repositoryCredentials`` (a Secrets Manager secret). The lab is offline, so a Docker
Hub name outside the catalog is "not found" unless credentials are given.

Failure texts follow ECS's stopped reasons. The ECR ones are the agent's documented messages
(amazon-ecs-agent error_messages.go, the ECS "CannotPullContainer task errors" page); the
Fargate/containerd variants and the composition of the credential messages are [U] (seen in
public reports, no AWS page quotes them in full).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["ImageRecord", "Images", "parse_reference", "process_keeps_running", "catalog"]

_DATA = Path(__file__).resolve().parents[2] / "data" / "public_images.json"
_ECR_HOST = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_DOCKER_HOSTS = ("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com")
_PATH_RE = re.compile(
    r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"
)
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
#: Stand-in figures for an image in a private registry the lab cannot see ([U], documented).
GENERIC_SIZE = 50_000_000
_FARGATE_RETRY = "pull image manifest has been retried 5 time(s): failed to resolve ref"


@dataclass(frozen=True)
class Reference:
    host: str  # docker.io for Docker Hub
    path: str  # library/nginx, web, team/app
    tag: str | None
    digest: str | None

    @property
    def canonical(self) -> str:
        return (
            f"{self.host}/{self.path}"
            + (f":{self.tag}" if self.tag else "")
            + (f"@{self.digest}" if self.digest else "")
        )


@dataclass(frozen=True)
class ImageRecord:
    ref: str  # as the task definition wrote it
    canonical: str  # host/path[:tag][@digest]
    source: str  # "ecr" | "public" | "private"
    repository: str
    tag: str | None
    digest: str
    size_bytes: int  # compressed bytes to download
    architectures: tuple[str, ...]
    entrypoint: tuple[str, ...] | None
    command: tuple[str, ...] | None
    keeps_running: bool  # does the default process keep running (a server) or exit?
    exposed_ports: tuple[int, ...] = ()
    stop_signal: str = "SIGTERM"


def parse_reference(ref: str) -> Reference | None:
    """Docker's reference grammar: [host[:port]/]path[:tag][@digest]; None when malformed."""
    if not isinstance(ref, str) or not ref or ref != ref.strip():
        return None
    rest, digest = (ref.split("@", 1) + [None])[:2] if "@" in ref else (ref, None)
    if digest is not None and not re.match(r"^sha256:[a-f0-9]{64}$", digest):
        return None
    tag = None
    if rest.rfind(":") > rest.rfind("/"):
        rest, tag = rest.rsplit(":", 1)
        if not _TAG_RE.match(tag):
            return None
    first, _, remainder = rest.partition("/")
    if remainder and ("." in first or ":" in first or first == "localhost"):
        host, path = first.lower(), remainder
    else:
        host, path = "docker.io", rest
    if host in _DOCKER_HOSTS:
        host = "docker.io"
        if "/" not in path:
            path = "library/" + path
    if not _PATH_RE.match(path):
        return None
    if tag is None and digest is None:
        tag = "latest"
    return Reference(host, path, tag, digest)


@cache
def catalog() -> dict:
    """The public-image catalog, keyed by every name (repository and aliases) it answers to."""
    doc = json.loads(_DATA.read_text())
    by_name = {}
    for entry in doc["images"]:
        for name in [entry["repository"], *entry.get("aliases", [])]:
            by_name[name] = entry
    return by_name


_SERVERS = ("httpd", "nginx", "apache2", "node", "java", "gunicorn", "uvicorn", "redis-server")
_EXITS = (
    "sh",
    "bash",
    "ash",
    "dash",
    "echo",
    "true",
    "false",
    "ls",
    "cat",
    "date",
    "env",
    "printenv",
    "exit",
    "pwd",
    "id",
    "whoami",
    "uname",
)


def process_keeps_running(argv: list[str] | tuple[str, ...] | None) -> bool:
    """Heuristic: does this process keep running (a server, ``sleep``, ``tail -f``) or exit?

    A bare shell or a one-shot command exits; ``sh -c "<script>"`` is judged by its script;
    unknown programs are assumed to be long-running servers (most pushed app images are).
    """
    if not argv:
        return False  # no command at all: the container cannot start
    words = [str(w) for w in argv]
    prog = words[0].rsplit("/", 1)[-1]
    if prog in ("sh", "bash", "ash", "dash") and len(words) >= 3 and words[1] == "-c":
        script = words[2]
        last = [w for w in re.split(r"[;&|]+", script) if w.strip()]
        return process_keeps_running(last[-1].split()) if last else False
    if prog == "sleep":
        return len(words) > 1 and (words[1] in ("infinity", "inf") or _big(words[1]))
    if prog == "tail":
        return "-f" in words or "-F" in words
    if prog in _EXITS:
        return False
    if prog == "busybox" and len(words) > 1:
        return process_keeps_running(words[1:])
    return True


def _big(word: str) -> bool:
    try:
        return float(word.rstrip("smhd")) >= 3600 or word.endswith(("h", "d"))
    except ValueError:
        return False


def _stand_in_digest(repository: str, tag: str | None) -> str:
    return "sha256:" + hashlib.sha256(f"ecslab-public:{repository}:{tag}".encode()).hexdigest()


class Images:
    """``lab.images``: resolve an image reference the way a task launch pulls it."""

    def __init__(self, lab) -> None:
        self.lab = lab

    def public(self, ref: str) -> dict | None:
        parsed = parse_reference(ref)
        if parsed is None:
            return None
        return catalog().get(f"{parsed.host}/{parsed.path}")

    def resolve(
        self,
        image_ref: str,
        *,
        launch_type: str,
        execution_role_can_pull_ecr: bool,
        repository_credentials: str | None,
        network_path: bool,
    ) -> ImageRecord | str:
        """An :class:`ImageRecord`, or the pull-failure reason (a ``stoppedReason``) as ECS words it."""
        fargate = launch_type.upper() == "FARGATE"
        ref = parse_reference(image_ref)
        if ref is None:
            return f"CannotPullContainerError: invalid reference format: repository name must be lowercase and valid: {image_ref!r}"
        ecr = _ECR_HOST.match(ref.host)
        entry = catalog().get(f"{ref.host}/{ref.path}")
        if not network_path:
            return self._no_route(ref, image_ref, bool(ecr), fargate)
        if ecr:
            return self._from_ecr(ref, image_ref, ecr, fargate, execution_role_can_pull_ecr)
        if entry is not None:
            return self._from_catalog(ref, image_ref, entry)
        if not repository_credentials:
            if fargate or ref.host != "docker.io":
                return (
                    f"CannotPullContainerError: {_FARGATE_RETRY} {ref.canonical}: pull access denied, "
                    "repository does not exist or may require authorization: server message: "
                    "insufficient_scope: authorization failed"
                )
            return (
                f"CannotPullContainerError: Error response from daemon: pull access denied for "
                f"{ref.path.removeprefix('library/')}, repository does not exist or may require "
                "'docker login': denied: requested access to the resource is denied"
            )
        secrets = getattr(self.lab, "secrets", None)
        if secrets is None or secrets.readable(repository_credentials) is None:
            return (
                "ResourceInitializationError: unable to pull secrets or registry auth: execution "
                "resource retrieval failed: unable to retrieve secret from asm: service call has "
                f"been retried 1 time(s): failed to fetch secret {repository_credentials} from "
                "secrets manager: ResourceNotFoundException: Secrets Manager can't find the "
                "specified secret."
            )
        return ImageRecord(
            ref=image_ref,
            canonical=ref.canonical,
            source="private",
            repository=f"{ref.host}/{ref.path}",
            tag=ref.tag,
            digest=ref.digest or _stand_in_digest(f"{ref.host}/{ref.path}", ref.tag),
            size_bytes=GENERIC_SIZE,
            architectures=("amd64",),
            entrypoint=None,
            command=None,
            keeps_running=True,  # [U] an image the lab cannot see: assumed to be a server
        )

    # -- sources -----------------------------------------------------------------------------------

    def _no_route(self, ref: Reference, image_ref: str, ecr: bool, fargate: bool) -> str:
        if ecr:
            repo_uri = f"{ref.host}/{ref.path}"
            return (
                f"CannotPullContainerError: The task cannot pull '{image_ref}' from the Amazon ECR "
                f"repository '{repo_uri}'. There is a connection issue between the task and Amazon "
                "ECR. Check your task network configuration."
            )
        host = "registry-1.docker.io" if ref.host == "docker.io" else ref.host
        if fargate:
            what = ref.tag or ref.digest
            return (
                f"CannotPullContainerError: {_FARGATE_RETRY} {ref.canonical}: failed to do request: "
                f'Head "https://{host}/v2/{ref.path}/manifests/{what}": dial tcp: i/o timeout'
            )
        return (
            f'CannotPullContainerError: Error response from daemon: Get "https://{host}/v2/": '
            "net/http: request canceled while waiting for connection (Client.Timeout exceeded "
            "while awaiting headers)"
        )

    def _from_ecr(self, ref, image_ref, match, fargate, can_pull) -> ImageRecord | str:
        repo_uri = f"{ref.host}/{ref.path}"
        if not can_pull:
            return (
                "CannotPullContainerError: The task can’t pull the image. Check that the role has "
                "the permissions to pull images from the registry. Error response from daemon: "
                f"pull access denied for {repo_uri}, repository does not exist or may require "
                "'docker login': denied: no basic auth credentials"
            )
        here = match.group(1) == self.lab.account_id and match.group(2) == self.lab.region
        repo = self.lab.ecr.find(ref.path) if here else None
        img = None
        if repo is not None:
            img = self.lab.ecr.find_image(ref.path, tag=ref.tag, digest=ref.digest)
        if img is not None:
            return self._ecr_record(ref, image_ref, repo_uri, img)
        if fargate:
            return f"CannotPullContainerError: {_FARGATE_RETRY} {image_ref}: {image_ref}: not found"
        if repo is None:
            return (
                "CannotPullContainerError: The task can’t pull the image. Check whether the image "
                f"exists. Error response from daemon: repository {repo_uri} not found: name "
                f"unknown: The repository with name '{ref.path}' does not exist in the registry "
                f"with id '{match.group(1)}'"
            )
        return (
            "CannotPullContainerError: The task can’t pull the image. Check whether the image "
            f"exists. Error response from daemon: manifest for {image_ref} not found: manifest "
            "unknown: Requested image not found"
        )

    def _ecr_record(self, ref, image_ref, repo_uri, img) -> ImageRecord:
        cfg: dict = {}
        arch = "amd64"
        if img.manifest.config_digest:
            raw = self.lab.blobs.get(img.manifest.config_digest)
            try:
                doc = json.loads(raw) if raw else {}
                cfg, arch = doc.get("config") or {}, doc.get("architecture") or arch
            except ValueError:
                cfg = {}
        entrypoint = tuple(cfg["Entrypoint"]) if cfg.get("Entrypoint") else None
        command = tuple(cfg["Cmd"]) if cfg.get("Cmd") else None
        label = (cfg.get("Labels") or {}).get("ecslab.keeps-running")
        keeps = (
            label == "true"
            if label in ("true", "false")
            else process_keeps_running(list(entrypoint or ()) + list(command or ()))
        )
        ports = tuple(
            int(p.split("/")[0])
            for p in sorted(cfg.get("ExposedPorts") or {})
            if p.split("/")[0].isdigit()
        )
        size, archs = img.size_bytes, (arch,)
        base = catalog().get(self._name_of((cfg.get("Labels") or {}).get("ecslab.base-image")))
        if base is not None:  # built FROM a catalog image without its layers: add its download
            size += int(base["compressed_size_bytes"])
        return ImageRecord(
            ref=image_ref,
            canonical=f"{repo_uri}@{img.digest}",
            source="ecr",
            repository=repo_uri,
            tag=ref.tag,
            digest=img.digest,
            size_bytes=size,
            architectures=archs,
            entrypoint=entrypoint,
            command=command,
            keeps_running=keeps,
            exposed_ports=ports,
            stop_signal=cfg.get("StopSignal") or "SIGTERM",
        )

    @staticmethod
    def _name_of(ref: str | None) -> str:
        parsed = parse_reference(ref) if ref else None
        return f"{parsed.host}/{parsed.path}" if parsed else ""

    def _from_catalog(self, ref, image_ref, entry) -> ImageRecord:
        return ImageRecord(
            ref=image_ref,
            canonical=ref.canonical,
            source="public",
            repository=entry["repository"],
            tag=ref.tag,
            digest=ref.digest or _stand_in_digest(entry["repository"], ref.tag),
            size_bytes=int(entry["compressed_size_bytes"]),
            architectures=tuple(entry["architectures"]),
            entrypoint=tuple(entry["entrypoint"]) if entry.get("entrypoint") else None,
            command=tuple(entry["cmd"]) if entry.get("cmd") else None,
            keeps_running=bool(entry["keeps_running"]),
            exposed_ports=tuple(entry.get("exposed_ports") or ()),
            stop_signal=entry.get("stop_signal") or "SIGTERM",
        )
