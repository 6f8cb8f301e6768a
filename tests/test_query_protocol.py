"""The ec2/query protocols: botocore's own serializer and parser round-trip through ecslab."""

from datetime import datetime, timezone

import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from ecslab.api.models import operation_model
from ecslab.api.query import decode, encode, encode_error, parse_form
from ecslab.api.wire import check_output, to_wire
from ecslab.core.errors import error_for_code


def roundtrip_request(service, operation, params):
    op = operation_model(service, operation)
    protocol = op.metadata["protocol"]
    req = create_serializer(protocol).serialize_to_request(params, op)
    from urllib.parse import urlencode

    body = urlencode(req["body"]).encode()
    return decode(op.input_shape, parse_form(body), protocol)


def test_ec2_request_with_nested_lists_and_structures():
    params = {
        "ImageId": "ami-0123",
        "InstanceType": "m5.large",
        "MinCount": 1,
        "MaxCount": 2,
        "UserData": "RUNTX0NMVVNURVI9TXlDbHVzdGVy",
        "IamInstanceProfile": {"Name": "ecsInstanceRole"},
        "SecurityGroupIds": ["sg-1", "sg-2"],
        "NetworkInterfaces": [
            {"DeviceIndex": 0, "AssociatePublicIpAddress": False, "SubnetId": "subnet-1"}
        ],
        "TagSpecifications": [
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "ecs-1"}]}
        ],
        "DryRun": False,
    }
    assert roundtrip_request("ec2", "RunInstances", params) == params


def test_ec2_filters_decode():
    params = {
        "Filters": [
            {"Name": "instance-state-name", "Values": ["pending", "running"]},
            {"Name": "tag:Name", "Values": ["a"]},
        ],
        "InstanceIds": ["i-1", "i-2"],
    }
    assert roundtrip_request("ec2", "DescribeInstances", params) == params


def test_query_protocol_member_lists():
    p = {"LoadBalancerArns": ["arn:1", "arn:2"], "PageSize": 5}
    assert roundtrip_request("elbv2", "DescribeLoadBalancers", p) == p
    p = {"PathPrefix": "/", "MaxItems": 10}
    assert roundtrip_request("iam", "ListRoles", p) == p


def test_ec2_missing_required_is_missing_parameter():
    op = operation_model("ec2", "RunInstances")
    with pytest.raises(Exception) as ei:
        decode(op.input_shape, {"Action": "RunInstances", "MinCount": "1"}, "ec2")
    assert ei.value.code == "MissingParameter"
    assert ei.value.message == "The request must contain the parameter MaxCount"


def parse(service, operation, xml, status=200):
    op = operation_model(service, operation)
    parser = create_parser(op.metadata["protocol"])
    return parser.parse(
        {"status_code": status, "headers": {}, "body": xml},
        op.output_shape if status == 200 else None,
    )


def test_ec2_xml_output_parses_back_to_the_same_structure():
    when = datetime(2025, 1, 6, 9, 0, 5, tzinfo=timezone.utc)
    body = {
        "Reservations": [
            {
                "ReservationId": "r-1",
                "OwnerId": "123456789012",
                "Groups": [],
                "Instances": [
                    {
                        "InstanceId": "i-1",
                        "State": {"Code": 16, "Name": "running"},
                        "LaunchTime": when,
                        "EbsOptimized": False,
                        "Tags": [{"Key": "Name", "Value": "a<b&c"}],
                        "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default"}],
                    }
                ],
            }
        ]
    }
    op = operation_model("ec2", "DescribeInstances")
    wire = to_wire(op.output_shape, body)
    assert check_output(op.output_shape, wire) == []
    parsed = parse("ec2", "DescribeInstances", encode(op, wire, "rid-1"))
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid-1"
    assert parsed == body


def test_query_xml_output_has_result_wrapper_and_metadata():
    when = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
    body = {
        "Roles": [
            {
                "Path": "/",
                "RoleName": "ecsInstanceRole",
                "RoleId": "AROA1",
                "Arn": "arn:aws:iam::123456789012:role/ecsInstanceRole",
                "CreateDate": when,
            }
        ],
        "IsTruncated": False,
    }
    op = operation_model("iam", "ListRoles")
    xml = encode(op, to_wire(op.output_shape, body), "rid-2")
    assert b"<ListRolesResult><Roles><member>" in xml
    parsed = parse("iam", "ListRoles", xml)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid-2"
    assert parsed == body


@pytest.mark.parametrize("service,operation", [("ec2", "RunInstances"), ("iam", "GetRole")])
def test_error_bodies_parse_to_code_and_message(service, operation):
    protocol = operation_model(service, operation).metadata["protocol"]
    err = error_for_code("InvalidAMIID.NotFound")("The image id '[ami-1]' does not exist")
    parsed = parse(service, operation, encode_error(protocol, err, "rid-3"), status=400)
    assert parsed["Error"]["Code"] == "InvalidAMIID.NotFound"
    assert parsed["Error"]["Message"] == "The image id '[ami-1]' does not exist"
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-3"


def test_through_real_clients_unsimulated_action_and_wrong_region():
    from botocore.exceptions import ClientError

    from ecslab import Lab

    lab = Lab()
    ec2 = lab.client("ec2")
    with pytest.raises(ClientError) as ei:
        ec2.describe_key_pairs()
    assert ei.value.response["Error"]["Code"] == "InvalidAction"
    assert "DescribeKeyPairs" in ei.value.response["Error"]["Message"]
    other = lab.client("ec2", region_name="us-west-2")
    with pytest.raises(ClientError) as ei:
        other.describe_vpcs()
    assert ei.value.response["Error"]["Code"] == "AuthFailure"
    assert "--region ap-east-1" in ei.value.response["Error"]["Message"]
    resp = ec2.describe_vpcs()
    assert resp["ResponseMetadata"]["HTTPHeaders"]["content-type"].startswith("text/xml")
    assert len(lab.events) == 0
