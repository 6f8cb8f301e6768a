"""The OCI registry side of ECR: the /v2 endpoint, a deterministic image builder, and a small
server for pushing with real tools (skopeo, podman)."""

from __future__ import annotations

from .builder import BuildError, BuiltImage, build_image
from .server import serve_registry

__all__ = ["build_image", "BuiltImage", "BuildError", "serve_registry"]
