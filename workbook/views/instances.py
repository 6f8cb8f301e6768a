"""Container instances the way a learner makes them: an EC2 instance from an AMI found in SSM,
user data naming the cluster, an instance profile, a subnet. No widgets here (the launch panel
and the lesson call these), and no ECS logic: registration is the lab's agent's business, read
back through the ECS API, ``lab.agent_log`` and ``lab.diagnose_instance``.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import pandas as pd

from ecslab.core import catalog

from ..aws import Outcome, attempt, client

__all__ = [
    "ECS_AMI_PARAMETERS",
    "PLAIN_AMI_PARAMETERS",
    "InstanceLauncher",
    "LaunchRequest",
    "ami_id",
    "arch_of",
    "container_instances_table",
    "launch_fleet",
    "name_tags",
    "readable",
    "registration_status",
    "registered_memory_table",
    "type_label",
    "user_data_for",
]

#: SSM public parameters: the recommended ECS-optimized Amazon Linux 2 AMI per architecture.
ECS_AMI_PARAMETERS = {
    "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
    "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id",
}
#: ... and plain Amazon Linux 2 (no container agent): the classic mistake.
PLAIN_AMI_PARAMETERS = {
    "x86_64": "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
    "arm64": "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2",
}

_INSTANCE_ID = re.compile(r"\bi-[0-9a-f]{17}\b")
_HEX32 = re.compile(r"\b[0-9a-f]{32}\b")
_SUBNET = re.compile(r"\bsubnet-[0-9a-f]{17}\b")


def user_data_for(cluster: str) -> str:
    """The walkthrough's user data: a shell script that names the cluster in ecs.config."""
    return f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"


def arch_of(instance_type: str) -> str:
    """``x86_64`` or ``arm64`` (from the catalog); ValueError for an unknown type."""
    info = catalog.instance_type(instance_type)
    if info is None:
        raise ValueError(f"{instance_type} is not in the catalog")
    return str(info["arch"])


def type_label(instance_type: str) -> str:
    """``"m5.large: 2 vCPU, 8 GiB, 3 ENIs (x86_64)"``."""
    i = catalog.instance_type(instance_type)
    return (
        f"{instance_type}: {i['vcpu']} vCPU, {i['memory_gib']:g} GiB, {i['max_enis']} ENIs"
        f" ({i['arch']})"
    )


def ami_id(lab, arch: str = "x86_64", ecs_optimized: bool = True) -> str:
    """The AMI id an SSM public parameter names (as ``aws ssm get-parameters`` returns it)."""
    names = ECS_AMI_PARAMETERS if ecs_optimized else PLAIN_AMI_PARAMETERS
    return client(lab, "ssm").get_parameter(Name=names[arch])["Parameter"]["Value"]


_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def name_tags(lab) -> dict[str, str]:
    """EC2 instance id -> its ``Name`` tag (instances without one are left out). Cached until the
    next EC2 call that changed something (DescribeInstances of 100 instances takes ~30 ms)."""
    ev = lab.events
    mark = int(((ev["origin"] == "input") & (ev["service"] == "ec2")).sum())
    got = _NAMES.get(lab)
    if got is None or got[0] != mark:
        got = _NAMES[lab] = (mark, _name_tags(lab))
    return dict(got[1])


def _name_tags(lab) -> dict[str, str]:
    out = {}
    for r in client(lab, "ec2").describe_instances()["Reservations"]:
        for i in r["Instances"]:
            tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
            if "Name" in tags:
                out[i["InstanceId"]] = tags["Name"]
    return out


def readable(lab, text: str) -> str:
    """``text`` with EC2 instance ids shown as their Name tag (``<web-1>``, else ``i-…``) and
    32-hex resource ids (container instances, tasks) as ``…``, subnet ids as ``subnet-…``: ids differ between seeds, names
    do not, so lesson outputs compare across runs."""
    names = name_tags(lab)
    text = _INSTANCE_ID.sub(lambda m: f"<{names[m[0]]}>" if m[0] in names else "i-…", text)
    return _SUBNET.sub("subnet-…", _HEX32.sub("…", text))


