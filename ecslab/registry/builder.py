"""A deterministic image builder for notebooks: a few Dockerfile lines -> a real OCI image.

``build_image("FROM httpd:2.4\\nCOPY index.html /usr/local/apache2/htdocs/", files={...})``
writes each COPY as a tar.gz layer with fixed mtimes (0), owner root, sorted entries and gzip
mtime 0, plus an OCI config and manifest, so the same input always gives the same digest.
``.push(lab, "web", "v1")`` sends it through the lab's OCI registry code path in-process (the same
requests skopeo or podman make); ``.write_oci_layout(dir)`` writes an ``oci:`` directory skopeo
can copy.

Simplification: ``FROM`` a public-catalog image (busybox, httpd, nginx, amazon/amazon-ecs-sample)
inherits its default command, entrypoint, ports and stop signal, but not its layers (the lab has
none to copy); the label ``ecslab.base-image`` records the base so image resolution can add the
base's download size. ``RUN`` needs a container runtime and is refused: use ``podman build``.
"""

from __future__ import annotations

import gzip
import io
import json
import shlex
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..core.blobs import sha256_digest
from ..domain.registry.manifests import OCI_MANIFEST
from ..domain.registry.resolve import catalog, parse_reference

__all__ = ["build_image", "BuiltImage", "BuildError"]

OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
CREATED = "1970-01-01T00:00:00Z"


class BuildError(ValueError):
    pass


def _canon(doc) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class BuiltImage:
    manifest: bytes
    config: bytes
    layers: tuple[bytes, ...]

    @property
    def digest(self) -> str:
        return sha256_digest(self.manifest)

    @property
    def media_type(self) -> str:
        return OCI_MANIFEST

    def blobs(self) -> list[tuple[str, bytes]]:
        return [(sha256_digest(b), b) for b in (self.config, *self.layers)]

    def write_oci_layout(self, directory: str | Path, tag: str = "latest") -> Path:
        """Write an OCI image layout (``oci:<directory>:<tag>`` for skopeo)."""
        root = Path(directory)
        (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
        for digest, data in [*self.blobs(), (self.digest, self.manifest)]:
            (root / "blobs" / "sha256" / digest.split(":", 1)[1]).write_bytes(data)
        index = {
            "schemaVersion": 2,
            "manifests": [
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": self.digest,
                    "size": len(self.manifest),
                    "annotations": {"org.opencontainers.image.ref.name": tag},
                }
            ],
        }
        (root / "index.json").write_bytes(_canon(index))
        return root

    def push(self, lab, repository: str, tag: str | None = None) -> str:
        """Push through the lab's registry endpoint (in-process); returns the image digest."""
        from ..api.dispatch import handle_http

        token, _ = lab.ecr.authorization_token()
        auth = {"Authorization": f"Basic {token}"}  # the token is base64("AWS:<password>")

        def send(method: str, path: str, body: bytes = b"", extra: dict | None = None):
            resp = handle_http(lab, method, path, {**auth, **(extra or {})}, body)
            if resp.status >= 300 and not (method == "HEAD" and resp.status == 404):
                errors = json.loads(resp.body or b"{}").get("errors") or [{}]
                raise BuildError(
                    f"push of {repository}:{tag} failed: {resp.status} "
                    f"{errors[0].get('code')}: {errors[0].get('message')}"
                )
            return resp

        for digest, data in self.blobs():
            if send("HEAD", f"/v2/{repository}/blobs/{digest}").status == 200:
                continue
            loc = send("POST", f"/v2/{repository}/blobs/uploads/").headers["Location"]
            send("PATCH", loc, data)
            send("PUT", f"{loc}?digest={digest}")
        ref = tag if tag is not None else self.digest
        send(
            "PUT",
            f"/v2/{repository}/manifests/{ref}",
            self.manifest,
            {"Content-Type": OCI_MANIFEST},
        )
        return self.digest


def _layer(files: dict[str, tuple[bytes, int]]) -> tuple[bytes, str]:
    """(gzipped tar, diff_id) of ``files`` (path -> (bytes, mode)), deterministic."""
    dirs: set[str] = set()
    for path in files:
        for parent in PurePosixPath(path).parents:
            if str(parent) not in (".", "/", ""):
                dirs.add(str(parent))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name in sorted(dirs) + sorted(files):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if name in files:
                data, mode = files[name]
                info.size, info.mode = len(data), mode
                tar.addfile(info, io.BytesIO(data))
            else:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, compresslevel=6, mtime=0), sha256_digest(tar_bytes)


