"""EC2 instances: RunInstances / DescribeInstances / TerminateInstances on the simulated clock.

Life cycle: ``pending`` --(BOOT_SECONDS)--> ``running`` ... TerminateInstances -> ``shutting-down``
--(SHUTDOWN_SECONDS)--> ``terminated`` (still described for an hour, like AWS).

Facts (billing reads them): ``InstanceLaunched`` (pending), ``InstanceRunning`` (billing starts;
detail has instance_type, az, arch, vcpu, memory_mib, region, platform, market and the us-east-1
list price), ``InstanceTerminating`` (shutting-down: AWS stops charging here) and
``InstanceTerminated`` (detail: running_seconds = running -> shutting-down, the billable time). Other domains hear about transitions through optional hooks
``on_instance_running(instance)`` and ``on_instance_terminating(instance)``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...core import catalog
from ...core.errors import error_for_code
from ...core.record import lab_action
from .images import find_image

__all__ = ["Instance", "Instances", "BOOT_SECONDS", "SHUTDOWN_SECONDS", "INSTANCE_ID_RE"]

BOOT_SECONDS = 20
SHUTDOWN_SECONDS = 10
VISIBLE_AFTER_TERMINATION = timedelta(hours=1)
VCPU_LIMIT = 64  # running on-demand standard-instance vCPUs (a common default quota)
USER_DATA_LIMIT = 16384
INSTANCE_ID_RE = re.compile(r"^i-[0-9a-f]{8}([0-9a-f]{9})?$")
STATE_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48}

InvalidParameterValue = error_for_code("InvalidParameterValue")


@dataclass
class Instance:
    id: str
    reservation_id: str
    image_id: str
    instance_type: str
    az: str
    subnet_id: str
    vpc_id: str
    private_ip: str
    public_ip: str | None
    security_group_ids: list[str]
    profile_arn: str | None
    profile_id: str | None
    user_data: str
    eni_id: str
    launch_index: int
    launched_at: datetime
    trunking_at_launch: bool  # was awsvpcTrunking on when it was launched?
    tags: dict[str, str] = field(default_factory=dict)
    state: str = "pending"
    state_reason: str = ""
    running_at: datetime | None = None
    shutdown_at: datetime | None = None  # billing stops here (AWS: at shutting-down)
    terminated_at: datetime | None = None
    timer: object = None

    @property
    def type_info(self) -> dict:
        return catalog.instance_type(self.instance_type)


class Instances:
    def request_vcpu_limit(self, vcpus: int) -> None:
        """Raise (or lower) the running on-demand vCPU quota -- a recorded lab action standing
        for a granted Service Quotas increase (benchmarks and large-cluster lessons)."""
        self.lab.act("set_vcpu_limit", vcpus=vcpus)

    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_id: dict[str, Instance] = {}
        self.vcpu_limit = VCPU_LIMIT

    # -- lookups ---------------------------------------------------------------------------------

    def visible(self) -> list[Instance]:
        now = self.lab.now
        return [
            i
            for i in self._by_id.values()
            if i.terminated_at is None or now - i.terminated_at < VISIBLE_AFTER_TERMINATION
        ]

    def get(self, instance_id: str) -> Instance:
        return self.find_many([instance_id])[0]

    def find_many(self, ids: list[str]) -> list[Instance]:
        for i in ids:
            if not INSTANCE_ID_RE.match(i):
                raise error_for_code("InvalidInstanceID.Malformed")(f'Invalid id: "{i}"')
        known = {i.id: i for i in self.visible()}
        missing = [i for i in ids if i not in known]
        if len(missing) == 1:
            raise error_for_code("InvalidInstanceID.NotFound")(
                f"The instance ID '{missing[0]}' does not exist"
            )
        if missing:
            raise error_for_code("InvalidInstanceID.NotFound")(
                f"The instance IDs '{', '.join(missing)}' do not exist"
            )
        return [known[i] for i in dict.fromkeys(ids)]

    # -- RunInstances ----------------------------------------------------------------------------

    def run(
        self,
        *,
        image_id: str,
        instance_type: str,
        min_count: int,
        max_count: int,
        subnet_id: str | None = None,
        security_group_ids: list[str] | None = None,
        profile_name: str | None = None,
        profile_arn: str | None = None,
        user_data: str | None = None,
        associate_public_ip: bool | None = None,
        tags: dict[str, str] | None = None,
        az: str | None = None,
    ) -> list[Instance]:
        """Validate everything, then launch ``max_count`` instances (all or nothing)."""
        lab = self.lab
        image = find_image(image_id)
        info = catalog.instance_type(instance_type)
        if info is None:
            # Wording as seen from the EC2 API (unverified against an AWS page).
            raise InvalidParameterValue(f"Invalid value '{instance_type}' for InstanceType.")
        if info["arch"] != image.arch:
            raise error_for_code("InvalidParameterValue")(
                f"The architecture '{info['arch']}' of the specified instance type does not match "
                f"the architecture '{image.arch}' of the specified AMI. Specify an instance type and "
                "an AMI that have matching architectures, and try again. You can use "
                "'describe-instance-types' or 'describe-images' to discover the architecture of "
                "the instance type or AMI."
            )
        if min_count < 1 or max_count < 1:
            raise InvalidParameterValue(
                f"Value ({min(min_count, max_count)}) for parameter count is invalid. "
                "Expected a positive integer."
            )
        if min_count > max_count:
            raise InvalidParameterValue(
                f"Value ({min_count}) for parameter minCount is invalid. "
                "minCount must be less than or equal to maxCount."
            )
        text = self._user_data(user_data)
        net = lab.network
        if subnet_id is not None:
            subnet = net.subnet(subnet_id)
        elif az is not None:
            subnet = next(
                (s for s in net.subnets.values() if s.az == az and s.default_for_az), None
            )
            if subnet is None:
                raise InvalidParameterValue(f"Invalid availability zone: [{az}]")
        else:
            subnet = net.default_subnet()
        groups = list(security_group_ids or []) or [net.default_security_group(subnet.vpc_id).id]
        for g in groups:
            net.security_group(g)
        profile = None
        if profile_arn is not None:
            profile = lab.iam.profile_by_arn(profile_arn)
            if profile is None:
                raise InvalidParameterValue(
                    f"Value ({profile_arn}) for parameter iamInstanceProfile.arn is invalid. "
                    "Invalid IAM Instance Profile ARN"
                )
        elif profile_name is not None:
            profile = lab.iam.profiles.get(profile_name)
            if profile is None:
                raise InvalidParameterValue(
                    f"Value ({profile_name}) for parameter iamInstanceProfile.name is invalid. "
                    "Invalid IAM Instance Profile name"
                )
        running_vcpu = sum(
            i.type_info["vcpu"] for i in self._by_id.values() if i.state in ("pending", "running")
        )
        limit = self.vcpu_limit
        if running_vcpu + info["vcpu"] * min_count > limit:
            raise error_for_code("VcpuLimitExceeded")(
                f"You have requested more vCPU capacity than your current vCPU limit of "
                f"{limit} allows for the instance bucket that the specified instance type "
                "belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request "
                "an adjustment to this limit."
            )
        fits = (limit - running_vcpu) // info["vcpu"]
        count = min(max_count, fits)
        public = subnet.map_public_ip if associate_public_ip is None else associate_public_ip
        trunking = lab.account_setting_value("awsvpcTrunking") == "enabled"

        # Everything is valid: change state.
        reservation = "r-" + lab.random.hex(17)
        launched = []
        for n in range(count):
            inst = Instance(
                id="i-" + lab.random.hex(17),
                reservation_id=reservation,
                image_id=image.id,
                instance_type=instance_type,
                az=subnet.az,
                subnet_id=subnet.id,
                vpc_id=subnet.vpc_id,
                private_ip=subnet.next_ip(),
                public_ip=self._public_ip() if public else None,
                security_group_ids=groups,
                profile_arn=profile.arn if profile else None,
                profile_id=profile.id if profile else None,
                user_data=text,
                eni_id="eni-" + lab.random.hex(17),
                launch_index=n,
                launched_at=lab.now,
                trunking_at_launch=trunking,
                tags=dict(tags or {}),
            )
            self._by_id[inst.id] = inst
            launched.append(inst)
            lab.emit(
                "InstanceLaunched",
                "ec2",
                resource=inst.id,
                instance_type=instance_type,
                az=inst.az,
                subnet_id=inst.subnet_id,
                image_id=image.id,
                reservation_id=reservation,
            )
            inst.timer = lab.clock.after(BOOT_SECONDS, lambda i=inst: self._boot(i), "boot")
        return launched

    def _user_data(self, user_data: str | None) -> str:
        if not user_data:
            return ""
        try:
            raw = base64.b64decode(user_data.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise InvalidParameterValue("Invalid BASE64 encoding of user data.") from None
        if len(raw) > USER_DATA_LIMIT:
            raise InvalidParameterValue(f"User data is limited to {USER_DATA_LIMIT} bytes")
        return raw.decode("utf-8", errors="replace")

    def _public_ip(self) -> str:
        a, b = (int(x) for x in self.lab.random.integers(1, 255, size=2))
        return f"18.167.{a}.{b}"

    # -- transitions -----------------------------------------------------------------------------

    def _boot(self, inst: Instance) -> None:
        inst.state, inst.running_at, inst.timer = "running", self.lab.now, None
        info = inst.type_info
        self.lab.emit(
            "InstanceRunning",
            "ec2",
            resource=inst.id,
            instance_type=inst.instance_type,
            az=inst.az,
            region=self.lab.region,
            arch=info["arch"],
            vcpu=info["vcpu"],
            memory_mib=info["memory_mib"],
            platform="Linux/UNIX",
            market="on-demand",
            price_us_east_1=float(info["price_us_east_1"]),
        )
        for d in self.lab.domains:
            hook = getattr(d, "on_instance_running", None)
            if hook is not None:
                hook(inst)

    def terminate(self, ids: list[str]) -> list[tuple[Instance, str]]:
        """Start terminating; returns [(instance, previous state)]."""
        found = self.find_many(ids)
        out = []
        for inst in found:
            prev = inst.state
            out.append((inst, prev))
            if prev in ("shutting-down", "terminated"):
                continue
            self.lab.clock.cancel(inst.timer)
            inst.state, inst.shutdown_at = "shutting-down", self.lab.now
            inst.state_reason = f"User initiated ({self.lab.now.strftime('%Y-%m-%d %H:%M:%S GMT')})"
            self.lab.emit("InstanceTerminating", "ec2", resource=inst.id, previous=prev)
            for d in self.lab.domains:
                hook = getattr(d, "on_instance_terminating", None)
                if hook is not None:
                    hook(inst)
            inst.timer = self.lab.clock.after(
                SHUTDOWN_SECONDS, lambda i=inst: self._terminated(i), "shutdown"
            )
        return out

    def _terminated(self, inst: Instance) -> None:
        inst.state, inst.terminated_at, inst.timer = "terminated", self.lab.now, None
        inst.public_ip = None
        end = inst.shutdown_at or inst.terminated_at
        running = (end - inst.running_at).total_seconds() if inst.running_at else 0.0
        self.lab.emit(
            "InstanceTerminated",
            "ec2",
            resource=inst.id,
            instance_type=inst.instance_type,
            az=inst.az,
            running_seconds=running,
        )


@lab_action
def set_vcpu_limit(lab, vcpus: int) -> None:
    """The account's running on-demand vCPU quota (a granted Service Quotas increase)."""
    if not isinstance(vcpus, int) or vcpus < 1:
        raise ValueError("vcpus must be a positive integer")
    lab.instances.vcpu_limit = vcpus
    lab.emit("VcpuLimitChanged", "ec2", vcpus=vcpus)
