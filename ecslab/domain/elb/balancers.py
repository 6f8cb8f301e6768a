"""Application Load Balancers and their listeners.

CreateLoadBalancer validates the name, the subnets (at least two, in two different Availability
Zones, of one VPC) and the security groups, then the load balancer is ``provisioning`` for
:data:`PROVISIONING_SECONDS` of simulated time before it turns ``active`` -- targets are probed
only once one of their load balancers is active. Creating the same name again with the same
settings returns the existing load balancer (the call is idempotent, as AWS documents);
different settings are a DuplicateLoadBalancerName. Facts: LoadBalancerCreated,
LoadBalancerActive, LoadBalancerDeleted, ListenerCreated, ListenerDeleted.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import error_for_code
from .model import PROVISIONING_SECONDS, Listener, LoadBalancer, check_name

__all__ = ["BalancersMixin"]

ValidationError = error_for_code("ValidationError")


class BalancersMixin:
    # -- load balancers ----------------------------------------------------------------------

    def create_load_balancer(
        self,
        *,
        name: str,
        subnets: list[str] | None = None,
        security_groups: list[str] | None = None,
        scheme: str | None = None,
        lb_type: str | None = None,
        ip_address_type: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> LoadBalancer:
        lab, net = self.lab, self.lab.network
        check_name("Load balancer", name, forbid_internal=True)
        lb_type = lb_type or "application"
        if lb_type != "application":
            raise ValidationError(
                f"ecslab simulates Application Load Balancers only, not type '{lb_type}'"
            )
        if ip_address_type not in (None, "ipv4"):
            raise ValidationError("ecslab's default VPC has no IPv6: use IpAddressType ipv4")
        found = []
        for sid in dict.fromkeys(subnets or []):
            s = net.subnets.get(sid)
            if s is None:
                raise error_for_code("SubnetNotFound")(f"The subnet ID '{sid}' is not valid")
            found.append(s)
        if len({s.az for s in found}) < 2:
            if len(found) >= 2:
                raise error_for_code("InvalidConfigurationRequest")(
                    "A load balancer cannot be attached to multiple subnets in the same "
                    "Availability Zone"
                )
            raise ValidationError(
                "At least two subnets in two different Availability Zones must be specified"
            )
        if len({s.az for s in found}) != len(found):
            raise error_for_code("InvalidConfigurationRequest")(
                "A load balancer cannot be attached to multiple subnets in the same "
                "Availability Zone"
            )
        vpcs = {s.vpc_id for s in found}
        if len(vpcs) > 1:
            raise error_for_code("InvalidSubnet")("The subnets must all be in the same VPC")
        vpc_id = vpcs.pop()
        groups = list(dict.fromkeys(security_groups or []))
        for g in groups:
            sg = net.security_groups.get(g)
            if sg is None or sg.vpc_id != vpc_id:
                raise error_for_code("InvalidSecurityGroup")(
                    f"One or more security groups are invalid: '{g}'"
                )
        groups = groups or [net.default_security_group(vpc_id).id]
        scheme = scheme or "internet-facing"
        placed = sorted((s.az, s.id) for s in found)

        existing = next((lb for lb in self.load_balancers.values() if lb.name == name), None)
        if existing is not None:
            same = (
                existing.scheme == scheme
                and existing.subnets == placed
                and existing.security_groups == groups
            )
            if not same:
                raise error_for_code("DuplicateLoadBalancerName")(
                    f"A load balancer with the same name '{name}' exists, but with different "
                    "settings"
                )
            return existing

        # Valid: change state.
        lb_id = lab.random.hex(16)
        number = int(lab.random.integers(10**9, 10**10))
        prefix = "internal-" if scheme == "internal" else ""
        lb = LoadBalancer(
            arn=self._arn(f"loadbalancer/app/{name}/{lb_id}"),
            name=name,
            dns_name=f"{prefix}{name}-{number}.{lab.region}.elb.amazonaws.com",
            scheme=scheme,
            type=lb_type,
            vpc_id=vpc_id,
            subnets=placed,
            security_groups=groups,
            created_at=lab.now,
            tags=dict(tags or {}),
        )
        self.load_balancers[lb.arn] = lb
        lab.emit(
            "LoadBalancerCreated",
            "elbv2",
            resource=lb.arn,
            name=name,
            type=lb_type,
            scheme=scheme,
            vpc_id=vpc_id,
            azs=[az for az, _ in placed],
            subnets=[sid for _, sid in placed],
            dns_name=lb.dns_name,
        )
        lb.timer = lab.clock.after(PROVISIONING_SECONDS, lambda: self._activate(lb), "elb-active")
        return lb

    def _activate(self, lb: LoadBalancer) -> None:
        lb.state, lb.timer = "active", None
        self.lab.emit("LoadBalancerActive", "elbv2", resource=lb.arn, name=lb.name)
        for li in self.listeners_of(lb.arn):
            for tg_arn in li.target_group_arns:
                if tg_arn in self.target_groups:
                    self._sync(self.target_groups[tg_arn])

    def describe_load_balancers(
        self, arns: list[str] | None = None, names: list[str] | None = None
    ) -> list[LoadBalancer]:
        if arns and names:
            raise ValidationError(
                "Load balancer names and load balancer ARNs cannot be specified at the same time"
            )
        if arns:
            for a in arns:
                self._check_arn(a, "loadbalancer", "load balancer")
            if any(a not in self.load_balancers for a in arns):
                raise error_for_code("LoadBalancerNotFound")("One or more load balancers not found")
            return [self.load_balancers[a] for a in dict.fromkeys(arns)]
        if names:
            by_name = {lb.name: lb for lb in self.load_balancers.values()}
            missing = [n for n in names if n not in by_name]
            if missing:
                raise error_for_code("LoadBalancerNotFound")(
                    f"Load balancers '[{', '.join(missing)}]' not found"
                )
            return [by_name[n] for n in dict.fromkeys(names)]
        return list(self.load_balancers.values())

    def delete_load_balancer(self, lb_arn: str) -> None:
        """Idempotent, as AWS documents: deleting an unknown (or deleted) load balancer succeeds."""
        self._check_arn(lb_arn, "loadbalancer", "load balancer")
        lb = self.load_balancers.get(lb_arn)
        if lb is None:
            return
        for li in self.listeners_of(lb_arn):
            self._remove_listener(li)
        self.lab.clock.cancel(lb.timer)
        del self.load_balancers[lb_arn]
        self.lab.emit("LoadBalancerDeleted", "elbv2", resource=lb_arn, name=lb.name)

    # -- listeners --------------------------------------------------------------------------------

    def create_listener(
        self,
        lb_arn: str,
        protocol: str | None,
        port: int | None,
        target_group_arns: list[str],
        actions: list[Any],
        has_certificate: bool = False,
    ) -> Listener:
        """``target_group_arns``: where the default actions forward (``actions`` is kept as given,
        to answer DescribeListeners)."""
        lb = self.load_balancer(lb_arn)
        protocol = protocol or "HTTP"
        # Wording of the following checks as ELBv2 answers them (public reports; unverified).
        if protocol not in ("HTTP", "HTTPS"):
            raise ValidationError(f"Listener protocol '{protocol}' must be one of 'HTTPS, HTTP'")
        if protocol == "HTTPS" and not has_certificate:
            raise ValidationError("A certificate must be specified for HTTPS listeners")
        port = port if port is not None else (443 if protocol == "HTTPS" else 80)
        if not 1 <= port <= 65535:
            raise ValidationError(f"Listener port '{port}' must be between 1 and 65535")
        if any(li.port == port for li in self.listeners_of(lb_arn)):
            raise error_for_code("DuplicateListener")(
                f"A listener already exists on this port for this load balancer '{lb_arn}'"
            )
        if not actions:
            raise ValidationError("A default action must be specified")
        target_group_arns = list(dict.fromkeys(target_group_arns))
        for tg_arn in target_group_arns:
            tg = self.target_groups.get(tg_arn)
            if tg is None:
                raise error_for_code("TargetGroupNotFound")(f"Target group '{tg_arn}' not found")
            if tg.target_type != "lambda" and tg.protocol not in ("HTTP", "HTTPS"):
                raise error_for_code("IncompatibleProtocols")(
                    f"Listener protocol '{protocol}' is not supported with a target group with "
                    f"the protocol '{tg.protocol}'"
                )
            others = [x for x in self.load_balancers_of(tg_arn) if x.arn != lb_arn]
            if others:
                raise error_for_code("TargetGroupAssociationLimit")(
                    "The following target groups cannot be associated with more than one "
                    f"load balancer: {tg_arn}"
                )

        lb_name, lb_id = lb.arn.rsplit("/", 2)[-2:]
        li = Listener(
            arn=self._arn(f"listener/app/{lb_name}/{lb_id}/{self.lab.random.hex(16)}"),
            lb_arn=lb_arn,
            protocol=protocol,
            port=port,
            target_group_arns=target_group_arns,
            actions=list(actions),
        )
        self.listeners[li.arn] = li
        self.lab.emit(
            "ListenerCreated",
            "elbv2",
            resource=li.arn,
            load_balancer=lb_arn,
            protocol=protocol,
            port=port,
            target_groups=target_group_arns,
        )
        for tg_arn in li.target_group_arns:
            self._sync(self.target_groups[tg_arn])
        return li

    def describe_listeners(
        self, lb_arn: str | None = None, arns: list[str] | None = None
    ) -> list[Listener]:
        if not lb_arn and not arns:
            raise ValidationError("You must specify either listener ARNs or a load balancer ARN")
        if arns:
            return [self.listener(a) for a in dict.fromkeys(arns)]
        self.load_balancer(lb_arn)
        return self.listeners_of(lb_arn)

    def delete_listener(self, listener_arn: str) -> None:
        self._remove_listener(self.listener(listener_arn))

    def _remove_listener(self, li: Listener) -> None:
        del self.listeners[li.arn]
        ruled = self.drop_rules_of(li.arn)
        self.lab.emit("ListenerDeleted", "elbv2", resource=li.arn, load_balancer=li.lb_arn)
        for tg_arn in dict.fromkeys(li.target_group_arns + ruled):
            if tg_arn in self.target_groups:
                self._sync(self.target_groups[tg_arn])
