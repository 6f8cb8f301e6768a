"""ECR for the registry panel and lesson 04: repositories, build and push with ecslab's Python
image builder, the images table (tags and untagged images), retag without pulling, delete.
Every step is the ECR API (or the registry endpoint the builder pushes to), errors in AWS's words.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping

import pandas as pd
from botocore.exceptions import ClientError

from ecslab.registry import build_image
from ecslab.registry.builder import BuildError

from ..aws import Outcome, attempt, client, error_text

__all__ = ["RegistryConsole", "images_table", "login_info", "short_digest"]

IMAGE_COLUMNS = ["digest", "tags", "size_bytes", "pushed_at", "untagged"]


def short_digest(digest: str) -> str:
    """``sha256:0123456789ab`` (12 hex digits, as docker shows image ids)."""
    algo, _, hexpart = digest.partition(":")
    return f"{algo}:{hexpart[:12]}"


def images_table(lab, repository: str) -> pd.DataFrame:
    """One row per image of ``repository`` (DescribeImages), oldest push first: short digest, tags,
    size in bytes (compressed layers, as ECR counts them; the builder's
    images hold only their COPY layers), push time (simulated, UTC), untagged."""
    pages = client(lab, "ecr").get_paginator("describe_images").paginate(repositoryName=repository)
    details = sorted(
        (d for p in pages for d in p["imageDetails"]),
        key=lambda d: (d["imagePushedAt"], d["imageDigest"]),
    )
    rows = [
        {
            "digest": short_digest(d["imageDigest"]),
            "tags": ", ".join(sorted(d.get("imageTags", []))),
            "size_bytes": int(d["imageSizeInBytes"]),
            "pushed_at": d["imagePushedAt"].strftime("%H:%M:%S"),
            "untagged": not d.get("imageTags"),
        }
        for d in details
    ]
    return pd.DataFrame(rows, columns=IMAGE_COLUMNS)


def login_info(lab) -> dict:
    """What ``aws ecr get-login-password`` + ``docker login`` use, without printing the secret:
    the registry, the user name (always AWS), the password's length and when it expires."""
    data = client(lab, "ecr").get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    return {
        "registry": data["proxyEndpoint"],
        "username": user,
        "password_length": len(password),
        "expires_at": data["expiresAt"].strftime("%Y-%m-%d %H:%M UTC"),
    }


class RegistryConsole:
    """The registry panel's logic. Each action is one step of the walkthrough."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self.ecr = client(lab, "ecr")

    def create(self, name: str, immutable: bool = False) -> Outcome:
        mutability = "IMMUTABLE" if immutable else "MUTABLE"
        return attempt(
            lambda: self.ecr.create_repository(repositoryName=name, imageTagMutability=mutability),
            lambda r: f"repository {name}: {r['repository']['repositoryUri']}",
        )

    def repositories(self) -> list[str]:
        pages = self.ecr.get_paginator("describe_repositories").paginate()
        return [r["repositoryName"] for p in pages for r in p["repositories"]]

    def build_push(
        self,
        repository: str,
        tag: str,
        dockerfile: str,
        files: Mapping[str, str | bytes] | None = None,
        architecture: str = "amd64",
    ) -> Outcome:
        """Build with ecslab's deterministic builder and push through the registry endpoint."""
        try:
            image = build_image(dockerfile, files=files or {}, architecture=architecture)
            digest = image.push(self.lab, repository, tag)
        except BuildError as exc:
            return Outcome(False, str(exc))
        return Outcome(
            True, f"pushed {repository}:{tag} = {short_digest(digest)}", {"digest": digest}
        )

    def images(self, repository: str) -> pd.DataFrame:
        try:
            return images_table(self.lab, repository)
        except ClientError:
            return pd.DataFrame(columns=IMAGE_COLUMNS)

    def retag(self, repository: str, source_tag: str, new_tag: str) -> Outcome:
        """Add ``new_tag`` to the image ``source_tag`` names, without pulling: BatchGetImage gives
        the manifest, PutImage stores it under the new tag (same manifest, same digest)."""
        try:
            got = self.ecr.batch_get_image(
                repositoryName=repository, imageIds=[{"imageTag": source_tag}]
            )
        except ClientError as exc:
            return Outcome(False, error_text(exc))
        if not got["images"]:
            f = got["failures"][0]
            return Outcome(False, f"{f['failureCode']}: {f['failureReason']}")
        manifest = got["images"][0]["imageManifest"]
        return attempt(
            lambda: self.ecr.put_image(
                repositoryName=repository, imageTag=new_tag, imageManifest=manifest
            ),
            lambda r: (
                f"{repository}:{new_tag} = {short_digest(r['image']['imageId']['imageDigest'])}"
                f" (same as {source_tag})"
            ),
        )

    def delete(
        self, repository: str, tags: Iterable[str] = (), digests: Iterable[str] = ()
    ) -> Outcome:
        """BatchDeleteImage: a tag removes only that tag (the last tag removes the image); a digest
        removes the image and all its tags. Per-image failures are reported, not raised."""
        ids = [{"imageTag": t} for t in tags] + [{"imageDigest": d} for d in digests]
        if not ids:
            return Outcome(False, "name at least one tag or digest to delete")

        def said(r: dict) -> str:
            done = [i.get("imageTag") or short_digest(i["imageDigest"]) for i in r["imageIds"]]
            text = f"deleted {', '.join(done) or 'nothing'}"
            if r["failures"]:
                text += "; " + "; ".join(
                    f"{f['failureCode']}: {f['failureReason']}" for f in r["failures"]
                )
            return text

        out = attempt(
            lambda: self.ecr.batch_delete_image(repositoryName=repository, imageIds=ids), said
        )
        if out.ok and out.response["failures"]:
            return Outcome(False, out.message, out.response)
        return out

    def untagged_digests(self, repository: str) -> list[str]:
        pages = self.ecr.get_paginator("list_images").paginate(
            repositoryName=repository, filter={"tagStatus": "UNTAGGED"}
        )
        return [i["imageDigest"] for p in pages for i in p["imageIds"]]

    def delete_untagged(self, repository: str) -> Outcome:
        try:
            digests = self.untagged_digests(repository)
        except ClientError as exc:
            return Outcome(False, error_text(exc))
        if not digests:
            return Outcome(True, f"{repository} has no untagged images")
        return self.delete(repository, digests=digests)
