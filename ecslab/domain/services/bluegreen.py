"""The native BLUE_GREEN deployment strategy ([V] Developer Guide, "Amazon ECS blue/green
deployments" and "Amazon ECS blue/green service deployments workflow", 2025).

``deploymentConfiguration.strategy = BLUE_GREEN`` with ``bakeTimeInMinutes`` (required) and
optional ``lifecycleHooks``; each load balancer carries ``advancedConfiguration``
(``alternateTargetGroupArn``, ``productionListenerRule``, optional ``testListenerRule``,
``roleArn``). A deployment walks the lifecycle stages in order:

RECONCILE_SERVICE (only with more than one source revision) -> PRE_SCALE_UP -> SCALE_UP (the
green tasks start, all at once, registered in the alternate target group; blue keeps 100 % of
production traffic) -> POST_SCALE_UP -> TEST_TRAFFIC_SHIFT (the test listener rule forwards to
green) -> POST_TEST_TRAFFIC_SHIFT -> PRODUCTION_TRAFFIC_SHIFT (the production rule forwards to
green) -> POST_PRODUCTION_TRAFFIC_SHIFT -> BAKE_TIME (both revisions run for bakeTimeInMinutes)
-> CLEAN_UP (the blue tasks stop; the target groups swap roles: green's group is the service's
production group, blue's the alternate for the next deployment) -> SUCCESSFUL.

Lifecycle hooks run at their stages once the stage's own work is done; the stage moves on when
every hook SUCCEEDED. ``PAUSE`` hooks wait for ContinueServiceDeployment (CONTINUE or ROLLBACK).
``AWS_LAMBDA`` hooks: [M] there is no Lambda here, so a hook's answer is a configured outcome
(``lab.services.history.set_hook_outcome(function_arn, "FAILED")``, a recorded lab action;
default SUCCEEDED), given :data:`HOOK_ANSWER_S` after the invocation; IN_PROGRESS re-invokes the
hook every :data:`HOOK_RETRY_S`. A FAILED hook, a hook's timeout with action ROLLBACK,
StopServiceDeployment or ContinueServiceDeployment ROLLBACK rolls back: both rules return to
blue, the blue deployment is PRIMARY again and the green tasks stop. Traffic shifts are
immediate ([M]: ALB rule changes take effect in seconds).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ...core.errors import AwsError, InvalidParameterException
from ...core.record import lab_action
from .model import LbSpec

__all__ = ["Config", "Run", "parse", "begin", "set_hook_outcome", "STAGES", "HOOK_STAGES"]

STAGES = [
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
]
HOOK_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)
HOOK_ANSWER_S = 5.0  # [M] a Lambda hook's answer arrives 5 s after it is invoked
HOOK_RETRY_S = 30.0  # [M] IN_PROGRESS: invoked again 30 s later
HOOK_OUTCOMES = ("SUCCEEDED", "FAILED", "IN_PROGRESS")


@dataclass
class Config:
    """A service's deployment-strategy settings (beside the rolling ones on Service)."""

    strategy: str = "ROLLING"
    bake_time: int | None = None
    hooks: list[dict[str, Any]] = field(default_factory=list)
    advanced: list[dict[str, Any] | None] = field(default_factory=list)  # per load balancer
    explicit: bool = False  # the caller set a strategy (DescribeServices then shows it)

    def snapshot(self, svc) -> dict[str, Any]:
        out: dict[str, Any] = {
            "minimum_healthy_percent": svc.minimum_healthy_percent,
            "maximum_percent": svc.maximum_percent,
            "breaker": (svc.breaker_enable, svc.breaker_rollback),
            "strategy": self.strategy,
        }
        if self.bake_time is not None:
            out["bake_time_in_minutes"] = self.bake_time
        if self.hooks:
            out["lifecycle_hooks"] = [dict(h) for h in self.hooks]
        return out


def _bad(msg: str) -> InvalidParameterException:
    return InvalidParameterException(msg)


