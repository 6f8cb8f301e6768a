"""The default VPC, the SSM AMI parameters and the IAM roles a new lab starts with."""

import pytest
from botocore.exceptions import ClientError

from ecslab import Lab
from tests.conftest import ECS_AMI_PARAM, ECS_AMI_PARAM_ARM


def test_default_vpc_subnets_zones_and_security_group(ec2):
    [vpc] = ec2.describe_vpcs()["Vpcs"]
    assert vpc["IsDefault"] is True and vpc["CidrBlock"] == "172.31.0.0/16"
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["ap-east-1a", "ap-east-1b", "ap-east-1c"]
    assert [z["ZoneId"] for z in zones] == ["ape1-az1", "ape1-az2", "ape1-az3"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ]
    assert sorted(s["AvailabilityZone"] for s in subnets) == [z["ZoneName"] for z in zones]
    assert all(s["MapPublicIpOnLaunch"] and s["VpcId"] == vpc["VpcId"] for s in subnets)
    assert sorted(s["CidrBlock"] for s in subnets) == [
        "172.31.0.0/20",
        "172.31.16.0/20",
        "172.31.32.0/20",
    ]
    [sg] = ec2.describe_security_groups()["SecurityGroups"]
    assert sg["GroupName"] == "default" and sg["VpcId"] == vpc["VpcId"]
    with pytest.raises(ClientError) as ei:
        ec2.describe_subnets(SubnetIds=["subnet-0000000000000000f"])
    assert ei.value.response["Error"]["Code"] == "InvalidSubnetID.NotFound"


def test_us_east_1_has_six_zones_and_same_account_same_ids():
    ec2 = Lab(region="us-east-1").client("ec2")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    assert zones == [f"us-east-1{c}" for c in "abcdef"]
    a = Lab(region="us-east-1", seed=1).client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    assert a == ec2.describe_vpcs()["Vpcs"][0]["VpcId"]


def test_private_subnet_and_endpoint_are_recorded_lab_actions(lab, ec2):
    sid = lab.network.add_private_subnet(az="ap-east-1b", name="private-b")
    s = ec2.describe_subnets(SubnetIds=[sid])["Subnets"][0]
    assert s["MapPublicIpOnLaunch"] is False and s["DefaultForAz"] is False
    assert s["Tags"] == [{"Key": "Name", "Value": "private-b"}]
    assert s["CidrBlock"] == "172.31.48.0/20"
    eid = lab.network.add_ecs_vpc_endpoint()
    assert eid.startswith("vpce-")
    assert lab.network.add_ecs_vpc_endpoint() == eid  # one per VPC
    kinds = lab.events["kind"].tolist()
    assert kinds == ["LabActed", "SubnetCreated", "LabActed", "VpcEndpointCreated", "LabActed"]
    with pytest.raises(Exception, match="Subnets can currently only be created"):
        lab.network.add_private_subnet(az="ap-east-1z")


def test_ssm_ecs_ami_parameters_and_describe_images(ssm, ec2):
    x86 = ssm.get_parameter(Name=ECS_AMI_PARAM)["Parameter"]
    assert x86["Type"] == "String" and x86["Value"].startswith("ami-0")
    assert x86["ARN"] == f"arn:aws:ssm:ap-east-1::parameter{ECS_AMI_PARAM}"
    both = ssm.get_parameters(Names=[ECS_AMI_PARAM, ECS_AMI_PARAM_ARM, "/nope"])
    assert [p["Name"] for p in both["Parameters"]] == [ECS_AMI_PARAM, ECS_AMI_PARAM_ARM]
    assert both["InvalidParameters"] == ["/nope"]
    arm = both["Parameters"][1]["Value"]
    imgs = ec2.describe_images(ImageIds=[x86["Value"], arm])["Images"]
    assert [i["Architecture"] for i in imgs] == ["x86_64", "arm64"]
    assert imgs[0]["Name"] == "amzn2-ami-ecs-hvm-2.0.20241217-x86_64-ebs"
    import json

    rec = json.loads(ssm.get_parameter(Name=ECS_AMI_PARAM.rsplit("/", 1)[0])["Parameter"]["Value"])
    assert rec["image_id"] == x86["Value"] and rec["ecs_agent_version"] == "1.89.2"
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended")
    named = ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-ecs-hvm-*"]}]
    )["Images"]
    assert len(named) == 2


def test_standard_roles_through_iam(lab):
    iam = lab.client("iam")
    names = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert names == ["ecsInstanceRole", "ecsTaskExecutionRole"]
    prof = iam.get_instance_profile(InstanceProfileName="ecsInstanceRole")["InstanceProfile"]
    assert prof["Arn"] == "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    assert [r["RoleName"] for r in prof["Roles"]] == ["ecsInstanceRole"]
    role = iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ecs-tasks.amazonaws.com"
    }
    lab.iam.remove_role("ecsTaskExecutionRole")
    with pytest.raises(iam.exceptions.NoSuchEntityException) as ei:
        iam.get_role(RoleName="ecsTaskExecutionRole")
    assert ei.value.response["Error"]["Message"] == (
        "The role with name ecsTaskExecutionRole cannot be found."
    )
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
