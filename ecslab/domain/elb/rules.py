"""Listener rules: CreateRule, DescribeRules, ModifyRule, DeleteRule, and ModifyListener's
default actions.

A listener's rules are evaluated by priority (1-50000, lowest first); the *default rule*
(``IsDefault``, priority ``default``) holds the listener's default actions and cannot be deleted
(OperationNotPermitted), nor created. A forward action names one target group
(``TargetGroupArn``) or several with weights (``ForwardConfig.TargetGroups``, weights 0-999);
every group a rule forwards to counts as in use by the listener's load balancer, so its targets
are health-checked. ECS blue/green deployments shift traffic by rewriting the weights of the
production and test rules (:meth:`RulesMixin.set_weights`).

Actions and conditions are kept as the caller gave them (the wire form) and echoed back. Facts:
RuleCreated, RuleModified (with the forward weights), RuleDeleted, ListenerModified.
Error texts follow ELBv2's answers as publicly reported (unverified wording, [U]).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import error_for_code

__all__ = ["RulesMixin", "Rule", "forward_weights"]

ValidationError = error_for_code("ValidationError")


@dataclass
class Rule:
    arn: str
    listener_arn: str
    priority: int | None  # None: the default rule
    conditions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_default(self) -> bool:
        return self.priority is None


def forward_weights(actions: list[dict[str, Any]]) -> dict[str, int]:
    """{target group arn: weight} of the forward actions (a lone TargetGroupArn weighs 1)."""
    out: dict[str, int] = {}
    for a in actions or []:
        if a.get("Type") != "forward":
            continue
        groups = (a.get("ForwardConfig") or {}).get("TargetGroups") or []
        if groups:
            for t in groups:
                out[t["TargetGroupArn"]] = int(t.get("Weight", 1))
        elif a.get("TargetGroupArn"):
            out[a["TargetGroupArn"]] = 1
    return out


class RulesMixin:
    """Needs ``self.listeners``, ``self.rule_actions`` / ``self.rules`` and the lookups of
    :class:`~ecslab.domain.elb.domain.Elb`."""

    # -- ids ---------------------------------------------------------------------------------

    def default_rule_arn(self, li) -> str:
        # Derived from the listener (no random draw): stable across replays and lookups.
        rid = hashlib.sha256(li.arn.encode()).hexdigest()[:16]
        return li.arn.replace(":listener/", ":listener-rule/", 1) + f"/{rid}"

    def rules_of(self, listener_arn: str) -> list[Rule]:
        """The listener's rules by priority, the default rule last."""
        li = self.listener(listener_arn)
        mine = sorted(
            (r for r in self.rules.values() if r.listener_arn == li.arn), key=lambda r: r.priority
        )
        return mine + [Rule(self.default_rule_arn(li), li.arn, None)]

    def rule(self, rule_arn: str) -> Rule:
        if not rule_arn.startswith("arn:aws:elasticloadbalancing:") or ":listener-rule/" not in (
            rule_arn
        ):
            raise ValidationError(f"'{rule_arn}' is not a valid listener rule ARN")
        r = self.rules.get(rule_arn)
        if r is not None:
            return r
        for li in self.listeners.values():
            if self.default_rule_arn(li) == rule_arn:
                return Rule(rule_arn, li.arn, None)
        raise error_for_code("RuleNotFound")("One or more rules not found")

    def actions_of(self, r: Rule) -> list[dict[str, Any]]:
        if r.is_default:
            return self.listeners[r.listener_arn].actions
        return self.rule_actions[r.arn]

    # -- checks ------------------------------------------------------------------------------

    def _check_actions(self, li, actions: list[dict[str, Any]]) -> list[str]:
        if not actions:
            raise ValidationError("At least one action must be specified")  # [U]
        weights = forward_weights(actions)
        for a in actions:
            if a.get("Type") == "forward" and not (
                a.get("TargetGroupArn") or (a.get("ForwardConfig") or {}).get("TargetGroups")
            ):
                raise ValidationError("A target group ARN must be specified for forward actions")
        for tg_arn, w in weights.items():
            if not 0 <= w <= 999:
                raise ValidationError(f"Target group weight '{w}' must be between 0 and 999")
            tg = self.target_groups.get(tg_arn)
            if tg is None:
                raise error_for_code("TargetGroupNotFound")(f"Target group '{tg_arn}' not found")
            if tg.target_type != "lambda" and tg.protocol not in ("HTTP", "HTTPS"):
                raise error_for_code("IncompatibleProtocols")(
                    f"Listener protocol '{li.protocol}' is not supported with a target group "
                    f"with the protocol '{tg.protocol}'"
                )
            others = [x for x in self.load_balancers_of(tg_arn) if x.arn != li.lb_arn]
            if others:
                raise error_for_code("TargetGroupAssociationLimit")(
                    "The following target groups cannot be associated with more than one "
                    f"load balancer: {tg_arn}"
                )
        return list(weights)

    # -- operations --------------------------------------------------------------------------

    def create_rule(
        self,
        listener_arn: str,
        priority: int,
        conditions: list[dict[str, Any]],
        actions: list[dict[str, Any]],
    ) -> Rule:
        li = self.listener(listener_arn)
        if not 1 <= priority <= 50000:
            raise ValidationError(f"Priority '{priority}' must be between 1 and 50000")  # [U]
        if not conditions:
            raise ValidationError("A rule must have at least one condition")  # [U]
        if any(r.listener_arn == li.arn and r.priority == priority for r in self.rules.values()):
            raise error_for_code("PriorityInUse")(f"Priority '{priority}' is currently in use")
        tgs = self._check_actions(li, actions)
        # Valid: change state.
        r = Rule(
            arn=li.arn.replace(":listener/", ":listener-rule/", 1) + f"/{self.lab.random.hex(16)}",
            listener_arn=li.arn,
            priority=priority,
            conditions=list(conditions),
        )
        self.rules[r.arn] = r
        self.rule_actions[r.arn] = list(actions)
        self.lab.emit(
            "RuleCreated",
            "elbv2",
            resource=r.arn,
            listener=li.arn,
            priority=priority,
            weights=forward_weights(actions),
        )
        self._resync(tgs)
        return r

    def modify_rule(
        self,
        rule_arn: str,
        conditions: list[dict[str, Any]] | None,
        actions: list[dict[str, Any]] | None,
        *,
        by: str = "user",
    ) -> Rule:
        r = self.rule(rule_arn)
        li = self.listeners[r.listener_arn]
        if r.is_default and conditions:
            raise error_for_code("OperationNotPermitted")(
                "Conditions cannot be specified for a default rule"
            )  # [U]
        before = list(forward_weights(self.actions_of(r)))
        if actions is not None:
            self._check_actions(li, actions)
        # Valid: change state.
        if conditions is not None and not r.is_default:
            r.conditions = list(conditions)
        if actions is not None:
            if r.is_default:
                li.actions = list(actions)
                li.target_group_arns = list(forward_weights(actions))
            else:
                self.rule_actions[r.arn] = list(actions)
        self.lab.emit(
            "RuleModified",
            "elbv2",
            resource=r.arn,
            listener=li.arn,
            weights=forward_weights(self.actions_of(r)),
            by=by,
        )
        self._resync(before + list(forward_weights(self.actions_of(r))))
        return r

    def set_weights(self, rule_arn: str, weights: dict[str, int], by: str) -> None:
        """Point a rule's forward action at ``weights`` (what ECS does to shift traffic)."""
        groups = [{"TargetGroupArn": tg, "Weight": int(w)} for tg, w in weights.items()]
        self.modify_rule(
            rule_arn, None, [{"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}], by=by
        )

    def delete_rule(self, rule_arn: str) -> None:
        r = self.rule(rule_arn)
        if r.is_default:
            raise error_for_code("OperationNotPermitted")("Default rules cannot be deleted")  # [U]
        tgs = list(forward_weights(self.rule_actions[r.arn]))
        del self.rules[r.arn]
        del self.rule_actions[r.arn]
        self.lab.emit("RuleDeleted", "elbv2", resource=r.arn, listener=r.listener_arn)
        self._resync(tgs)

    def modify_listener(
        self, listener_arn: str, port: int | None, actions: list[dict[str, Any]] | None
    ):
        li = self.listener(listener_arn)
        if port is not None:
            if not 1 <= port <= 65535:
                raise ValidationError(f"Listener port '{port}' must be between 1 and 65535")
            if any(x.port == port and x.arn != li.arn for x in self.listeners_of(li.lb_arn)):
                raise error_for_code("DuplicateListener")(
                    f"A listener already exists on this port for this load balancer '{li.lb_arn}'"
                )
        before = list(li.target_group_arns)
        if actions is not None:
            self._check_actions(li, actions)
        # Valid: change state.
        if port is not None:
            li.port = port
        if actions is not None:
            li.actions = list(actions)
            li.target_group_arns = list(forward_weights(actions))
        self.lab.emit(
            "ListenerModified",
            "elbv2",
            resource=li.arn,
            port=li.port,
            weights=forward_weights(li.actions),
        )
        self._resync(before + li.target_group_arns)
        return li

    def drop_rules_of(self, listener_arn: str) -> list[str]:
        """Forget a deleted listener's rules; returns the groups they forwarded to."""
        tgs = []
        for r in [r for r in self.rules.values() if r.listener_arn == listener_arn]:
            tgs += list(forward_weights(self.rule_actions.pop(r.arn)))
            del self.rules[r.arn]
        return tgs

    def _resync(self, tg_arns: list[str]) -> None:
        for tg_arn in dict.fromkeys(tg_arns):
            if tg_arn in self.target_groups:
                self._sync(self.target_groups[tg_arn])