def parse(lab, p: dict[str, Any], svc, current: Config | None) -> Config:
    """Validate the strategy settings of a CreateService / UpdateService request (snake_case)."""
    cur = current or Config()
    dc = p.get("deployment_configuration") or {}
    strategy = dc.get("strategy") or cur.strategy
    if strategy not in ("ROLLING", "BLUE_GREEN"):
        raise _bad(
            f"ecslab simulates the ROLLING and BLUE_GREEN deployment strategies; {strategy} is "
            "not simulated."
        )  # [M]
    bake = dc.get("bake_time_in_minutes", cur.bake_time)
    hooks = dc["lifecycle_hooks"] if dc.get("lifecycle_hooks") is not None else cur.hooks
    if p.get("load_balancers") is not None:
        advanced = [lb.get("advanced_configuration") for lb in p["load_balancers"]]
    else:
        advanced = list(cur.advanced)
    cfg = Config(
        strategy,
        bake,
        [dict(h) for h in hooks or []],
        advanced,
        bool(dc.get("strategy") or cur.explicit),
    )
    if strategy == "ROLLING":
        return cfg
    if svc.daemon:
        raise _bad(
            "The BLUE_GREEN deployment strategy is not supported for services using the DAEMON "
            "scheduling strategy."
        )  # [M]
    if bake is None:
        raise _bad("bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.")  # [V]
    if not 0 <= bake <= 1440:
        raise _bad("bakeTimeInMinutes must be between 0 and 1440.")  # [M]
    for h in cfg.hooks:
        _check_hook(h)
    for lb, adv in zip(svc.load_balancers, advanced, strict=False):
        _check_advanced(lab, svc, lb, adv)
    if len(advanced) < len(svc.load_balancers):
        _check_advanced(lab, svc, svc.load_balancers[len(advanced)], None)
    return cfg


def _check_hook(h: dict[str, Any]) -> None:
    kind = h.get("target_type") or "AWS_LAMBDA"
    if not h.get("lifecycle_stages"):
        raise _bad("lifecycleStages must contain at least one lifecycle stage.")  # [M]
    if kind == "AWS_LAMBDA":
        arn = h.get("hook_target_arn") or ""
        if not arn.startswith("arn:aws:lambda:"):
            raise _bad(
                "hookTargetArn must be the ARN of a Lambda function for an AWS_LAMBDA lifecycle "
                "hook."
            )  # [M]
        if not h.get("role_arn"):
            raise _bad("roleArn is required for an AWS_LAMBDA lifecycle hook.")  # [M]
    elif h.get("hook_target_arn"):
        raise _bad("hookTargetArn is not applicable for a PAUSE lifecycle hook.")  # [M]


def _check_advanced(lab, svc, lb: LbSpec, adv: dict[str, Any] | None) -> None:
    if (
        not adv
        or not adv.get("alternate_target_group_arn")
        or not adv.get("production_listener_rule")
    ):
        raise _bad(
            "advancedConfiguration with alternateTargetGroupArn and productionListenerRule is "
            "required for each load balancer of a service using the BLUE_GREEN deployment "
            "strategy."
        )  # [M]
    if not adv.get("role_arn"):
        raise _bad("advancedConfiguration.roleArn is required.")  # [M]
    alt = adv["alternate_target_group_arn"]
    if alt == lb.target_group_arn:
        raise _bad("alternateTargetGroupArn must differ from targetGroupArn.")  # [M]
    lab.elb.check_service_target_group(alt, svc.td.network_mode)
    for key in ("production_listener_rule", "test_listener_rule"):
        arn = adv.get(key)
        if not arn:
            continue
        try:
            rule = lab.elb.rule(arn)
        except AwsError:
            raise _bad(f"Unable to find the listener rule {arn}.") from None  # [M]
        weights = _weights(lab, rule)
        if key == "production_listener_rule" and not (
            lb.target_group_arn in weights or alt in weights
        ):
            raise _bad(
                f"The production listener rule {arn} does not forward to the target group "
                f"{lb.target_group_arn}."
            )  # [M]


def _weights(lab, rule) -> dict[str, int]:
    from ..elb.rules import forward_weights

    return forward_weights(lab.elb.actions_of(rule))


