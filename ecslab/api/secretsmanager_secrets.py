"""Secrets Manager: CreateSecret, DescribeSecret, GetSecretValue, DeleteSecret."""

from __future__ import annotations

from .registry import handler


def _tags(secret) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in secret.tags]


@handler("secretsmanager", "CreateSecret")
def create_secret(lab, p):
    # VersionId comes from lab.random, not boto3's auto-filled ClientRequestToken (a client-side
    # uuid4): the same calls must give the same ids.
    s = lab.secrets.create(
        p["Name"],
        secret_string=p.get("SecretString"),
        secret_binary=p.get("SecretBinary"),
        description=p.get("Description"),
        kms_key_id=p.get("KmsKeyId"),
        tags=[{"Key": t.get("Key", ""), "Value": t.get("Value", "")} for t in p.get("Tags") or []],
    )
    return {"ARN": s.arn, "Name": s.name, "VersionId": s.version_id}


@handler("secretsmanager", "DescribeSecret")
def describe_secret(lab, p):
    s = lab.secrets.get(p["SecretId"])
    out = {
        "ARN": s.arn,
        "Name": s.name,
        "Description": s.description,
        "KmsKeyId": s.kms_key_id,
        "LastChangedDate": s.created_at,
        "CreatedDate": s.created_at,
        "DeletedDate": s.deletion_date,
        "VersionIdsToStages": {s.version_id: ["AWSCURRENT"]},
    }
    if s.tags:
        out["Tags"] = _tags(s)
    return out


@handler("secretsmanager", "GetSecretValue")
def get_secret_value(lab, p):
    s = lab.secrets.value(p["SecretId"])
    vid, stage = p.get("VersionId"), p.get("VersionStage")
    if (vid is not None and vid != s.version_id) or (stage is not None and stage != "AWSCURRENT"):
        from ..core.errors import ResourceNotFoundException

        raise ResourceNotFoundException(
            "Secrets Manager can't find the specified secret value for "
            + (f"VersionId: {vid}" if vid is not None else f"staging label: {stage}")
        )
    return {
        "ARN": s.arn,
        "Name": s.name,
        "VersionId": s.version_id,
        "SecretString": s.secret_string,
        "SecretBinary": s.secret_binary,
        "VersionStages": ["AWSCURRENT"],
        "CreatedDate": s.created_at,
    }


@handler("secretsmanager", "DeleteSecret")
def delete_secret(lab, p):
    s = lab.secrets.delete(
        p["SecretId"],
        recovery_days=p.get("RecoveryWindowInDays"),
        force=bool(p.get("ForceDeleteWithoutRecovery")),
    )
    return {"ARN": s.arn, "Name": s.name, "DeletionDate": s.deletion_date}