@dataclass(frozen=True)
class LaunchRequest:
    """What the launch panel's form holds."""

    instance_type: str = "m5.large"
    ecs_optimized: bool = True
    user_data: str = ""
    instance_profile: bool = True
    subnet_id: str | None = None
    public_ip: bool | None = None  # None: the subnet's default (public subnets give one)
    name: str | None = None

    def run_instances_kwargs(self, lab) -> dict:
        """The RunInstances parameters this form means (what boto3 / the CLI would send)."""
        kw: dict = {
            "ImageId": ami_id(lab, arch_of(self.instance_type), self.ecs_optimized),
            "InstanceType": self.instance_type,
            "MinCount": 1,
            "MaxCount": 1,
        }
        if self.user_data:
            kw["UserData"] = self.user_data
        if self.instance_profile:
            kw["IamInstanceProfile"] = {"Name": "ecsInstanceRole"}
        if self.public_ip is None:
            if self.subnet_id:
                kw["SubnetId"] = self.subnet_id
        else:
            # An explicit public-IP choice goes on the primary network interface, as in AWS.
            nic: dict = {"DeviceIndex": 0, "AssociatePublicIpAddress": bool(self.public_ip)}
            if self.subnet_id:
                nic["SubnetId"] = self.subnet_id
            kw["NetworkInterfaces"] = [nic]
        if self.name:
            kw["TagSpecifications"] = [
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": self.name}]}
            ]
        return kw


def registration_status(lab, instance_id: str) -> dict:
    """Where one EC2 instance stands: its EC2 state, the cluster it registered in (or None), its
    ECS status, and the lab's plain-words diagnosis."""
    ec2 = client(lab, "ec2")
    inst = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    diagnosis = lab.diagnose_instance(instance_id)
    m = re.search(r"registered in cluster (\S+) as \S+ \(status (\w+)", diagnosis)
    return {
        "instance_id": instance_id,
        "state": inst["State"]["Name"],
        "cluster": m[1] if m else None,
        "status": m[2] if m else None,
        "registered": bool(m) and m[2] in ("ACTIVE", "DRAINING", "REGISTERING"),
        "diagnosis": diagnosis,
    }


def container_instances_table(lab, cluster: str) -> pd.DataFrame:
    """One row per container instance of ``cluster`` (ListContainerInstances + Describe...): the
    EC2 instance (Name tag or id), type, architecture, zone, status, registered CPU and MEMORY
    next to the type's nominal vCPU and memory, and whether it has a trunk ENI."""
    ecs = client(lab, "ecs")
    columns = [
        "instance",
        "type",
        "arch",
        "az",
        "status",
        "cpu",
        "vcpu_x_1024",
        "memory_mib",
        "nominal_mib",
        "trunk_eni",
    ]
    arns = [
        a
        for page in ecs.get_paginator("list_container_instances").paginate(cluster=cluster)
        for a in page["containerInstanceArns"]
    ]
    names = _name_tags(lab)
    rows = []
    for i in range(0, len(arns), 100):
        described = ecs.describe_container_instances(
            cluster=cluster, containerInstances=arns[i : i + 100]
        )
        for ci in described["containerInstances"]:
            attrs = {a["name"]: a.get("value") for a in ci["attributes"]}
            res = {r["name"]: r.get("integerValue") for r in ci["registeredResources"]}
            info = catalog.instance_type(attrs["ecs.instance-type"])
            rows.append(
                {
                    "instance": names.get(ci["ec2InstanceId"], ci["ec2InstanceId"]),
                    "type": attrs["ecs.instance-type"],
                    "arch": attrs["ecs.cpu-architecture"],
                    "az": attrs["ecs.availability-zone"],
                    "status": ci["status"],
                    "cpu": res["CPU"],
                    "vcpu_x_1024": info["vcpu"] * 1024,
                    "memory_mib": res["MEMORY"],
                    "nominal_mib": info["memory_mib"],
                    "trunk_eni": "ecs.awsvpc-trunk-id" in attrs,
                }
            )
    return pd.DataFrame(rows, columns=columns).set_index("instance")


