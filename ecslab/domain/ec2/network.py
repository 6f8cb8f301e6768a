"""The simulated default VPC and what a learner can add to it.

A new lab has, in its region, the default VPC (172.31.0.0/16) with one public /20 subnet per
Availability Zone (``MapPublicIpOnLaunch`` true, a route to the internet gateway), an internet
gateway and the default security group -- like a fresh AWS account. Lab actions add a private
subnet (no route to the internet) and an ECS interface VPC endpoint, the two things that decide
whether a container agent can reach the ECS endpoint.

Ids of the default resources are derived from (account, region) so they are the same in every
lab of that account; ids created later come from ``lab.random``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache

from ...core.errors import error_for_code
from ...core.record import lab_action

__all__ = ["Network", "Subnet", "Vpc", "SecurityGroup", "VpcEndpoint", "zones_for"]

#: Availability Zones ecslab models per region (anything else gets a, b, c).
_ZONES = {"us-east-1": "abcdef", "ap-east-1": "abc", "us-west-2": "abcd", "ap-northeast-1": "acd"}
_ZONE_ID_PREFIX = {
    "us-east-1": "use1",
    "ap-east-1": "ape1",
    "us-west-2": "usw2",
    "eu-west-1": "euw1",
}
#: Regions that a new AWS account must opt in to (their zones report "opted-in").
_OPT_IN = ("ap-east-1", "af-south-1", "me-south-1", "eu-south-1", "ap-southeast-3")


def zones_for(region: str) -> list[tuple[str, str]]:
    """[(zone name, zone id)] for ``region``."""
    prefix = (
        _ZONE_ID_PREFIX.get(region)
        or "".join(p[0] for p in region.split("-")[:-1]) + (region.rsplit("-", 1)[-1])
    )
    return [(f"{region}{z}", f"{prefix}-az{i}") for i, z in enumerate(_ZONES.get(region, "abc"), 1)]


def stable_id(prefix: str, *parts: str, n: int = 17) -> str:
    return f"{prefix}-" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


@lru_cache(maxsize=256)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(cidr)  # parsed once per subnet, not once per address handed out


@dataclass
class Vpc:
    id: str
    cidr: str
    is_default: bool
    igw_id: str


@dataclass
class Subnet:
    id: str
    vpc_id: str
    az: str
    az_id: str
    cidr: str
    public: bool  # its route table sends 0.0.0.0/0 to the internet gateway
    map_public_ip: bool
    default_for_az: bool
    name: str | None = None
    used_ips: int = 0  # addresses handed out (instances, ENIs)

    def next_ip(self) -> str:
        net = _network(self.cidr)
        self.used_ips += 1
        # AWS keeps the first four addresses of every subnet; start after them.
        return str(net.network_address + 4 + (self.used_ips * 37) % (net.num_addresses - 8))

    @property
    def available_ips(self) -> int:
        return _network(self.cidr).num_addresses - 5 - self.used_ips


@dataclass
class SecurityGroup:
    id: str
    name: str
    description: str
    vpc_id: str


@dataclass
class VpcEndpoint:
    id: str
    vpc_id: str
    service_name: str
    subnet_ids: list[str] = field(default_factory=list)


class Network:
    def __init__(self, lab) -> None:
        self.lab = lab
        key = (lab.account_id, lab.region)
        igw = stable_id("igw", *key, "igw")
        self.vpcs: dict[str, Vpc] = {}
        vpc = Vpc(stable_id("vpc", *key, "vpc"), "172.31.0.0/16", True, igw)
        self.vpcs[vpc.id] = vpc
        self.default_vpc = vpc
        self.subnets: dict[str, Subnet] = {}
        for i, (zone, zone_id) in enumerate(zones_for(lab.region)):
            sid = stable_id("subnet", *key, zone)
            self.subnets[sid] = Subnet(
                sid, vpc.id, zone, zone_id, f"172.31.{16 * i}.0/20", True, True, True
            )
        sg = SecurityGroup(
            stable_id("sg", *key, "default"), "default", "default VPC security group", vpc.id
        )
        self.security_groups: dict[str, SecurityGroup] = {sg.id: sg}
        self.endpoints: dict[str, VpcEndpoint] = {}

    # -- lookups ---------------------------------------------------------------------------------

    def zones(self) -> list[dict]:
        state = "opted-in" if self.lab.region in _OPT_IN else "opt-in-not-required"
        return [
            {"name": z, "id": zid, "opt_in": state, "region": self.lab.region}
            for z, zid in zones_for(self.lab.region)
        ]

    def subnet(self, subnet_id: str) -> Subnet:
        s = self.subnets.get(subnet_id)
        if s is None:
            raise error_for_code("InvalidSubnetID.NotFound")(
                f"The subnet ID '{subnet_id}' does not exist"
            )
        return s

    def default_subnet(self) -> Subnet:
        """Where RunInstances puts an instance given no subnet: the first default subnet."""
        return next(s for s in self.subnets.values() if s.default_for_az)

    def security_group(self, group_id: str) -> SecurityGroup:
        g = self.security_groups.get(group_id)
        if g is None:
            raise error_for_code("InvalidGroup.NotFound")(
                f"The security group '{group_id}' does not exist"
            )
        return g

    def default_security_group(self, vpc_id: str) -> SecurityGroup:
        return next(
            g for g in self.security_groups.values() if g.vpc_id == vpc_id and g.name == "default"
        )

    def ecs_endpoint(self, vpc_id: str) -> VpcEndpoint | None:
        name = f"com.amazonaws.{self.lab.region}.ecs"
        return next(
            (e for e in self.endpoints.values() if e.vpc_id == vpc_id and e.service_name == name),
            None,
        )

    def route_to_ecs(self, subnet: Subnet, public_ip: str | None) -> str | None:
        """None if an instance there can reach the ECS endpoint, else why not (plain words)."""
        if self.ecs_endpoint(subnet.vpc_id) is not None:
            return None
        if not subnet.public:
            return (
                f"subnet {subnet.id} is private (its route table has no route to an internet "
                "gateway) and the VPC has no ECS interface endpoint "
                f"(com.amazonaws.{self.lab.region}.ecs)"
            )
        if public_ip is None:
            return (
                f"the instance has no public IP address, so it cannot use subnet {subnet.id}'s "
                "internet gateway, and the VPC has no ECS interface endpoint"
            )
        return None

    # -- changes (through lab actions) ----------------------------------------------------------

    def _add_private_subnet(self, az: str | None, name: str | None) -> Subnet:
        zones = [z for z, _ in zones_for(self.lab.region)]
        zone = az or zones[0]
        if zone not in zones:
            raise error_for_code("InvalidParameterValue")(
                f"Value ({zone}) for parameter availabilityZone is invalid. "
                f"Subnets can currently only be created in the following availability zones: {', '.join(zones)}."
            )
        index = len(self.subnets)
        if index >= 16:
            raise error_for_code("SubnetLimitExceeded")(
                "The default VPC has no free /20 block left"
            )
        zone_id = dict(zones_for(self.lab.region))[zone]
        sid = "subnet-" + self.lab.random.hex(17)
        s = Subnet(
            sid,
            self.default_vpc.id,
            zone,
            zone_id,
            f"172.31.{16 * index}.0/20",
            False,
            False,
            False,
            name,
        )
        self.subnets[sid] = s
        self.lab.emit(
            "SubnetCreated",
            "ec2",
            resource=sid,
            vpc_id=s.vpc_id,
            az=zone,
            cidr=s.cidr,
            public=False,
        )
        return s

    def _add_ecs_endpoint(self) -> VpcEndpoint:
        existing = self.ecs_endpoint(self.default_vpc.id)
        if existing is not None:
            return existing
        eid = "vpce-" + self.lab.random.hex(17)
        ep = VpcEndpoint(
            eid,
            self.default_vpc.id,
            f"com.amazonaws.{self.lab.region}.ecs",
            [s.id for s in self.subnets.values()],
        )
        self.endpoints[eid] = ep
        self.lab.emit("VpcEndpointCreated", "ec2", resource=eid, service_name=ep.service_name)
        return ep

    def add_private_subnet(self, az: str | None = None, name: str | None = None) -> str:
        """Add a private subnet to the default VPC (recorded lab action); returns its id."""
        return self.lab.act("add_private_subnet", az=az, name=name)

    def add_ecs_vpc_endpoint(self) -> str:
        """Add an ECS interface VPC endpoint to the default VPC (recorded lab action)."""
        return self.lab.act("add_ecs_vpc_endpoint")


@lab_action
def add_private_subnet(lab, az: str | None = None, name: str | None = None) -> str:
    return lab.network._add_private_subnet(az, name).id


@lab_action
def add_ecs_vpc_endpoint(lab) -> str:
    return lab.network._add_ecs_endpoint().id
