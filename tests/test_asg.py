"""EC2 launch templates and Auto Scaling groups, through real boto3 clients."""

from __future__ import annotations

import botocore.exceptions
import pytest
from capkit import group, subnet_csv, template

from ecslab import Lab


@pytest.fixture
def asg(lab):
    return lab.client("autoscaling")


@pytest.fixture
def cluster(ecs):
    ecs.create_cluster(clusterName="cp")
    return "cp"


def _members(asg, name="asg"):
    g = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return {i["InstanceId"]: i for i in g["Instances"]}


def _unchanged(lab, fn, code: str, message: str | None = None):
    before = len(lab.log)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn()
    assert e.value.response["Error"]["Code"] == code
    if message is not None:
        assert e.value.response["Error"]["Message"] == message
    assert len(lab.log) == before
    return e.value


def test_launch_template_crud(lab, ec2):
    lt = template(lab, "web")
    got = ec2.describe_launch_templates(LaunchTemplateNames=["web"])["LaunchTemplates"]
    assert got[0]["LaunchTemplateId"] == lt and got[0]["LatestVersionNumber"] == 1
    ec2.create_launch_template_version(
        LaunchTemplateId=lt, SourceVersion="1", LaunchTemplateData={"InstanceType": "c5.large"}
    )
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=lt)["LaunchTemplateVersions"]
    assert [v["LaunchTemplateData"]["InstanceType"] for v in versions] == ["m5.large", "c5.large"]
    assert (
        versions[1]["LaunchTemplateData"]["ImageId"] == versions[0]["LaunchTemplateData"]["ImageId"]
    )
    _unchanged(
        lab,
        lambda: ec2.create_launch_template(
            LaunchTemplateName="web", LaunchTemplateData={"InstanceType": "m5.large"}
        ),
        "InvalidLaunchTemplateName.AlreadyExistsException",
        "Launch template name already in use.",
    )
    _unchanged(
        lab,
        lambda: ec2.describe_launch_templates(LaunchTemplateNames=["nope"]),
        "InvalidLaunchTemplateName.NotFoundException",
    )
    ec2.delete_launch_template(LaunchTemplateName="web")
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_group_launches_through_the_agent_and_scales_in(lab, ecs, asg, cluster):
    g = group(lab, desired=2)
    assert g["DesiredCapacity"] == 2 and g["Instances"] == []  # launches come a moment later
    lab.advance("10s")
    members = _members(asg)
    assert len(members) == 2 and {m["LifecycleState"] for m in members.values()} == {"Pending"}
    assert len({m["AvailabilityZone"] for m in members.values()}) == 2  # spread over AZs
    lab.advance("2m")
    assert {m["LifecycleState"] for m in _members(asg).values()} == {"InService"}
    cis = ecs.list_container_instances(cluster="cp")["containerInstanceArns"]
    assert len(cis) == 2  # the ECS agent registered them, as for RunInstances
    ec2_ids = {
        d["ec2InstanceId"]
        for d in ecs.describe_container_instances(cluster="cp", containerInstances=cis)[
            "containerInstances"
        ]
    }
    assert ec2_ids == set(members)
    tags = lab.client("ec2").describe_instances(InstanceIds=list(members))["Reservations"]
    tag = tags[0]["Instances"][0]["Tags"]
    assert {"Key": "aws:autoscaling:groupName", "Value": "asg"} in tag

    asg.set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=1)
    lab.advance("1m")
    assert len(_members(asg)) == 1
    assert len(ecs.list_container_instances(cluster="cp")["containerInstanceArns"]) == 1
    acts = asg.describe_scaling_activities(AutoScalingGroupName="asg")["Activities"]
    assert acts[0]["Description"].startswith("Terminating EC2 instance: ")
    assert {a["StatusCode"] for a in acts} == {"Successful"}


