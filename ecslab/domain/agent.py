"""The ECS container agent on each EC2 instance: reads /etc/ecs/ecs.config, tries to register.

Only the ECS-optimized AMI has an agent. When such an instance is running, ecs-init starts the
agent (AGENT_START_SECONDS later), which registers with the cluster named by ECS_CLUSTER
("default" if unset -- the agent creates that cluster if it is missing, as the real one does).
Registration needs, in this order (the order in which the real agent fails):

1. credentials: an instance profile whose role has AmazonEC2ContainerServiceforEC2Role;
2. a route to the ECS endpoint: public subnet + public IP, or an ECS interface VPC endpoint;
3. the cluster: ECS_CLUSTER must name an ACTIVE cluster ("Cluster not found." otherwise);
4. ECS_RESERVED_MEMORY below the instance's memory.

A failed attempt is logged the way ecs-agent.log shows it and retried with backoff (so creating
the missing cluster or adding a VPC endpoint later lets the instance join). ``lab.agent_log(id)``
returns the log lines; ``lab.diagnose_instance(id)`` says in plain words what is missing.

User data: ``#!/bin/bash`` scripts are scanned for ``echo KEY=VALUE >> /etc/ecs/ecs.config`` (also
``>``, quoted values) and ``cat <<EOF >> /etc/ecs/ecs.config`` here-documents. Bare ``KEY=VALUE``
lines are accepted too (ecslab is lenient here; real cloud-init ignores user data without ``#!``
or ``#cloud-config`` -- the agent log says so). MIME multi-part user data is not parsed.
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache

from ..core import catalog
from ..core.errors import AwsError
from .ec2.images import IMAGES

__all__ = ["Agent", "parse_ecs_config", "AGENT_START_SECONDS"]

AGENT_START_SECONDS = 15
RETRY_SECONDS = (30, 60, 120, 300, 600)
MAX_LOG_LINES = 300
_ECS_CONFIG = "/etc/ecs/ecs.config"
_KV = re.compile(r"^(ECS_[A-Z0-9_]+)=(.*)$")
_ECHO = re.compile(r"^echo\s+(?:-e\s+)?(.+?)\s*>>?\s*" + re.escape(_ECS_CONFIG) + r"\s*$")
_HEREDOC = re.compile(r"^cat\s+<<-?\s*['\"]?(\w+)['\"]?\s*>>?\s*" + re.escape(_ECS_CONFIG))


def _unquote(text: str) -> str:
    try:
        parts = shlex.split(text)
    except ValueError:
        return text.strip()
    return " ".join(parts)


def parse_ecs_config(user_data: str) -> tuple[dict[str, str], list[str]]:
    """(ECS_* settings the user data writes to /etc/ecs/ecs.config, notes for the log)."""
    config, notes = _parse_ecs_config(user_data)
    return dict(config), list(notes)


@lru_cache(maxsize=64)
def _parse_ecs_config(user_data: str) -> tuple[dict[str, str], tuple[str, ...]]:
    # Cached: a fleet launched together shares one user data, and each agent reads it twice.
    config: dict[str, str] = {}
    notes: list[str] = []
    lines = user_data.replace("\r\n", "\n").split("\n")
    script = bool(lines) and lines[0].startswith("#!")
    if user_data.strip() and not script and not lines[0].startswith("#cloud-config"):
        notes.append(
            "user data has no '#!' line: ecslab reads its KEY=VALUE lines as ecs.config "
            "(real cloud-init would not run it; start it with #!/bin/bash and echo ... >> "
            "/etc/ecs/ecs.config)"
        )
    heredoc = None
    for raw in lines:
        line = raw.strip()
        if heredoc is not None:
            if line == heredoc:
                heredoc = None
                continue
            m = _KV.match(line)
            if m:
                config[m[1]] = m[2].strip()
            continue
        m = _HEREDOC.match(line)
        if m:
            heredoc = m[1]
            continue
        m = _ECHO.match(line)
        if m:
            m2 = _KV.match(_unquote(m[1]))
            if m2:
                config[m2[1]] = m2[2]
            continue
        if not script:
            m = _KV.match(line)
            if m:
                config[m[1]] = _unquote(m[2]) if m[2] else ""
    return config, tuple(notes)


class Agent:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._log: dict[str, list[str]] = {}
        self._problem: dict[str, str | None] = {}  # instance id -> why it is not registered
        self._attempts: dict[str, int] = {}
        self._timers: dict[str, object] = {}
        self._stamp: tuple[object, str] = (None, "")  # (lab.now, its log form): many lines share it
        lab.agent_log = self.log
        lab.diagnose_instance = self.diagnose

    # -- the log ---------------------------------------------------------------------------------

    def _write(self, iid: str, level: str, msg: str, module: str, **fields: str) -> None:
        now = self.lab.now
        at, t = self._stamp
        if at != now:
            t = now.strftime("%Y-%m-%dT%H:%M:%SZ")
            self._stamp = (now, t)
        extra = "".join(f' {k}="{v}"' for k, v in fields.items())
        lines = self._log.setdefault(iid, [])
        lines.append(f'level={level} time={t} msg="{msg}"{extra} module={module}')
        del lines[:-MAX_LOG_LINES]

    def log(self, instance_id: str) -> list[str]:
        """The lines /var/log/ecs/ecs-agent.log would show on ``instance_id``."""
        inst = self.lab.instances.get(instance_id)
        image = IMAGES[inst.image_id]
        if not image.ecs_optimized:
            return [
                f"(no /var/log/ecs/ecs-agent.log: {image.name} is not an ECS-optimized AMI, "
                "so no container agent is installed)"
            ]
        return list(self._log.get(instance_id, []))

    # -- the agent's life ------------------------------------------------------------------------

    def on_instance_running(self, inst) -> None:
        if not IMAGES[inst.image_id].ecs_optimized:
            return
        self._timers[inst.id] = self.lab.clock.after(
            AGENT_START_SECONDS, lambda: self._start(inst), "agent-start"
        )

    def on_instance_terminating(self, inst) -> None:
        self.lab.clock.cancel(self._timers.pop(inst.id, None))

    def _start(self, inst) -> None:
        image = IMAGES[inst.image_id]
        self._write(inst.id, "info", "Loading configuration", "agent.go")
        _, notes = parse_ecs_config(inst.user_data)
        for note in notes:
            self._write(inst.id, "warn", note, "config.go")
        self._write(
            inst.id,
            "info",
            f"Amazon ECS agent Version: {image.agent_version}, Commit: 5ab1d3c8",
            "agent.go",
        )
        self._attempt(inst)

    def _attempt(self, inst) -> None:
        config, _ = parse_ecs_config(inst.user_data)
        cluster = config.get("ECS_CLUSTER") or "default"
        self._write(inst.id, "info", "Registering Instance with ECS", "agent.go")
        error, problem = self._blocker(inst, cluster, config)
        if error is None:
            if cluster == "default":
                self.lab.clusters.create("default")  # the agent's CreateCluster (idempotent)
            ci = self.lab.container_instances.register(inst, cluster, config)
            self._problem[inst.id] = None
            self._write(inst.id, "info", "Registered container instance with cluster!", "client.go")
            self._write(
                inst.id,
                "info",
                f"Registration completed successfully. I am running as '{ci.arn}' in cluster '{cluster}'",
                "agent.go",
            )
            self._timers.pop(inst.id, None)
            return
        self._write(
            inst.id,
            "error",
            f"Unable to register as a container instance with ECS: {error}",
            "client.go",
        )
        self._write(inst.id, "critical", "Error registering", "agent.go", error=error)
        if self._problem.get(inst.id) != problem:
            self.lab.emit(
                "AgentRegistrationFailed", "ecs", cluster=cluster, resource=inst.id, reason=problem
            )
        self._problem[inst.id] = problem
        n = self._attempts[inst.id] = self._attempts.get(inst.id, 0) + 1
        delay = RETRY_SECONDS[min(n - 1, len(RETRY_SECONDS) - 1)]
        self._timers[inst.id] = self.lab.clock.after(
            delay, lambda: self._attempt(inst), "agent-retry"
        )

    def _blocker(self, inst, cluster: str, config: dict[str, str]) -> tuple[str | None, str]:
        """(the error the agent sees, a plain-words reason) or (None, '') if it can register."""
        lab = self.lab
        why = lab.iam.profile_grants_ecs(inst.profile_arn)
        if why is not None:
            if inst.profile_arn is None or lab.iam.profile_by_arn(inst.profile_arn) is None:
                return (
                    "NoCredentialProviders: no valid providers in chain. Deprecated.",
                    why,
                )
            return (
                "AccessDeniedException: User is not authorized to perform: "
                "ecs:RegisterContainerInstance",
                why,
            )
        why = lab.network.route_to_ecs(lab.network.subnet(inst.subnet_id), inst.public_ip)
        if why is not None:
            return (
                f'RequestError: send request failed caused by: Post "https://ecs.{lab.region}.amazonaws.com/": '
                f"dial tcp: i/o timeout",
                why,
            )
        try:
            c = lab.clusters.get(cluster) if cluster != "default" else None
        except AwsError:
            c = None
        if cluster != "default" and c is None:
            return (
                "ClientException: Cluster not found.",
                f"ECS_CLUSTER={cluster} names a cluster that does not exist in {lab.region}",
            )
        reserved = config.get("ECS_RESERVED_MEMORY", "0") or "0"
        info = catalog.instance_type(inst.instance_type)
        if (
            not reserved.isdigit()
            or catalog.registered_memory_mib(info["memory_mib"], int(reserved)) <= 0
        ):
            return (
                f"ECS_RESERVED_MEMORY={reserved} is not a number of MiB below the instance's memory",
                f"ECS_RESERVED_MEMORY={reserved} is invalid for a {inst.instance_type}",
            )
        return None, ""

    # -- diagnosis -------------------------------------------------------------------------------

    def diagnose(self, instance_id: str) -> str:
        """One paragraph, in plain words: is this instance in a cluster, and if not, why not."""
        lab = self.lab
        inst = lab.instances.get(instance_id)
        image = IMAGES[inst.image_id]
        ci = lab.container_instances.for_instance(inst.id)
        if ci is not None:
            return (
                f"{inst.id} is registered in cluster {ci.cluster} as {ci.arn} "
                f"(status {ci.status}, agent {'connected' if ci.agent_connected else 'disconnected'})."
            )
        gone = [c for c in lab.container_instances.all() if c.ec2_instance_id == inst.id]
        if gone:
            return (
                f"{inst.id} was registered in cluster {gone[-1].cluster} as {gone[-1].arn}, which "
                "is now INACTIVE (deregistered); its agent does not register again by itself."
            )
        if not image.ecs_optimized:
            return (
                f"{inst.id} will never register: its AMI {image.id} ({image.name}) is not the "
                "ECS-optimized AMI, so it has no container agent. Launch from the image id in SSM "
                "parameter /aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id."
            )
        if inst.state in ("shutting-down", "terminated"):
            return f"{inst.id} is {inst.state}; it did not register before it stopped."
        problem = self._problem.get(inst.id)
        if problem is None:
            return f"{inst.id} is {inst.state}; its agent has not tried to register yet."
        hint = {
            "instance profile": "Terminate it and launch again with "
            "IamInstanceProfile={'Name': 'ecsInstanceRole'}.",
            "role in": "Attach AmazonEC2ContainerServiceforEC2Role to the role "
            "(lab.iam.add_role('ecsInstanceRole') restores the standard one).",
            "private": "Launch into a public subnet with a public IP, or add an ECS VPC endpoint "
            "(lab.network.add_ecs_vpc_endpoint()); the agent retries.",
            "public IP": "Launch with a public IP (AssociatePublicIpAddress=True), or add an ECS "
            "VPC endpoint (lab.network.add_ecs_vpc_endpoint()); the agent retries.",
            "ECS_CLUSTER": "Create that cluster (the agent retries and will join it) or fix "
            "ECS_CLUSTER in the user data.",
            "ECS_RESERVED_MEMORY": "Fix ECS_RESERVED_MEMORY in the user data and relaunch.",
        }
        fix = next((v for k, v in hint.items() if k in problem), "")
        return f"{inst.id} is not registered: {problem}. {fix}".strip()
