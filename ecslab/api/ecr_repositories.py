"""ECR repositories and login: CreateRepository, DescribeRepositories, DeleteRepository,
GetAuthorizationToken."""

from __future__ import annotations

from .paging import page
from .registry import handler


def repository_out(lab, repo) -> dict:
    out = {
        "repositoryArn": repo.arn,
        "registryId": lab.ecr.registry_id,
        "repositoryName": repo.name,
        "repositoryUri": repo.uri,
        "createdAt": repo.created_at,
        "imageTagMutability": repo.tag_mutability,
        "imageScanningConfiguration": {"scanOnPush": repo.scan_on_push},
        "encryptionConfiguration": {"encryptionType": repo.encryption_type},
    }
    if repo.kms_key:
        out["encryptionConfiguration"]["kmsKey"] = repo.kms_key
    if repo.exclusion_filters:
        out["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in repo.exclusion_filters
        ]
    return out


@handler("ecr", "CreateRepository")
def create_repository(lab, p):
    name = p["repositoryName"]
    lab.ecr.check_registry_id(p.get("registryId"), name)
    enc = p.get("encryptionConfiguration") or {}
    repo = lab.ecr.create(
        name,
        tag_mutability=p.get("imageTagMutability"),
        exclusion_filters=[f["filter"] for f in p.get("imageTagMutabilityExclusionFilters") or []],
        scan_on_push=(p.get("imageScanningConfiguration") or {}).get("scanOnPush", False),
        encryption_type=enc.get("encryptionType"),
        kms_key=enc.get("kmsKey"),
        tags=[{"Key": t["Key"], "Value": t["Value"]} for t in p.get("tags") or []],
    )
    return {"repository": repository_out(lab, repo)}


@handler("ecr", "DescribeRepositories")
def describe_repositories(lab, p):
    names = p.get("repositoryNames")
    for n in names or []:
        lab.ecr.check_registry_id(p.get("registryId"), n)
    if names:
        if p.get("maxResults") is not None or p.get("nextToken"):
            from ..core.errors import InvalidParameterException

            raise InvalidParameterException(
                "Invalid parameter: maxResults and nextToken cannot be used with repositoryNames"
            )
        repos = [lab.ecr.get(n) for n in names]
        token = None
    else:
        repos, token = page(lab.ecr.all(), p, default_max=100, max_limit=1000)
    return {"repositories": [repository_out(lab, r) for r in repos], "nextToken": token}


@handler("ecr", "DeleteRepository")
def delete_repository(lab, p):
    lab.ecr.check_registry_id(p.get("registryId"), p["repositoryName"])
    repo = lab.ecr.delete(p["repositoryName"], force=bool(p.get("force")))
    return {"repository": repository_out(lab, repo)}


@handler("ecr", "GetAuthorizationToken")
def get_authorization_token(lab, p):
    token, expires = lab.ecr.authorization_token()
    data = {
        "authorizationToken": token,
        "expiresAt": expires,
        "proxyEndpoint": lab.ecr.proxy_endpoint,
    }
    return {"authorizationData": [data]}
