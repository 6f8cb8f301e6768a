"""The OCI Distribution v2 registry endpoint, backed by the lab's ECR state.

``handle_registry(lab, method, path, headers, body)`` answers ``/v2/...`` requests; the shared
HTTP dispatch (``ecslab.api.dispatch.handle_http``) routes them here, so the in-process path
(:func:`ecslab.registry.builder.BuiltImage.push`), ``ecslab serve`` and the test server all use it.

Auth is HTTP Basic with ``AWS`` and the password from GetAuthorizationToken (checked against the
lab's seed and clock, so it expires 12 simulated hours after it was issued). Pushes are inputs:
a committed blob is recorded as the lab action ``registry_blob_pushed`` and a manifest as
``registry_manifest_pushed``, naming bytes in ``lab.blobs`` by digest, so replay rebuilds the
images. Reads and in-progress uploads are not recorded.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

from ..core.blobs import DIGEST_RE, sha256_digest
from ..core.errors import AwsError
from ..core.http import Response
from ..domain.registry.manifests import TAG_RE, parse_manifest

__all__ = ["handle_registry"]

_UPLOADS = re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/?$")
_UPLOAD = re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/(?P<id>[A-Za-z0-9-]+)$")
_BLOB = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>[^/]+)$")
_MANIFEST = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<ref>[^/]+)$")
_TAGS = re.compile(r"^/v2/(?P<name>.+)/tags/list$")

#: Domain error -> (HTTP status, OCI error code).
_OCI = {
    "RepositoryNotFoundException": (404, "NAME_UNKNOWN"),
    "LayersNotFoundException": (400, "MANIFEST_BLOB_UNKNOWN"),
    "ReferencedImagesNotFoundException": (400, "MANIFEST_BLOB_UNKNOWN"),
    "ImageTagAlreadyExistsException": (400, "TAG_INVALID"),
    "ImageDigestDoesNotMatchException": (400, "DIGEST_INVALID"),
    "InvalidParameterException": (400, "MANIFEST_INVALID"),
}


def _resp(
    status: int, body: bytes = b"", headers: dict | None = None, *, length: int | None = None
) -> Response:
    h = {
        "Docker-Distribution-API-Version": "registry/2.0",
        "Content-Length": str(len(body) if length is None else length),
    }
    if body and "Content-Type" not in (headers or {}):
        h["Content-Type"] = "application/json; charset=utf-8"
    h.update(headers or {})
    return Response(status, h, body)


def _err(
    status: int, code: str, message: str, detail=None, headers: dict | None = None
) -> Response:
    body = json.dumps({"errors": [{"code": code, "message": message, "detail": detail}]}).encode()
    return _resp(status, body, headers)


def _from_aws(err: AwsError) -> Response:
    status, code = _OCI.get(err.code, (500, "UNKNOWN"))
    return _err(status, code, err.message)


def _authorized(lab, headers: dict[str, str]) -> bool:
    auth = headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return False
    try:
        user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
    except Exception:
        return False
    return lab.ecr.check_login(user, password)


def handle_registry(lab, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
    """Answer one registry request (``headers`` lower-cased)."""
    url = urlsplit(path)
    route, query = url.path, parse_qs(url.query)
    method = method.upper()
    head = method == "HEAD"
    if not _authorized(lab, headers):
        realm = f'Basic realm="{lab.ecr.proxy_endpoint}/",service="ecr.amazonaws.com"'
        return _err(
            401, "UNAUTHORIZED", "authentication required", headers={"WWW-Authenticate": realm}
        )
    try:
        with lab._lock:
            if route in ("/v2", "/v2/"):
                return _resp(200, b"" if head else b"{}", length=2)
            if route == "/v2/_catalog":
                return _err(405, "UNSUPPORTED", "The operation is unsupported.")
            m = _UPLOADS.match(route)
            if m and method == "POST":
                return _start_upload(lab, m["name"], query, body)
            m = _UPLOAD.match(route)
            if m:
                return _upload(lab, method, m["name"], m["id"], query, headers, body)
            m = _BLOB.match(route)
            if m and method in ("GET", "HEAD"):
                return _get_blob(lab, m["name"], m["digest"], head)
            m = _MANIFEST.match(route)
            if m and method in ("GET", "HEAD"):
                return _get_manifest(lab, m["name"], m["ref"], head)
            if m and method == "PUT":
                return _put_manifest(lab, m["name"], m["ref"], headers, body)
            m = _TAGS.match(route)
            if m and method == "GET":
                repo = lab.ecr.get(m["name"])
                doc = {"name": repo.name, "tags": sorted(repo.tag_index)}
                return _resp(200, json.dumps(doc).encode())
            return _err(405, "UNSUPPORTED", "The operation is unsupported.")
    except AwsError as err:
        return _from_aws(err)
    except Exception as e:  # a bug in ecslab: an error body, never a traceback
        return _err(500, "UNKNOWN", f"ecslab internal error: {type(e).__name__}: {e}")


# -- blobs ------------------------------------------------------------------------------------------


def _get_blob(lab, name: str, digest: str, head: bool) -> Response:
    repo = lab.ecr.get(name)
    if digest not in repo.layers:
        return _err(404, "BLOB_UNKNOWN", "blob unknown to registry", {"digest": digest})
    data = lab.blobs.get(digest) or b""
    hdrs = {"Content-Type": "application/octet-stream", "Docker-Content-Digest": digest}
    return _resp(200, b"" if head else data, hdrs, length=len(data))


def _location(name: str, upload_id: str, size: int) -> dict[str, str]:
    return {
        "Location": f"/v2/{name}/blobs/uploads/{upload_id}",
        "Range": f"0-{max(size - 1, 0)}",
        "Docker-Upload-UUID": upload_id,
    }


def _commit(lab, name: str, digest: str, data: bytes) -> Response:
    if not DIGEST_RE.match(digest) or sha256_digest(data) != digest:
        return _err(
            400,
            "DIGEST_INVALID",
            "provided digest did not match uploaded content",
            {"digest": digest},
        )
    lab.blobs.put(data)
    if not lab.ecr.has_layer(name, digest):
        lab.act("registry_blob_pushed", repository=name, digest=digest, size=len(data))
    hdrs = {"Location": f"/v2/{name}/blobs/{digest}", "Docker-Content-Digest": digest}
    return _resp(201, b"", hdrs)


def _start_upload(lab, name: str, query: dict, body: bytes) -> Response:
    lab.ecr.get(name)  # NAME_UNKNOWN before anything is accepted
    mount, source = query.get("mount", [None])[0], query.get("from", [None])[0]
    if mount and source and lab.ecr.find(source) is not None and lab.ecr.has_layer(source, mount):
        return _commit(lab, name, mount, lab.blobs.get(mount) or b"")
    digest = query.get("digest", [None])[0]
    if digest:  # monolithic upload in the POST itself
        return _commit(lab, name, digest, body)
    upload_id = lab.blobs.start_upload()
    return _resp(202, b"", _location(name, upload_id, 0))


def _upload(lab, method, name, upload_id, query, headers, body) -> Response:
    lab.ecr.get(name)
    have = lab.blobs.upload_size(upload_id)
    if have is None:
        return _err(
            404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", {"uuid": upload_id}
        )
    if method == "GET":
        return _resp(204, b"", _location(name, upload_id, have))
    if method == "DELETE":
        lab.blobs.drop_upload(upload_id)
        return _resp(204)
    if method not in ("PATCH", "PUT"):
        return _err(405, "UNSUPPORTED", "The operation is unsupported.")
    crange = headers.get("content-range")
    if crange and body:
        start = crange.split("-", 1)[0].strip()
        if not start.isdigit() or int(start) != have:
            return _err(
                416,
                "BLOB_UPLOAD_INVALID",
                "out of order chunk",
                headers=_location(name, upload_id, have),
            )
    size = lab.blobs.append(upload_id, body) if body else have
    if method == "PATCH":
        return _resp(202, b"", _location(name, upload_id, size))
    digest = query.get("digest", [""])[0]
    data = lab.blobs.upload_bytes(upload_id) or b""
    resp = _commit(lab, name, digest, data)
    if resp.status == 201:
        lab.blobs.drop_upload(upload_id)
    return resp


# -- manifests --------------------------------------------------------------------------------------


def _get_manifest(lab, name: str, ref: str, head: bool) -> Response:
    is_digest = ref.startswith("sha256:")
    img = lab.ecr.find_image(name, digest=ref) if is_digest else lab.ecr.find_image(name, tag=ref)
    if img is None:
        return _err(404, "MANIFEST_UNKNOWN", "Requested image not found")
    data = img.manifest.text.encode("utf-8")
    hdrs = {"Content-Type": img.media_type, "Docker-Content-Digest": img.digest}
    return _resp(200, b"" if head else data, hdrs, length=len(data))


def _put_manifest(lab, name: str, ref: str, headers: dict, body: bytes) -> Response:
    repo = lab.ecr.get(name)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _err(400, "MANIFEST_INVALID", "manifest invalid: not UTF-8 JSON")
    ctype = headers.get("content-type", "").split(";")[0].strip() or None
    if ctype in ("application/json", "application/octet-stream"):
        ctype = None
    manifest = parse_manifest(text, ctype)  # InvalidParameterException -> MANIFEST_INVALID
    tag = None
    if DIGEST_RE.match(ref):
        if ref != manifest.digest:
            return _err(
                400,
                "DIGEST_INVALID",
                "provided digest did not match uploaded content",
                {"digest": ref},
            )
    elif TAG_RE.match(ref) and len(ref) <= 128:
        tag = ref
    else:
        return _err(400, "TAG_INVALID", f"manifest tag did not match URI: {ref!r}")
    hdrs = {
        "Location": f"/v2/{name}/manifests/{manifest.digest}",
        "Docker-Content-Digest": manifest.digest,
    }
    existing = repo.images.get(manifest.digest)
    if existing is not None and (tag is None or tag in existing.tags):
        return _resp(201, b"", hdrs)  # a repeat push changes nothing
    lab.blobs.put(body)
    lab.act(
        "registry_manifest_pushed",
        repository=name,
        manifest_digest=manifest.digest,
        media_type=manifest.media_type,
        tag=tag,
    )
    return _resp(201, b"", hdrs)
