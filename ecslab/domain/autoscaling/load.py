"""The offered-load model that drives service utilisation (a model: containers do not really run).

[M] modelled: a lab action ``set_load`` gives a service an offered load in requests per second
over simulated time: piecewise-linear ``points`` (``[[seconds_from_now, rps], ...]``, held flat
before the first and after the last point) or the named shape ``two_peaks`` (a base load with
two Gaussian peaks a "day", by default at 10:00 and 19:00 UTC; ``day_seconds`` shortens the day
for lessons), times a seeded noise factor ``1 + noise x z`` (z standard normal, one draw per
simulated minute, keyed by the lab's seed, the service and the minute: same seed, same curve).

A task serves ``rps_per_vcpu`` requests per second per vCPU of its CPU reservation at 100 %
CPU, so ``CPUUtilization = load / (running tasks x per-task capacity)``, clipped to 100 %, and
``MemoryUtilization = memory_base + memory_slope x CPUUtilization`` (clipped likewise).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...core.record import lab_action

__all__ = ["LoadCurve", "set_load", "SHAPES"]

SHAPES = ("two_peaks",)
_BLOCK = 1440  # noise draws are made a simulated day (1,440 minutes) at a time


@dataclass
class LoadCurve:
    cluster: str
    service: str
    origin: float  # epoch seconds the points are relative to
    xs: np.ndarray  # epoch seconds (points) or empty (shape)
    ys: np.ndarray
    shape: str | None
    base: float
    peak: float
    peak_hours: tuple[float, ...]
    width_hours: float
    day_seconds: float
    noise: float
    rps_per_vcpu: float
    memory_base: float
    memory_slope: float
    key: int
    _noise: dict[int, np.ndarray] = field(default_factory=dict)

    def clean(self, t: float) -> float:
        """The offered load (requests per second) at epoch second ``t``, without noise."""
        if self.shape is None:
            return float(np.interp(t, self.xs, self.ys))
        h = ((t % self.day_seconds) / self.day_seconds) * 24.0
        bump = sum(math.exp(-0.5 * ((h - p) / self.width_hours) ** 2) for p in self.peak_hours)
        return self.base + (self.peak - self.base) * bump

    def at(self, t: float) -> float:
        """The offered load at epoch second ``t``, with the seeded per-minute noise."""
        value = self.clean(t)
        if self.noise:
            minute = int(t // 60)
            day, i = divmod(minute, _BLOCK)
            block = self._noise.get(day)
            if block is None:
                gen = np.random.Generator(
                    np.random.Philox(key=np.array([self.key, day], dtype=np.uint64))
                )
                block = self._noise[day] = gen.standard_normal(_BLOCK)
            value *= max(0.0, 1.0 + self.noise * float(block[i]))
        return max(0.0, value)

    def capacity(self, cpu_units: int) -> float:
        """Requests per second one task of ``cpu_units`` serves at 100 % CPU."""
        return max(cpu_units, 1) / 1024.0 * self.rps_per_vcpu

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"service": self.service}
        if self.shape is None:
            out["points"] = [
                [float(x - self.origin), float(y)] for x, y in zip(self.xs, self.ys, strict=True)
            ]
        else:
            out.update(shape=self.shape, base=self.base, peak=self.peak)
        out.update(noise=self.noise, rps_per_vcpu=self.rps_per_vcpu)
        return out


def _key(seed: int, cluster: str, service: str) -> int:
    digest = hashlib.sha256(f"{seed}:{cluster}/{service}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


@lab_action
def set_load(
    lab,
    cluster: str,
    service: str,
    points: list | None = None,
    shape: str | None = None,
    base: float = 20.0,
    peak: float = 200.0,
    peak_hours: list | None = None,
    width_hours: float = 1.5,
    day_seconds: float = 86400.0,
    noise: float = 0.0,
    rps_per_vcpu: float = 100.0,
    memory_base: float = 25.0,
    memory_slope: float = 0.5,
) -> dict[str, Any]:
    """Set the offered load of ``service`` in ``cluster`` (see the module docstring)."""
    svc = lab.services.find(cluster, service)
    if svc is None or svc.status != "ACTIVE":
        raise ValueError(f"no ACTIVE service {service!r} in cluster {cluster!r}")
    if (points is None) == (shape is None):
        raise ValueError("give either points=[[seconds, rps], ...] or shape='two_peaks'")
    if shape is not None and shape not in SHAPES:
        raise ValueError(f"unknown load shape {shape!r}; known: {list(SHAPES)}")
    if not 0 <= float(noise) <= 1:
        raise ValueError("noise is a relative standard deviation: 0 <= noise <= 1")
    if float(rps_per_vcpu) <= 0 or float(day_seconds) < 600 or float(width_hours) <= 0:
        raise ValueError("rps_per_vcpu and width_hours must be > 0, day_seconds >= 600")
    origin = lab.now.timestamp()
    xs = ys = np.zeros(0)
    if points is not None:
        pts = sorted((float(x), float(y)) for x, y in points)
        if not pts or any(x < 0 or y < 0 for x, y in pts):
            raise ValueError("points are [seconds_from_now >= 0, rps >= 0] pairs (at least one)")
        xs = origin + np.array([x for x, _ in pts])
        ys = np.array([y for _, y in pts])
    hours = tuple(float(h) for h in (peak_hours or (10.0, 19.0)))
    curve = LoadCurve(
        cluster=cluster,
        service=service,
        origin=origin,
        xs=xs,
        ys=ys,
        shape=shape,
        base=float(base),
        peak=float(peak),
        peak_hours=hours,
        width_hours=float(width_hours),
        day_seconds=float(day_seconds),
        noise=float(noise),
        rps_per_vcpu=float(rps_per_vcpu),
        memory_base=float(memory_base),
        memory_slope=float(memory_slope),
        key=_key(lab.seed, cluster, service),
    )
    lab.alarms.set_curve(curve)
    lab.emit("LoadCurveSet", "lab", cluster=cluster, resource=svc.arn, **curve.describe())
    return curve.describe()
