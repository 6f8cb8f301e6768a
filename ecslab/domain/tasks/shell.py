"""ECS Exec: ExecuteCommand's checks and session, and a tiny simulated shell (``lab.exec``).

Refusals ([V3] the texts AWS returns, quoted in many public reports):

* not started with ``enableExecuteCommand`` or not RUNNING -> InvalidParameterException
  ``EXEC_DISABLED``;
* no task role (the SSM agent in the task needs ``ssmmessages:*`` from it) ->
  TargetNotConnectedException "The execute command failed due to an internal error. Try again
  later.";
* ``interactive`` false -> InvalidParameterException "Interactive is the only mode supported
  currently."

The shell answers ``env``, ``printenv``, ``hostname``, ``cat /etc/hostname`` and ``ps`` from
the task's real configuration (environment with overrides and secrets, network mode, PID 1 =
the container's effective command). Anything else: ``sh: <cmd>: not found``.
"""

from __future__ import annotations

import hashlib
import shlex

from ...core.errors import InvalidParameterException, error_for_code
from .model import Task

__all__ = ["check_exec", "session", "run_shell", "EXEC_DISABLED"]

TargetNotConnectedException = error_for_code("TargetNotConnectedException")

EXEC_DISABLED = (
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn't running. Wait and try again or run a new task with "
    "execute command enabled and try again."
)
NOT_CONNECTED = "The execute command failed due to an internal error. Try again later."


def agent_status(task: Task) -> str | None:
    """The ExecuteCommandAgent's lastStatus (None when exec was not enabled)."""
    if not task.enable_execute_command:
        return None
    if task.last_status in ("PROVISIONING", "PENDING", "ACTIVATING"):
        return "PENDING"
    if task.last_status != "RUNNING":
        return "STOPPED"
    return "RUNNING" if task.task_role_arn else "STOPPED"


def check_exec(task: Task, container: str | None):
    """The container to run in, or the AWS error."""
    if not task.enable_execute_command or task.last_status != "RUNNING":
        raise InvalidParameterException(EXEC_DISABLED)
    if container is None:
        if len(task.containers) > 1:
            raise InvalidParameterException(
                "The task has more than one container: specify the container name."
            )  # [M]
        c = task.containers[0]
    else:
        c = task.container(container)
        if c is None:
            raise InvalidParameterException(
                f"The container {container} does not exist in the task."
            )  # [M]
    if c.last_status != "RUNNING":
        raise InvalidParameterException(EXEC_DISABLED)
    if not task.task_role_arn:
        raise TargetNotConnectedException(NOT_CONNECTED)
    return c


def session(lab, task: Task, c) -> dict:
    sid = f"ecs-execute-command-{lab.random.hex(17)}"
    token = hashlib.sha256(f"{lab.seed}/{sid}".encode()).hexdigest()
    return {
        "session_id": sid,
        "stream_url": f"wss://ssmmessages.{lab.region}.amazonaws.com/v1/data-channel/{sid}"
        "?role=publish_subscribe&cell-number=AAEAAQ",
        "token_value": token,
    }


def _environment(lab, task: Task, c) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME": _hostname(lab, task, c),
        "HOME": "/root",
        "AWS_DEFAULT_REGION": lab.region,
        "AWS_REGION": lab.region,
        "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE" if task.fargate else "AWS_ECS_EC2",
        "ECS_CONTAINER_METADATA_URI": f"http://169.254.170.2/v3/{c.runtime_id}",
        "ECS_CONTAINER_METADATA_URI_V4": f"http://169.254.170.2/v4/{c.runtime_id}",
        "ECS_AGENT_URI": f"http://169.254.170.2/api/{c.runtime_id}",
    }
    if task.task_role_arn:
        rel = hashlib.sha256(f"{task.id}/credentials".encode()).hexdigest()
        env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = (
            f"/v2/credentials/{rel[:8]}-{rel[8:12]}-{rel[12:16]}-{rel[16:20]}-{rel[20:32]}"
        )
    env.update(c.environment)
    for name, ref in c.secrets.items():
        secret = lab.secrets.readable(ref)
        env[name] = secret.secret_string if secret is not None and secret.secret_string else ""
    return env


def _hostname(lab, task: Task, c) -> str:
    mode = task.network_mode
    if mode == "awsvpc" and task.eni is not None:
        return f"ip-{task.eni.private_ip.replace('.', '-')}.{lab.region}.compute.internal"
    if mode == "host":
        inst = lab.instances._by_id.get(task.ec2_instance_id or "")
        ip = inst.private_ip if inst is not None else "10.0.0.1"
        return f"ip-{ip.replace('.', '-')}.{lab.region}.compute.internal"
    return c.runtime_id[:12]  # Docker's default: the short container id


def run_shell(lab, task: Task, c, command: str) -> str:
    """What the command prints inside container ``c`` (a few commands are understood)."""
    words = shlex.split(command) if command.strip() else []
    name = words[0].rsplit("/", 1)[-1] if words else ""
    if name in ("env", "printenv"):
        env = _environment(lab, task, c)
        if name == "printenv" and len(words) > 1:
            return "".join(f"{env[w]}\n" for w in words[1:] if w in env)
        return "".join(f"{k}={v}\n" for k, v in sorted(env.items()))
    if name == "hostname" or (name == "cat" and words[1:] == ["/etc/hostname"]):
        return _hostname(lab, task, c) + "\n"
    if name == "ps":
        from .launch import image_argv

        argv = " ".join(image_argv(c, task.images.get(c.name))) or "(none)"
        rows = [
            "PID   USER     TIME  COMMAND",
            f"    1 root      0:00 {argv}",
            "   12 root      0:00 /managed-agents/execute-command/amazon-ssm-agent",
            "   31 root      0:00 /managed-agents/execute-command/ssm-agent-worker",
            f"   48 root      0:00 {command}",
        ]
        return "\n".join(rows) + "\n"
    return f"sh: {name or command}: not found\n"
