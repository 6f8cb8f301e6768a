"""SSM hybrid activations (the subset ECS Anywhere registration needs)."""

from __future__ import annotations

from .paging import page
from .registry import handler


def _out(lab, a) -> dict:
    out = {
        "ActivationId": a.id,
        "IamRole": a.iam_role,
        "RegistrationLimit": a.registration_limit,
        "RegistrationsCount": a.registrations,
        "ExpirationDate": a.expires_at,
        "Expired": lab.activations.expired(a),
        "CreatedDate": a.created_at,
        "Tags": [{"Key": k, "Value": v} for k, v in a.tags.items()],
    }
    if a.description is not None:
        out["Description"] = a.description
    if a.default_instance_name is not None:
        out["DefaultInstanceName"] = a.default_instance_name
    return out


@handler("ssm", "CreateActivation")
def create_activation(lab, p):
    a = lab.activations.create(
        p["IamRole"],
        registration_limit=p.get("RegistrationLimit"),
        expires_at=p.get("ExpirationDate"),
        description=p.get("Description"),
        default_instance_name=p.get("DefaultInstanceName"),
        tags={t["Key"]: t["Value"] for t in p.get("Tags") or []},
    )
    return {"ActivationId": a.id, "ActivationCode": a.code}


@handler("ssm", "DescribeActivations")
def describe_activations(lab, p):
    acts = lab.activations.list()
    for f in p.get("Filters") or []:
        key, values = f.get("FilterKey"), list(f.get("FilterValues") or [])
        attr = {"ActivationIds": "id", "DefaultInstanceName": "default_instance_name"}.get(
            key, "iam_role"
        )
        acts = [a for a in acts if getattr(a, attr) in values]
    paging = {"maxResults": p.get("MaxResults"), "nextToken": p.get("NextToken")}
    chunk, token = page(acts, paging, default_max=50, max_limit=50)
    return {"ActivationList": [_out(lab, a) for a in chunk], "NextToken": token}


@handler("ssm", "DeleteActivation")
def delete_activation(lab, p):
    lab.activations.delete(p["ActivationId"])
    return {}
