"""The OCI Distribution v2 endpoint over real HTTP (a small server around handle_http)."""

import base64
import hashlib
import http.client
import json

import pytest

from ecslab import Lab
from ecslab.registry import build_image, serve_registry


@pytest.fixture
def registry(lab):
    lab.client("ecr").create_repository(repositoryName="web")
    server, host = serve_registry(lab)
    yield lab, host
    server.shutdown()
    server.server_close()


def auth(lab) -> dict:
    token = lab.client("ecr").get_authorization_token()["authorizationData"][0]
    return {"Authorization": "Basic " + token["authorizationToken"]}


def request(host, method, path, body=b"", headers=None, chunked=False):
    conn = http.client.HTTPConnection(host, timeout=10)
    if chunked:
        conn.putrequest(method, path)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for i in range(0, len(body), 7):
            part = body[i : i + 7]
            conn.send(b"%x\r\n%s\r\n" % (len(part), part))
        conn.send(b"0\r\n\r\n")
    else:
        conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def test_base_endpoint_requires_the_ecr_token(registry):
    lab, host = registry
    status, headers, body = request(host, "GET", "/v2/")
    assert status == 401
    assert headers["WWW-Authenticate"] == (
        'Basic realm="https://123456789012.dkr.ecr.ap-east-1.amazonaws.com/",service="ecr.amazonaws.com"'
    )
    assert json.loads(body)["errors"][0]["code"] == "UNAUTHORIZED"
    h = auth(lab)
    status, headers, _ = request(host, "GET", "/v2/", headers=h)
    assert status == 200 and headers["Docker-Distribution-API-Version"] == "registry/2.0"
    wrong = {"Authorization": "Basic " + base64.b64encode(b"AWS:guess").decode()}
    assert request(host, "GET", "/v2/", headers=wrong)[0] == 401
    lab.advance("12h")
    assert request(host, "GET", "/v2/", headers=h)[0] == 401  # the token expired


def test_chunked_upload_manifest_tags_and_errors(registry):
    lab, host = registry
    h = auth(lab)
    image = build_image('FROM scratch\nCOPY a.txt /a.txt\nCMD ["/a"]', files={"a.txt": "x" * 100})
    for digest, data in image.blobs():
        assert request(host, "HEAD", f"/v2/web/blobs/{digest}", headers=h)[0] == 404
        status, headers, _ = request(host, "POST", "/v2/web/blobs/uploads/", headers=h)
        assert status == 202
        loc = headers["Location"]
        status, headers, _ = request(host, "PATCH", loc, data, h, chunked=True)
        assert status == 202 and headers["Range"] == f"0-{len(data) - 1}"
        bad = "sha256:" + "0" * 64
        status, _, body = request(host, "PUT", f"{loc}?digest={bad}", headers=h)
        assert status == 400 and json.loads(body)["errors"][0]["code"] == "DIGEST_INVALID"
        status, headers, _ = request(host, "PUT", f"{loc}?digest={digest}", headers=h)
        assert status == 201 and headers["Docker-Content-Digest"] == digest
        status, headers, _ = request(host, "HEAD", f"/v2/web/blobs/{digest}", headers=h)
        assert status == 200 and int(headers["Content-Length"]) == len(data)
        assert request(host, "GET", f"/v2/web/blobs/{digest}", headers=h)[2] == data
    mh = {**h, "Content-Type": image.media_type}
    status, headers, _ = request(host, "PUT", "/v2/web/manifests/v1", image.manifest, mh)
    assert status == 201 and headers["Docker-Content-Digest"] == image.digest
    assert image.digest == "sha256:" + hashlib.sha256(image.manifest).hexdigest()
    status, headers, body = request(host, "GET", f"/v2/web/manifests/{image.digest}", headers=h)
    assert status == 200 and body == image.manifest
    assert headers["Content-Type"] == image.media_type
    tags = json.loads(request(host, "GET", "/v2/web/tags/list", headers=h)[2])
    assert tags == {"name": "web", "tags": ["v1"]}
    status, _, body = request(host, "GET", "/v2/web/manifests/v9", headers=h)
    assert status == 404 and json.loads(body)["errors"][0]["code"] == "MANIFEST_UNKNOWN"
    status, _, body = request(host, "POST", "/v2/nope/blobs/uploads/", headers=h)
    err = json.loads(body)["errors"][0]
    assert status == 404 and err["code"] == "NAME_UNKNOWN"
    assert err["message"] == (
        "The repository with name 'nope' does not exist in the registry with id '123456789012'"
    )
    other = build_image("FROM scratch\nCOPY b.txt /b.txt", files={"b.txt": "y"})
    status, _, body = request(host, "PUT", "/v2/web/manifests/v2", other.manifest, mh)
    assert status == 400 and json.loads(body)["errors"][0]["code"] == "MANIFEST_BLOB_UNKNOWN"
    ecr = lab.client("ecr")
    assert ecr.list_images(repositoryName="web")["imageIds"] == [
        {"imageDigest": image.digest, "imageTag": "v1"}
    ]


def test_out_of_order_chunk_and_cross_repository_mount(registry):
    lab, host = registry
    h = auth(lab)
    lab.client("ecr").create_repository(repositoryName="copy")
    image = build_image("FROM scratch\nCOPY a.txt /a.txt", files={"a.txt": "z"})
    image.push(lab, "web", "v1")
    loc = request(host, "POST", "/v2/web/blobs/uploads/", headers=h)[1]["Location"]
    status, headers, _ = request(host, "PATCH", loc, b"abc", {**h, "Content-Range": "5-7"})
    assert status == 416 and headers["Range"] == "0-0"
    layer = image.blobs()[1][0]
    status, headers, _ = request(
        host, "POST", f"/v2/copy/blobs/uploads/?mount={layer}&from=web", headers=h
    )
    assert status == 201 and headers["Docker-Content-Digest"] == layer
    assert lab.ecr.has_layer("copy", layer)


def test_registry_pushes_replay(registry, tmp_path):
    lab, _ = registry
    build_image("FROM busybox\nCOPY a /a", files={"a": "1"}).push(lab, "web", "latest")
    build_image("FROM busybox\nCOPY a /a", files={"a": "2"}).push(lab, "web", "latest")
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl.gz"))
    ecr_a, ecr_b = lab.client("ecr"), loaded.client("ecr")
    assert (
        ecr_b.describe_images(repositoryName="web")["imageDetails"]
        == ecr_a.describe_images(repositoryName="web")["imageDetails"]
    )
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    # Row payloads name blobs by digest: the table stays small however big the layers are.
    assert all(len(e.to_json()) < 2000 for e in lab.log)