def _argv(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            raise BuildError(f"not a JSON array: {text}") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BuildError(f"not a JSON array of strings: {text}")
        return value
    return ["/bin/sh", "-c", text]  # shell form, as docker writes it


def _sources(srcs: list[str], files: Mapping[str, bytes | str], context: Path | None):
    for src in srcs:
        if src in files:
            data = files[src]
            yield src, data.encode() if isinstance(data, str) else bytes(data), 0o644
        elif context is not None and (context / src).is_file():
            p = context / src
            yield src, p.read_bytes(), 0o755 if p.stat().st_mode & 0o111 else 0o644
        elif context is not None and (context / src).is_dir():
            for p in sorted((context / src).rglob("*")):
                if p.is_file():
                    mode = 0o755 if p.stat().st_mode & 0o111 else 0o644
                    yield str(p.relative_to(context)), p.read_bytes(), mode
        else:
            raise BuildError(f"COPY {src}: no such file in files= or the build context")


def build_image(
    instructions: str | Iterable[str],
    *,
    files: Mapping[str, bytes | str] | None = None,
    context: str | Path | None = None,
    architecture: str = "amd64",
) -> BuiltImage:
    """Build a deterministic OCI image from Dockerfile-style lines (FROM, COPY/ADD, CMD,
    ENTRYPOINT, ENV, EXPOSE, WORKDIR, LABEL, USER, STOPSIGNAL)."""
    text = instructions if isinstance(instructions, str) else "\n".join(instructions)
    lines = [ln.strip() for ln in text.replace("\\\n", " ").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    files = dict(files or {})
    ctx = Path(context) if context is not None else None
    cfg: dict = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    labels: dict[str, str] = {}
    layers: list[bytes] = []
    diff_ids: list[str] = []
    history: list[dict] = []
    own_cmd = False
    if not lines or not lines[0].upper().startswith("FROM "):
        raise BuildError("the first instruction must be FROM (scratch or a public-catalog image)")
    for line in lines:
        word, _, arg = line.partition(" ")
        word, arg = word.upper(), arg.strip()
        if word == "FROM":
            if arg != "scratch":
                ref = parse_reference(arg)
                entry = catalog().get(f"{ref.host}/{ref.path}") if ref else None
                if entry is None:
                    raise BuildError(
                        f"FROM {arg}: the builder knows scratch and the public catalog "
                        f"({', '.join(sorted({e['repository'] for e in catalog().values()}))})"
                    )
                cfg.update(
                    {
                        k: v
                        for k, v in (
                            ("Entrypoint", entry.get("entrypoint")),
                            ("Cmd", entry.get("cmd")),
                        )
                        if v
                    }
                )
                if entry.get("exposed_ports"):
                    cfg["ExposedPorts"] = {f"{p}/tcp": {} for p in entry["exposed_ports"]}
                if entry.get("stop_signal"):
                    cfg["StopSignal"] = entry["stop_signal"]
                labels["ecslab.base-image"] = arg
        elif word in ("COPY", "ADD"):
            parts = [p for p in shlex.split(arg) if not p.startswith("--")]
            if len(parts) < 2:
                raise BuildError(f"{word} needs a source and a destination: {line}")
            *srcs, dest = parts
            entries = {}
            for src, data, mode in _sources(srcs, files, ctx):
                target = dest
                if dest.endswith("/") or len(srcs) > 1 or src != srcs[0]:
                    rel = PurePosixPath(src).name if src in srcs else src
                    target = str(PurePosixPath(dest) / rel)
                entries[target.lstrip("/")] = (data, mode)
            gz, diff_id = _layer(entries)
            layers.append(gz)
            diff_ids.append(diff_id)
            history.append({"created": CREATED, "created_by": f"{word} {arg}"})
            continue
        elif word in ("CMD", "ENTRYPOINT"):
            key = "Cmd" if word == "CMD" else "Entrypoint"
            cfg[key] = _argv(arg)
            if word == "ENTRYPOINT" and not own_cmd:
                cfg.pop("Cmd", None)  # docker resets an inherited CMD when ENTRYPOINT changes
            own_cmd = own_cmd or word == "CMD"
        elif word == "ENV":
            pairs = (
                [p.split("=", 1) for p in shlex.split(arg)] if "=" in arg else [arg.split(None, 1)]
            )
            for k, v in pairs:
                cfg["Env"] = [e for e in cfg["Env"] if not e.startswith(k + "=")] + [f"{k}={v}"]
        elif word == "EXPOSE":
            for p in arg.split():
                cfg.setdefault("ExposedPorts", {})[p if "/" in p else f"{p}/tcp"] = {}
        elif word == "WORKDIR":
            cfg["WorkingDir"] = arg
        elif word == "LABEL":
            for p in shlex.split(arg):
                k, _, v = p.partition("=")
                labels[k] = v
        elif word == "USER":
            cfg["User"] = arg
        elif word == "STOPSIGNAL":
            cfg["StopSignal"] = arg
        elif word == "RUN":
            raise BuildError(
                "RUN needs a container runtime; this builder only assembles files (COPY) and "
                "settings. Use `podman build` for RUN steps."
            )
        else:
            raise BuildError(f"unsupported instruction {word}")
        history.append({"created": CREATED, "created_by": line, "empty_layer": True})
    if labels:
        cfg["Labels"] = labels
    config = _canon(
        {
            "architecture": architecture,
            "os": "linux",
            "created": CREATED,
            "config": cfg,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        }
    )
    manifest = _canon(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {
                "mediaType": OCI_CONFIG,
                "digest": sha256_digest(config),
                "size": len(config),
            },
            "layers": [
                {"mediaType": OCI_LAYER, "digest": sha256_digest(g), "size": len(g)} for g in layers
            ],
        }
    )
    return BuiltImage(manifest=manifest, config=config, layers=tuple(layers))
