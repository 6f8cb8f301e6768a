"""Targets and their health, on the simulated clock.

States and reason codes are the ALB guide's. A registered target is:

* ``unused`` / Target.NotInUse while no listener forwards to its group (or its Availability Zone
  is not enabled for the load balancer); ``unused`` / Target.InvalidState once its instance is
  terminating;
* ``initial`` / Elb.RegistrationInProgress until the first probe, which comes one health-check
  interval after it became usable *and* a load balancer of the group is ``active`` (ecslab's
  timing, unverified); then a probe every HealthCheckIntervalSeconds;
* ``healthy`` after one passing probe -- "After your target is registered, it must pass one health
  check to be considered healthy" -- or, once unhealthy, after HealthyThresholdCount consecutive
  passes; ``unhealthy`` after UnhealthyThresholdCount consecutive failures (until then a new
  target shows ``initial`` / Elb.InitialHealthChecking). A probe that times out fails when its
  timeout expires; the next probe still starts one interval after the previous one.
* ``draining`` / Target.DeregistrationInProgress for ``deregistration_delay.timeout_seconds``
  (default 300) after DeregisterTargets, then gone (at once when its group is unused).

Who answers a probe: see ``responders.py``.

Facts: TargetRegistered, TargetHealthChanged (from/to/reason/description), TargetDeregistered.
Domains may implement ``on_target_health_changed(target_group, target, old_state)``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pandas as pd

from ...core.errors import error_for_code
from ..ec2.instances import INSTANCE_ID_RE
from ..web import Probe
from .model import DESCRIPTIONS, Target, TargetGroup, TargetSpec

__all__ = ["TargetsMixin"]

ValidationError = error_for_code("ValidationError")
InvalidTarget = error_for_code("InvalidTarget")
_PRIVATE = [
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
]


class TargetsMixin:
    # -- registration ----------------------------------------------------------------------------

    def register_targets(
        self, tg_arn: str, targets: list[TargetSpec], responder: Any = None
    ) -> list[Target]:
        """All or nothing. ``responder`` (for domain callers such as the service scheduler)
        answers the probes of these targets."""
        tg = self.target_group(tg_arn)
        resolved = [self._validate_target(tg, t) for t in targets]
        out = []
        for tid, port, az in resolved:  # valid: change state
            t = tg.targets.get((tid, port))
            if t is not None and not t.draining:
                if responder is not None:
                    t.responder = responder
                out.append(t)
                continue
            if t is not None:  # re-registered while draining: back in service
                self._stop(t)
            t = Target(tid, port, az, responder=responder)
            tg.targets[t.key] = t
            self.lab.emit(
                "TargetRegistered",
                "elbv2",
                resource=tg.arn,
                target=tid,
                port=port,
                az=self._az_of(tg, t),
            )
            self._sync(tg, [t])
            out.append(t)
        return out

    def _validate_target(
        self, tg: TargetGroup, spec: TargetSpec
    ) -> tuple[str, int | None, str | None]:
        tid, port, az = spec.id, spec.port, spec.az
        if tg.target_type == "lambda":
            if not tid.startswith("arn:aws:lambda:"):
                raise ValidationError(f"The target '{tid}' is not a valid Lambda function ARN")
            return tid, None, None
        port = tg.port if port is None else port
        if not 1 <= port <= 65535:
            raise ValidationError(f"Port '{port}' must be between 1 and 65535")
        if tg.target_type == "instance":
            if not INSTANCE_ID_RE.match(tid):
                raise ValidationError(f"Instance ID '{tid}' is not valid")
            inst = self.lab.instances._by_id.get(tid)
            if inst is None or inst.vpc_id != tg.vpc_id:
                raise InvalidTarget(
                    "The specified target does not exist or is not in the same VPC as the "
                    "target group."
                )
            if inst.state != "running":
                raise InvalidTarget(
                    "The following targets are not in a running state and cannot be "
                    f"registered: '{tid}'"
                )
            return tid, port, None
        try:
            ip = ipaddress.ip_address(tid)
        except ValueError:
            raise ValidationError(f"The IP address '{tid}' is not a valid IPv4 address") from None
        vpc = self.lab.network.vpcs[tg.vpc_id]
        if ip in ipaddress.ip_network(vpc.cidr):
            subnet = self._subnet_of(tid)
            if az == "all":
                raise ValidationError(
                    f"The IP address '{tid}' is within the VPC, and cannot have its "
                    f"Availability Zone overridden to 'all' from '{subnet.az if subnet else '?'}'"
                )
            if subnet is None:
                raise InvalidTarget(
                    "The specified target does not exist or is not in the same VPC as the "
                    "target group."
                )
            return tid, port, None
        if az is None:
            raise ValidationError(
                f"The Availability Zone is required for IP address '{tid}' because it is not "
                "in the VPC"
            )
        if az == "all" and not any(ip in n for n in _PRIVATE):
            raise ValidationError(f"The IP address '{tid}' is not in a private address range")
        return tid, port, az

    def deregister_targets(self, tg_arn: str, targets: list[TargetSpec]) -> None:
        tg = self.target_group(tg_arn)
        keys = []
        for spec in targets:
            port = _port(tg, spec)
            key = (spec.id, port)
            if key not in tg.targets:
                raise InvalidTarget(
                    "The specified target does not exist or is not in the same VPC as the "
                    "target group."
                )
            keys.append(key)
        delay = tg.deregistration_delay
        for key in dict.fromkeys(keys):
            t = tg.targets[key]
            if t.draining:
                continue
            self._stop(t)
            if delay == 0 or not self.load_balancers_of(tg.arn):
                self._forget(tg, t)
                continue
            t.draining, t.successes, t.failures = True, 0, 0
            self._set(tg, t, "draining", "Target.DeregistrationInProgress")
            t.timer = self.lab.clock.after(delay, lambda g=tg, x=t: self._forget(g, x), "drained")

    def _forget(self, tg: TargetGroup, t: Target) -> None:
        self._stop(t)
        if tg.targets.get(t.key) is t:
            del tg.targets[t.key]
            self.lab.emit("TargetDeregistered", "elbv2", resource=tg.arn, target=t.id, port=t.port)

    # -- where a target stands -------------------------------------------------------------------

    def _subnet_of(self, ip: str):
        addr = ipaddress.ip_address(ip)
        for s in self.lab.network.subnets.values():
            if addr in ipaddress.ip_network(s.cidr):
                return s
        return None

    def _az_of(self, tg: TargetGroup, t: Target) -> str | None:
        if t.az is not None or tg.target_type == "lambda":
            return t.az
        if tg.target_type == "instance":
            inst = self.lab.instances._by_id.get(t.id)
            return inst.az if inst else None
        s = self._subnet_of(t.id)
        return s.az if s else None

    def _sync(self, tg: TargetGroup, targets: list[Target] | None = None) -> None:
        """Bring targets in line with the group's use: unused / initial, probes on or off."""
        lbs = self.load_balancers_of(tg.arn)
        active = [lb for lb in lbs if lb.state == "active"]
        zones = {az for lb in lbs for az, _ in lb.subnets}
        for t in list(targets if targets is not None else tg.targets.values()):
            if t.draining:
                continue
            az = self._az_of(tg, t)
            inst = self.lab.instances._by_id.get(t.id) if tg.target_type == "instance" else None
            if not lbs:
                self._stop(t)
                self._set(tg, t, "unused", "Target.NotInUse")
            elif inst is not None and inst.state not in ("pending", "running"):
                self._stop(t)
                self._set(tg, t, "unused", "Target.InvalidState")
            elif az not in (None, "all") and az not in zones:
                self._stop(t)
                self._set(
                    tg,
                    t,
                    "unused",
                    "Target.NotInUse",
                    "Target is in an Availability Zone that is not enabled for the load balancer",
                )
            elif not tg.health.enabled:
                self._stop(t)
                self._set(tg, t, "unavailable", "Target.HealthCheckDisabled")
            else:
                if t.state in ("unused", "unavailable"):
                    t.successes = t.failures = 0
                    self._set(tg, t, "initial", "Elb.RegistrationInProgress")
                if active and t.timer is None:
                    t.timer = self.lab.clock.after(
                        tg.health.interval, lambda g=tg, x=t: self._probe(g, x), "elb-probe"
                    )

    def _stop(self, t: Target) -> None:
        self.lab.clock.cancel(t.timer)
        self.lab.clock.cancel(t.verdict)
        t.timer = t.verdict = None

    def _set(
        self,
        tg: TargetGroup,
        t: Target,
        state: str,
        reason: str | None,
        description: str | None = None,
    ) -> None:
        description = description if description is not None else DESCRIPTIONS.get(reason or "")
        if (t.state, t.reason, t.description) == (state, reason, description):
            return
        old = t.state
        t.state, t.reason, t.description = state, reason, description
        self.lab.emit(
            "TargetHealthChanged",
            "elbv2",
            resource=tg.arn,
            target=t.id,
            port=t.port,
            **{"from": old, "to": state},
            reason=reason,
            description=description,
        )
        for d in self.lab.domains:
            hook = getattr(d, "on_target_health_changed", None)
            if hook is not None:
                hook(tg, t, old)

    # -- probes ----------------------------------------------------------------------------------

    def _probe(self, tg: TargetGroup, t: Target) -> None:
        h = tg.health
        port = t.port if h.port in (None, "traffic-port") else int(h.port)
        probe = Probe(t.id, port, h.protocol or "TCP", h.path or "/", float(h.timeout))
        reply = self.responder_for(tg, t)(probe)
        t.timer = self.lab.clock.after(h.interval, lambda: self._probe(tg, t), "elb-probe")
        if reply.timed_out:
            t.verdict = self.lab.clock.after(
                h.timeout, lambda: self._verdict(tg, t, "Target.Timeout", None), "elb-timeout"
            )
        elif reply.refused or not reply.connected:
            self._verdict(tg, t, "Target.FailedHealthChecks", None)
        elif probe.protocol == "TCP" or tg.matches_code(reply.status or 0):
            self._verdict(tg, t, None, None)
        else:
            code = reply.status
            text = DESCRIPTIONS["Target.ResponseCodeMismatch"].format(code=code)
            self._verdict(tg, t, "Target.ResponseCodeMismatch", text)

    def _verdict(self, tg: TargetGroup, t: Target, failure: str | None, text: str | None) -> None:
        t.verdict = None
        h = tg.health
        if failure is None:
            t.failures = 0
            if t.state == "initial":
                self._set(tg, t, "healthy", None)
            elif t.state == "unhealthy":
                t.successes += 1
                if t.successes >= h.healthy:
                    self._set(tg, t, "healthy", None)
            return
        t.successes = 0
        t.failures += 1
        if t.state == "unhealthy" or t.failures >= h.unhealthy:
            self._set(tg, t, "unhealthy", failure, text)
        elif t.state == "initial":
            self._set(tg, t, "initial", "Elb.InitialHealthChecking")

    # -- hooks from other domains ----------------------------------------------------------------

    def on_instance_terminating(self, inst) -> None:
        for tg in self.target_groups.values():
            if tg.target_type == "instance":
                hit = [t for t in tg.targets.values() if t.id == inst.id]
                if hit:
                    self._sync(tg, hit)

    # -- queries -----------------------------------------------------------------------------------

    def describe_target_health(
        self, tg_arn: str, targets: list[TargetSpec] | None = None
    ) -> list[Target]:
        tg = self.target_group(tg_arn)
        if not targets:
            return list(tg.targets.values())
        out = []
        for spec in targets:
            port = _port(tg, spec)
            t = tg.targets.get((spec.id, port))
            if t is None:
                t = Target(spec.id, port, spec.az, "unused")
                t.reason, t.description = (
                    "Target.NotRegistered",
                    DESCRIPTIONS["Target.NotRegistered"],
                )
            out.append(t)
        return out

    def target_health(self, tg_arn: str) -> pd.DataFrame:
        """The targets of a group as a table: target, port, az, state, reason, description."""
        tg = self.target_group(tg_arn)
        rows = [
            {
                "target": t.id,
                "port": t.port,
                "az": self._az_of(tg, t),
                "state": t.state,
                "reason": t.reason,
                "description": t.description,
            }
            for t in tg.targets.values()
        ]
        cols = ["target", "port", "az", "state", "reason", "description"]
        return pd.DataFrame(rows, columns=cols)


def _port(tg: TargetGroup, spec: TargetSpec) -> int | None:
    """The port a target is known by: its own, else the group's (lambda targets have none)."""
    if tg.target_type == "lambda":
        return None
    return tg.port if spec.port is None else spec.port
