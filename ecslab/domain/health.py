"""Container health checks from a task definition's ``healthCheck``, as a state machine.

ECS runs the command with Docker's health-check rules (a HEALTHCHECK baked into the image is
ignored; only the task definition counts), and reports Docker's states as ECS health statuses:
``starting`` -> UNKNOWN, ``healthy`` -> HEALTHY, ``unhealthy`` -> UNHEALTHY. Docker's rules
(docs.docker.com, Dockerfile HEALTHCHECK; moby ``daemon/health.go``):

* the first check runs ``interval`` seconds after the container starts, the next one ``interval``
  seconds after the previous one *finished*; a check still running after ``timeout`` seconds fails
  (at that moment);
* one success makes the container HEALTHY (from UNKNOWN or UNHEALTHY) and resets the failure
  streak; ``retries`` consecutive failures make it UNHEALTHY;
* a failure whose check *started* within ``startPeriod`` of the container start does not count,
  unless a check has already succeeded (the container then counts as started).

Two ways to run it, same rules (:class:`HealthCounter`):

* :func:`simulate` -- pure: config + ``outcome(t)`` (t = seconds since the container started;
  True, False, or None for "hangs past the timeout") -> the list of :class:`Transition`;
* :class:`HealthMonitor` -- on the lab clock (timers), calling ``on_change`` at each transition.

:func:`command_outcome` reads the command against what the container serves (a responder such
as :class:`ecslab.domain.web.Site`): ``CMD-SHELL curl -f http://localhost/ || exit 1`` succeeds
when the container answers ``/`` with a status below 400; ``exit 1`` always fails.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .web import Probe, Reply, Responder

__all__ = [
    "HealthCheck",
    "HealthCounter",
    "HealthMonitor",
    "Transition",
    "simulate",
    "command_outcome",
    "UNKNOWN",
    "HEALTHY",
    "UNHEALTHY",
]

UNKNOWN, HEALTHY, UNHEALTHY = "UNKNOWN", "HEALTHY", "UNHEALTHY"
_LOCAL = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}


@dataclass(frozen=True)
class HealthCheck:
    """A container's ``healthCheck`` (ECS defaults: interval 30, timeout 5, retries 3, no start
    period)."""

    command: tuple[str, ...]
    interval: float = 30
    timeout: float = 5
    retries: int = 3
    start_period: float = 0

    @classmethod
    def from_spec(cls, spec: dict[str, Any] | None) -> HealthCheck | None:
        """From a container's health check (snake_case as stored, or the API's camelCase);
        None when there is none or the command is ``["NONE"]``."""
        if not spec or not spec.get("command") or spec["command"][0] == "NONE":
            return None
        sp = spec.get("start_period", spec.get("startPeriod")) or 0
        return cls(
            tuple(spec["command"]),
            float(spec.get("interval") or 30),
            float(spec.get("timeout") or 5),
            int(spec.get("retries") or 3),
            float(sp),
        )


@dataclass(frozen=True)
class Transition:
    at: Any  # seconds since start (simulate) or a datetime (HealthMonitor)
    old: str
    new: str


class HealthCounter:
    """Docker's health bookkeeping for one container."""

    def __init__(self, check: HealthCheck) -> None:
        self.check = check
        self.status = UNKNOWN
        self.streak = 0  # consecutive counted failures

    def observe(self, ok: bool, started_after: float) -> str | None:
        """Record one finished check that started ``started_after`` seconds after the container
        started; return the new status if it changed."""
        old = self.status
        if ok:
            self.streak = 0
            self.status = HEALTHY
        elif not (self.status == UNKNOWN and started_after < self.check.start_period):
            self.streak += 1
            if self.streak >= self.check.retries:
                self.status = UNHEALTHY
        return self.status if self.status != old else None


def simulate(
    check: HealthCheck, outcome: Callable[[float], bool | None], until: float
) -> list[Transition]:
    """Run the checks of a container started at t=0 until ``until`` seconds; return the
    transitions with their times (a check that hangs fails at start + timeout)."""
    counter, out = HealthCounter(check), []
    t = float(check.interval)
    while t <= until:
        result = outcome(t)
        done = t + (check.timeout if result is None else 0.0)
        if done > until:
            break
        old = counter.status
        new = counter.observe(bool(result), t)
        if new is not None:
            out.append(Transition(done, old, new))
        t = done + check.interval
    return out


