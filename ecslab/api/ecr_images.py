"""ECR images: PutImage, BatchGetImage, ListImages, DescribeImages, BatchDeleteImage, and the
layer-upload operations (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload,
BatchCheckLayerAvailability)."""

from __future__ import annotations

import base64
import binascii

from ..core.errors import error_for_code
from .paging import page
from .registry import handler

ImageNotFoundException = error_for_code("ImageNotFoundException")
InvalidParameterException = error_for_code("InvalidParameterException")
_STATUS = ("TAGGED", "UNTAGGED", "ANY")


def _repo(lab, p):
    name = p["repositoryName"]
    lab.ecr.check_registry_id(p.get("registryId"), name)
    return lab.ecr.get(name)


def _image_id(digest, tag) -> dict:
    out = {"imageDigest": digest}
    if tag is not None:
        out["imageTag"] = tag
    return out


def _tag_status(p) -> str:
    status = (p.get("filter") or {}).get("tagStatus") or "ANY"
    if status not in _STATUS:
        raise InvalidParameterException(
            f"Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: "
            f"'Member must satisfy enum value set: {list(_STATUS)}'"
        )
    return status


def _image_out(lab, repo, img, tag) -> dict:
    return {
        "registryId": lab.ecr.registry_id,
        "repositoryName": repo.name,
        "imageId": _image_id(img.digest, tag),
        "imageManifest": img.manifest.text,
        "imageManifestMediaType": img.media_type,
    }


def _detail_out(lab, repo, img) -> dict:
    out = {
        "registryId": lab.ecr.registry_id,
        "repositoryName": repo.name,
        "imageDigest": img.digest,
        "imageSizeInBytes": img.size_bytes,
        "imagePushedAt": img.pushed_at,
        "imageManifestMediaType": img.media_type,
        "imageStatus": "ACTIVE",
    }
    if img.tags:
        out["imageTags"] = list(img.tags)
    if img.manifest.config_digest:
        out["artifactMediaType"] = (
            "application/vnd.docker.container.image.v1+json"
            if "docker" in img.media_type
            else "application/vnd.oci.image.config.v1+json"
        )
    return out


@handler("ecr", "PutImage")
def put_image(lab, p):
    repo = _repo(lab, p)
    img, _ = lab.ecr.put_image(
        repo.name,
        p["imageManifest"],
        media_type=p.get("imageManifestMediaType"),
        tag=p.get("imageTag"),
        digest=p.get("imageDigest"),
    )
    return {"image": _image_out(lab, repo, img, p.get("imageTag"))}


@handler("ecr", "BatchGetImage")
def batch_get_image(lab, p):
    repo = _repo(lab, p)
    # acceptedMediaTypes: ECR converts between schema versions; ecslab returns what was pushed.
    images, failures = [], []
    for ident in p["imageIds"]:
        digest, tag = ident.get("imageDigest"), ident.get("imageTag")
        fid = {k: v for k, v in (("imageDigest", digest), ("imageTag", tag)) if v is not None}
        if digest is None and tag is None:
            failures.append(
                {
                    "imageId": fid,
                    "failureCode": "MissingDigestAndTag",
                    "failureReason": "Invalid request parameters: both tag and digest cannot be null",
                }
            )
            continue
        img = lab.ecr.find_image(repo.name, tag=tag, digest=digest)
        if img is None:
            code, reason = "ImageNotFound", "Requested image not found"
            if digest is not None and tag is not None and digest in repo.images:
                code = "ImageTagDoesNotMatchDigest"
                reason = "Invalid request parameters: given tag does not map to given digest"
            failures.append({"imageId": fid, "failureCode": code, "failureReason": reason})
        else:
            images.append(_image_out(lab, repo, img, tag))
    return {"images": images, "failures": failures}


@handler("ecr", "ListImages")
def list_images(lab, p):
    repo = _repo(lab, p)
    ids = lab.ecr.image_ids(repo.name, _tag_status(p))
    chunk, token = page(ids, p, default_max=100, max_limit=1000)
    return {"imageIds": [_image_id(d, t) for d, t in chunk], "nextToken": token}


