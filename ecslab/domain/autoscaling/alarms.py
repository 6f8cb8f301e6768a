"""``lab.alarms``: CloudWatch metric alarms and the ``AWS/ECS`` service metrics they watch.

Every simulated minute (a clock timer on minute boundaries, running while any alarm or load
curve exists) the monitor

1. records one datapoint of ``CPUUtilization`` and ``MemoryUtilization`` (namespace ``AWS/ECS``,
   dimensions ``ClusterName``/``ServiceName``) for each service with a load curve or an alarm on
   it, for the minute that just ended, from the load model (:mod:`.load`) and the service's
   RUNNING tasks; a service without RUNNING tasks reports nothing for that minute (a gap, as on
   AWS); a service with an alarm but no load curve has no offered load (0 %);
2. evaluates every alarm on its last ``EvaluationPeriods`` periods (``DatapointsToAlarm`` of them
   breaching -> ALARM; otherwise OK; no data -> INSUFFICIENT_DATA, per ``TreatMissingData``);
3. runs the actions of each alarm in ALARM that names a scaling policy (Application Auto
   Scaling's alarm actions are invoked every minute while the alarm stays in ALARM, the
   policy's cooldowns decide whether it scales).

Datapoints are derived state (a function of the load curves, which are inputs, and of the task
facts), so they are not rows in the event table; alarm state changes are (``AlarmStateChanged``).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ...core.errors import error_for_code
from .load import LoadCurve

__all__ = ["Alarms", "MetricAlarm", "NAMESPACE", "METRICS"]

NAMESPACE = "AWS/ECS"
METRICS = ("CPUUtilization", "MemoryUtilization")
InvalidParameterValueException = error_for_code("InvalidParameterValueException")
ValidationException = error_for_code("ValidationException")  # ValidationError on the wire
MissingParameter = error_for_code("MissingRequiredParameterException")
_OPS = {
    "GreaterThanThreshold": (lambda v, t: v > t, "greater than"),
    "GreaterThanOrEqualToThreshold": (lambda v, t: v >= t, "greater than or equal to"),
    "LessThanThreshold": (lambda v, t: v < t, "less than"),
    "LessThanOrEqualToThreshold": (lambda v, t: v <= t, "less than or equal to"),
}
_STATS = ("Average", "Sum", "Minimum", "Maximum", "SampleCount")


@dataclass
class MetricAlarm:
    name: str
    arn: str
    description: str | None
    actions_enabled: bool
    alarm_actions: list[str]
    ok_actions: list[str]
    insufficient_data_actions: list[str]
    metric_name: str
    namespace: str
    statistic: str
    dimensions: list[dict[str, str]]
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    treat_missing: str
    unit: str | None
    updated_at: datetime
    state: str = "INSUFFICIENT_DATA"
    reason: str = "Unchecked: Initial alarm creation"
    reason_data: str | None = None
    state_updated_at: datetime | None = None
    transitioned_at: datetime | None = None
    series: Any = None  # the _Series it watches (None: a metric ecslab has no data for)
    owner: str | None = None  # the target-tracking policy ARN that created it


@dataclass
class _Series:
    """One service's one-minute datapoints (epoch minutes and values), newest last."""

    minutes: deque = field(default_factory=lambda: deque(maxlen=_KEEP))
    cpu: deque = field(default_factory=lambda: deque(maxlen=_KEEP))
    mem: deque = field(default_factory=lambda: deque(maxlen=_KEEP))
    refs: int = 0  # alarms watching it


_KEEP = 15 * 1440  # minutes of datapoints kept per service (15 days)


