"""Layer uploads through the ECR API (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload)
and the lab actions that record pushes made through the OCI registry endpoint.

Replay: part bytes are never recorded. UploadLayerPart only fills a transient buffer in
``lab.blobs``; CompleteLayerUpload (recorded, naming the digest) commits the bytes to the blob
store. On replay the buffer is gone but the blob store (loaded from ``<table>.blobs``) has the
digest, so the same fact is regenerated.
"""

from __future__ import annotations

from ...core.blobs import DIGEST_RE, sha256_digest
from ...core.errors import error_for_code
from ...core.record import lab_action

__all__ = ["LayerUploadOps", "PART_SIZE"]

#: partSize InitiateLayerUpload reports ([U]: the value real ECR returns was not found).
PART_SIZE = 10 * 1024 * 1024

UploadNotFoundException = error_for_code("UploadNotFoundException")
InvalidLayerPartException = error_for_code("InvalidLayerPartException")
InvalidLayerException = error_for_code("InvalidLayerException")
EmptyUploadException = error_for_code("EmptyUploadException")
LayerAlreadyExistsException = error_for_code("LayerAlreadyExistsException")
InvalidParameterException = error_for_code("InvalidParameterException")


def _uuid_form(h: str) -> str:
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class LayerUploadOps:
    """Mixed into :class:`~.repositories.Registry` (``lab.ecr``)."""

    def _upload(self, name: str, upload_id: str):
        repo = self.get(name)
        if upload_id not in repo.uploads:
            raise UploadNotFoundException(
                f"The upload with id '{upload_id}' could not be found in the repository with "
                f"name '{name}' in registry with id '{self.registry_id}'"
            )
        return repo

    def initiate_upload(self, name: str) -> str:
        repo = self.get(name)
        upload_id = _uuid_form(self.lab.random.hex(32))
        repo.uploads[upload_id] = True
        self.lab.blobs.start_upload(upload_id)
        self.lab.emit(
            "LayerUploadInitiated", "ecr", resource=repo.arn, repository=name, upload_id=upload_id
        )
        return upload_id

    def upload_part(self, name: str, upload_id: str, first: int, last: int, data: bytes) -> int:
        """Append a part (not recorded: the bytes are transient until CompleteLayerUpload)."""
        self._upload(name, upload_id)
        have = self.lab.blobs.upload_size(upload_id)
        if have is None:
            have = 0
            self.lab.blobs.start_upload(upload_id)
        if first != have or last != first + len(data) - 1:
            raise InvalidLayerPartException(
                f"The layer part (bytes {first}-{last}) does not follow the {have} bytes already "
                f"received for upload '{upload_id}'"
            )
        return self.lab.blobs.append(upload_id, data) - 1

    def complete_upload(self, name: str, upload_id: str, digests: list[str]) -> tuple[str, int]:
        repo = self._upload(name, upload_id)
        if len(digests) != 1 or not DIGEST_RE.match(digests[0]):
            raise InvalidParameterException(
                "Invalid parameter at 'layerDigests' failed to satisfy constraint: "
                "'exactly one sha256 digest is required'"
            )
        digest = digests[0]
        data = self.lab.blobs.upload_bytes(upload_id)
        if data:
            if sha256_digest(data) != digest:
                raise InvalidLayerException(
                    f"The layer digest calculation performed by Amazon ECR for the upload with "
                    f"id '{upload_id}' does not match the digest '{digest}' that was provided"
                )
        elif not self.lab.blobs.has(digest):  # a replay finds the bytes in the blob store
            raise EmptyUploadException(
                f"The specified layer upload '{upload_id}' does not contain any layer parts."
            )
        if digest in repo.layers:
            raise LayerAlreadyExistsException(
                f"The image layer '{digest}' already exists in the repository with name '{name}'"
            )
        if data:
            self.lab.blobs.put(data)
        size = len(self.lab.blobs.get(digest) or b"")
        del repo.uploads[upload_id]
        self.lab.blobs.drop_upload(upload_id)
        self.add_layer(name, digest, size)
        return digest, size


@lab_action
def registry_blob_pushed(lab, repository: str, digest: str, size: int) -> bool:
    """A blob upload through the OCI endpoint completed (its bytes are in ``lab.blobs``)."""
    return lab.ecr.add_layer(repository, digest, size)


@lab_action
def registry_manifest_pushed(
    lab, repository: str, manifest_digest: str, media_type: str | None, tag: str | None
) -> str:
    """A manifest PUT through the OCI endpoint (manifest bytes are in ``lab.blobs``)."""
    data = lab.blobs.get(manifest_digest)
    if data is None:
        raise InvalidParameterException(f"manifest {manifest_digest} is not in the blob store")
    image, _ = lab.ecr.put_image(
        repository,
        data.decode("utf-8"),
        media_type=media_type,
        tag=tag,
        digest=manifest_digest,
        idempotent=True,
    )
    return image.digest