# -- one deployment's lifecycle -----------------------------------------------------------------


@dataclass
class Run:
    """The lifecycle state of one blue/green service deployment."""

    h: Any  # History
    sd: Any  # ServiceDeployment
    cfg: Config
    blue: Any  # the source ECS Deployment
    stage: int = 0
    scaling: bool = False
    swapped: bool = False
    rolling_back: bool = False
    done: bool = False
    timers: list[Any] = field(default_factory=list)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # hook id -> detail
    after_hooks: Any = None  # what runs when every pending hook succeeded

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    def holding(self) -> bool:
        return self.sd.status == "IN_PROGRESS" and self.stage_name != "CLEAN_UP"

    def may_launch(self) -> bool:
        return self.rolling_back or self.stage >= STAGES.index("SCALE_UP")

    def target_group_for(self, svc, st, lb: LbSpec) -> str:
        if self.swapped or st.deployment is not self.sd.dep:
            return lb.target_group_arn
        i = svc.load_balancers.index(lb)
        adv = self.cfg.advanced[i] if i < len(self.cfg.advanced) else None
        return (adv or {}).get("alternate_target_group_arn") or lb.target_group_arn

    def after(self, seconds: float, fn, label: str) -> None:
        self.timers.append(self.h.lab.clock.after(seconds, fn, label))

    def cancel(self) -> None:
        for t in self.timers:
            self.h.lab.clock.cancel(t)
        self.timers.clear()


def begin(h, sd, cfg: Config) -> None:
    run = Run(h, sd, cfg, blue=sd.sources[0][1])
    sd.bg = run
    first = 0 if len(sd.sources) > 1 else 1  # [V] RECONCILE_SERVICE only with >1 revision
    run.after(0, lambda: _enter(run, first), "blue-green")


def _enter(run: Run, i: int) -> None:
    if run.sd.status != "IN_PROGRESS":
        return
    run.stage = i
    sd = run.sd
    sd.lifecycle_stage = STAGES[i]
    sd.hooks = []
    run.h._set(sd, sd.status)
    stage = STAGES[i]
    nxt = lambda: _enter(run, i + 1)  # noqa: E731
    if stage == "PRE_SCALE_UP":
        _route(run, production=False, test=False)
        _hooks(run, stage, nxt)
    elif stage == "SCALE_UP":
        run.scaling = True
        run.h.dom.kick(sd.service)
    elif stage == "TEST_TRAFFIC_SHIFT":
        _route(run, production=False, test=True)
        _hooks(run, stage, nxt)
    elif stage == "POST_TEST_TRAFFIC_SHIFT":
        _hooks(run, stage, lambda: _hooks(run, "PRE_PRODUCTION_TRAFFIC_SHIFT", nxt))
    elif stage == "PRODUCTION_TRAFFIC_SHIFT":
        _route(run, production=True, test=True)
        _hooks(run, stage, nxt)
    elif stage == "BAKE_TIME":
        run.after((run.cfg.bake_time or 0) * 60.0, nxt, "blue-green-bake")
    elif stage == "CLEAN_UP":
        _swap(run)
        run.h.dom.kick(sd.service)
    else:
        _hooks(run, stage, nxt)


def after_pass(h, sd) -> None:
    """End of a scheduler pass: has scale-up or clean-up finished?"""
    run, svc = sd.bg, sd.service
    if sd.status != "IN_PROGRESS":
        return
    if run.stage_name == "SCALE_UP" and run.scaling:
        green = [st for st in svc.live() if st.deployment is sd.dep]
        if len(green) >= svc.desired_count and all(st.healthy for st in green):
            run.scaling = False
            run.after(0, lambda: _enter(run, STAGES.index("POST_SCALE_UP")), "blue-green")
    elif run.stage_name == "CLEAN_UP" and svc.steady and len(svc.deployments) == 1:
        run.done = True
        h._finish(sd, "SUCCESSFUL", f"Service deployment {sd.id} completed.")  # [M] wording