def registered_memory_table(types: list[str]) -> pd.DataFrame:
    """Per instance type: nominal memory, what the agent registers (the catalog's approximation of
    the OS-visible memory) and the difference, with registered CPU (vCPUs x 1024)."""
    df = catalog.instance_types().loc[list(types)]
    out = pd.DataFrame(index=df.index.rename("type"))
    out["vcpu"] = df["vcpu"].astype(int)
    out["registered_cpu"] = df["registered_cpu"].astype(int)
    out["nominal_mib"] = df["memory_mib"].astype(int)
    out["registered_mib"] = df["registered_memory_mib"].astype(int)
    out["hidden_mib"] = out["nominal_mib"] - out["registered_mib"]
    return out


class InstanceLauncher:
    """The launch panel's logic: launch from a :class:`LaunchRequest`, then read where each
    launched instance stands. Every launch is one RunInstances call (errors in AWS's words)."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self.ec2 = client(lab, "ec2")
        self.launched: list[str] = []

    def launch(self, request: LaunchRequest) -> Outcome:
        try:
            kwargs = request.run_instances_kwargs(self.lab)
        except ValueError as exc:
            return Outcome(False, str(exc))

        def said(resp: dict) -> str:
            inst = resp["Instances"][0]
            self.launched.append(inst["InstanceId"])
            label = f" ({request.name})" if request.name else ""
            return (
                f"launched {inst['InstanceId']}{label}: {inst['InstanceType']} is "
                f"{inst['State']['Name']}; advance the clock to let its agent register"
            )

        return attempt(lambda: self.ec2.run_instances(**kwargs), said)

    def subnets(self) -> list[tuple[str, str]]:
        """(label, subnet id) for each subnet, public ones first: zone, public/private, Name tag."""
        out = []
        for s in self.ec2.describe_subnets()["Subnets"]:
            tags = {t["Key"]: t["Value"] for t in s.get("Tags", [])}
            kind = "public" if s["MapPublicIpOnLaunch"] else "private"
            label = f"{s['AvailabilityZone']} {kind}" + (
                f" ({tags['Name']})" if "Name" in tags else ""
            )
            out.append((kind != "public", label, s["SubnetId"]))
        return [(label, sid) for _, label, sid in sorted(out)]

    def results(self) -> pd.DataFrame:
        """One row per instance launched here: name, type, EC2 state, ECS cluster/status and the
        diagnosis (ids shown as names)."""
        names = _name_tags(self.lab)
        rows = []
        for iid in self.launched:
            st = registration_status(self.lab, iid)
            inst = self.ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
            rows.append(
                {
                    "instance": names.get(iid, iid),
                    "type": inst["InstanceType"],
                    "state": st["state"],
                    "cluster": st["cluster"] or "",
                    "ecs_status": st["status"] or "not registered",
                    "diagnosis": readable(self.lab, st["diagnosis"]),
                }
            )
        cols = ["instance", "type", "state", "cluster", "ecs_status", "diagnosis"]
        return pd.DataFrame(rows, columns=cols).set_index("instance")


def launch_fleet(
    lab, cluster: str, instance_type: str, names: list[str], subnets: list[str] | None = None
) -> list[str]:
    """Launch one ECS-optimized instance per name (``Name`` tag), joining ``cluster`` with
    ``ecsInstanceRole``, round-robin over ``subnets`` (default: the lab's public subnets, one per
    zone, in zone order). Returns the instance ids; advance the clock to let them register."""
    ec2 = client(lab, "ec2")
    if subnets is None:
        found = ec2.describe_subnets()["Subnets"]
        subnets = [
            s["SubnetId"]
            for s in sorted(found, key=lambda s: s["AvailabilityZone"])
            if s["MapPublicIpOnLaunch"]
        ]
    ami = ami_id(lab, arch_of(instance_type))
    ids = []
    for i, name in enumerate(names):
        resp = ec2.run_instances(
            ImageId=ami,
            InstanceType=instance_type,
            MinCount=1,
            MaxCount=1,
            UserData=user_data_for(cluster),
            IamInstanceProfile={"Name": "ecsInstanceRole"},
            SubnetId=subnets[i % len(subnets)],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
        ids.append(resp["Instances"][0]["InstanceId"])
    return ids
