"""The ELBv2 domain object (``lab.elb``): lookups shared by the load balancer, target group and
target modules, which it combines."""

from __future__ import annotations

from ...core.errors import error_for_code
from ...core.ids import arn
from .balancers import BalancersMixin
from .groups import GroupsMixin
from .model import Listener, LoadBalancer, TargetGroup
from .responders import RespondersMixin
from .rules import Rule, RulesMixin, forward_weights
from .targets import TargetsMixin

__all__ = ["Elb"]

ValidationError = error_for_code("ValidationError")


class Elb(BalancersMixin, GroupsMixin, TargetsMixin, RespondersMixin, RulesMixin):
    """Application Load Balancers, listeners, target groups and their targets' health."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self.load_balancers: dict[str, LoadBalancer] = {}
        self.listeners: dict[str, Listener] = {}
        self.target_groups: dict[str, TargetGroup] = {}
        self.servers: dict[tuple[str, int | None], object] = {}  # declared lab-level responders
        self.rules: dict[str, Rule] = {}  # listener rules (not the default ones)
        self.rule_actions: dict[str, list] = {}  # rule arn -> its actions, as given

    # -- ids -------------------------------------------------------------------------------------

    def _arn(self, resource: str) -> str:
        return arn("elasticloadbalancing", self.lab.region, self.lab.account_id, resource)

    def owns(self, resource_arn: str) -> bool:
        return (
            resource_arn in self.load_balancers
            or resource_arn in self.target_groups
            or resource_arn in self.listeners
            or resource_arn in self.rules
        )

    # -- lookups -----------------------------------------------------------------------------------

    def load_balancer(self, lb_arn: str) -> LoadBalancer:
        self._check_arn(lb_arn, "loadbalancer", "load balancer")
        lb = self.load_balancers.get(lb_arn)
        if lb is None:
            raise error_for_code("LoadBalancerNotFound")("One or more load balancers not found")
        return lb

    def target_group(self, tg_arn: str) -> TargetGroup:
        self._check_arn(tg_arn, "targetgroup", "target group")
        tg = self.target_groups.get(tg_arn)
        if tg is None:
            raise error_for_code("TargetGroupNotFound")("One or more target groups not found")
        return tg

    def listener(self, listener_arn: str) -> Listener:
        self._check_arn(listener_arn, "listener", "listener")
        li = self.listeners.get(listener_arn)
        if li is None:
            raise error_for_code("ListenerNotFound")("One or more listeners not found")
        return li

    def _check_arn(self, value: str, kind: str, what: str) -> None:
        if not value.startswith("arn:aws:elasticloadbalancing:") or f":{kind}/" not in value:
            raise ValidationError(f"'{value}' is not a valid {what} ARN")

    def listeners_of(self, lb_arn: str) -> list[Listener]:
        return [li for li in self.listeners.values() if li.lb_arn == lb_arn]

    def load_balancers_of(self, tg_arn: str) -> list[LoadBalancer]:
        """The load balancers whose listeners forward to ``tg_arn``."""
        arns = [li.lb_arn for li in self.listeners.values() if tg_arn in li.target_group_arns]
        arns += [
            self.listeners[r.listener_arn].lb_arn
            for r in self.rules.values()
            if tg_arn in self.rule_actions_tgs(r.arn)
        ]
        return [self.load_balancers[a] for a in dict.fromkeys(arns) if a in self.load_balancers]

    def rule_actions_tgs(self, rule_arn: str) -> list[str]:
        return list(forward_weights(self.rule_actions.get(rule_arn) or []))
