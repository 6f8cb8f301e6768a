"""Image manifests: parse the JSON a client pushes and say which blobs it needs.

Digests are real: ``sha256`` of the exact manifest bytes, as every registry computes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ...core.blobs import sha256_digest
from ...core.errors import error_for_code

__all__ = [
    "Manifest",
    "parse_manifest",
    "DOCKER_MANIFEST",
    "OCI_MANIFEST",
    "DOCKER_LIST",
    "OCI_INDEX",
    "TAG_RE",
    "DIGEST_REF_RE",
]

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST_TYPES = (DOCKER_MANIFEST, OCI_MANIFEST)
INDEX_TYPES = (DOCKER_LIST, OCI_INDEX)

#: Docker's tag grammar (ECR accepts the same characters).
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,299}$")
DIGEST_REF_RE = re.compile(r"^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$")

InvalidParameterException = error_for_code("InvalidParameterException")


@dataclass(frozen=True)
class Manifest:
    text: str
    digest: str
    media_type: str
    config_digest: str | None
    config_size: int
    layers: tuple[tuple[str, int], ...]  # (digest, size) in order
    children: tuple[str, ...]  # digests of the manifests an index names

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES

    @property
    def size_bytes(self) -> int:
        """What ECR reports as imageSizeInBytes: the compressed layers (an index: 0)."""
        return sum(size for _, size in self.layers)

    def required_blobs(self) -> list[str]:
        out = [self.config_digest] if self.config_digest else []
        return out + [d for d, _ in self.layers if d not in out]


def _bad(constraint: str) -> Exception:
    return InvalidParameterException(
        f"Invalid parameter at 'ImageManifest' failed to satisfy constraint: '{constraint}'"
    )


def parse_manifest(text: str, media_type: str | None = None) -> Manifest:
    """Parse an image manifest or index; raise InvalidParameterException like ECR does."""
    try:
        doc = json.loads(text)
    except (ValueError, TypeError):
        raise _bad("Invalid JSON syntax") from None
    if not isinstance(doc, dict):
        raise _bad("Invalid JSON syntax")
    if doc.get("schemaVersion") != 2:
        raise _bad("Invalid manifest schema version; ecslab accepts schemaVersion 2")
    declared = doc.get("mediaType")
    if media_type and declared and media_type != declared:
        raise InvalidParameterException(
            f"Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: "
            f"'Manifest media type {declared} does not match {media_type}'"
        )
    kind = declared or media_type
    if kind is None:
        kind = OCI_INDEX if "manifests" in doc else OCI_MANIFEST
    if kind not in MANIFEST_TYPES + INDEX_TYPES:
        raise _bad(f"Unsupported manifest media type {kind}")
    layers: list[tuple[str, int]] = []
    children: list[str] = []
    config_digest, config_size = None, 0
    try:
        if kind in INDEX_TYPES:
            children = [str(m["digest"]) for m in doc.get("manifests") or []]
        else:
            config = doc["config"]
            config_digest, config_size = str(config["digest"]), int(config.get("size", 0))
            layers = [(str(layer["digest"]), int(layer["size"])) for layer in doc.get("layers", [])]
    except (KeyError, TypeError, ValueError):
        raise _bad("Manifest is missing config or layer descriptors") from None
    return Manifest(
        text=text,
        digest=sha256_digest(text.encode("utf-8")),
        media_type=kind,
        config_digest=config_digest,
        config_size=config_size,
        layers=tuple(layers),
        children=tuple(children),
    )
