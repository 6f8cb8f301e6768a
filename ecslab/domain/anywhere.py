"""ECS Anywhere's first step: SSM hybrid activations (CreateActivation / DescribeActivations /
DeleteActivation), from the AWS Systems Manager API Reference.

An activation lets up to ``registration_limit`` (default 1, at most 1000) on-premises machines
register as managed instances (``mi-...``) until it expires (default 24 hours after creation,
at most 30 days). The activation code is a secret returned only by CreateActivation.
``register_external_instance`` (a lab action; ``lab.register_external_instance(...)``) then
registers the managed instance as an EXTERNAL container instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..core.errors import error_for_code
from ..core.record import lab_action

__all__ = ["Activations", "Activation", "register_external_instance"]

InvalidActivationId = error_for_code("InvalidActivationId")
InvalidParameters = error_for_code("InvalidParameters")
ValidationException = error_for_code("ValidationException")

DEFAULT_EXPIRY = timedelta(hours=24)
MAX_EXPIRY = timedelta(days=30)
MAX_LIMIT = 1000


@dataclass
class Activation:
    id: str
    code: str
    iam_role: str
    created_at: datetime
    expires_at: datetime
    registration_limit: int = 1
    registrations: int = 0
    description: str | None = None
    default_instance_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


class Activations:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_id: dict[str, Activation] = {}  # insertion order = creation order

    def create(
        self,
        iam_role: str,
        *,
        registration_limit: int | None = None,
        expires_at: datetime | None = None,
        description: str | None = None,
        default_instance_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Activation:
        lab = self.lab
        limit = 1 if registration_limit is None else registration_limit
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationException(
                f"RegistrationLimit must be between 1 and {MAX_LIMIT}."
            )  # [M] text
        now = lab.now
        until = expires_at or now + DEFAULT_EXPIRY
        if until <= now or until - now > MAX_EXPIRY:
            raise InvalidParameters(
                "ExpirationDate must be in the future and at most 30 days from now."
            )  # [M] text
        h = lab.random.hex(32)
        aid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        code = lab.random.hex(20)
        act = Activation(
            id=aid,
            code=code,
            iam_role=iam_role,
            created_at=now,
            expires_at=until,
            registration_limit=limit,
            description=description,
            default_instance_name=default_instance_name,
            tags=dict(tags or {}),
        )
        self._by_id[aid] = act
        lab.emit(
            "ActivationCreated",
            "ssm",
            resource=aid,
            iam_role=iam_role,
            registration_limit=limit,
            expires_at=until.isoformat(),
        )
        return act

    def expired(self, act: Activation) -> bool:
        return self.lab.now >= act.expires_at

    def list(self, ids: list[str] | None = None) -> list[Activation]:
        acts = list(self._by_id.values())
        return [a for a in acts if a.id in ids] if ids else acts

    def delete(self, aid: str) -> None:
        if aid not in self._by_id:
            raise InvalidActivationId("")
        del self._by_id[aid]
        self.lab.emit("ActivationDeleted", "ssm", resource=aid)


# -- registering a managed instance as an EXTERNAL container instance ---------------------------

#: The hardware an on-premises machine reports when it does not say (modelled [M]).
DEFAULT_CPU = 2048
DEFAULT_MEMORY_MIB = 4096
ANYWHERE_AGENT_VERSION = "1.89.2"  # the ecs-anywhere-install.sh agent, same as the AMI's [M]


@dataclass
class ManagedInstance:
    """What ContainerInstances.register needs from a machine outside AWS (no EC2 facts)."""

    id: str
    type_info: dict
    activation_id: str
    external: bool = True
    instance_type: str = ""
    az: str = ""
    subnet_id: str = ""
    vpc_id: str = ""
    image_id: str = ""
    trunking_at_launch: bool = False
    agent_version: str = ANYWHERE_AGENT_VERSION
    docker_version: str = "25.0.6"


@lab_action
def register_external_instance(
    lab,
    cluster: str,
    activation_id: str,
    activation_code: str,
    cpu: int = DEFAULT_CPU,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> str:
    """What ``ecs-anywhere-install.sh --cluster C --activation-id I --activation-code K`` does:
    register with SSM as an ``mi-`` managed instance, then the ECS agent registers it with the
    cluster as an EXTERNAL container instance (the same registration path EC2 instances take).
    Returns the container instance ARN."""
    acts = lab.activations
    act = acts._by_id.get(activation_id)
    if act is None or act.code != activation_code:
        raise InvalidActivationId("The activation ID or code is not valid.")  # [M] text
    if acts.expired(act):
        raise error_for_code("InvalidActivation")("The activation has expired.")  # [M]
    if act.registrations >= act.registration_limit:
        raise error_for_code("InvalidActivation")(
            "The activation has reached its registration limit."
        )  # [M]
    lab.clusters.get(cluster)  # ClusterNotFoundException before anything changes
    if cpu <= 0 or memory_mib <= 0:
        raise ValueError("cpu and memory_mib must be positive")
    mid = "mi-" + lab.random.hex(17)
    info = {
        "registered_cpu": int(cpu),
        "memory_mib": int(memory_mib),
        "arch": "x86_64",
        "trunking_supported": False,
        "max_enis": 1,
        "trunk_tasks_with": 0,
    }
    act.registrations += 1
    lab.emit(
        "ManagedInstanceRegistered",
        "ssm",
        resource=mid,
        activation_id=activation_id,
        cpu=int(cpu),
        memory=int(memory_mib),
    )
    inst = ManagedInstance(id=mid, type_info=info, activation_id=activation_id)
    ci = lab.container_instances.register(inst, cluster, {})
    return ci.arn
