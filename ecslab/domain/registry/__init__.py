"""ECR: repositories, layers, images and login tokens (``lab.ecr``), and image resolution for
task launches (``lab.images``)."""

from __future__ import annotations

from .manifests import Manifest, parse_manifest
from .repositories import Registry, Repository

__all__ = ["Registry", "Repository", "Manifest", "parse_manifest"]
