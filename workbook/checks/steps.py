"""Exercise checks for the walkthrough's steps: container instances (lesson 02), task definitions
(lesson 03) and ECR images (lesson 04). Same contract as :mod:`workbook.checks` (they are exported
from there): read the lab through its API, return a :class:`CheckResult` with a plain-words hint.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..aws import client
from ..i18n import _
from ..views.instances import readable
from .core import _describe
from .result import CheckResult

__all__ = [
    "image_tagged",
    "instance_registered",
    "no_untagged_images",
    "taskdef_deregistered",
    "taskdef_registered",
]
# -- container instances (lesson 02) ---------------------------------------------------------------


def _launched(lab) -> list[dict]:
    return [
        i
        for r in client(lab, "ec2").describe_instances()["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] in ("pending", "running")
    ]


def instance_registered(
    lab,
    cluster: str,
    *,
    instance_type: str | None = None,
    instance_id: str | None = None,
    count: int = 1,
) -> CheckResult:
    """At least ``count`` ACTIVE container instances in ``cluster`` (of ``instance_type``, or the
    EC2 instance ``instance_id``), as ListContainerInstances / DescribeContainerInstances show."""
    if instance_id:
        what = readable(lab, instance_id)
    else:
        what = (
            f"{count} x {instance_type}" if instance_type else _("{n} instance(s)").format(n=count)
        )
    title = _("{what} registered in cluster {cluster}").format(what=what, cluster=cluster)
    c = _describe(lab, cluster)
    if c is None or c["status"] != "ACTIVE":
        return CheckResult(
            title,
            False,
            _("there is no active cluster named {cluster}").format(cluster=cluster),
            _('Create it first: ecs.create_cluster(clusterName="{cluster}").').format(
                cluster=cluster
            ),
        )
    ecs = client(lab, "ecs")
    arns = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    found = (
        ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
            "containerInstances"
        ]
        if arns
        else []
    )
    types = {
        c["ec2InstanceId"]: {a["name"]: a.get("value") for a in c["attributes"]}.get(
            "ecs.instance-type"
        )
        for c in found
    }
    good = [
        i
        for i, t in types.items()
        if (instance_type is None or t == instance_type) and (instance_id in (None, i))
    ]
    if len(good) >= count:
        return CheckResult(
            title, True, _("{n} ACTIVE container instance(s) match").format(n=len(good))
        )
    # Not there: say why, from the instances that were launched but did not join.
    candidates = [
        i
        for i in _launched(lab)
        if i["InstanceId"] not in types
        and (instance_type is None or i["InstanceType"] == instance_type)
        and instance_id in (None, i["InstanceId"])
    ]
    if instance_id is not None and not candidates and instance_id not in types:
        try:
            msg = readable(lab, lab.diagnose_instance(instance_id))
        except Exception:  # the lab's own error for an unknown id
            msg = _("the lab has no EC2 instance {id}").format(id=instance_id)
        return CheckResult(title, False, msg, _("Launch it (or fix it) and advance the clock."))
    if not candidates:
        size = _("an {type}").format(type=instance_type) if instance_type else _("an instance")
        return CheckResult(
            title,
            False,
            _(
                "{n} matching container instance(s) in {cluster}; no launched instance is "
                "waiting to join"
            ).format(n=len(good), cluster=cluster),
            _(
                "Launch {size} with ec2.run_instances from the ECS-optimized AMI (SSM parameter "
                "{parameter}), UserData naming ECS_CLUSTER={cluster} and "
                "IamInstanceProfile={{'Name': 'ecsInstanceRole'}}; then lab.advance('1m')."
            ).format(size=size, parameter=ECS_AMI_PARAMETER, cluster=cluster),
        )
    reasons = [lab.diagnose_instance(i["InstanceId"]) for i in candidates]
    pending = [r for r in reasons if "has not tried to register yet" in r]
    if len(pending) == len(reasons):
        return CheckResult(
            title,
            False,
            _("{n} launched instance(s) have not registered yet").format(n=len(candidates)),
            _("The agent starts about 35 s after launch: move the clock, e.g. lab.advance('1m')."),
        )
    why = next(r for r in reasons if r not in pending)
    return CheckResult(
        title,
        False,
        _("{n} launched instance(s) are running but not registered").format(
            n=len(candidates) - len(pending)
        ),
        readable(lab, why),
    )


ECS_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


# -- task definitions (lesson 03) ------------------------------------------------------------------


def _taskdef(lab, ref: str) -> dict | None:
    try:
        return client(lab, "ecs").describe_task_definition(taskDefinition=ref)["taskDefinition"]
    except ClientError:
        return None


def taskdef_registered(
    lab,
    family: str,
    *,
    compatible_with: str | None = None,
    network_mode: str | None = None,
    min_revision: int = 1,
) -> CheckResult:
    """The family has an ACTIVE revision (>= ``min_revision``) that ECS lists as compatible with
    ``compatible_with`` (EC2 or FARGATE) and uses ``network_mode``."""
    title = _("task definition {family} registered").format(family=family)
    td = _taskdef(lab, family)
    if td is None:
        fams = client(lab, "ecs").list_task_definition_families(status="ALL")["families"]
        hint = _(
            "Register it with ecs.register_task_definition(family=..., containerDefinitions=[...]); "
            "if ECS refused it, read the error message: it names the rule."
        )
        if fams:
            hint += " " + _("Families in the lab: {names}.").format(names=", ".join(fams))
        return CheckResult(
            title, False, _("there is no ACTIVE revision of {family}").format(family=family), hint
        )
    where = f"{family}:{td['revision']}"
    if td["revision"] < min_revision:
        return CheckResult(
            title,
            False,
            _("the latest ACTIVE revision is {where}").format(where=where),
            _(
                "Register a new revision (revision {n} or later): each "
                "register_task_definition call for the family adds one."
            ).format(n=min_revision),
        )
    if compatible_with and compatible_with not in td["compatibilities"]:
        return CheckResult(
            title,
            False,
            _("{where} is compatible with {have}, not {want}").format(
                where=where, have=", ".join(td["compatibilities"]), want=compatible_with
            ),
            (
                _(
                    'Add requiresCompatibilities=["{want}"] so ECS checks the rules for it; '
                    "Fargate needs networkMode awsvpc and a valid task-level cpu/memory pair."
                )
                if compatible_with == "FARGATE"
                else _('Add requiresCompatibilities=["{want}"] so ECS checks the rules for it.')
            ).format(want=compatible_with),
        )
    mode = td.get("networkMode", "bridge")
    if network_mode and mode != network_mode:
        return CheckResult(
            title,
            False,
            _("{where} uses networkMode {mode}, the exercise wants {want}").format(
                where=where, mode=mode, want=network_mode
            ),
            _('Pass networkMode="{want}" and register a new revision.').format(want=network_mode),
        )
    return CheckResult(
        title,
        True,
        _("{where} is ACTIVE ({compatibilities}; {mode})").format(
            where=where, compatibilities=", ".join(td["compatibilities"]), mode=mode
        ),
    )


def taskdef_deregistered(lab, ref: str) -> CheckResult:
    """``family:revision`` is INACTIVE (deregistered) or being deleted."""
    title = _("task definition {ref} deregistered").format(ref=ref)
    if ":" not in ref:
        raise ValueError("name a revision, like web:1")
    td = _taskdef(lab, ref)
    if td is None:
        return CheckResult(
            title,
            False,
            _("{ref} does not exist").format(ref=ref),
            _("Check the family name and revision number."),
        )
    if td["status"] == "ACTIVE":
        return CheckResult(
            title,
            False,
            _("{ref} is still ACTIVE").format(ref=ref),
            _(
                'Deregister it with ecs.deregister_task_definition(taskDefinition="{ref}"): a '
                "revision number is required, a bare family name is refused."
            ).format(ref=ref),
        )
    return CheckResult(title, True, _("{ref} is {status}").format(ref=ref, status=td["status"]))


# -- ECR (lesson 04) -------------------------------------------------------------------------------


def _images(lab, repository: str) -> list[dict] | None:
    try:
        pages = (
            client(lab, "ecr").get_paginator("describe_images").paginate(repositoryName=repository)
        )
        return [d for p in pages for d in p["imageDetails"]]
    except ClientError:
        return None


def image_tagged(lab, repository: str, tag: str, *, same_as: str | None = None) -> CheckResult:
    """``repository:tag`` exists (and points at the same image digest as tag ``same_as``)."""
    title = _("image {repository}:{tag}").format(repository=repository, tag=tag)
    images = _images(lab, repository)
    if images is None:
        return CheckResult(
            title,
            False,
            _("there is no repository named {repository}").format(repository=repository),
            _('Create it with ecr.create_repository(repositoryName="{repository}").').format(
                repository=repository
            ),
        )
    by_tag = {t: d["imageDigest"] for d in images for t in d.get("imageTags", [])}
    if tag not in by_tag:
        have = ", ".join(sorted(by_tag)) or _("none")
        return CheckResult(
            title,
            False,
            _("no image in {repository} has the tag {tag} (tags: {have})").format(
                repository=repository, tag=tag, have=have
            ),
            _(
                "To add a tag without pulling: ecr.batch_get_image(...) returns the "
                "imageManifest; pass it to ecr.put_image(repositoryName=..., imageTag=..., "
                "imageManifest=...)."
            ),
        )
    if same_as is not None and by_tag.get(same_as) != by_tag[tag]:
        return CheckResult(
            title,
            False,
            _("{tag} and {other} point at different images").format(tag=tag, other=same_as),
            _(
                "Take the manifest of {other} (batch_get_image with imageTag={quoted}) and put "
                "it under the new tag: the digest is the manifest's hash, so it is the same image."
            ).format(other=same_as, quoted=repr(same_as)),
        )
    short = by_tag[tag].split(":")[1][:12]
    return CheckResult(
        title,
        True,
        f"{tag} -> sha256:{short}"
        + (_(" (same as {other})").format(other=same_as) if same_as else ""),
    )


def no_untagged_images(lab, repository: str) -> CheckResult:
    """The repository exists, still has tagged images, and has no untagged ones."""
    title = _("no untagged images in {repository}").format(repository=repository)
    images = _images(lab, repository)
    if images is None:
        return CheckResult(
            title,
            False,
            _("there is no repository named {repository}").format(repository=repository),
            _("Check the name."),
        )
    untagged = [d for d in images if not d.get("imageTags")]
    tagged = [d for d in images if d.get("imageTags")]
    if untagged:
        return CheckResult(
            title,
            False,
            _("{n} untagged image(s) left").format(n=len(untagged)),
            _(
                "List them with ecr.list_images(repositoryName=..., "
                "filter={{'tagStatus': 'UNTAGGED'}}) "
                "and pass their imageIds to ecr.batch_delete_image."
            ).format(),
        )
    if not tagged:
        return CheckResult(
            title,
            False,
            _("the repository is empty: the tagged images were deleted too"),
            _("Delete by digest only the images that have no tag."),
        )
    return CheckResult(title, True, _("{n} tagged image(s), none untagged").format(n=len(tagged)))
