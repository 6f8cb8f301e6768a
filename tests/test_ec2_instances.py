"""EC2 through the real client: instances, their states on the clock, filters and each error."""

import base64

import pytest
from botocore.exceptions import ClientError

from ecslab.core import catalog


def err(ei):
    e = ei.value.response["Error"]
    return e["Code"], e["Message"]


def one(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def test_run_describe_terminate_lifecycle_and_billing_facts(lab, ec2, launch):
    iid = launch(
        "m6g.large",
        arm=True,
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}
        ],
    )
    i = one(ec2, iid)
    assert i["State"] == {"Code": 0, "Name": "pending"}
    assert i["InstanceType"] == "m6g.large" and i["Architecture"] == "arm64"
    assert i["Placement"]["AvailabilityZone"] == "ap-east-1a"
    assert i["IamInstanceProfile"]["Arn"] == (
        "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    )
    assert i["PublicIpAddress"].count(".") == 3 and i["PrivateIpAddress"].startswith("172.31.")
    assert i["Tags"] == [{"Key": "Name", "Value": "web-1"}]
    assert i["LaunchTime"] == lab.now
    lab.advance("20s")
    assert one(ec2, iid)["State"] == {"Code": 16, "Name": "running"}
    lab.advance("1h")
    t = ec2.terminate_instances(InstanceIds=[iid])["TerminatingInstances"][0]
    assert t["CurrentState"]["Name"] == "shutting-down" and t["PreviousState"]["Name"] == "running"
    lab.advance("30s")
    i = one(ec2, iid)
    assert i["State"] == {"Code": 48, "Name": "terminated"}
    assert "PublicIpAddress" not in i
    ev = lab.events.set_index("kind")
    running = ev.loc["InstanceRunning", "detail"]
    assert running["instance_type"] == "m6g.large" and running["az"] == "ap-east-1a"
    assert running["vcpu"] == 2 and running["memory_mib"] == 8192
    assert running["price_us_east_1"] == catalog.instance_type("m6g.large")["price_us_east_1"]
    assert ev.loc["InstanceTerminated", "detail"]["running_seconds"] == 3600.0
    # Terminated instances stay visible for an hour, then disappear.
    lab.advance("61m")
    assert ec2.describe_instances()["Reservations"] == []


def test_min_max_count_and_reservation(lab, ec2, launch):
    r = ec2.run_instances(ImageId=one_ami(lab), InstanceType="t3.medium", MinCount=2, MaxCount=3)
    ids = [i["InstanceId"] for i in r["Instances"]]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert [i["AmiLaunchIndex"] for i in r["Instances"]] == [0, 1, 2]
    res = ec2.describe_instances()["Reservations"]
    assert [x["ReservationId"] for x in res] == [r["ReservationId"]]


def one_ami(lab):
    return lab.client("ssm").get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
    )["Parameter"]["Value"]


def test_filters(lab, ec2, launch):
    a = launch(
        "m5.large",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "alpha"}]}
        ],
    )
    private = lab.network.add_private_subnet(az="ap-east-1c")
    b = launch("t3.medium", SubnetId=private)
    lab.advance("20s")
    ec2.terminate_instances(InstanceIds=[b])

    def ids(*filters):
        return sorted(
            i["InstanceId"]
            for r in ec2.describe_instances(Filters=list(filters))["Reservations"]
            for i in r["Instances"]
        )

    assert ids({"Name": "instance-state-name", "Values": ["running"]}) == [a]
    assert ids({"Name": "instance-state-name", "Values": ["running", "shutting-down"]}) == sorted(
        [a, b]
    )
    assert ids({"Name": "tag:Name", "Values": ["al*"]}) == [a]
    assert ids({"Name": "instance-type", "Values": ["t3.medium"]}) == [b]
    assert ids({"Name": "subnet-id", "Values": [private]}) == [b]
    assert ids({"Name": "availability-zone", "Values": ["ap-east-1c"]}) == [b]
    with pytest.raises(ClientError) as ei:
        ids({"Name": "colour", "Values": ["red"]})
    assert err(ei) == ("InvalidParameterValue", "The filter 'colour' is invalid")


