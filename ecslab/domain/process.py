"""What a simulated container does, read from its command line.

Containers do not really run in ecslab; their observable behaviour comes from the command:

* ``sleep N`` waits N seconds (``sleep 1m`` / ``sleep infinity`` too), then the next command runs;
* ``exit K`` ends the process with code K at once; the last command's status is the exit code;
* ``echo text`` writes a log line (unless redirected into a file);
* servers (httpd, nginx, ``python -m http.server`` ...), ``tail -f``, ``while true`` loops and
  commands ecslab does not know keep running until the task is stopped; what runs before them
  delays them, so ``sleep 90 && httpd-foreground`` is a slow-starting app whose server answers
  health checks only 90 s after the container started (``Process.listens_after``);
* ``sh -c "<script>"`` / ``bash -c`` scripts are split on ``;``, ``&&``, ``||`` and new lines.

Docker semantics for the argv: a container's ``entryPoint`` replaces the image's ENTRYPOINT (and
drops its CMD), ``command`` replaces CMD.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field

__all__ = ["Process", "model_process", "effective_argv"]

SHELLS = {"sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/bash", "ash", "/bin/ash"}
SERVERS = {
    "httpd",
    "httpd-foreground",
    "nginx",
    "apache2",
    "apache2-foreground",
    "node",
    "java",
    "gunicorn",
    "uvicorn",
    "flask",
    "php-fpm",
    "redis-server",
    "postgres",
    "mysqld",
    "caddy",
    "envoy",
    "top",
    "yes",
    "cat",
}
_SLEEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Process:
    runs_forever: bool
    seconds: float = 0.0  # run time before exiting (when not runs_forever)
    exit_code: int | None = 0  # None while it runs forever
    log_lines: tuple[str, ...] = field(default_factory=tuple)
    why: str = ""  # one line a lesson can show: how ecslab read the command
    listens_after: float = 0.0  # a server's start-up time: seconds before it answers anything


def effective_argv(
    entry_point: list[str] | None,
    command: list[str] | None,
    image_entrypoint: list[str] | None = None,
    image_cmd: list[str] | None = None,
) -> list[str]:
    if entry_point:
        return list(entry_point) + list(command or [])
    return list(image_entrypoint or []) + list(command if command else image_cmd or [])


def _split_script(script: str) -> list[tuple[str, str]]:
    """[(connector, command)] where connector is the operator before the command."""
    parts, buf, conn, i = [], [], ";", 0
    quote = None
    while i < len(script):
        ch = script[i]
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            buf.append(ch)
        elif script.startswith("&&", i) or script.startswith("||", i):
            parts.append((conn, "".join(buf).strip()))
            conn, buf = script[i : i + 2], []
            i += 1
        elif ch in ";\n":
            parts.append((conn, "".join(buf).strip()))
            conn, buf = ";", []
        else:
            buf.append(ch)
        i += 1
    parts.append((conn, "".join(buf).strip()))
    return [(c, p) for c, p in parts if p]


def _simple(tokens: list[str]) -> tuple[str, float, int, str | None]:
    """(kind, seconds, status, log line) for one simple command; kind in run|exit|forever."""
    if not tokens:
        return "run", 0.0, 0, None
    name = tokens[0].rsplit("/", 1)[-1]
    args = tokens[1:]
    if name == "sleep":
        if args and args[0] in ("infinity", "inf"):
            return "forever", 0.0, 0, None
        total = 0.0
        for a in args:
            m = _SLEEP.match(a)
            if not m:
                return "run", 0.0, 1, f"sleep: invalid number '{a}'"
            total += float(m.group(1)) * _UNITS[m.group(2)]
        return "run", total, 0, None
    if name == "exit":
        try:
            code = int(args[0]) % 256 if args else 0
        except ValueError:
            code = 2
        return "exit", 0.0, code, None
    if name in ("true", ":"):
        return "run", 0.0, 0, None
    if name == "false":
        return "run", 0.0, 1, None
    if name in ("echo", "printf"):
        if ">" in args or any(a.startswith(">") for a in args):
            return "run", 0.0, 0, None
        return "run", 0.0, 0, " ".join(args)
    if name in ("python", "python3") and args[:2] == ["-m", "http.server"]:
        return "forever", 0.0, 0, None
    if name == "tail" and ("-f" in args or "-F" in args):
        return "forever", 0.0, 0, None
    if name in ("while", "until") or name in SERVERS:
        return "forever", 0.0, 0, None
    # Anything else: ecslab cannot know when it would end, so it runs until stopped.
    return "forever", 0.0, 0, None


def model_process(argv: list[str]) -> Process:
    """How long the container runs and how it ends, from its effective argv."""
    if not argv:
        return Process(False, 0.0, 0, (), "no command: the process exits at once with code 0")
    if argv[0] in SHELLS:
        if "-c" in argv[1:]:
            idx = argv.index("-c")
            script = " ".join(argv[idx + 1 :])
        else:
            # An interactive shell with no terminal reads EOF and exits 0 (busybox's default sh).
            return Process(
                False,
                0.0,
                0,
                (),
                f"'{argv[0]}' without a script and without a terminal exits at once with code 0",
            )
    else:
        script = shlex.join(argv)
    seconds, status, lines = 0.0, 0, []
    for conn, cmd in _split_script(script):
        if (conn == "&&" and status != 0) or (conn == "||" and status == 0):
            continue
        try:
            tokens = shlex.split(cmd)
        except ValueError:
            tokens = cmd.split()
        kind, secs, st, line = _simple(tokens)
        if line is not None:
            lines.append(line)
        if kind == "forever":
            return Process(
                True,
                math.inf,
                None,
                tuple(lines),
                f"'{cmd}' keeps running until the task is stopped",
                listens_after=seconds,
            )
        seconds += secs
        status = st
        if kind == "exit":
            return Process(
                False,
                seconds,
                status,
                tuple(lines),
                f"exits with code {status} after {seconds:g} s",
            )
    return Process(
        False, seconds, status, tuple(lines), f"exits with code {status} after {seconds:g} s"
    )
