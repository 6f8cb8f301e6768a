"""EC2 describe calls for the default VPC, its subnets, zones, security groups and AMIs."""

from __future__ import annotations

from datetime import datetime

from ..core.errors import error_for_code
from ..domain.ec2.images import IMAGES, find_image
from .ec2_common import select, tags_out
from .registry import handler


def _by_ids(items: dict, ids: list[str] | None, code: str, message: str) -> list:
    if not ids:
        return list(items.values())
    missing = [i for i in ids if i not in items]
    if missing:
        raise error_for_code(code)(message.format(missing[0]))
    return [items[i] for i in ids]


@handler("ec2", "DescribeAvailabilityZones")
def describe_availability_zones(lab, p):
    zones = lab.network.zones()
    names = p.get("ZoneNames") or []
    for n in names:
        if n not in {z["name"] for z in zones}:
            raise error_for_code("InvalidParameterValue")(
                f"The zone '{n}' does not exist."  # wording unverified
            )
    if names:
        zones = [z for z in zones if z["name"] in names]
    zones = select(
        zones,
        p.get("Filters"),
        {
            "zone-name": lambda z: z["name"],
            "zone-id": lambda z: z["id"],
            "region-name": lambda z: z["region"],
            "state": lambda z: "available",
            "zone-type": lambda z: "availability-zone",
        },
    )
    return {
        "AvailabilityZones": [
            {
                "ZoneName": z["name"],
                "ZoneId": z["id"],
                "State": "available",
                "OptInStatus": z["opt_in"],
                "Messages": [],
                "RegionName": z["region"],
                "GroupName": z["region"],
                "NetworkBorderGroup": z["region"],
                "ZoneType": "availability-zone",
            }
            for z in zones
        ]
    }


@handler("ec2", "DescribeVpcs")
def describe_vpcs(lab, p):
    vpcs = _by_ids(
        lab.network.vpcs, p.get("VpcIds"), "InvalidVpcID.NotFound", "The vpc ID '{}' does not exist"
    )
    vpcs = select(
        vpcs,
        p.get("Filters"),
        {
            "vpc-id": lambda v: v.id,
            "is-default": lambda v: "true" if v.is_default else "false",
            "cidr": lambda v: v.cidr,
            "cidr-block-association.cidr-block": lambda v: v.cidr,
            "state": lambda v: "available",
            "owner-id": lambda v: lab.account_id,
        },
    )
    return {
        "Vpcs": [
            {
                "VpcId": v.id,
                "CidrBlock": v.cidr,
                "State": "available",
                "DhcpOptionsId": "dopt-" + v.id[4:12],
                "InstanceTenancy": "default",
                "IsDefault": v.is_default,
                "OwnerId": lab.account_id,
                "CidrBlockAssociationSet": [
                    {
                        "AssociationId": "vpc-cidr-assoc-" + v.id[4:],
                        "CidrBlock": v.cidr,
                        "CidrBlockState": {"State": "associated"},
                    }
                ],
            }
            for v in vpcs
        ]
    }


@handler("ec2", "DescribeSubnets")
def describe_subnets(lab, p):
    subnets = _by_ids(
        lab.network.subnets,
        p.get("SubnetIds"),
        "InvalidSubnetID.NotFound",
        "The subnet ID '{}' does not exist",
    )
    subnets = select(
        subnets,
        p.get("Filters"),
        {
            "subnet-id": lambda s: s.id,
            "vpc-id": lambda s: s.vpc_id,
            "availability-zone": lambda s: s.az,
            "availability-zone-id": lambda s: s.az_id,
            "availabilityZone": lambda s: s.az,
            "default-for-az": lambda s: "true" if s.default_for_az else "false",
            "defaultForAz": lambda s: "true" if s.default_for_az else "false",
            "map-public-ip-on-launch": lambda s: "true" if s.map_public_ip else "false",
            "cidr-block": lambda s: s.cidr,
            "state": lambda s: "available",
        },
        tags=lambda s: {"Name": s.name} if s.name else {},
    )
    return {
        "Subnets": [
            {
                "SubnetId": s.id,
                "SubnetArn": f"arn:aws:ec2:{lab.region}:{lab.account_id}:subnet/{s.id}",
                "VpcId": s.vpc_id,
                "CidrBlock": s.cidr,
                "AvailabilityZone": s.az,
                "AvailabilityZoneId": s.az_id,
                "AvailableIpAddressCount": s.available_ips,
                "DefaultForAz": s.default_for_az,
                "MapPublicIpOnLaunch": s.map_public_ip,
                "State": "available",
                "OwnerId": lab.account_id,
                "AssignIpv6AddressOnCreation": False,
                "Ipv6CidrBlockAssociationSet": [],
                "Tags": tags_out({"Name": s.name} if s.name else {}),
            }
            for s in subnets
        ]
    }