@pytest.mark.parametrize(
    "kwargs,code,message",
    [
        (
            {"ImageId": "ami-0000000000000dead"},
            "InvalidAMIID.NotFound",
            "The image id '[ami-0000000000000dead]' does not exist",
        ),
        (
            {"ImageId": "ubuntu"},
            "InvalidAMIID.Malformed",
            'Invalid id: "ubuntu" (expecting "ami-...")',
        ),
        (
            {"InstanceType": "m5.huge"},
            "InvalidParameterValue",
            "Invalid value 'm5.huge' for InstanceType.",
        ),
        (
            {"SubnetId": "subnet-0123456789abcdef0"},
            "InvalidSubnetID.NotFound",
            "The subnet ID 'subnet-0123456789abcdef0' does not exist",
        ),
        (
            {"SecurityGroupIds": ["sg-0123456789abcdef0"]},
            "InvalidGroup.NotFound",
            "The security group 'sg-0123456789abcdef0' does not exist",
        ),
        (
            {"IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/nope"}},
            "InvalidParameterValue",
            "Value (arn:aws:iam::123456789012:instance-profile/nope) for parameter "
            "iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN",
        ),
        ({"InstanceType": "m7g.large"}, "InvalidParameterValue", "The architecture 'arm64'"),
        ({"MinCount": 3, "MaxCount": 2}, "InvalidParameterValue", "minCount"),
        ({"MinCount": 40, "MaxCount": 40}, "VcpuLimitExceeded", "vCPU limit of 64"),
        (
            {"SubnetId": "SUBNET", "NetworkInterfaces": [{"DeviceIndex": 0}]},
            "InvalidParameterCombination",
            "Network interfaces and an instance-level subnet ID may not be specified",
        ),
    ],
)
def test_run_instances_errors_change_nothing(lab, ec2, launch, kwargs, code, message):
    if kwargs.get("SubnetId") == "SUBNET":
        kwargs["SubnetId"] = lab.network.default_subnet().id
    itype = kwargs.pop("InstanceType", "m5.large")
    with pytest.raises(ClientError) as ei:
        launch(itype, **kwargs)
    got_code, got_message = err(ei)
    assert got_code == code
    assert message in got_message
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(lab.events) == 0
    assert ec2.describe_instances()["Reservations"] == []


def test_bad_user_data_encoding(lab, ec2):
    # boto3 base64-encodes UserData itself; a raw request with bad base64 is refused.
    from ecslab.api.dispatch import call
    from ecslab.core.errors import AwsError

    with pytest.raises(AwsError) as ei:
        call(
            lab,
            "ec2",
            "RunInstances",
            {
                "ImageId": one_ami(lab),
                "InstanceType": "m5.large",
                "MinCount": 1,
                "MaxCount": 1,
                "UserData": "not base64!",
            },
        )
    assert (ei.value.code, ei.value.message) == (
        "InvalidParameterValue",
        "Invalid BASE64 encoding of user data.",
    )
    too_big = base64.b64encode(b"x" * 16385).decode()
    with pytest.raises(AwsError) as ei:
        call(
            lab,
            "ec2",
            "RunInstances",
            {
                "ImageId": one_ami(lab),
                "InstanceType": "m5.large",
                "MinCount": 1,
                "MaxCount": 1,
                "UserData": too_big,
            },
        )
    assert ei.value.message == "User data is limited to 16384 bytes"
    assert len(lab.events) == 0


def test_instance_id_errors(ec2, launch):
    iid = launch()
    with pytest.raises(ClientError) as ei:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    assert err(ei) == (
        "InvalidInstanceID.NotFound",
        "The instance ID 'i-0123456789abcdef0' does not exist",
    )
    with pytest.raises(ClientError) as ei:
        ec2.terminate_instances(InstanceIds=[iid, "i-00000000", "i-11111111"])
    assert err(ei) == (
        "InvalidInstanceID.NotFound",
        "The instance IDs 'i-00000000, i-11111111' do not exist",
    )
    assert one(ec2, iid)["State"]["Name"] == "pending"  # nothing was terminated
    with pytest.raises(ClientError) as ei:
        ec2.describe_instances(InstanceIds=["web-1"])
    assert err(ei) == ("InvalidInstanceID.Malformed", 'Invalid id: "web-1"')


def test_terminating_a_pending_instance_cancels_its_boot(lab, ec2, launch):
    iid = launch()
    ec2.terminate_instances(InstanceIds=[iid])
    lab.advance("5m")
    assert one(ec2, iid)["State"]["Name"] == "terminated"
    kinds = lab.events["kind"].tolist()
    assert "InstanceRunning" not in kinds
    assert lab.events.set_index("kind").loc["InstanceTerminated", "detail"]["running_seconds"] == 0


def test_describe_instance_types(ec2):
    types = ec2.describe_instance_types(InstanceTypes=["m5.large", "m7g.large", "t3.medium"])[
        "InstanceTypes"
    ]
    by = {t["InstanceType"]: t for t in types}
    assert by["m5.large"]["VCpuInfo"]["DefaultVCpus"] == 2
    assert by["m5.large"]["MemoryInfo"]["SizeInMiB"] == 8192
    assert by["m5.large"]["NetworkInfo"]["MaximumNetworkInterfaces"] == 3
    assert by["m5.large"]["NetworkInfo"]["Ipv4AddressesPerInterface"] == 10
    assert by["m7g.large"]["ProcessorInfo"]["SupportedArchitectures"] == ["arm64"]
    assert by["t3.medium"]["BurstablePerformanceSupported"] is True
    arm = ec2.describe_instance_types(
        Filters=[{"Name": "processor-info.supported-architecture", "Values": ["arm64"]}]
    )["InstanceTypes"]
    assert arm and all(t["ProcessorInfo"]["SupportedArchitectures"] == ["arm64"] for t in arm)
    with pytest.raises(ClientError) as ei:
        ec2.describe_instance_types(InstanceTypes=["m5.large", "z9.mega"])
    assert err(ei) == (
        "InvalidInstanceType",
        "The following supplied instance types do not exist: [z9.mega]",
    )