def test_protected_instances_survive_scale_in(lab, asg, cluster):
    group(lab, desired=2, protect=True)
    lab.advance("1m")
    members = _members(asg)
    assert all(m["ProtectedFromScaleIn"] for m in members.values())
    first = sorted(members)[0]
    asg.set_instance_protection(
        AutoScalingGroupName="asg", InstanceIds=[first], ProtectedFromScaleIn=False
    )
    asg.set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=0)
    lab.advance("1m")
    left = _members(asg)
    assert list(left) == [i for i in members if i != first]  # the protected one stays
    _unchanged(
        lab,
        lambda: asg.set_instance_protection(
            AutoScalingGroupName="asg",
            InstanceIds=["i-0123456789abcdef0"],
            ProtectedFromScaleIn=True,
        ),
        "ValidationError",
        "The instance i-0123456789abcdef0 is not part of Auto Scaling group asg.",
    )


def test_a_terminated_member_is_replaced(lab, ec2, asg, cluster):
    group(lab, desired=1)
    lab.advance("1m")
    (old,) = _members(asg)
    ec2.terminate_instances(InstanceIds=[old])
    lab.advance("1m")
    (new,) = _members(asg)
    assert new != old


def test_update_clamps_and_validates(lab, asg, cluster):
    group(lab, desired=3, max_size=5)
    asg.update_auto_scaling_group(AutoScalingGroupName="asg", MaxSize=2)
    g = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert (g["MaxSize"], g["DesiredCapacity"]) == (2, 2)
    _unchanged(
        lab,
        lambda: asg.update_auto_scaling_group(AutoScalingGroupName="asg", MinSize=3),
        "ValidationError",
        "Max bound, 2, must be greater than or equal to min bound, 3",
    )
    _unchanged(
        lab,
        lambda: asg.set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=9),
        "ValidationError",
        "New SetDesiredCapacity value 9 is above max value 2 for the AutoScalingGroup.",
    )
    _unchanged(
        lab,
        lambda: asg.update_auto_scaling_group(AutoScalingGroupName="nope", MaxSize=1),
        "ValidationError",
        "AutoScalingGroup name not found - nope",
    )


def test_create_errors_change_nothing(lab, asg, cluster):
    lt = template(lab)
    common = dict(
        LaunchTemplate={"LaunchTemplateId": lt},
        MinSize=0,
        MaxSize=2,
        VPCZoneIdentifier=subnet_csv(lab),
    )
    _unchanged(
        lab,
        lambda: asg.create_auto_scaling_group(
            AutoScalingGroupName="g", **{**common, "DesiredCapacity": 5}
        ),
        "ValidationError",
        "Desired capacity:5 must be between the specified min size:0 and max size:2",
    )
    _unchanged(
        lab,
        lambda: asg.create_auto_scaling_group(
            AutoScalingGroupName="g",
            **{k: v for k, v in common.items() if k != "VPCZoneIdentifier"},
        ),
        "ValidationError",
        "At least one Availability Zone or VPC Subnet is required.",
    )
    _unchanged(
        lab,
        lambda: asg.create_auto_scaling_group(
            AutoScalingGroupName="g",
            **{**common, "LaunchTemplate": {"LaunchTemplateName": "missing"}},
        ),
        "ValidationError",
    )
    asg.create_auto_scaling_group(AutoScalingGroupName="g", **common)
    _unchanged(
        lab,
        lambda: asg.create_auto_scaling_group(AutoScalingGroupName="g", **common),
        "AlreadyExists",
        "AutoScalingGroup by this name already exists - A group with the name g already exists",
    )


def test_delete_needs_force_with_instances(lab, asg, cluster):
    group(lab, desired=1)
    lab.advance("1m")
    _unchanged(
        lab,
        lambda: asg.delete_auto_scaling_group(AutoScalingGroupName="asg"),
        "ResourceInUse",
    )
    (iid,) = _members(asg)
    asg.delete_auto_scaling_group(AutoScalingGroupName="asg", ForceDelete=True)
    lab.advance("1m")
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    state = lab.client("ec2").describe_instances(InstanceIds=[iid])["Reservations"][0]
    assert state["Instances"][0]["State"]["Name"] == "terminated"


def test_groups_replay(lab, asg, cluster, tmp_path):
    group(lab, desired=2)
    lab.advance("2m")
    asg.set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=1)
    lab.advance("1m")
    again = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert again.events.shape == lab.events.shape
    assert list(again.asg.get("asg").members) == list(lab.asg.get("asg").members)
