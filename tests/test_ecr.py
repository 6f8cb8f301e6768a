"""ECR through real boto3 clients: repositories, login, push, tags moving, retag, delete."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest

from ecslab import Lab
from ecslab.registry import build_image

URI = "123456789012.dkr.ecr.ap-east-1.amazonaws.com"


def web(version: str):
    return build_image(
        "FROM httpd:2.4\nCOPY index.html /usr/local/apache2/htdocs/",
        files={"index.html": f"<h1>{version}</h1>"},
    )


@pytest.fixture
def ecr(lab):
    return lab.client("ecr")


def test_create_describe_delete_repository(lab, ecr):
    repo = ecr.create_repository(
        repositoryName="team/web",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS"},
    )["repository"]
    assert repo["repositoryUri"] == f"{URI}/team/web"
    assert repo["repositoryArn"] == "arn:aws:ecr:ap-east-1:123456789012:repository/team/web"
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"]["encryptionType"] == "KMS"
    assert repo["createdAt"] == lab.now
    with pytest.raises(ecr.exceptions.RepositoryAlreadyExistsException) as e:
        ecr.create_repository(repositoryName="team/web")
    assert "already exists in the registry with id '123456789012'" in str(e.value)
    with pytest.raises(ecr.exceptions.InvalidParameterException, match="repositoryName"):
        ecr.create_repository(repositoryName="Web_App")
    for n in ("a1", "b1", "c1"):
        ecr.create_repository(repositoryName=n)
    first = ecr.describe_repositories(maxResults=2)
    assert [r["repositoryName"] for r in first["repositories"]] == ["team/web", "a1"]
    rest = ecr.describe_repositories(maxResults=2, nextToken=first["nextToken"])
    assert [r["repositoryName"] for r in rest["repositories"]] == ["b1", "c1"]
    assert "nextToken" not in rest
    pages = ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 3})
    assert sum(len(p["repositories"]) for p in pages) == 4
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException) as e:
        ecr.describe_repositories(repositoryNames=["nope"])
    assert e.value.response["Error"]["Message"] == (
        "The repository with name 'nope' does not exist in the registry with id '123456789012'"
    )
    deleted = ecr.delete_repository(repositoryName="a1")["repository"]
    assert deleted["repositoryName"] == "a1"
    kinds = list(lab.events.kind)
    assert kinds.count("RepositoryCreated") == 4 and kinds[-1] == "RepositoryDeleted"


def test_authorization_token_is_deterministic_and_expires_in_12_hours(lab, ecr):
    data = ecr.get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    assert user == "AWS" and len(password) > 40
    assert data["expiresAt"] == lab.now + timedelta(hours=12)
    assert data["proxyEndpoint"] == f"https://{URI}"
    assert Lab(seed=7).client("ecr").get_authorization_token()["authorizationData"][0] == data
    assert lab.ecr.check_login("AWS", password)
    assert not lab.ecr.check_login("AWS", password[:-4] + "AAAA")
    assert not lab.ecr.check_login("root", password)
    lab.advance("11h59m")
    assert lab.ecr.check_login("AWS", password)
    lab.advance("1m")
    assert not lab.ecr.check_login("AWS", password)  # expired on the simulated clock
    later = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    assert later != data["authorizationToken"]
    assert len(lab.events) == 2  # two clock moves; tokens are not recorded


def test_walkthrough_flow_latest_moves_retag_and_delete(lab, ecr):
    ecr.create_repository(repositoryName="web")
    v1 = web("v1").push(lab, "web", "latest")
    lab.advance("1m")
    v2 = web("v2").push(lab, "web", "latest")
    assert v1 != v2
    assert ecr.list_images(repositoryName="web", filter={"tagStatus": "UNTAGGED"})["imageIds"] == [
        {"imageDigest": v1}
    ]
    assert ecr.list_images(repositoryName="web", filter={"tagStatus": "TAGGED"})["imageIds"] == [
        {"imageDigest": v2, "imageTag": "latest"}
    ]
    assert len(ecr.list_images(repositoryName="web")["imageIds"]) == 2
    kinds = list(lab.events.kind)
    assert kinds[-2:] == ["ImageTagMoved", "ImageUntagged"]
    # Retag without moving layers: fetch the manifest, put it under a new tag.
    got = ecr.batch_get_image(repositoryName="web", imageIds=[{"imageTag": "latest"}])
    manifest = got["images"][0]["imageManifest"]
    assert got["images"][0]["imageId"] == {"imageDigest": v2, "imageTag": "latest"}
    assert "sha256:" + hashlib.sha256(manifest.encode()).hexdigest() == v2
    put = ecr.put_image(repositoryName="web", imageTag="v2", imageManifest=manifest)["image"]
    assert put["imageId"] == {"imageDigest": v2, "imageTag": "v2"}
    assert lab.events.kind.iloc[-1] == "ImageTagged"
    with pytest.raises(ecr.exceptions.ImageAlreadyExistsException) as e:
        ecr.put_image(repositoryName="web", imageTag="v2", imageManifest=manifest)
    assert e.value.response["Error"]["Message"] == (
        f"Image with digest '{v2}' and tag 'v2' already exists in the repository with name 'web' "
        "in registry with id '123456789012'"
    )
    details = {
        d["imageDigest"]: d for d in ecr.describe_images(repositoryName="web")["imageDetails"]
    }
    assert details[v2]["imageTags"] == ["latest", "v2"]
    assert "imageTags" not in details[v1]
    layers = json.loads(manifest)["layers"]
    assert details[v2]["imageSizeInBytes"] == sum(layer["size"] for layer in layers)
    assert details[v2]["imagePushedAt"] == lab.now and details[v1]["imagePushedAt"] < lab.now
    # Deleting one of two tags keeps the image; the last tag deletes it.
    out = ecr.batch_delete_image(repositoryName="web", imageIds=[{"imageTag": "v2"}])
    assert out["imageIds"] == [{"imageDigest": v2, "imageTag": "v2"}] and out["failures"] == []
    out = ecr.batch_delete_image(
        repositoryName="web", imageIds=[{"imageTag": "latest"}, {"imageTag": "gone"}, {}]
    )
    assert out["imageIds"] == [{"imageDigest": v2, "imageTag": "latest"}]
    assert [(f["failureCode"], f["failureReason"]) for f in out["failures"]] == [
        ("ImageNotFound", "Requested image not found"),
        ("MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null"),
    ]
    assert ecr.list_images(repositoryName="web")["imageIds"] == [{"imageDigest": v1}]
    deleted = lab.events[lab.events.kind == "ImageDeleted"].detail.iloc[-1]
    assert deleted["digest"] == v2 and deleted["stored_bytes"] == details[v1]["imageSizeInBytes"]
    with pytest.raises(ecr.exceptions.RepositoryNotEmptyException, match="still contains images"):
        ecr.delete_repository(repositoryName="web")
    ecr.delete_repository(repositoryName="web", force=True)
    assert lab.events.detail.iloc[-1]["stored_bytes"] == 0


def test_put_image_errors(lab, ecr):
    ecr.create_repository(repositoryName="locked", imageTagMutability="IMMUTABLE")
    web("a").push(lab, "locked", "v1")
    manifest_b = web("b").manifest.decode()
    with pytest.raises(ecr.exceptions.LayersNotFoundException, match="do not exist"):
        ecr.put_image(repositoryName="locked", imageTag="v2", imageManifest=manifest_b)
    web("b").push(lab, "locked", "v2")  # uploads b's layers
    with pytest.raises(ecr.exceptions.ImageTagAlreadyExistsException) as e:
        ecr.put_image(repositoryName="locked", imageTag="v1", imageManifest=manifest_b)
    assert e.value.response["Error"]["Message"] == (
        "The image tag 'v1' already exists in the 'locked' repository and cannot be overwritten "
        "because the repository is immutable."
    )
    with pytest.raises(ecr.exceptions.InvalidParameterException, match="Invalid JSON syntax"):
        ecr.put_image(repositoryName="locked", imageTag="x", imageManifest="{not json")
    with pytest.raises(ecr.exceptions.ImageDigestDoesNotMatchException):
        ecr.put_image(
            repositoryName="locked", imageManifest=manifest_b, imageDigest="sha256:" + "0" * 64
        )
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.put_image(repositoryName="nope", imageManifest=manifest_b)
    n = len(lab.log)
    with pytest.raises(ecr.exceptions.ImageAlreadyExistsException, match="already exists"):
        ecr.put_image(repositoryName="locked", imageManifest=manifest_b)
    assert len(lab.log) == n  # failed calls leave no trace


def test_layer_upload_api_and_batch_get_failures(lab, ecr):
    ecr.create_repository(repositoryName="api")
    image = web("api")
    for digest, data in image.blobs():
        up = ecr.initiate_layer_upload(repositoryName="api")
        assert up["partSize"] > 0
        half = len(data) // 2
        for first, chunk in ((0, data[:half]), (half, data[half:])):
            r = ecr.upload_layer_part(
                repositoryName="api",
                uploadId=up["uploadId"],
                partFirstByte=first,
                partLastByte=first + len(chunk) - 1,
                layerPartBlob=chunk,
            )
        assert r["lastByteReceived"] == len(data) - 1
        done = ecr.complete_layer_upload(
            repositoryName="api", uploadId=up["uploadId"], layerDigests=[digest]
        )
        assert done["layerDigest"] == digest
    check = ecr.batch_check_layer_availability(
        repositoryName="api", layerDigests=[image.blobs()[1][0], "sha256:" + "1" * 64]
    )
    assert check["layers"][0]["layerAvailability"] == "AVAILABLE"
    assert check["failures"][0]["failureCode"] == "MissingLayerDigest"
    ecr.put_image(repositoryName="api", imageTag="v1", imageManifest=image.manifest.decode())
    with pytest.raises(ecr.exceptions.UploadNotFoundException):
        ecr.complete_layer_upload(repositoryName="api", uploadId="nope", layerDigests=[digest])
    # Part bytes never reach the event table: rows name blobs by digest.
    assert not any("layerPartBlob" in json.dumps(e.detail) for e in lab.log)
    got = ecr.batch_get_image(
        repositoryName="api",
        imageIds=[{"imageTag": "v9"}, {"imageDigest": image.digest, "imageTag": "other"}],
    )
    assert got["images"] == []
    assert [f["failureCode"] for f in got["failures"]] == [
        "ImageNotFound",
        "ImageTagDoesNotMatchDigest",
    ]
    with pytest.raises(ecr.exceptions.ImageNotFoundException, match="does not exist within"):
        ecr.describe_images(repositoryName="api", imageIds=[{"imageTag": "v9"}])


def answers(lab):
    ecr = lab.client("ecr")
    out = {"repos": ecr.describe_repositories()["repositories"]}
    for r in out["repos"]:
        name = r["repositoryName"]
        out[name] = (
            ecr.list_images(repositoryName=name)["imageIds"],
            ecr.describe_images(repositoryName=name)["imageDetails"],
        )
    return out


def test_save_load_replays_pushes_with_blobs_beside_the_table(tmp_path):
    lab = Lab(seed=5)
    ecr = lab.client("ecr")
    ecr.create_repository(repositoryName="web")
    web("v1").push(lab, "web", "latest")
    lab.advance("2m")
    web("v2").push(lab, "web", "latest")
    image = web("api")
    digest, data = image.blobs()[0]
    up = ecr.initiate_layer_upload(repositoryName="web")["uploadId"]
    ecr.upload_layer_part(
        repositoryName="web",
        uploadId=up,
        partFirstByte=0,
        partLastByte=len(data) - 1,
        layerPartBlob=data,
    )
    ecr.complete_layer_upload(repositoryName="web", uploadId=up, layerDigests=[digest])
    path = lab.save(tmp_path / "lab.jsonl")
    blob_dir = tmp_path / "lab.jsonl.blobs" / "sha256"
    assert digest.split(":")[1] in {p.name for p in blob_dir.iterdir()}
    loaded = Lab.load(path)
    assert answers(loaded) == answers(lab)
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    # The loaded lab serves the same bytes and carries on like the original.
    for x in (lab, loaded):
        web("v3").push(x, "web", "v3")
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    # Without its blobs folder a table that pushed images cannot be replayed.
    bare = tmp_path / "bare.jsonl"
    bare.write_bytes(path.read_bytes())
    with pytest.raises(Exception, match="blobs"):
        Lab.load(bare)
