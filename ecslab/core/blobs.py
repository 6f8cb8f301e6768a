"""Content-addressed blob store: image layers, configs and manifests, kept beside the event table.

The event table replays *inputs*; an input that carried megabytes of layer bytes would bloat it,
so inputs name blobs by digest (``sha256:<hex>``) and the bytes live here. The store belongs to
the Lab itself, not to its replayable state: it survives the rebuild a failed command triggers,
and extra blobs are harmless (content addressing makes them inert until an input names them).

``Lab.save(path)`` writes every blob to ``<path>.blobs/sha256/<hex>`` (only when there are
blobs); ``Lab.load(path)`` indexes that folder and reads blobs lazily, verifying each digest.

Pending uploads (bytes received but not yet committed under a digest) are transient: they are
never saved, and a replay does not need them because the committing input names the digest.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from pathlib import Path

__all__ = ["BlobStore", "sha256_digest", "DIGEST_RE", "blobs_dir_for"]

DIGEST_RE = re.compile(r"^sha256:[a-f0-9]{64}$")


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def blobs_dir_for(table_path: str | os.PathLike) -> Path:
    """Where the blobs of the event table at ``table_path`` live: ``<table_path>.blobs``."""
    return Path(str(table_path) + ".blobs")


class BlobStore:
    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._files: dict[str, Path] = {}  # digest -> file in a loaded lab's blobs folder
        self._uploads: dict[str, bytearray] = {}
        self._upload_counter = 0
        self._lock = threading.Lock()

    # -- committed blobs -----------------------------------------------------------------------

    def put(self, data: bytes) -> str:
        digest = sha256_digest(data)
        with self._lock:
            self._data.setdefault(digest, bytes(data))
        return digest

    def has(self, digest: str) -> bool:
        with self._lock:
            return digest in self._data or digest in self._files

    def get(self, digest: str) -> bytes | None:
        with self._lock:
            data = self._data.get(digest)
            path = self._files.get(digest) if data is None else None
        if data is None and path is not None:
            data = path.read_bytes()
            if sha256_digest(data) != digest:
                raise ValueError(f"blob file {path} is corrupt: its sha256 is not {digest}")
            with self._lock:
                self._data[digest] = data
        return data

    def digests(self) -> list[str]:
        with self._lock:
            return sorted(set(self._data) | set(self._files))

    def __len__(self) -> int:
        return len(self.digests())

    # -- transient uploads ---------------------------------------------------------------------

    def start_upload(self, upload_id: str | None = None) -> str:
        """Open a pending upload (``upload_id`` given by a recorded input, else a counter id)."""
        with self._lock:
            if upload_id is None:
                self._upload_counter += 1
                h = hashlib.sha256(f"upload-{self._upload_counter}".encode()).hexdigest()
                upload_id = f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
            self._uploads.setdefault(upload_id, bytearray())
        return upload_id

    def upload_size(self, upload_id: str) -> int | None:
        with self._lock:
            buf = self._uploads.get(upload_id)
            return None if buf is None else len(buf)

    def append(self, upload_id: str, data: bytes) -> int:
        """Append to a pending upload; returns its new length."""
        with self._lock:
            buf = self._uploads[upload_id]
            buf.extend(data)
            return len(buf)

    def upload_bytes(self, upload_id: str) -> bytes | None:
        with self._lock:
            buf = self._uploads.get(upload_id)
            return None if buf is None else bytes(buf)

    def drop_upload(self, upload_id: str) -> None:
        with self._lock:
            self._uploads.pop(upload_id, None)

    # -- beside the event table ----------------------------------------------------------------

    def save_beside(self, table_path: str | os.PathLike) -> Path | None:
        """Write every blob to ``<table_path>.blobs/sha256/<hex>`` (skip files already there)."""
        digests = self.digests()
        if not digests:
            return None
        folder = blobs_dir_for(table_path) / "sha256"
        folder.mkdir(parents=True, exist_ok=True)
        for digest in digests:
            target = folder / digest.split(":", 1)[1]
            if target.exists() and target.stat().st_size == len(self.get(digest) or b""):
                continue
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(self.get(digest) or b"")
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return folder.parent

    def attach_beside(self, table_path: str | os.PathLike) -> int:
        """Index the blobs saved beside ``table_path`` (read lazily). Returns how many."""
        folder = blobs_dir_for(table_path) / "sha256"
        if not folder.is_dir():
            return 0
        found = {
            f"sha256:{p.name}": p
            for p in sorted(folder.iterdir())
            if DIGEST_RE.match(f"sha256:{p.name}")
        }
        with self._lock:
            self._files.update(found)
        return len(found)
