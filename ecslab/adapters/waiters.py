"""Prompt waiters (``aws ecs wait tasks-running``, ``client.get_waiter(...)``) against a lab.

A real waiter polls, then sleeps ``delay`` seconds of *wall* time (botocore's ``waiters-2.json``:
ECS tasks 6 s, services 15 s) before the next poll. On a lab whose clock only moves when told,
that would hang a notebook for minutes. Two parts keep AWS's timeline while never sleeping:

1. :func:`data_path` writes ``<service>/<version>/waiters-2.sdk-extras.json`` files that botocore's
   loader deep-merges into its own waiter models when the directory is on ``AWS_DATA_PATH`` (any
   botocore reads them, including the copy bundled inside the aws CLI): every delay becomes 0.
2. :class:`WaiterPacer` recognises a waiter's poll by botocore's User-Agent feature id ``B``
   (``WAITER``). A poll that repeats the previous poll on the same connection is the waiter's next
   attempt, so before answering it the lab's clock moves by the model's delay (manual clock, a
   recorded ``ClockAdvanced`` input), or the server waits ``delay / speed`` seconds (realtime
   clock). The waiter sees exactly the states AWS would show at t0, t0+d, t0+2d ...

Without ``AWS_DATA_PATH`` a waiter still finishes (each repeat poll still moves the simulated
clock) but sleeps the real delay between polls.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Hashable
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

import botocore

from ..api.models import SERVICES, service_for_signing_name, service_for_target_prefix

__all__ = [
    "data_path",
    "data_path_or_none",
    "WaiterPacer",
    "is_waiter_request",
    "identify",
    "waiter_delays",
]

_FEATURES = re.compile(r"(?:^|\s)m/([A-Za-z0-9,+\-]*)")
_SCOPE_SERVICE = re.compile(r"Credential=[^/,\s]+/\d{8}/[a-z0-9-]+/(?P<service>[a-z0-9-]+)/")
_WAITER_FEATURE = "B"  # botocore.useragent._USERAGENT_FEATURE_MAPPINGS["WAITER"]


def is_waiter_request(headers: dict[str, str]) -> bool:
    """True if botocore sent this request from inside ``Waiter.wait`` (lower-case header names)."""
    m = _FEATURES.search(headers.get("user-agent", ""))
    return bool(m) and _WAITER_FEATURE in m.group(1).split(",")


def identify(headers: dict[str, str], body: bytes) -> tuple[str, str] | None:
    """``(service, operation)`` of an AWS API request (JSON or query protocol), or None."""
    target = headers.get("x-amz-target")
    if target:
        prefix, _, op = target.rpartition(".")
        service = service_for_target_prefix(prefix)
        return (service, op) if service and op else None
    if "x-www-form-urlencoded" in headers.get("content-type", ""):
        m = _SCOPE_SERVICE.search(headers.get("authorization", ""))
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        service = service_for_signing_name(m["service"]) if m else None
        return (service, action) if service and action else None
    return None


# -- the waiter models ------------------------------------------------------------------------------


def _data_roots() -> list[Path]:
    """botocore data directories whose waiters a client may use: the aws CLI's bundled copy (found
    without importing awscli, which would swap botocore under this process) and this botocore."""
    roots = []
    spec = importlib.util.find_spec("awscli")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            if (Path(loc) / "botocore" / "data").is_dir():
                roots.append(Path(loc) / "botocore" / "data")
    roots.append(Path(botocore.__file__).parent / "data")
    return roots


def _read_waiters(root: Path, service: str) -> tuple[str, dict] | None:
    """(latest api version, waiters) of ``service`` under one data root."""
    base = root / service
    if not base.is_dir():
        return None
    for version in sorted((p.name for p in base.iterdir() if p.is_dir()), reverse=True):
        for name in ("waiters-2.json", "waiters-2.json.gz"):
            f = base / version / name
            if f.exists():
                raw = f.read_bytes()
                data = json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)
                return version, data.get("waiters", {})
    return None


@cache
def _extras() -> dict[tuple[str, str], list[str]]:
    """(service, version) -> waiter names present in every data root that has that version (a
    merge must never add a half-defined waiter to a model that lacks it)."""
    out: dict[tuple[str, str], set[str]] = {}
    for root in _data_roots():
        for service in SERVICES:
            found = _read_waiters(root, service)
            if not found:
                continue
            key = (service, found[0])
            names = set(found[1])
            out[key] = out[key] & names if key in out else names
    return {k: sorted(v) for k, v in sorted(out.items()) if v}


@cache
def waiter_delays() -> dict[tuple[str, str], int]:
    """(service, operation) -> the delay (s) between a waiter's polls. Where two waiters poll the
    same operation with different delays the larger is used: never fewer simulated seconds than
    AWS would let pass before giving up."""
    delays: dict[tuple[str, str], int] = {}
    root = Path(botocore.__file__).parent / "data"
    for service in SERVICES:
        found = _read_waiters(root, service)
        for w in (found[1] if found else {}).values():
            key = (service, w["operation"])
            delays[key] = max(delays.get(key, 0), int(w["delay"]))
    return delays


def _cache_base() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecslab"


_data_path: str | None = None


def data_path() -> str:
    """A directory for ``AWS_DATA_PATH`` that sets every waiter delay to 0 (created if missing).
    Its name is a digest of its content, so concurrent processes never write different files to
    the same place."""
    global _data_path
    if _data_path is not None and os.path.isdir(_data_path):
        return _data_path
    files = {
        f"{service}/{version}/waiters-2.sdk-extras.json": json.dumps(
            {"version": 1.0, "merge": {"waiters": {n: {"delay": 0} for n in names}}},
            indent=1,
            sort_keys=True,
        )
        for (service, version), names in _extras().items()
    }
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    for base in (
        _cache_base(),
        Path(tempfile.gettempdir()) / f"ecslab-{getattr(os, 'getuid', lambda: 0)()}",
    ):
        target = base / f"aws-data-{digest}"
        try:
            for rel, text in files.items():
                f = target / rel
                if f.exists() and f.read_text() == text:
                    continue
                f.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=f.parent, suffix=".tmp")
                with os.fdopen(fd, "w") as out:
                    out.write(text)
                os.replace(tmp, f)
            _data_path = str(target)
            return _data_path
        except OSError:
            continue  # read-only home: fall back to the temp dir
    raise OSError("ecslab could not write its waiter data directory")


def data_path_or_none() -> str | None:
    """:func:`data_path`, or None where nothing is writable (waiters then sleep real delays)."""
    try:
        return data_path()
    except OSError:
        return None


# -- pacing ----------------------------------------------------------------------------------------


class WaiterPacer:
    """Moves time between a waiter's polls (see the module docstring).

    ``speed=None``: manual clock, advance the lab by the delay. ``speed=x``: realtime clock, sleep
    ``delay / x`` wall seconds (the realtime driver moves the lab meanwhile).
    """

    def __init__(self, lab, speed: float | None = None) -> None:
        self.lab = lab
        self.speed = speed
        self._last: dict[Hashable, tuple] = {}
        self._mu = threading.Lock()

    def before(self, key: Hashable, headers: dict[str, str], body: bytes) -> float:
        """Call before dispatching a request from connection ``key``; returns the simulated
        seconds it moved (or waited for)."""
        waiter = is_waiter_request(headers)
        op = identify(headers, body) if waiter else None
        with self._mu:
            previous = self._last.pop(key, None)
            if op is None:
                return 0.0
            poll = (op, body)
            self._last[key] = poll
        delay = waiter_delays().get(op, 0)
        if previous != poll or not delay:
            return 0.0  # a waiter's first poll is immediate, as in AWS
        if self.speed is None:
            self.lab.advance(delay)
        else:
            time.sleep(delay / self.speed)
        return float(delay)

    def forget(self, key: Hashable) -> None:
        """The connection closed."""
        with self._mu:
            self._last.pop(key, None)