class Alarms:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.alarms: dict[str, MetricAlarm] = {}  # name -> alarm, in creation order
        self.curves: dict[tuple[str, str], LoadCurve] = {}
        self.series: dict[tuple[str, str], _Series] = {}
        self._timer = None
        self.on_alarm = None  # fn(alarm) for alarms in ALARM (set by lab.appscaling)

    # -- configuration -----------------------------------------------------------------------

    def arn_for(self, name: str) -> str:
        return f"arn:aws:cloudwatch:{self.lab.region}:{self.lab.account_id}:alarm:{name}"

    def set_curve(self, curve: LoadCurve) -> None:
        key = (curve.cluster, curve.service)
        self.curves[key] = curve
        self.series.setdefault(key, _Series())
        self._ensure_tick()

    def check(self, spec: dict[str, Any]) -> None:
        """Raise CloudWatch's error for a PutMetricAlarm request ecslab cannot accept."""
        if spec.get("metrics") or spec.get("extended_statistic"):
            raise InvalidParameterValueException(
                "ecslab evaluates alarms on one metric with a Statistic (no metric math, no "
                "percentiles)."
            )  # [M]
        for key in ("metric_name", "namespace", "statistic", "period"):
            if spec.get(key) in (None, ""):
                camel = "".join(w.title() for w in key.split("_"))
                raise MissingParameter(f"The parameter {camel} is required.")  # [M]
        if spec["statistic"] not in _STATS:
            raise InvalidParameterValueException(f"Invalid statistic {spec['statistic']}.")
        period = int(spec["period"])
        if period < 60 or period % 60:
            raise InvalidParameterValueException(
                "The parameter Period must be a multiple of 60 (ecslab's metrics have one-minute "
                "resolution)."
            )  # [M]
        n = int(spec["evaluation_periods"])
        m = int(spec.get("datapoints_to_alarm") or n)
        if n < 1 or m < 1 or m > n:
            raise ValidationException(
                "DatapointsToAlarm must be between 1 and EvaluationPeriods."
            )  # [M]
        if n * period > 86400 * 7:
            raise ValidationException(
                "The evaluation period (EvaluationPeriods x Period) must not exceed 7 days."
            )
        if spec.get("comparison_operator") not in _OPS:
            raise InvalidParameterValueException(
                f"ecslab supports the static-threshold comparison operators {sorted(_OPS)}."
            )  # [M]
        for arn in [*spec.get("alarm_actions", []), *spec.get("ok_actions", [])]:
            if not arn.startswith("arn:aws:"):
                raise ValidationException(f"Invalid arn syntax: {arn}")

    def put(self, spec: dict[str, Any], owner: str | None = None) -> MetricAlarm:
        """PutMetricAlarm (create or replace) after :meth:`check`; emits ``MetricAlarmPut``."""
        name = spec["alarm_name"]
        old = self.alarms.get(name)
        n = int(spec["evaluation_periods"])
        alarm = MetricAlarm(
            name=name,
            arn=self.arn_for(name),
            description=spec.get("alarm_description"),
            actions_enabled=bool(spec.get("actions_enabled", True)),
            alarm_actions=list(spec.get("alarm_actions") or []),
            ok_actions=list(spec.get("ok_actions") or []),
            insufficient_data_actions=list(spec.get("insufficient_data_actions") or []),
            metric_name=spec["metric_name"],
            namespace=spec["namespace"],
            statistic=spec["statistic"],
            dimensions=[dict(d) for d in spec.get("dimensions") or []],
            period=int(spec["period"]),
            evaluation_periods=n,
            datapoints_to_alarm=int(spec.get("datapoints_to_alarm") or n),
            threshold=float(spec["threshold"]),
            comparison=spec["comparison_operator"],
            treat_missing=spec.get("treat_missing_data") or "missing",
            unit=spec.get("unit"),
            updated_at=self.lab.now,
            state_updated_at=self.lab.now,
            transitioned_at=self.lab.now,
            owner=owner if owner is not None else (old.owner if old else None),
        )
        if old is not None:  # an update keeps the alarm's state (as CloudWatch does)
            self._unwatch(old)
            alarm.state, alarm.reason, alarm.reason_data = old.state, old.reason, old.reason_data
            alarm.state_updated_at, alarm.transitioned_at = (
                old.state_updated_at,
                old.transitioned_at,
            )
        alarm.series = self._watch(alarm)
        self.alarms[name] = alarm
        self.lab.emit(
            "MetricAlarmPut",
            "cloudwatch",
            resource=alarm.arn,
            name=name,
            metric=alarm.metric_name,
            namespace=alarm.namespace,
            threshold=alarm.threshold,
            comparison=alarm.comparison,
            evaluation_periods=n,
            datapoints_to_alarm=alarm.datapoints_to_alarm,
            period=alarm.period,
            actions=alarm.alarm_actions,
        )
        self._ensure_tick()
        return alarm

    def delete(self, names: list[str]) -> None:
        for name in names:
            alarm = self.alarms.pop(name, None)
            if alarm is not None:
                self._unwatch(alarm)
                self.lab.emit("MetricAlarmDeleted", "cloudwatch", resource=alarm.arn, name=name)

    def _watch(self, alarm: MetricAlarm) -> _Series | None:
        dims = {d.get("Name"): d.get("Value") for d in alarm.dimensions}
        if alarm.namespace != NAMESPACE or alarm.metric_name not in METRICS:
            return None
        if set(dims) != {"ClusterName", "ServiceName"}:
            return None
        s = self.series.setdefault((dims["ClusterName"], dims["ServiceName"]), _Series())
        s.refs += 1
        return s

    def _unwatch(self, alarm: MetricAlarm) -> None:
        if alarm.series is not None:
            alarm.series.refs -= 1

    # -- the minute tick ---------------------------------------------------------------------

    def _ensure_tick(self) -> None:
        if self._timer is not None and not self._timer.cancelled:
            return
        now = self.lab.now
        nxt = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        self._timer = self.lab.clock.at(nxt, self._tick, "cloudwatch-minute")

    def _tick(self) -> None:
        lab = self.lab
        now = lab.now
        self._timer = None
        self._sample(now)
        minute = int(now.timestamp() // 60)
        for alarm in list(self.alarms.values()):
            if minute % (alarm.period // 60) == 0:
                self._evaluate(alarm, minute)
        if self.on_alarm is not None:
            for alarm in list(self.alarms.values()):
                if alarm.state == "ALARM" and alarm.actions_enabled and alarm.alarm_actions:
                    self.on_alarm(alarm)
        if self.alarms or self.curves:
            self._timer = lab.clock.at(now + timedelta(minutes=1), self._tick, "cloudwatch-minute")

    def _sample(self, now: datetime) -> None:
        t_mid = now.timestamp() - 30.0  # [M] the minute's load: at its middle
        minute = int(now.timestamp() // 60) - 1  # the datapoint is for the minute that ended
        find = self.lab.services.find
        for (cluster, name), s in self.series.items():
            curve = self.curves.get((cluster, name))
            if curve is None and s.refs == 0:
                continue
            svc = find(cluster, name)
            if svc is None or svc.status == "INACTIVE":
                continue
            running = 0
            for st in svc.tasks.values():
                if st.task.last_status == "RUNNING":
                    running += 1
            if running == 0:
                continue  # no RUNNING task: no datapoint (a gap)
            if curve is None:
                cpu, mem = 0.0, 25.0  # [M] no offered load
            else:
                # An EXTERNAL service without a primary task set: its tasks' definition.
                td = svc.td or next(iter(svc.tasks.values())).task.td
                cap = running * curve.capacity(_cpu_units(td))
                cpu = min(100.0, 100.0 * curve.at(t_mid) / cap)
                mem = min(100.0, max(0.0, curve.memory_base + curve.memory_slope * cpu))
            s.minutes.append(minute)
            s.cpu.append(cpu)
            s.mem.append(mem)

    def values(self, alarm: MetricAlarm, minute: int) -> list[float | None]:
        """The alarm's statistic for each of its last ``evaluation_periods`` periods, oldest
        first (None where a period has no datapoint); the newest period ends at ``minute``."""
        k = alarm.period // 60
        n = alarm.evaluation_periods
        out: list[float | None] = [None] * n
        s = alarm.series
        if s is None or not s.minutes:
            return out
        col = s.cpu if alarm.metric_name == "CPUUtilization" else s.mem
        first = minute - n * k
        buckets: list[list[float]] = [[] for _ in range(n)]
        i = len(s.minutes) - 1
        while i >= 0 and s.minutes[i] >= first:
            m = s.minutes[i]
            if m < minute:
                buckets[(m - first) // k].append(col[i])
            i -= 1
        for j, b in enumerate(buckets):
            if b:
                out[j] = _stat(alarm.statistic, b)
        return out

    def _evaluate(self, alarm: MetricAlarm, minute: int) -> None:
        vals = self.values(alarm, minute)
        test, words = _OPS[alarm.comparison]
        treat = alarm.treat_missing
        have = [v for v in vals if v is not None]
        if not have and treat in ("missing", "ignore"):
            if treat == "ignore" or alarm.state == "INSUFFICIENT_DATA":
                return
            new = "INSUFFICIENT_DATA"
            reason = f"Insufficient Data: {len(vals)} datapoints were unknown."
            self._set(alarm, new, reason, vals, minute)
            return
        breaching = sum(
            1
            for v in vals
            if (v is not None and test(v, alarm.threshold)) or (v is None and treat == "breaching")
        )
        new = "ALARM" if breaching >= alarm.datapoints_to_alarm else "OK"
        if new == alarm.state:
            return
        m = alarm.datapoints_to_alarm
        shown = [(j, v) for j, v in enumerate(vals) if v is not None][::-1]
        stamp = ", ".join(f"{_num(v)} ({_when(minute, alarm, j)})" for j, v in shown)
        if new == "ALARM":
            count = f"{breaching} out of the last {len(vals)} datapoints"
            verb, need = f"were {words}", f"minimum {m} datapoint{'s' if m > 1 else ''}"
            trans = "OK -> ALARM"
        else:
            ok = len(have) - breaching
            count = f"{ok} out of the last {len(vals)} datapoints"
            verb = f"{'was' if ok == 1 else 'were'} not {words}"
            need, trans = "minimum 1 datapoint", "ALARM -> OK"
            if alarm.state == "INSUFFICIENT_DATA":
                trans = "INSUFFICIENT_DATA -> OK"
        if len(vals) == 1:
            count = f"{len(have)} datapoint"
            verb = f"was {'not ' if new == 'OK' else ''}{words}"
        reason = (
            f"Threshold Crossed: {count} [{stamp}] {verb} the threshold "
            f"({_num(alarm.threshold)}) ({need} for {trans} transition)."
        )
        self._set(alarm, new, reason, vals, minute)

    def _set(self, alarm: MetricAlarm, new: str, reason: str, vals, minute: int) -> None:
        old = alarm.state
        now = self.lab.now
        alarm.state, alarm.reason = new, reason
        alarm.state_updated_at = alarm.transitioned_at = now
        alarm.reason_data = _reason_data(alarm, vals, minute, now)
        self.lab.emit(
            "AlarmStateChanged",
            "cloudwatch",
            resource=alarm.arn,
            name=alarm.name,
            old_state=old,
            new_state=new,
            reason=reason,
        )

    # -- queries -----------------------------------------------------------------------------

    def offered_load(self, cluster: str, service: str, times: list[datetime]) -> list[float]:
        """The modelled offered load (requests per second) of a service at ``times`` (0 without
        a load curve): what charts draw beside the utilisation it causes."""
        curve = self.curves.get((cluster, service))
        if curve is None:
            return [0.0] * len(times)
        return [curve.at(t.timestamp()) for t in times]

    def datapoints(self, metric: str, cluster: str, service: str) -> tuple[list[int], list[float]]:
        """(epoch minutes, values) of one service's AWS/ECS metric, oldest first."""
        s = self.series.get((cluster, service))
        if s is None or metric not in METRICS:
            return [], []
        return list(s.minutes), list(s.cpu if metric == "CPUUtilization" else s.mem)


def _cpu_units(td) -> int:
    if td.cpu_units:
        return int(td.cpu_units)
    return int(sum(int(c.get("cpu") or 0) for c in td.containers)) or 1024  # [M] unset: 1 vCPU


def _stat(statistic: str, b: list[float]) -> float:
    if statistic == "Average":
        return sum(b) / len(b)
    if statistic == "Sum":
        return float(sum(b))
    if statistic == "Minimum":
        return float(min(b))
    if statistic == "Maximum":
        return float(max(b))
    return float(len(b))


def _num(v: float) -> str:
    r = round(v, 1) if abs(v) < 1e6 else v
    return repr(float(r)) if not math.isnan(r) else "NaN"


def _when(minute: int, alarm: MetricAlarm, j: int) -> str:
    k = alarm.period // 60
    start = minute - (alarm.evaluation_periods - j) * k
    return datetime.fromtimestamp(start * 60, tz=timezone.utc).strftime("%d/%m/%y %H:%M:%S")


def _reason_data(alarm: MetricAlarm, vals, minute: int, now: datetime) -> str:
    import json

    start = datetime.fromtimestamp((minute - alarm.evaluation_periods) * 60, tz=timezone.utc)
    recent = [round(v, 6) for v in vals[::-1] if v is not None]
    return json.dumps(
        {
            "version": "1.0",
            "queryDate": now.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "startDate": start.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "statistic": alarm.statistic,
            "period": alarm.period,
            "recentDatapoints": recent,
            "threshold": alarm.threshold,
        },
        separators=(",", ":"),
    )
