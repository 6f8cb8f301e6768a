"""The Lab: one simulated AWS account in one region, on a simulated clock.

A lab is its event table. Every input that changed something (an API call, the clock moving, a
lab action such as a fault) is a row, followed by the past-tense facts it caused. ``save`` writes
the table; ``load`` replays the inputs into a fresh lab and checks that every regenerated fact
equals the saved one, so the loaded lab answers every describe/list call exactly as the original.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from .core.blobs import BlobStore
from .core.clock import EPOCH_START, Clock, parse_duration
from .core.errors import AwsError
from .core.events import Event, EventLog
from .core.record import action_named, action_names, lab_action
from .core.rng import LabRandom
from .core.version import __version__

__all__ = ["Lab", "ReplayMismatch", "lab_action"]

FORMAT = 1


class ReplayMismatch(RuntimeError):
    """Replaying a saved lab did not regenerate the same facts (the engine's behaviour changed)."""


class Lab:
    """A simulated AWS account. See the README for a tour."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Lab:
        from .adapters.boto import freeze_models

        freeze_models()  # before the lab exists: nothing of it may be frozen with the models
        return super().__new__(cls)

    def __init__(
        self,
        region: str = "ap-east-1",
        seed: int = 0,
        account_id: str = "123456789012",
        start: datetime = EPOCH_START,
        prices: str | os.PathLike | None = None,
        insights_utilization: float = 0.3,
    ) -> None:
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise ValueError("account_id must be 12 digits, like '123456789012'")
        if not 0 < float(insights_utilization) <= 1:
            raise ValueError("insights_utilization is a share of the reservation: 0 < it <= 1")
        self.region = region
        self.seed = int(seed)
        #: Container Insights' modelled mean share of a task's reservation in use (a model).
        self.insights_utilization = float(insights_utilization)
        self.account_id = account_id
        self.start = start
        self._lock = threading.RLock()
        self._requests = 0
        from .domain.billing import PriceBook

        self.prices = PriceBook.for_lab(region, prices)
        # Blob bytes (image layers, manifests) live outside the replayable state: inputs name them
        # by digest, and a rebuild after a failed command must not lose them.
        self.blobs = BlobStore()
        self._checkpoints: dict = {}  # name -> checkpoints.Checkpoint (kept across restores)
        self._reset()

    # -- state ---------------------------------------------------------------------------------

    def _reset(self) -> None:
        """Fresh, empty state (used by __init__ and by replay)."""
        from .domain import build_domains

        self.clock = Clock(self.start)
        self.log = EventLog()
        self.random = LabRandom(self.seed)
        self._depth = 0
        self._replaying = False
        build_domains(self)

    @property
    def now(self) -> datetime:
        """The simulated time (UTC)."""
        return self.clock.now

    @property
    def events(self) -> pd.DataFrame:
        """The event table as a DataFrame (see ``ecslab.core.events.DTYPES`` for its schema)."""
        return self.log.frame()

    # -- recording -------------------------------------------------------------------------------

    def emit(
        self,
        kind: str,
        service: str,
        /,
        *,
        cluster: str | None = None,
        resource: str | None = None,
        **detail: Any,
    ) -> Event:
        """Record a past-tense fact (``ClusterCreated``, ``TaskStopped`` ...) at the current time.
        ``kind`` and ``service`` are positional-only, so ``detail`` may carry a ``service`` key
        (the ECS service a task belongs to, which billing and Container Insights read)."""
        return self.emit_detail(kind, service, cluster, resource, detail)

    def emit_detail(
        self,
        kind: str,
        service: str,
        cluster: str | None,
        resource: str | None,
        detail: dict[str, Any],
    ) -> Event:
        """:meth:`emit` with the detail as a dict the caller built (hot paths: one fact per task
        without packing twenty keywords twice)."""
        event = self.log.append(self.clock.now, "fact", kind, service, cluster, resource, detail)
        self.random.reset(len(self.log))
        return event

    @contextmanager
    def _command(
        self,
        kind: str,
        service: str,
        detail: dict[str, Any],
        *,
        record: bool = True,
        resource: str | None = None,
    ) -> Iterator[None]:
        """Run one input atomically: on error, the event table and state are as before."""
        with self._lock:
            outer = self._depth == 0
            mark = len(self.log)
            if outer and record:
                self.log.append(self.now, "input", kind, service, None, resource, detail)
            if outer:
                self.random.reset(len(self.log))
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._undo(mark)
                raise
            else:
                self._depth -= 1
                if outer and not record and len(self.log) != mark:
                    # A read-only call must not change anything; if one did, undo and complain.
                    self._undo(mark)
                    raise RuntimeError(f"read-only {kind} {resource} changed the lab")

    def _undo(self, mark: int) -> None:
        facts_added = any(e.origin == "fact" for e in self.log[mark:])
        self.log.truncate(mark)
        if facts_added:
            # State changed before the error: rebuild it from the inputs that remain.
            kept = list(self.log)
            self._reset()
            self._replay(kept, check=False)

    def _next_request_id(self) -> str:
        """Deterministic request ids (they appear in ResponseMetadata that learners print)."""
        with self._lock:
            self._requests += 1
            n = self._requests
        h = f"{(self.seed * 0x9E3779B1 + n * 0x85EBCA77) & 0xFFFFFFFFFFFFFFFF:016x}{n:016x}"
        return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"

    # -- time --------------------------------------------------------------------------------------

    def advance(self, duration: str | float | int | timedelta) -> datetime:
        """Move simulated time forward (``"90s"``, ``"5m"``, seconds, or a timedelta), firing every
        timer that falls due, in order. Returns the new time."""
        delta = parse_duration(duration)
        return self.advance_to(self.now + delta)

    def advance_to(self, target: datetime) -> datetime:
        """Move simulated time forward to ``target`` (a timezone-aware datetime)."""
        if target.tzinfo is None:
            raise ValueError("target must be timezone-aware (UTC)")
        if target < self.now:
            raise ValueError(
                f"the simulated clock cannot move backwards (now is {self.now.isoformat()})"
            )
        detail = {"to": target.isoformat(), "seconds": (target - self.now).total_seconds()}
        with self._command("ClockAdvanced", "lab", detail):
            self.clock.advance_to(target)
        return self.now

    # -- lab actions --------------------------------------------------------------------------------

    def act(self, action: str, **args: Any) -> Any:
        """Run a registered lab action (recorded, so replay repeats it)."""
        fn = action_named(action)
        if fn is None:
            raise ValueError(f"unknown lab action {action!r}; known: {action_names()}")
        json.dumps(args)  # arguments must survive save/load
        with self._command("LabActed", "lab", {"action": action, "args": args}, resource=action):
            return fn(self, **args)

    # -- clients -----------------------------------------------------------------------------------

    def client(self, service: str, **kwargs: Any):
        """A real boto3 client for ``service`` whose requests this lab answers in-process."""
        from .adapters.boto import make_client

        return make_client(self, service, **kwargs)

    def serve(self, port: int | None = None, host: str = "127.0.0.1", **options: Any):
        """Serve this lab on a local HTTP endpoint from a background thread (a free port unless
        ``port`` is given) and point this process's environment at it (fake credentials,
        ``AWS_ENDPOINT_URL`` ..., the venv's bin on PATH), so ``!aws ecs list-clusters`` in a
        notebook acts on this lab. Returns the server: ``.url``, ``.port``, ``.stop()``.
        ``options``: ``clock="realtime"``, ``speed=``, ``state=`` (see ``LabServer``)."""
        from .adapters.aws_cli import serve_in_background

        return serve_in_background(self, port=port, host=host, **options)

    def aws(self, command: str | list[str], **kwargs: Any) -> Any:
        """Run the real aws CLI against this lab (``lab.aws("ecs list-clusters")``) and return its
        parsed JSON output; raises ``AwsCliError`` (``.code``, ``.stderr``, ``.returncode``)."""
        from .adapters.aws_cli import run_aws

        return run_aws(self, command, **kwargs)

    # -- save / load ---------------------------------------------------------------------------------

    def _header(self) -> dict[str, Any]:
        return {
            "ecslab": __version__,
            "format": FORMAT,
            "region": self.region,
            "seed": self.seed,
            "account_id": self.account_id,
            "start": self.start.isoformat(),
            "insights_utilization": self.insights_utilization,
            "prices": {
                k: [p.usd, p.unit, p.source] for k, p in sorted(self.prices.overrides.items())
            },
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write the event table (JSON lines; gzip if the name ends in .gz), atomically, and any
        blobs (pushed image layers and manifests) to ``<path>.blobs/sha256/<hex>``."""
        path = Path(path)
        with self._lock:
            lines = [json.dumps(self._header(), sort_keys=True)] + [e.to_json() for e in self.log]
        data = ("\n".join(lines) + "\n").encode()
        if path.suffix == ".gz":
            data = gzip.compress(data, mtime=0)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.blobs.save_beside(path)
        return path

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        *,
        until: datetime | None = None,
        checkpoint: str | None = None,
    ) -> Lab:
        """Rebuild a lab by replaying a saved event table (optionally only up to ``until``, or
        up to the named ``checkpoint`` saved with :meth:`checkpoint`)."""
        raw = Path(path).read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        lines = raw.decode().splitlines()
        if not lines:
            raise ValueError(f"{path} is empty, not an ecslab event table")
        header = json.loads(lines[0])
        if header.get("format") != FORMAT:
            raise ValueError(f"{path}: unsupported event-table format {header.get('format')!r}")
        lab = cls(
            region=header["region"],
            seed=header["seed"],
            account_id=header["account_id"],
            start=datetime.fromisoformat(header["start"]),
            insights_utilization=header.get("insights_utilization", 0.3),
        )
        from .domain.billing.prices import Price

        lab.prices.overrides = {k: Price(*v) for k, v in header.get("prices", {}).items()}
        events = [Event.from_json(line) for line in lines[1:] if line.strip()]
        lab.blobs.attach_beside(path)  # inputs that pushed images name their blobs by digest
        if checkpoint is not None:
            from .checkpoints import prefix_of

            lab._replay(prefix_of(events, checkpoint), check=True)
        elif until is None:
            lab._replay(events, check=True)
        else:
            # The lab as it was at ``until``: inputs up to then, the last clock move cut short.
            lab._replay([e for e in events if e.time <= until], check=False, until=until)
        return lab

    def _replay(self, events: list[Event], *, check: bool, until: datetime | None = None) -> None:
        from .api.dispatch import call

        self._replaying = True
        try:
            for e in events:
                if e.origin != "input":
                    continue
                if e.kind == "ClockAdvanced":
                    target = datetime.fromisoformat(e.detail["to"])
                    self.advance_to(min(target, until) if until is not None else target)
                elif e.kind == "ApiCalled":
                    try:
                        call(self, e.service, e.detail["operation"], e.detail["params"])
                    except AwsError as err:
                        raise ReplayMismatch(
                            f"replaying event {e.seq} ({e.detail['operation']}) failed: {err}"
                        ) from None
                elif e.kind == "LabActed":
                    self.act(e.detail["action"], **e.detail["args"])
                else:
                    raise ReplayMismatch(f"event {e.seq}: unknown input kind {e.kind!r}")
        finally:
            self._replaying = False
        if check:
            if len(self.log) != len(events):
                raise ReplayMismatch(
                    f"replay produced {len(self.log)} events, the saved table has {len(events)}"
                )
            for mine, theirs in zip(self.log, events, strict=True):
                if not mine.same_fact(theirs):
                    raise ReplayMismatch(
                        f"event {theirs.seq} differs on replay:\n saved:    {theirs.to_json()}\n replayed: {mine.to_json()}"
                    )

    # -- checkpoints ---------------------------------------------------------------------------------

    def checkpoint(self, name: str):
        """Save a named checkpoint (a recorded lab action): ``restore(name)`` comes back here."""
        from .checkpoints import save

        return save(self, name)

    def restore(self, name: str) -> Lab:
        """Jump to checkpoint ``name``: rebuild this lab in place by replaying its events up to the
        checkpoint (clients keep working). Returns the lab."""
        from .checkpoints import restore

        restore(self, name)
        return self

    @property
    def checkpoints(self) -> pd.DataFrame:
        """The named checkpoints this lab knows: name, time, events."""
        from .checkpoints import table

        return table(self)

    # -- tasks (learner helpers) -------------------------------------------------------------------

    def why_not_placed(self, cluster: str | None = None, family: str | None = None) -> pd.DataFrame:
        """Which filter removed which container instance in the last placement in ``cluster``
        (of ``family`` if given): columns arn, ec2_instance_id, filter, reason."""
        with self._lock:
            return self.tasks.why_not_placed(cluster, family)

    def register_external_instance(
        self, cluster: str, activation_id: str, activation_code: str, **hardware: int
    ) -> str:
        """ECS Anywhere: register an on-premises machine (an ``mi-`` managed instance) with an
        SSM activation as an EXTERNAL container instance of ``cluster`` (recorded lab action;
        ``cpu`` / ``memory_mib`` say what the machine reports). Returns its ARN."""
        return self.act(
            "register_external_instance",
            cluster=cluster,
            activation_id=activation_id,
            activation_code=activation_code,
            **hardware,
        )

    def exec(self, task: str, command: str, container: str | None = None) -> str:
        """ECS Exec's simulated shell: what ``command`` (env, hostname, cat /etc/hostname, ps)
        prints in a RUNNING task started with enableExecuteCommand (ARN or id)."""
        with self._lock:
            return self.tasks.exec(task, command, container)

    # -- queries ---------------------------------------------------------------------------------------

    def costs(
        self,
        by: str | list[str] | None = None,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        freq: str | None = "h",
    ) -> pd.DataFrame:
        """What this lab's resources would cost (a tidy table; see ``ecslab.domain.billing``).

        ECS itself is free. Rows: resource, resource_type, launch_type, cluster, service, task,
        hour, quantity, unit, rate, cost, price_source, note. ``by="resource_type"`` (or a list of
        columns) sums ``cost``. ``note`` says when prices are not the lab region's."""
        from .domain.billing import costs

        with self._lock:
            events = self.events
            now = self.now
        return costs(events, self.prices, now, start=start, end=end, freq=freq, by=by)

    def metrics(
        self,
        level: str = "cluster",
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        period: str = "1min",
        published: bool = False,
    ) -> pd.DataFrame:
        """Container Insights metrics (``ECS/ContainerInsights``) at ``level`` ("cluster",
        "service" or "family"): one row per group, minute and metric with value, unit and
        ``reported``. ``published=True`` keeps what CloudWatch would hold (documented metrics,
        Container Insights on, RUNNING tasks). CPU/memory utilisation is modelled from
        ``insights_utilization``; see ``ecslab.domain.insights``."""
        from .domain.insights import metrics

        with self._lock:
            events = self.events
            now = self.now
        return metrics(
            events,
            now,
            level=level,
            start=start,
            end=end,
            period=period,
            utilization=self.insights_utilization,
            seed=self.seed,
            published=published,
        )

    def insights_metric_count(self) -> pd.DataFrame:
        """How many Container Insights custom metrics each cluster reports over time (what its
        bill counts): one row per change with time, cluster, metrics, running_tasks, services
        (with running tasks) and insights (on/off). See ``ecslab.domain.billing.insights``."""
        from .domain.billing.insights import metric_counts

        with self._lock:
            events = self.events
        return metric_counts(events)

    def compare_launch_types(self, **workload):
        """Fargate vs EC2 for a workload (``cpu``, ``memory``, ``count``, ``hours``,
        ``instance_types``, ``utilization``, ``network_mode``, ``trunking``, ``arch``): the cost
        table, break-even task count and utilisation. EC2 instance counts come from the real
        scheduler bin-packing the tasks. See ``ecslab.domain.billing.compare``."""
        from .domain.billing.compare import compare_launch_types

        return compare_launch_types(self.prices, **workload)

    def __repr__(self) -> str:
        return f"Lab(region={self.region!r}, seed={self.seed}, now={self.now.isoformat()}, events={len(self.log)})"
