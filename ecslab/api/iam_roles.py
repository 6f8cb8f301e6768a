"""A little IAM (query protocol): GetRole, GetInstanceProfile, ListRoles, ListInstanceProfiles."""

from __future__ import annotations

from urllib.parse import quote

from .registry import handler


def role_out(r) -> dict:
    return {
        "Path": r.path,
        "RoleName": r.name,
        "RoleId": r.id,
        "Arn": r.arn,
        "CreateDate": r.created_at,
        # IAM returns the trust policy URL-encoded.
        "AssumeRolePolicyDocument": quote(r.trust_policy, safe=""),
        "MaxSessionDuration": 3600,
    }


def profile_out(lab, p) -> dict:
    return {
        "Path": p.path,
        "InstanceProfileName": p.name,
        "InstanceProfileId": p.id,
        "Arn": p.arn,
        "CreateDate": p.created_at,
        "Roles": [role_out(lab.iam.roles[r]) for r in p.roles if r in lab.iam.roles],
    }


@handler("iam", "GetRole")
def get_role(lab, p):
    return {"Role": role_out(lab.iam.role(p["RoleName"]))}


@handler("iam", "ListRoles")
def list_roles(lab, p):
    prefix = p.get("PathPrefix") or "/"
    roles = [r for r in lab.iam.roles.values() if r.path.startswith(prefix)]
    return {"Roles": [role_out(r) for r in roles], "IsTruncated": False}


@handler("iam", "GetInstanceProfile")
def get_instance_profile(lab, p):
    return {"InstanceProfile": profile_out(lab, lab.iam.profile(p["InstanceProfileName"]))}


@handler("iam", "ListInstanceProfiles")
def list_instance_profiles(lab, p):
    return {
        "InstanceProfiles": [profile_out(lab, x) for x in lab.iam.profiles.values()],
        "IsTruncated": False,
    }


@handler("iam", "ListAttachedRolePolicies")
def list_attached_role_policies(lab, p):
    role = lab.iam.role(p["RoleName"])
    return {
        "AttachedPolicies": [
            {"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in role.policies
        ],
        "IsTruncated": False,
    }
