"""EC2 CreateLaunchTemplate, CreateLaunchTemplateVersion, DescribeLaunchTemplates,
DescribeLaunchTemplateVersions, DeleteLaunchTemplate."""

from __future__ import annotations

from ..core.errors import error_for_code
from .ec2_common import select, tags_from_specs, tags_out
from .registry import handler


def _data_in(lab, d: dict) -> dict:
    """RequestLaunchTemplateData -> the snake_case launch data the domain keeps."""
    profile = d.get("IamInstanceProfile") or {}
    groups = list(d.get("SecurityGroupIds") or [])
    if d.get("SecurityGroups"):
        by_name = {g.name: g.id for g in lab.network.security_groups.values()}
        for name in d["SecurityGroups"]:
            if name not in by_name:
                raise error_for_code("InvalidGroup.NotFound")(
                    f"The security group '{name}' does not exist"
                )
            groups.append(by_name[name])
    for g in groups:
        lab.network.security_group(g)  # InvalidGroup.NotFound as RunInstances raises it
    out = {
        "image_id": d.get("ImageId"),
        "instance_type": d.get("InstanceType"),
        "user_data": d.get("UserData"),
        "profile_name": profile.get("Name"),
        "profile_arn": profile.get("Arn"),
        "security_group_ids": groups,
        "tags": tags_from_specs(d.get("TagSpecifications"), "instance"),
    }
    return {k: v for k, v in out.items() if v not in (None, [], {})}


def _data_out(data: dict) -> dict:
    out: dict = {}
    if data.get("image_id"):
        out["ImageId"] = data["image_id"]
    if data.get("instance_type"):
        out["InstanceType"] = data["instance_type"]
    if data.get("user_data"):
        out["UserData"] = data["user_data"]
    if data.get("profile_arn") or data.get("profile_name"):
        out["IamInstanceProfile"] = {
            k: v
            for k, v in (("Arn", data.get("profile_arn")), ("Name", data.get("profile_name")))
            if v
        }
    if data.get("security_group_ids"):
        out["SecurityGroupIds"] = list(data["security_group_ids"])
    if data.get("tags"):
        out["TagSpecifications"] = [{"ResourceType": "instance", "Tags": tags_out(data["tags"])}]
    return out


def template_out(lab, lt) -> dict:
    return {
        "LaunchTemplateId": lt.id,
        "LaunchTemplateName": lt.name,
        "CreateTime": lt.created_at,
        "CreatedBy": f"arn:aws:iam::{lab.account_id}:root",
        "DefaultVersionNumber": lt.default_version,
        "LatestVersionNumber": lt.latest_version,
        "Tags": tags_out(lt.tags),
    }


def _find(lab, p):
    if p.get("LaunchTemplateId") is None and p.get("LaunchTemplateName") is None:
        raise error_for_code("MissingParameter")(
            "The request must contain the parameter LaunchTemplateName or LaunchTemplateId"
        )
    return lab.launch_templates.find(
        template_id=p.get("LaunchTemplateId"), name=p.get("LaunchTemplateName")
    )


@handler("ec2", "CreateLaunchTemplate")
def create_launch_template(lab, p):
    data = _data_in(lab, p.get("LaunchTemplateData") or {})
    lt = lab.launch_templates.create(
        p["LaunchTemplateName"],
        data,
        p.get("VersionDescription"),
        tags_from_specs(p.get("TagSpecifications"), "launch-template"),
    )
    return {"LaunchTemplate": template_out(lab, lt)}


def _version_out(lab, lt, n: int) -> dict:
    out = {
        "LaunchTemplateId": lt.id,
        "LaunchTemplateName": lt.name,
        "VersionNumber": n,
        "CreateTime": lt.created_at,
        "CreatedBy": f"arn:aws:iam::{lab.account_id}:root",
        "DefaultVersion": n == lt.default_version,
        "LaunchTemplateData": _data_out(lt.versions[n - 1]),
    }
    if lt.descriptions[n - 1]:
        out["VersionDescription"] = lt.descriptions[n - 1]
    return out


@handler("ec2", "CreateLaunchTemplateVersion")
def create_launch_template_version(lab, p):
    lt = _find(lab, p)
    source = p.get("SourceVersion")
    if source is not None:
        lt.version_number(source)
    n = lab.launch_templates.add_version(
        lt, _data_in(lab, p.get("LaunchTemplateData") or {}), source, p.get("VersionDescription")
    )
    return {"LaunchTemplateVersion": _version_out(lab, lt, n)}


@handler("ec2", "DescribeLaunchTemplates")
def describe_launch_templates(lab, p):
    ids, names = p.get("LaunchTemplateIds") or [], p.get("LaunchTemplateNames") or []
    if ids or names:
        found = [lab.launch_templates.find(template_id=i) for i in ids]
        found += [lab.launch_templates.find(name=n) for n in names]
    else:
        found = lab.launch_templates.all()
    found = select(
        found,
        p.get("Filters"),
        {"launch-template-name": lambda t: t.name},
        tags=lambda t: t.tags,
    )
    return {"LaunchTemplates": [template_out(lab, t) for t in found]}


@handler("ec2", "DescribeLaunchTemplateVersions")
def describe_launch_template_versions(lab, p):
    lt = _find(lab, p)
    wanted = p.get("Versions") or []
    numbers = (
        [lt.version_number(v) for v in wanted] if wanted else list(range(1, lt.latest_version + 1))
    )
    return {"LaunchTemplateVersions": [_version_out(lab, lt, n) for n in dict.fromkeys(numbers)]}


@handler("ec2", "DeleteLaunchTemplate")
def delete_launch_template(lab, p):
    lt = _find(lab, p)
    out = template_out(lab, lt)
    lab.launch_templates.delete(lt)
    return {"LaunchTemplate": out}
