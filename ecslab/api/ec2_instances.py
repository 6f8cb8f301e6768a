"""EC2 RunInstances, DescribeInstances, TerminateInstances, DescribeInstanceTypes."""

from __future__ import annotations

from ..core import catalog
from ..core.errors import error_for_code
from ..domain.ec2.instances import STATE_CODES
from .ec2_common import select, tags_from_specs, tags_out
from .registry import handler
from .wire import Wire, epoch

InvalidParameterCombination = error_for_code("InvalidParameterCombination")


def _dns(lab, ip: str | None, private: bool) -> str:
    if ip is None:
        return ""
    dashed = ip.replace(".", "-")
    if private:
        return f"ip-{dashed}.{lab.region}.compute.internal"
    return f"ec2-{dashed}.{lab.region}.compute.amazonaws.com"


def instance_out(lab, i) -> Wire:
    """An Instance already in wire form (RunInstances answers up to 250 at once, so to_wire's
    walk of every member is skipped; ECSLAB_CHECK_SHAPES still checks it)."""
    info = i.type_info
    groups = [
        {"GroupId": g, "GroupName": lab.network.security_groups[g].name}
        for g in i.security_group_ids
    ]
    gone = i.state == "terminated"
    out = Wire(
        {
            "InstanceId": i.id,
            "ImageId": i.image_id,
            "InstanceType": i.instance_type,
            "State": {"Code": STATE_CODES[i.state], "Name": i.state},
            "StateTransitionReason": i.state_reason,
            "AmiLaunchIndex": i.launch_index,
            "LaunchTime": epoch(i.launched_at),
            "Placement": {"AvailabilityZone": i.az, "GroupName": "", "Tenancy": "default"},
            "Monitoring": {"State": "disabled"},
            "PrivateDnsName": "" if gone else _dns(lab, i.private_ip, True),
            "PublicDnsName": _dns(lab, i.public_ip, False),
            "Architecture": info["arch"],
            "RootDeviceType": "ebs",
            "RootDeviceName": "/dev/xvda",
            "VirtualizationType": "hvm",
            "Hypervisor": "xen",
            "EbsOptimized": False,
            "EnaSupport": True,
            "SecurityGroups": [] if gone else groups,
            "Tags": tags_out(i.tags),
            "ClientToken": "",
            "PlatformDetails": "Linux/UNIX",
            "UsageOperation": "RunInstances",
            "CpuOptions": {"CoreCount": max(1, info["vcpu"] // 2), "ThreadsPerCore": 2},
            "BlockDeviceMappings": [],
        }
    )
    if not gone:
        out.update(
            {
                "SubnetId": i.subnet_id,
                "VpcId": i.vpc_id,
                "PrivateIpAddress": i.private_ip,
                "NetworkInterfaces": [
                    {
                        "NetworkInterfaceId": i.eni_id,
                        "SubnetId": i.subnet_id,
                        "VpcId": i.vpc_id,
                        "PrivateIpAddress": i.private_ip,
                        "Status": "in-use",
                        "InterfaceType": "interface",
                        "OwnerId": lab.account_id,
                        "Groups": groups,
                        "Attachment": {"DeviceIndex": 0, "Status": "attached"},
                        **(
                            {"Association": {"PublicIp": i.public_ip, "IpOwnerId": "amazon"}}
                            if i.public_ip
                            else {}
                        ),
                    }
                ],
            }
        )
    if i.public_ip:
        out["PublicIpAddress"] = i.public_ip
    if i.profile_arn:
        out["IamInstanceProfile"] = {"Arn": i.profile_arn, "Id": i.profile_id}
    if i.state in ("shutting-down", "terminated"):
        code = "Client.UserInitiatedShutdown"
        out["StateReason"] = {"Code": code, "Message": f"{code}: User initiated shutdown"}
    return out


@handler("ec2", "RunInstances")
def run_instances(lab, p):
    nics = p.get("NetworkInterfaces") or []
    subnet_id = p.get("SubnetId")
    groups = list(p.get("SecurityGroupIds") or [])
    public = None
    if nics:
        if subnet_id is not None:
            raise InvalidParameterCombination(
                "Network interfaces and an instance-level subnet ID may not be specified on the "
                "same request"
            )
        if groups or p.get("SecurityGroups"):
            raise InvalidParameterCombination(
                "Network interfaces and an instance-level security groups may not be specified on "
                "the same request"
            )
        primary = next((n for n in nics if n.get("DeviceIndex", 0) == 0), nics[0])
        subnet_id = primary.get("SubnetId")
        groups = list(primary.get("Groups") or [])
        public = primary.get("AssociatePublicIpAddress")
    if p.get("SecurityGroups"):
        sg_by_name = {g.name: g.id for g in lab.network.security_groups.values()}
        for name in p["SecurityGroups"]:
            if name not in sg_by_name:
                raise error_for_code("InvalidGroup.NotFound")(
                    f"The security group '{name}' does not exist in default VPC "
                    f"'{lab.network.default_vpc.id}'"
                )
            groups.append(sg_by_name[name])
    profile = p.get("IamInstanceProfile") or {}
    if "InstanceType" not in p:
        # EC2's default instance type (m1.small) is not in ecslab's catalog.
        raise error_for_code("InvalidParameterValue")(
            "ecslab needs an explicit InstanceType (EC2 would default to m1.small)"
        )
    launched = lab.instances.run(
        image_id=p["ImageId"] if "ImageId" in p else _missing("ImageId"),
        instance_type=p["InstanceType"],
        min_count=p["MinCount"],
        max_count=p["MaxCount"],
        subnet_id=subnet_id,
        security_group_ids=groups,
        profile_name=profile.get("Name"),
        profile_arn=profile.get("Arn"),
        user_data=p.get("UserData"),
        associate_public_ip=public,
        tags=tags_from_specs(p.get("TagSpecifications"), "instance"),
        az=(p.get("Placement") or {}).get("AvailabilityZone"),
    )
    first = launched[0]
    return {
        "ReservationId": first.reservation_id,
        "OwnerId": lab.account_id,
        "Groups": [],
        "Instances": [instance_out(lab, i) for i in launched],
    }


def _missing(name: str):
    raise error_for_code("MissingParameter")(f"The request must contain the parameter {name}")


_FIELDS = {
    "instance-id": lambda i: i.id,
    "instance-state-name": lambda i: i.state,
    "instance-state-code": lambda i: str(STATE_CODES[i.state]),
    "instance-type": lambda i: i.instance_type,
    "image-id": lambda i: i.image_id,
    "subnet-id": lambda i: i.subnet_id,
    "vpc-id": lambda i: i.vpc_id,
    "availability-zone": lambda i: i.az,
    "private-ip-address": lambda i: i.private_ip,
    "ip-address": lambda i: i.public_ip,
    "iam-instance-profile.arn": lambda i: i.profile_arn,
    "architecture": lambda i: i.type_info["arch"],
    "reservation-id": lambda i: i.reservation_id,
    "instance.group-id": lambda i: i.security_group_ids,
}


@handler("ec2", "DescribeInstances")
def describe_instances(lab, p):
    ids = p.get("InstanceIds") or []
    found = lab.instances.find_many(ids) if ids else lab.instances.visible()
    found = select(found, p.get("Filters"), _FIELDS, tags=lambda i: i.tags)
    reservations: dict[str, list] = {}
    for i in found:
        reservations.setdefault(i.reservation_id, []).append(i)
    return {
        "Reservations": [
            {
                "ReservationId": rid,
                "OwnerId": lab.account_id,
                "Groups": [],
                "Instances": [instance_out(lab, i) for i in items],
            }
            for rid, items in reservations.items()
        ]
    }


@handler("ec2", "TerminateInstances")
def terminate_instances(lab, p):
    changes = lab.instances.terminate(list(p["InstanceIds"]))
    return {
        "TerminatingInstances": [
            {
                "InstanceId": i.id,
                "CurrentState": {"Code": STATE_CODES[i.state], "Name": i.state},
                "PreviousState": {"Code": STATE_CODES[prev], "Name": prev},
            }
            for i, prev in changes
        ]
    }


def instance_type_out(name: str, row: dict) -> dict:
    burst = row["family"] in ("t3", "t3a")
    return {
        "InstanceType": name,
        "CurrentGeneration": True,
        "FreeTierEligible": False,
        "SupportedUsageClasses": ["on-demand", "spot"],
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
        "BareMetal": False,
        "Hypervisor": "nitro",
        "ProcessorInfo": {"SupportedArchitectures": [row["arch"]]},
        "VCpuInfo": {
            "DefaultVCpus": row["vcpu"],
            "DefaultCores": max(1, row["vcpu"] // (1 if row["arch"] == "arm64" else 2)),
            "DefaultThreadsPerCore": 1 if row["arch"] == "arm64" else 2,
        },
        "MemoryInfo": {"SizeInMiB": row["memory_mib"]},
        "InstanceStorageSupported": False,
        "EbsInfo": {"EbsOptimizedSupport": "default", "EncryptionSupport": "supported"},
        "NetworkInfo": {
            "MaximumNetworkInterfaces": row["max_enis"],
            "Ipv4AddressesPerInterface": row["ipv4_per_eni"],
            "Ipv6Supported": True,
            "EnaSupport": "required",
            "DefaultNetworkCardIndex": 0,
        },
        "PlacementGroupInfo": {"SupportedStrategies": ["cluster", "partition", "spread"]},
        "BurstablePerformanceSupported": burst,
        "SupportedBootModes": ["legacy-bios", "uefi"] if row["arch"] == "x86_64" else ["uefi"],
    }


@handler("ec2", "DescribeInstanceTypes")
def describe_instance_types(lab, p):
    wanted = p.get("InstanceTypes") or []
    bad = [t for t in wanted if catalog.instance_type(t) is None]
    if bad:
        raise error_for_code("InvalidInstanceType")(
            f"The following supplied instance types do not exist: [{', '.join(bad)}]"
        )
    names = wanted or list(catalog.instance_types().index)
    rows = [(n, catalog.instance_type(n)) for n in names]
    rows = select(
        rows,
        p.get("Filters"),
        {
            "instance-type": lambda r: r[0],
            "processor-info.supported-architecture": lambda r: r[1]["arch"],
            "vcpu-info.default-vcpus": lambda r: str(r[1]["vcpu"]),
            "memory-info.size-in-mib": lambda r: str(r[1]["memory_mib"]),
            "current-generation": lambda r: "true",
            "burstable-performance-supported": lambda r: str(
                r[1]["family"] in ("t3", "t3a")
            ).lower(),
        },
    )
    return {"InstanceTypes": [instance_type_out(n, r) for n, r in rows]}
