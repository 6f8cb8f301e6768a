"""Run the real ``aws`` CLI against a lab: ``lab.aws("ecs list-clusters")`` and ``lab.serve()``.

The CLI always runs as a subprocess: awscli bundles its own botocore and, once imported, redirects
``import botocore`` to it, which would swap the botocore under the lab's own boto3 clients.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from .server import UNSET, LabServer

__all__ = ["AwsCliError", "aws_executable", "run_aws", "serve_in_background"]

_ERROR = re.compile(r"An error occurred \((?P<code>[^)]+)\) when calling the (?P<op>\w+) operation")


class AwsCliError(RuntimeError):
    """The aws CLI exited non-zero. ``returncode`` (255 for an AWS error), ``stderr``, and when the
    CLI reported an AWS error, its ``code`` and ``operation``."""

    def __init__(self, command: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        self.command = list(command)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        m = _ERROR.search(stderr)
        self.code = m["code"] if m else None
        self.operation = m["op"] if m else None
        super().__init__(stderr.strip() or f"aws exited with status {returncode}")


def aws_executable() -> str:
    """The ``aws`` next to this Python (the venv's), else the first on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), "aws")
    if os.access(here, os.X_OK):
        return here
    found = shutil.which("aws")
    if found is None:
        raise FileNotFoundError("the aws CLI is not installed (pip install awscli)")
    return found


def serve_in_background(
    lab, port: int | None = None, host: str = "127.0.0.1", **options: Any
) -> LabServer:
    """``lab.serve()``: start (or return) the lab's endpoint in a background thread and point this
    process's environment at it, so ``!aws ...`` and ``%%bash`` cells talk to the same lab."""
    server = getattr(lab, "_server", None)
    if server is not None and server.running and port in (None, server.port):
        return server
    if server is not None and server.running:
        server.stop()
    server = LabServer(lab, host=host, port=port or 0, **options).start()
    lab._server = server
    saved = {k: os.environ.get(k) for k in (*server.environment(), *UNSET, "PATH")}
    for k in UNSET:
        os.environ.pop(k, None)
    os.environ.update(server.environment())
    bindir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = bindir + (os.pathsep + path if path else "")

    def restore() -> None:
        # Put the kernel's environment back, unless something else has repointed it since.
        if os.environ.get("AWS_ENDPOINT_URL") == server.url:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    server.on_stop.append(restore)
    return server


def run_aws(
    lab,
    command: str | Sequence[str],
    *,
    timeout: float = 300,
    input: str | None = None,
) -> Any:
    """Run ``aws <command>`` against the lab's endpoint (started if needed). Returns the parsed JSON
    output (a dict), the plain text for commands that print text (``ecr get-login-password``), or
    None when the CLI printed nothing (``aws ecs wait ...``). Raises :class:`AwsCliError`."""
    args = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    if args and args[0] == "aws":
        args = args[1:]
    if "--output" not in args and not any(a.startswith("--output=") for a in args):
        args += ["--output", "json"]
    server = serve_in_background(lab)
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(server.environment())
    argv = [aws_executable(), *args]
    proc = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, input=input
    )
    if proc.returncode != 0:
        raise AwsCliError(argv, proc.returncode, proc.stdout, proc.stderr)
    out = proc.stdout.strip()
    if not out:
        return None
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        return out