def _route(run: Run, *, production: bool, test: bool) -> None:
    """Point the production / test rules at green (True) or blue (False)."""
    lab, svc = run.h.lab, run.sd.service
    for lb, adv in zip(svc.load_balancers, run.cfg.advanced, strict=False):
        if not adv:
            continue
        blue, green = lb.target_group_arn, adv["alternate_target_group_arn"]
        for key, to_green in (
            ("production_listener_rule", production),
            ("test_listener_rule", test),
        ):
            arn = adv.get(key)
            if arn and _exists(lab, arn):
                weights = {blue: 0, green: 100} if to_green else {blue: 100, green: 0}
                lab.elb.set_weights(arn, weights, by=f"ecs:{run.sd.arn}")


def _exists(lab, arn: str) -> bool:
    try:
        lab.elb.rule(arn)
    except AwsError:
        return False
    return True


def _swap(run: Run) -> None:
    """CLEAN_UP: green's group becomes the service's production group, blue's the alternate."""
    svc = run.sd.service
    new = []
    for i, lb in enumerate(svc.load_balancers):
        adv = run.cfg.advanced[i] if i < len(run.cfg.advanced) else None
        if adv:
            alt = adv["alternate_target_group_arn"]
            adv["alternate_target_group_arn"] = lb.target_group_arn
            lb = LbSpec(alt, lb.container_name, lb.container_port)
        new.append(lb)
    svc.load_balancers = new
    run.swapped = True


# -- hooks ------------------------------------------------------------------------------------


def _hook_id(run: Run, stage: str, n: int) -> str:
    h = hashlib.sha256(f"{run.sd.arn}/{stage}/{n}".encode()).hexdigest()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _hooks(run: Run, stage: str, then) -> None:
    mine = [h for h in run.cfg.hooks if stage in (h.get("lifecycle_stages") or [])]
    if not mine:
        then()
        return
    lab, sd = run.h.lab, run.sd
    run.after_hooks = then
    run.pending = {}
    for n, hook in enumerate(mine):
        kind = hook.get("target_type") or "AWS_LAMBDA"
        detail: dict[str, Any] = {
            "hook_id": _hook_id(run, stage, n),
            "target_type": kind,
            "status": "AWAITING_ACTION" if kind == "PAUSE" else "IN_PROGRESS",
            "stage": stage,
        }
        if hook.get("hook_target_arn"):
            detail["target_arn"] = hook["hook_target_arn"]
        tc = hook.get("timeout_configuration") or {}
        if tc.get("timeout_in_minutes"):
            detail["expires_at"] = lab.now + timedelta(minutes=tc["timeout_in_minutes"])
            detail["timeout_action"] = tc.get("action") or "ROLLBACK"
            hid = detail["hook_id"]
            run.after(tc["timeout_in_minutes"] * 60.0, lambda x=hid: _timed_out(run, x), "hook")
        run.pending[detail["hook_id"]] = detail
        sd.hooks.append(detail)
        _hook_fact(run, detail, "invoked")
        if kind == "AWS_LAMBDA":
            run.after(HOOK_ANSWER_S, lambda d=detail: _lambda_answers(run, d), "hook")


def _hook_fact(run: Run, d: dict[str, Any], what: str) -> None:
    sd = run.sd
    run.h.lab.emit(
        "LifecycleHookChanged",
        "ecs",
        cluster=sd.service.cluster,
        resource=sd.arn,
        hook_id=d["hook_id"],
        stage=d["stage"],
        target=d.get("target_arn"),
        status=d["status"],
        what=what,
    )


def _lambda_answers(run: Run, d: dict[str, Any]) -> None:
    if d["hook_id"] not in run.pending or run.sd.status != "IN_PROGRESS":
        return
    outcome = run.h.hook_outcomes.get(d.get("target_arn", ""), "SUCCEEDED")
    if outcome == "IN_PROGRESS":
        run.after(HOOK_RETRY_S, lambda: _lambda_answers(run, d), "hook")
        return
    _settle(run, d, outcome)


