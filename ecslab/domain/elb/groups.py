"""Target groups: create (AWS defaults per target type and protocol), modify health checks and
attributes, delete; and the ECS rule a service's load balancer must satisfy.

Facts: TargetGroupCreated, TargetGroupModified, TargetGroupAttributesModified,
TargetGroupDeleted (detail carries the health-check settings, so timelines can explain a probe).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ...core.errors import InvalidParameterException, error_for_code
from .model import DEFAULT_ATTRIBUTES, LAMBDA_ATTRIBUTES, TargetGroup, check_name, health_defaults

__all__ = ["GroupsMixin"]

ValidationError = error_for_code("ValidationError")
_MATCHER = re.compile(r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")
_PROTOCOLS = ("HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP")
#: (low, high) for the health-check settings (ALB guide; TCP-family groups accept up to 120 s).
_BOUNDS = {
    "interval": ("HealthCheckIntervalSeconds", 5, 300),
    "timeout": ("HealthCheckTimeoutSeconds", 2, 120),
    "healthy": ("HealthyThresholdCount", 2, 10),
    "unhealthy": ("UnhealthyThresholdCount", 2, 10),
}


class GroupsMixin:
    def create_target_group(
        self,
        name: str,
        *,
        target_type: str | None = None,
        protocol: str | None = None,
        port: int | None = None,
        vpc_id: str | None = None,
        health: dict[str, Any] | None = None,
        protocol_version: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> TargetGroup:
        """``health``: changes to AWS's defaults, keyed like :class:`HealthSettings` (enabled,
        protocol, port, path, interval, timeout, healthy, unhealthy, matcher)."""
        check_name("Target group", name)
        ttype = target_type or "instance"
        if ttype not in ("instance", "ip", "lambda"):
            raise ValidationError(f"ecslab does not simulate target type '{ttype}'")
        if ttype == "lambda":
            if protocol or port or vpc_id:
                raise ValidationError(
                    "Protocol, port and VPC ID cannot be specified for target groups with "
                    "target type 'lambda'"
                )
        else:
            for value, what in ((protocol, "A protocol"), (port, "A port"), (vpc_id, "A VPC ID")):
                if value is None:
                    raise ValidationError(
                        f"{what} must be specified for target groups with target type '{ttype}'"
                    )
            if protocol not in _PROTOCOLS:
                raise ValidationError(f"ecslab does not simulate {protocol} target groups")
            if not 1 <= port <= 65535:
                raise ValidationError(f"Port '{port}' must be between 1 and 65535")
            if vpc_id not in self.lab.network.vpcs:
                raise ValidationError(f"The VPC ID '{vpc_id}' is not found")
        settings = self._health(ttype, protocol, health_defaults(ttype, protocol), health or {})
        attributes = dict(LAMBDA_ATTRIBUTES if ttype == "lambda" else DEFAULT_ATTRIBUTES)
        version = protocol_version or ("HTTP1" if protocol in ("HTTP", "HTTPS") else None)

        existing = next((t for t in self.target_groups.values() if t.name == name), None)
        if existing is not None:
            same = (existing.target_type, existing.protocol, existing.port, existing.vpc_id) == (
                ttype,
                protocol,
                port,
                vpc_id,
            ) and existing.health == settings
            if not same:
                raise error_for_code("DuplicateTargetGroupName")(
                    f"A target group with the same name '{name}' exists, but with different "
                    "settings"
                )
            return existing

        tg = TargetGroup(
            arn=self._arn(f"targetgroup/{name}/{self.lab.random.hex(16)}"),
            name=name,
            target_type=ttype,
            protocol=protocol,
            port=port,
            vpc_id=vpc_id,
            health=settings,
            protocol_version=version,
            tags=dict(tags or {}),
            attributes=attributes,
        )
        self.target_groups[tg.arn] = tg
        self.lab.emit(
            "TargetGroupCreated",
            "elbv2",
            resource=tg.arn,
            name=name,
            target_type=ttype,
            protocol=protocol,
            port=port,
            vpc_id=vpc_id,
            health_check=settings.as_dict(),
        )
        return tg

    def _health(self, ttype: str, protocol: str | None, base, changes: dict[str, Any]):
        changes = {k: v for k, v in changes.items() if v is not None}
        if changes.get("enabled") is False and ttype != "lambda":
            raise ValidationError(
                f"Health checks cannot be disabled for target groups with target type '{ttype}'"
            )
        h = replace(base, **changes)
        for attr, (label, low, high) in _BOUNDS.items():
            value = getattr(h, attr)
            if not low <= value <= high:
                raise ValidationError(f"{label} must be between {low} and {high}, not {value}")
        if h.timeout >= h.interval:
            raise ValidationError(
                f"Health check timeout '{h.timeout}' must be smaller than the interval "
                f"'{h.interval}'"
            )
        if h.protocol not in (None, "HTTP", "HTTPS", "TCP"):
            raise ValidationError(f"Health check protocol '{h.protocol}' is not supported")
        if h.protocol == "TCP" and protocol in ("HTTP", "HTTPS"):
            raise ValidationError(
                f"Health check protocol 'TCP' is not supported for target groups with the "
                f"protocol '{protocol}'"
            )
        if h.protocol in ("HTTP", "HTTPS") and h.path is None:
            h = replace(h, path="/", matcher=h.matcher or "200")
        if h.path is not None and not h.path.startswith("/"):
            raise ValidationError(f"Health check path '{h.path}' must begin with '/'")
        if h.port != "traffic-port" and h.port is not None:
            if not (h.port.isdigit() and 1 <= int(h.port) <= 65535):
                raise ValidationError(
                    f"Health check port '{h.port}' must be 'traffic-port' or a port number"
                )
        if h.matcher is not None:
            if not _MATCHER.match(h.matcher) or any(
                not 200 <= int(c) <= 499 for c in re.findall(r"\d+", h.matcher)
            ):
                raise ValidationError(
                    f"Health check matcher HTTP code '{h.matcher}' must be within '200-499'"
                )
        return h

    def describe_target_groups(
        self,
        lb_arn: str | None = None,
        arns: list[str] | None = None,
        names: list[str] | None = None,
    ) -> list[TargetGroup]:
        if arns:
            for a in arns:
                self._check_arn(a, "targetgroup", "target group")
        if arns or names:
            keyed = (
                {t.arn: t for t in self.target_groups.values()}
                if arns
                else {t.name: t for t in self.target_groups.values()}
            )
            wanted = arns or names
            if any(w not in keyed for w in wanted):
                raise error_for_code("TargetGroupNotFound")("One or more target groups not found")
            return [keyed[w] for w in dict.fromkeys(wanted)]
        groups = list(self.target_groups.values())
        if lb_arn:
            self.load_balancer(lb_arn)
            groups = [t for t in groups if lb_arn in {x.arn for x in self.load_balancers_of(t.arn)}]
        return groups

    def modify_target_group(self, tg_arn: str, health: dict[str, Any]) -> TargetGroup:
        """``health``: the settings to change (keys as in :meth:`create_target_group`)."""
        tg = self.target_group(tg_arn)
        health = self._health(tg.target_type, tg.protocol, tg.health, health)
        tg.health = health
        self.lab.emit(
            "TargetGroupModified", "elbv2", resource=tg.arn, health_check=health.as_dict()
        )
        self._sync(tg)
        return tg

    def modify_target_group_attributes(
        self, tg_arn: str, attributes: dict[str, str]
    ) -> TargetGroup:
        tg = self.target_group(tg_arn)
        for key, value in attributes.items():
            if key not in tg.attributes:
                raise ValidationError(f"Target group attribute key '{key}' is not recognized")
            if key in ("deregistration_delay.timeout_seconds", "slow_start.duration_seconds"):
                if not (value.isdigit() and 0 <= int(value) <= 3600):
                    raise ValidationError(
                        f"Target group attribute key '{key}' must be between 0 and 3600"
                    )
        tg.attributes.update(attributes)
        self.lab.emit(
            "TargetGroupAttributesModified", "elbv2", resource=tg.arn, attributes=dict(attributes)
        )
        return tg

    def delete_target_group(self, tg_arn: str) -> None:
        """ResourceInUse while a listener forwards to it; an unknown group is a no-op."""
        self._check_arn(tg_arn, "targetgroup", "target group")
        tg = self.target_groups.get(tg_arn)
        if tg is None:
            return
        if self.load_balancers_of(tg_arn):
            raise error_for_code("ResourceInUse")(
                f"Target group '{tg_arn}' is currently in use by a listener or a rule"
            )
        for t in tg.targets.values():
            self._stop(t)
        del self.target_groups[tg_arn]
        self.lab.emit("TargetGroupDeleted", "elbv2", resource=tg_arn, name=tg.name)

    # -- the rule ECS applies to a service's load balancer ---------------------------------------

    def check_service_target_group(self, tg_arn: str, network_mode: str) -> TargetGroup:
        """What CreateService checks about ``loadBalancers[].targetGroupArn``; raises ECS's
        InvalidParameterException with the text ECS uses (seen in public error reports):

        * the group must be behind a load balancer (a listener forwards to it);
        * awsvpc tasks need target type ``ip`` (ECS docs, task-networking-awsvpc), bridge and
          host tasks need ``instance``."""
        tg = self.target_groups.get(tg_arn)
        if tg is None:
            # ECS validates the group through ELB; this wording is ecslab's (unverified).
            raise InvalidParameterException(
                f"Unable to validate the specified targetGroupArn {tg_arn}: it does not exist."
            )
        if not self.load_balancers_of(tg_arn):
            raise InvalidParameterException(
                f"The target group with targetGroupArn {tg_arn} does not have an associated "
                "load balancer."
            )
        wanted = "ip" if network_mode == "awsvpc" else "instance"
        if tg.target_type != wanted:
            raise InvalidParameterException(
                f"The provided target group {tg_arn} has target type {tg.target_type}, which is "
                f"incompatible with the {network_mode} network mode specified in the task "
                "definition."
            )
        return tg