class HealthMonitor:
    """Timer-driven health checks on the lab clock for a container that started now.

    ``outcome()`` is asked at each check time (True / False / None = hangs past the timeout);
    ``on_change(transition)`` runs inside the timer when the status changes (emit facts there).
    Call :meth:`stop` when the container stops."""

    def __init__(
        self,
        lab,
        check: HealthCheck,
        outcome: Callable[[], bool | None],
        on_change: Callable[[Transition], None],
        label: str = "container-health-check",
    ) -> None:
        self.lab, self.check, self.outcome, self.on_change = lab, check, outcome, on_change
        self.label = label
        self.started_at: datetime = lab.now
        self.counter = HealthCounter(check)
        self._timer = lab.clock.after(check.interval, self._run, label)

    @property
    def status(self) -> str:
        return self.counter.status

    def stop(self) -> None:
        self.lab.clock.cancel(self._timer)
        self._timer = None

    def _run(self) -> None:
        started = self.lab.now
        result = self.outcome()
        if result is None:
            self._timer = self.lab.clock.after(
                self.check.timeout, lambda: self._finish(False, started), self.label
            )
        else:
            self._finish(bool(result), started)

    def _finish(self, ok: bool, started: datetime) -> None:
        old = self.counter.status
        new = self.counter.observe(ok, (started - self.started_at).total_seconds())
        self._timer = self.lab.clock.after(self.check.interval, self._run, self.label)
        if new is not None:
            self.on_change(Transition(self.lab.now, old, new))


# -- reading the command ---------------------------------------------------------------------

_OPS = re.compile(r"(\|\||&&|;|\n)")


class _Exit(Exception):
    def __init__(self, ok: bool) -> None:
        self.ok = ok


def command_outcome(
    command: Sequence[str], serves: Responder | None, *, timeout: float = 5.0
) -> bool | None:
    """Does the health-check command succeed against what the container serves?

    ``serves`` answers the container's own ports (None: nothing listens). Understood: ``curl``
    (``-f`` fails on HTTP >= 400), ``wget`` (fails on >= 400), ``nc -z``, ``exit N``, ``true`` /
    ``false``, joined by ``&&``, ``||``, ``;``. Other commands are taken to succeed (exit 0).
    Returns None when the command would hang (nothing answers in time)."""
    if not command:
        return True
    kind, rest = command[0], list(command[1:])
    try:
        if kind == "CMD-SHELL":
            return _script(" ".join(rest), serves, timeout)
        return _simple(rest if kind == "CMD" else list(command), serves, timeout)
    except _Exit as e:
        return e.ok


def _script(script: str, serves: Responder | None, timeout: float) -> bool | None:
    parts = _OPS.split(script)
    status: bool | None = _run_text(parts[0], serves, timeout)
    for op, text in zip(parts[1::2], parts[2::2], strict=False):
        if status is None:
            return None  # the check hangs: nothing after it runs before the timeout
        if op == "&&" and status is not True:
            continue
        if op == "||" and status is not False:
            continue
        status = _run_text(text, serves, timeout)
    return status


def _run_text(text: str, serves: Responder | None, timeout: float) -> bool | None:
    try:
        argv = shlex.split(text)
    except ValueError:
        return False  # the shell would report a syntax error
    return _simple(argv, serves, timeout) if argv else True


def _simple(argv: list[str], serves: Responder | None, timeout: float) -> bool | None:
    prog = argv[0].rsplit("/", 1)[-1]
    if prog == "exit":
        raise _Exit(len(argv) < 2 or argv[1] == "0")
    if prog in ("true", ":"):
        return True
    if prog == "false":
        return False
    if prog in ("curl", "wget"):
        url = next((a for a in argv[1:] if "://" in a), None)
        if url is None:
            return False
        fail_on_error = prog == "wget" or any(
            a == "--fail" or (a.startswith("-") and not a.startswith("--") and "f" in a)
            for a in argv[1:]
        )
        reply = _http(url, serves, timeout)
        if reply is None:
            return True  # not this container: ecslab does not simulate other hosts
        if reply.timed_out:
            return None
        if not reply.connected:
            return False
        return not (fail_on_error and (reply.status or 0) >= 400)
    if prog in ("nc", "ncat") and "-z" in argv:
        host_port = [a for a in argv[1:] if not a.startswith("-")]
        if len(host_port) >= 2 and host_port[0] in _LOCAL and host_port[1].isdigit():
            reply = _ask(serves, Probe("localhost", int(host_port[1]), "TCP", "/", timeout))
            return None if reply.timed_out else reply.connected
    return True


def _http(url: str, serves: Responder | None, timeout: float) -> Reply | None:
    parts = urlsplit(url)
    if (parts.hostname or "") not in _LOCAL:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proto = "HTTPS" if parts.scheme == "https" else "HTTP"
    return _ask(serves, Probe("localhost", port, proto, parts.path or "/", timeout))


def _ask(serves: Responder | None, probe: Probe) -> Reply:
    return serves(probe) if serves is not None else Reply.refuse()