def _settle(run: Run, d: dict[str, Any], outcome: str) -> None:
    d["status"] = outcome
    run.pending.pop(d["hook_id"], None)
    _hook_fact(run, d, "answered")
    if outcome == "SUCCEEDED" or (outcome == "TIMED_OUT" and d.get("timeout_action") == "CONTINUE"):
        if not run.pending and run.after_hooks is not None:
            then, run.after_hooks = run.after_hooks, None
            then()
        return
    why = d.get("target_arn") or "PAUSE"
    roll_back(
        run.h,
        run.sd,
        f"Lifecycle hook {why} {outcome} at {d['stage']}.",  # [M] wording
        "ROLLBACK_IN_PROGRESS",
    )


def _timed_out(run: Run, hook_id: str) -> None:
    d = run.pending.get(hook_id)
    if d is not None and run.sd.status == "IN_PROGRESS":
        _settle(run, d, "TIMED_OUT")


def resume(h, sd, hook_id: str, action: str) -> None:
    """ContinueServiceDeployment: act on a PAUSE hook that awaits action."""
    run = sd.bg
    d = run.pending.get(hook_id) if run is not None else None
    if d is None or d["target_type"] != "PAUSE" or d["status"] != "AWAITING_ACTION":
        raise InvalidParameterException(
            f"The service deployment has no paused lifecycle hook with the hookId {hook_id}."
        )  # [M]
    if sd.status != "IN_PROGRESS":
        raise InvalidParameterException(f"The service deployment is {sd.status}.")  # [M]
    if action == "CONTINUE":
        _settle(run, d, "SUCCEEDED")
    else:
        d["status"] = "FAILED"
        run.pending.pop(hook_id, None)
        _hook_fact(run, d, "answered")
        roll_back(h, sd, "Rollback requested by ContinueServiceDeployment.", "ROLLBACK_REQUESTED")


# -- ending early -----------------------------------------------------------------------------


def roll_back(h, sd, reason: str, status: str) -> None:
    """Traffic back to blue, blue PRIMARY again, green stops (see the module docstring)."""
    from . import deployments as D

    run, svc = sd.bg, sd.service
    run.cancel()
    run.pending.clear()
    run.rolling_back = True
    if run.swapped or run.blue not in svc.deployments:
        # Blue is already going away (CLEAN_UP): roll back as a rolling deployment would.
        td = h.lab.taskdefs.resolve(sd.sources[0][0].td_arn)
        new = D.new_deployment(h.dom, svc, td, reason=reason, record=False)
        h._start_rollback(sd, new, sd.sources[0][0], reason, status)
        h.dom.kick(svc)
        return
    _route(run, production=False, test=False)
    green = sd.dep
    svc.deployments.remove(run.blue)
    svc.deployments.insert(0, run.blue)
    run.blue.status, run.blue.updated_at = "PRIMARY", h.lab.now
    green.status, green.updated_at = "ACTIVE", h.lab.now
    green.rollout_state, green.rollout_reason = "FAILED", reason
    svc.td = run.blue.td
    svc.steady = False
    h._start_rollback(sd, run.blue, sd.sources[0][0], reason, status)
    h.dom.kick(svc)


def abandon(h, sd) -> None:
    """A newer deployment superseded this one: production traffic back on blue."""
    run = sd.bg
    run.cancel()
    if not run.swapped:
        _route(run, production=False, test=False)


# -- the configured answers of Lambda hooks (a lab action) ---------------------------------------


@lab_action
def set_hook_outcome(lab, function_arn: str, outcome: str) -> None:
    """[M] What the Lambda function ``function_arn`` answers when a lifecycle hook invokes it:
    SUCCEEDED (the default), FAILED or IN_PROGRESS."""
    if outcome not in HOOK_OUTCOMES:
        raise InvalidParameterException(f"outcome must be one of {', '.join(HOOK_OUTCOMES)}.")
    if not function_arn.startswith("arn:aws:lambda:"):
        raise InvalidParameterException("function_arn must be a Lambda function ARN.")
    lab.services.history.hook_outcomes[function_arn] = outcome
    lab.emit("LifecycleHookOutcomeSet", "lab", resource=function_arn, outcome=outcome)