@handler("ec2", "DescribeSecurityGroups")
def describe_security_groups(lab, p):
    groups = _by_ids(
        lab.network.security_groups,
        p.get("GroupIds"),
        "InvalidGroup.NotFound",
        "The security group '{}' does not exist",
    )
    names = p.get("GroupNames") or []
    if names:
        groups = [g for g in groups if g.name in names]
    groups = select(
        groups,
        p.get("Filters"),
        {
            "group-id": lambda g: g.id,
            "group-name": lambda g: g.name,
            "vpc-id": lambda g: g.vpc_id,
            "description": lambda g: g.description,
        },
    )
    everything = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    return {
        "SecurityGroups": [
            {
                "GroupId": g.id,
                "GroupName": g.name,
                "Description": g.description,
                "VpcId": g.vpc_id,
                "OwnerId": lab.account_id,
                "SecurityGroupArn": f"arn:aws:ec2:{lab.region}:{lab.account_id}:security-group/{g.id}",
                # The default group: all traffic from itself in, everything out.
                "IpPermissions": [
                    {
                        "IpProtocol": "-1",
                        "UserIdGroupPairs": [{"GroupId": g.id, "UserId": lab.account_id}],
                    }
                ],
                "IpPermissionsEgress": everything,
            }
            for g in groups
        ]
    }


@handler("ec2", "DescribeImages")
def describe_images(lab, p):
    ids = p.get("ImageIds") or []
    images = [find_image(i) for i in ids] if ids else list(IMAGES.values())
    owners = p.get("Owners") or []
    if owners and not {"amazon", "self", "591542846629", "137112412989"} & set(owners):
        images = []
    images = select(
        images,
        p.get("Filters"),
        {
            "image-id": lambda i: i.id,
            "name": lambda i: i.name,
            "architecture": lambda i: i.arch,
            "owner-alias": lambda i: "amazon",
            "state": lambda i: "available",
            "root-device-type": lambda i: "ebs",
            "virtualization-type": lambda i: "hvm",
        },
    )
    return {
        "Images": [
            {
                "ImageId": i.id,
                "Name": i.name,
                "Description": i.description,
                "Architecture": i.arch,
                "CreationDate": i.creation_date,
                "ImageLocation": f"amazon/{i.name}",
                "ImageType": "machine",
                "Public": True,
                "OwnerId": "591542846629" if i.ecs_optimized else "137112412989",
                "ImageOwnerAlias": "amazon",
                "PlatformDetails": "Linux/UNIX",
                "UsageOperation": "RunInstances",
                "State": "available",
                "RootDeviceName": "/dev/xvda",
                "RootDeviceType": "ebs",
                "VirtualizationType": "hvm",
                "Hypervisor": "xen",
                "EnaSupport": True,
                "BlockDeviceMappings": [
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {
                            "DeleteOnTermination": True,
                            "VolumeSize": 30 if i.ecs_optimized else 8,
                            "VolumeType": "gp2",
                            "Encrypted": False,
                        },
                    }
                ],
                "DeprecationTime": _deprecation(i.creation_date),
            }
            for i in images
        ]
    }


def _deprecation(created: str) -> str:
    when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    return when.replace(year=when.year + 2).strftime("%Y-%m-%dT%H:%M:%S.000Z")
