"""Images in ECR repositories: push (PutImage and registry manifest PUT), tags, retag, delete.

A pushed tag that already names another image *moves*: the old image stays and, if that was its
last tag, becomes untagged ([V3] ecs_facts K). Layers (and config blobs) are per repository:
a manifest may only name blobs uploaded to that repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ...core.errors import error_for_code
from .manifests import DIGEST_REF_RE, TAG_RE, Manifest, parse_manifest

__all__ = ["Image", "ImageOps", "DeleteFailure"]

ImageAlreadyExistsException = error_for_code("ImageAlreadyExistsException")
ImageTagAlreadyExistsException = error_for_code("ImageTagAlreadyExistsException")
ImageDigestDoesNotMatchException = error_for_code("ImageDigestDoesNotMatchException")
LayersNotFoundException = error_for_code("LayersNotFoundException")
ReferencedImagesNotFoundException = error_for_code("ReferencedImagesNotFoundException")
InvalidParameterException = error_for_code("InvalidParameterException")


@dataclass
class Image:
    digest: str
    manifest: Manifest
    pushed_at: datetime
    tags: list[str] = field(default_factory=list)

    @property
    def size_bytes(self) -> int:
        return self.manifest.size_bytes

    @property
    def media_type(self) -> str:
        return self.manifest.media_type


@dataclass(frozen=True)
class DeleteFailure:
    digest: str | None
    tag: str | None
    code: str
    reason: str


class ImageOps:
    """Mixed into :class:`~.repositories.Registry` (``lab.ecr``)."""

    # -- lookups ---------------------------------------------------------------------------------

    def find_image(self, name: str, *, tag: str | None = None, digest: str | None = None):
        repo = self.get(name)
        if digest is not None:
            img = repo.images.get(digest)
            if img is not None and tag is not None and tag not in img.tags:
                return None
            return img
        if tag is not None and tag in repo.tag_index:
            return repo.images[repo.tag_index[tag]]
        return None

    def image_ids(self, name: str, tag_status: str = "ANY") -> list[tuple[str, str | None]]:
        """(digest, tag) pairs as ListImages shows them: one per tag, untagged as (digest, None)."""
        out: list[tuple[str, str | None]] = []
        for img in self.get(name).images.values():
            if img.tags and tag_status in ("ANY", "TAGGED"):
                out.extend((img.digest, t) for t in img.tags)
            elif not img.tags and tag_status in ("ANY", "UNTAGGED"):
                out.append((img.digest, None))
        return out

    def has_layer(self, name: str, digest: str) -> bool:
        return digest in self.get(name).layers

    # -- layers ----------------------------------------------------------------------------------

    def add_layer(self, name: str, digest: str, size: int) -> bool:
        """A blob whose bytes are in ``lab.blobs`` is now in the repository. False if it was."""
        repo = self.get(name)
        if not self.lab.blobs.has(digest):
            raise LayersNotFoundException(
                f"The blob {digest} is not in this lab's blob store (was the lab saved without "
                "its .blobs folder?)"
            )
        if digest in repo.layers:
            return False
        repo.layers[digest] = int(size)
        self.lab.emit(
            "LayerUploaded",
            "ecr",
            resource=repo.arn,
            repository=name,
            digest=digest,
            size_bytes=size,
        )
        return True

    # -- push ------------------------------------------------------------------------------------

    def put_image(
        self,
        name: str,
        manifest_text: str,
        *,
        media_type: str | None = None,
        tag: str | None = None,
        digest: str | None = None,
        idempotent: bool = False,
    ) -> tuple[Image, bool]:
        """PutImage. Returns (image, changed). ``idempotent`` (the registry's manifest PUT)
        answers a repeat push with no change instead of ImageAlreadyExistsException."""
        repo = self.get(name)
        if tag is not None and not TAG_RE.match(tag):
            raise InvalidParameterException(
                f"Invalid parameter at 'imageTag' failed to satisfy constraint: 'Invalid image tag {tag!r}'"
            )
        manifest = parse_manifest(manifest_text, media_type)
        if digest is not None and digest != manifest.digest:
            raise ImageDigestDoesNotMatchException(
                f"The specified image digest '{digest}' does not match the digest of the manifest "
                f"'{manifest.digest}'."
            )
        where = f"in the repository with name '{name}' in registry with id '{self.registry_id}'"
        existing = repo.images.get(manifest.digest)
        current = repo.tag_index.get(tag) if tag is not None else None
        if existing is not None and (tag is None or current == manifest.digest):
            if idempotent:
                return existing, False
            if tag is None:
                raise ImageAlreadyExistsException(
                    f"Image with digest '{manifest.digest}' already exists {where}"
                )
            raise ImageAlreadyExistsException(
                f"Image with digest '{manifest.digest}' and tag '{tag}' already exists {where}"
            )
        if current is not None and repo.tag_is_immutable(tag):
            raise ImageTagAlreadyExistsException(
                f"The image tag '{tag}' already exists in the '{name}' repository and cannot be "
                "overwritten because the repository is immutable."
            )
        if manifest.is_index:
            missing = [d for d in manifest.children if d not in repo.images]
            if missing:
                raise ReferencedImagesNotFoundException(
                    f"Manifests with digests '{missing}' referenced by the index are not in the "
                    f"repository with name '{name}'"
                )
        else:
            missing = [d for d in manifest.required_blobs() if d not in repo.layers]
            if missing:
                raise LayersNotFoundException(
                    f"Layers with digests '{missing}' required for pushing image into repository "
                    f"with name '{name}' in registry with id '{self.registry_id}' do not exist"
                )
        # Validated: now change state.
        self.lab.blobs.put(manifest_text.encode("utf-8"))
        if existing is None:
            image = Image(manifest.digest, manifest, self.lab.now)
            repo.images[manifest.digest] = image
            if tag is not None:
                image.tags.append(tag)
            self.lab.emit(
                "ImagePushed",
                "ecr",
                resource=repo.arn,
                repository=name,
                digest=image.digest,
                tags=list(image.tags),
                size_bytes=image.size_bytes,
                media_type=manifest.media_type,
                layers=[d for d, _ in manifest.layers],
                stored_bytes=repo.stored_bytes,
            )
        else:
            image = existing
            image.tags.append(tag)
            self.lab.emit(
                "ImageTagged",
                "ecr",
                resource=repo.arn,
                repository=name,
                digest=image.digest,
                tag=tag,
            )
        if tag is not None:
            if current is not None:
                self._move_tag_away(repo, tag, current, image.digest)
            repo.tag_index[tag] = image.digest
        return image, True

    def _move_tag_away(self, repo, tag: str, old_digest: str, new_digest: str) -> None:
        old = repo.images[old_digest]
        old.tags.remove(tag)
        self.lab.emit(
            "ImageTagMoved",
            "ecr",
            resource=repo.arn,
            repository=repo.name,
            tag=tag,
            from_digest=old_digest,
            to_digest=new_digest,
        )
        if not old.tags:
            self.lab.emit(
                "ImageUntagged", "ecr", resource=repo.arn, repository=repo.name, digest=old_digest
            )

    # -- delete ----------------------------------------------------------------------------------

    def delete_images(
        self, name: str, ids: list[tuple[str | None, str | None]]
    ) -> tuple[list[tuple[str, str | None]], list[DeleteFailure]]:
        """BatchDeleteImage: ``ids`` are (digest, tag). Per-image failures are returned."""
        repo = self.get(name)
        deleted: list[tuple[str, str | None]] = []
        failures: list[DeleteFailure] = []
        for digest, tag in ids:
            fail = self._delete_check(repo, digest, tag)
            if fail is not None:
                failures.append(DeleteFailure(digest, tag, *fail))
                continue
            if digest is None:  # by tag: remove only that tag; the last tag deletes the image
                digest = repo.tag_index[tag]
                img = repo.images[digest]
                if len(img.tags) > 1:
                    img.tags.remove(tag)
                    del repo.tag_index[tag]
                    self.lab.emit(
                        "ImageTagDeleted",
                        "ecr",
                        resource=repo.arn,
                        repository=name,
                        digest=digest,
                        tag=tag,
                    )
                    deleted.append((digest, tag))
                    continue
            img = repo.images[digest]
            gone = [(digest, t) for t in img.tags] or [(digest, None)]
            deleted.extend(gone if tag is None else [(digest, tag)])
            for t in img.tags:
                del repo.tag_index[t]
            del repo.images[digest]
            self.lab.emit(
                "ImageDeleted",
                "ecr",
                resource=repo.arn,
                repository=name,
                digest=digest,
                tags=list(img.tags),
                size_bytes=img.size_bytes,
                stored_bytes=repo.stored_bytes,
            )
        return deleted, failures

    @staticmethod
    def _delete_check(repo, digest: str | None, tag: str | None) -> tuple[str, str] | None:
        if digest is None and tag is None:
            return (
                "MissingDigestAndTag",
                "Invalid request parameters: both tag and digest cannot be null",
            )
        if digest is not None and not DIGEST_REF_RE.match(digest):
            return (
                "InvalidImageDigest",
                "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
            )
        if tag is not None and not TAG_RE.match(tag):
            return ("InvalidImageTag", "Invalid request parameters: image tag should be valid")
        if digest is not None:
            if digest not in repo.images:
                return ("ImageNotFound", "Requested image not found")
            if tag is not None and repo.tag_index.get(tag) != digest:
                return (
                    "ImageTagDoesNotMatchDigest",
                    "Invalid request parameters: given tag does not map to given digest",
                )
        elif tag not in repo.tag_index:
            return ("ImageNotFound", "Requested image not found")
        return None