@handler("ecr", "DescribeImages")
def describe_images(lab, p):
    repo = _repo(lab, p)
    wanted = p.get("imageIds")
    if wanted:
        found = []
        for ident in wanted:
            digest, tag = ident.get("imageDigest"), ident.get("imageTag")
            img = lab.ecr.find_image(repo.name, tag=tag, digest=digest)
            if img is None:
                raise ImageNotFoundException(
                    f"The image with imageId {{imageDigest:'{digest or 'null'}', imageTag:'{tag or 'null'}'}} "
                    f"does not exist within the repository with name '{repo.name}' in the registry "
                    f"with id '{lab.ecr.registry_id}'"
                )
            if img not in found:
                found.append(img)
        return {"imageDetails": [_detail_out(lab, repo, i) for i in found]}
    status = _tag_status(p)
    images = [
        i for i in repo.images.values() if status == "ANY" or (status == "TAGGED") == bool(i.tags)
    ]
    chunk, token = page(images, p, default_max=100, max_limit=1000)
    return {"imageDetails": [_detail_out(lab, repo, i) for i in chunk], "nextToken": token}


@handler("ecr", "BatchDeleteImage")
def batch_delete_image(lab, p):
    repo = _repo(lab, p)
    ids = [(i.get("imageDigest"), i.get("imageTag")) for i in p["imageIds"]]
    deleted, failures = lab.ecr.delete_images(repo.name, ids)
    return {
        "imageIds": [_image_id(d, t) for d, t in deleted],
        "failures": [
            {
                "imageId": {
                    k: v
                    for k, v in (("imageDigest", f.digest), ("imageTag", f.tag))
                    if v is not None
                },
                "failureCode": f.code,
                "failureReason": f.reason,
            }
            for f in failures
        ],
    }


# -- layer uploads ---------------------------------------------------------------------------------


@handler("ecr", "InitiateLayerUpload")
def initiate_layer_upload(lab, p):
    repo = _repo(lab, p)
    from ..domain.registry.uploads import PART_SIZE

    return {"uploadId": lab.ecr.initiate_upload(repo.name), "partSize": PART_SIZE}


# Not recorded: the part's bytes are transient until CompleteLayerUpload names their digest.
@handler("ecr", "UploadLayerPart", mutating=False)
def upload_layer_part(lab, p):
    repo = _repo(lab, p)
    blob = p["layerPartBlob"]
    try:
        data = base64.b64decode(blob, validate=True) if isinstance(blob, str) else bytes(blob)
    except (binascii.Error, ValueError):
        raise InvalidParameterException("layerPartBlob is not valid base64") from None
    last = lab.ecr.upload_part(
        repo.name, p["uploadId"], int(p["partFirstByte"]), int(p["partLastByte"]), data
    )
    return {
        "registryId": lab.ecr.registry_id,
        "repositoryName": repo.name,
        "uploadId": p["uploadId"],
        "lastByteReceived": last,
    }


@handler("ecr", "CompleteLayerUpload")
def complete_layer_upload(lab, p):
    repo = _repo(lab, p)
    digest, _ = lab.ecr.complete_upload(repo.name, p["uploadId"], list(p["layerDigests"]))
    return {
        "registryId": lab.ecr.registry_id,
        "repositoryName": repo.name,
        "uploadId": p["uploadId"],
        "layerDigest": digest,
    }


@handler("ecr", "BatchCheckLayerAvailability", mutating=False)
def batch_check_layer_availability(lab, p):
    repo = _repo(lab, p)
    layers, failures = [], []
    for d in p["layerDigests"]:
        if d in repo.layers:
            layers.append(
                {"layerDigest": d, "layerAvailability": "AVAILABLE", "layerSize": repo.layers[d]}
            )
        else:
            failures.append(
                {
                    "layerDigest": d,
                    "failureCode": "MissingLayerDigest",
                    "failureReason": "Requested layer not found",
                }
            )
    return {"layers": layers, "failures": failures}
