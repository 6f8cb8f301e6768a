"""``lab.appscaling``: Application Auto Scaling for ECS services (``ecs:service:DesiredCount``).

Scalable targets (``service/<cluster>/<service>``), scaling policies (TargetTrackingScaling with
``ECSServiceAverageCPUUtilization``/``ECSServiceAverageMemoryUtilization``, StepScaling) and
scaling activities. A target-tracking policy creates and owns two CloudWatch alarms
(``TargetTracking-<resource id>-AlarmHigh-<uuid>``: 3 of 3 one-minute datapoints above the
target; ``-AlarmLow-<uuid>``: 15 of 15 below 90 % of it, not created with ``DisableScaleIn``).
A policy changes the service's desired count through the same code UpdateService runs, so the
service scheduler and deployments act as usual.

Facts: ``ScalableTargetRegistered``, ``ScalableTargetDeregistered``, ``ScalingPolicyPut``,
``ScalingPolicyDeleted``, ``ScalingActivityCompleted`` (StatusCode, desired counts, cause).
Scale-in waits while an ECS deployment is in progress (scale-out does not), as documented.
[M] modelled: an activity completes at the minute it starts (AWS takes a few seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...core.errors import AwsError, error_for_code
from . import policy as P

__all__ = ["AppScaling", "ScalableTarget", "ScalingPolicy", "DIMENSION", "ROLE_NAME"]

DIMENSION = P.DIMENSION
ROLE_NAME = (
    "aws-service-role/ecs.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_ECSService"
)
PREDEFINED = P.PREDEFINED
ValidationException = error_for_code("ValidationException")
ObjectNotFoundException = error_for_code("ObjectNotFoundException")
UNSUPPORTED = "Unsupported service namespace, resource type or scalable dimension"


@dataclass
class ScalingPolicy:
    name: str
    arn: str
    policy_type: str
    config: dict[str, Any]  # snake_case, as given, with ECS defaults filled in
    created_at: datetime
    alarms: list[Any] = field(default_factory=list)  # MetricAlarm it owns (target tracking)
    last_out: datetime | None = None
    last_in: datetime | None = None


@dataclass
class ScalableTarget:
    resource_id: str
    cluster: str
    service: str
    arn: str
    min_capacity: int
    max_capacity: int
    role_arn: str
    created_at: datetime
    suspended: dict[str, bool]
    policies: dict[str, ScalingPolicy] = field(default_factory=dict)
    activities: list[dict[str, Any]] = field(default_factory=list)  # newest first


class AppScaling:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.targets: dict[str, ScalableTarget] = {}  # resource id -> target
        self._by_policy_arn: dict[str, tuple[ScalableTarget, ScalingPolicy]] = {}
        lab.alarms.on_alarm = self._alarm_fired

    # -- lookups -----------------------------------------------------------------------------

    def parse(self, namespace: str, resource_id: str, dimension: str) -> tuple[str, str]:
        """(cluster, service) of an ECS resource id; AWS's ValidationException otherwise."""
        if namespace != "ecs":
            raise ValidationException(
                f"ecslab simulates Application Auto Scaling for ECS services only, not the "
                f"{namespace} service namespace."
            )  # [M]
        parts = resource_id.split("/")
        if dimension != DIMENSION or len(parts) != 3 or parts[0] != "service" or "" in parts:
            raise ValidationException(UNSUPPORTED)
        return parts[1], parts[2]

    def target(self, namespace: str, resource_id: str, dimension: str) -> ScalableTarget:
        self.parse(namespace, resource_id, dimension)
        t = self.targets.get(resource_id)
        if t is None:
            raise ObjectNotFoundException(
                f"No scalable target registered for service namespace: {namespace}, resource "
                f"ID: {resource_id}, scalable dimension: {dimension}"
            )
        return t

    # -- RegisterScalableTarget / DeregisterScalableTarget ---------------------------------------

    def register(self, p: dict[str, Any]) -> ScalableTarget:
        lab = self.lab
        rid = p["resource_id"]
        cluster, name = self.parse(p["service_namespace"], rid, p["scalable_dimension"])
        svc = lab.services.find(cluster, name)
        if svc is None or svc.status != "ACTIVE":
            raise ValidationException(f"ECS service doesn't exist: {rid}")
        old = self.targets.get(rid)
        lo = p.get("min_capacity", old.min_capacity if old else None)
        hi = p.get("max_capacity", old.max_capacity if old else None)
        if lo is None or hi is None:
            raise ValidationException(
                "MinCapacity and MaxCapacity are required when registering a new scalable target."
            )  # [M]
        if lo < 0 or hi < 0:
            raise ValidationException("Capacity values must be non-negative.")  # [M]
        if lo > hi:
            raise ValidationException("Minimum capacity cannot be greater than maximum capacity")
        suspended = dict(old.suspended) if old else _suspended({})
        suspended.update(_suspended(p.get("suspended_state") or {}, keep=suspended))
        # -- valid: change state
        if old is None:
            arn = (
                f"arn:aws:application-autoscaling:{lab.region}:{lab.account_id}:scalable-target/"
                + lab.random.hex(36)
            )
            t = ScalableTarget(
                resource_id=rid,
                cluster=cluster,
                service=name,
                arn=arn,
                min_capacity=int(lo),
                max_capacity=int(hi),
                role_arn=f"arn:aws:iam::{lab.account_id}:role/{ROLE_NAME}",
                created_at=lab.now,
                suspended=suspended,
            )
            self.targets[rid] = t
        else:
            t = old
            t.min_capacity, t.max_capacity, t.suspended = int(lo), int(hi), suspended
        lab.emit(
            "ScalableTargetRegistered",
            "application-autoscaling",
            cluster=cluster,
            resource=t.arn,
            resource_id=rid,
            min_capacity=t.min_capacity,
            max_capacity=t.max_capacity,
            suspended=dict(t.suspended),
            updated=old is not None,
        )
        # Registering a range the desired count lies outside moves the count inside it.
        if svc.desired_count < t.min_capacity:
            self._scale(t, svc, t.min_capacity, f"minimum capacity was set to {t.min_capacity}")
        elif svc.desired_count > t.max_capacity:
            self._scale(t, svc, t.max_capacity, f"maximum capacity was set to {t.max_capacity}")
        return t

    def deregister(self, namespace: str, resource_id: str, dimension: str) -> None:
        self.parse(namespace, resource_id, dimension)
        t = self.targets.get(resource_id)
        if t is None:
            raise ObjectNotFoundException(
                f"No scalable target found for service namespace: {namespace}, resource ID: "
                f"{resource_id}, scalable dimension: {dimension}"
            )
        for pol in list(t.policies.values()):
            self._drop_policy(t, pol)
        del self.targets[resource_id]
        self.lab.emit(
            "ScalableTargetDeregistered",
            "application-autoscaling",
            cluster=t.cluster,
            resource=t.arn,
            resource_id=resource_id,
        )

    # -- PutScalingPolicy / DeleteScalingPolicy ----------------------------------------------------

    def put_policy(self, p: dict[str, Any]) -> ScalingPolicy:
        lab = self.lab
        t = self.target(p["service_namespace"], p["resource_id"], p["scalable_dimension"])
        kind = p.get("policy_type") or "StepScaling"
        name = p["policy_name"]
        if kind == "TargetTrackingScaling":
            cfg = P.tracking_config(p.get("target_tracking_scaling_policy_configuration"))
        elif kind == "StepScaling":
            cfg = P.step_config(p.get("step_scaling_policy_configuration"))
        else:
            raise ValidationException(
                f"ecslab simulates TargetTrackingScaling and StepScaling policies, not {kind}."
            )  # [M]
        old = t.policies.get(name)
        if old is not None and old.policy_type != kind:
            raise ValidationException(
                f"Cannot change the type of the existing policy {name} ({old.policy_type})."
            )  # [M]
        # -- valid: change state
        if old is not None:
            self._drop_policy(t, old, emit=False)
            arn = old.arn
        else:
            arn = (
                f"arn:aws:autoscaling:{lab.region}:{lab.account_id}:scalingPolicy:{_uuid(lab)}:"
                f"resource/ecs/{t.resource_id}:policyName/{name}"
            )
        pol = ScalingPolicy(name=name, arn=arn, policy_type=kind, config=cfg, created_at=lab.now)
        t.policies[name] = pol
        self._by_policy_arn[arn] = (t, pol)
        lab.emit(
            "ScalingPolicyPut",
            "application-autoscaling",
            cluster=t.cluster,
            resource=arn,
            resource_id=t.resource_id,
            name=name,
            policy_type=kind,
            config=cfg,
        )
        if kind == "TargetTrackingScaling":
            self._tracking_alarms(t, pol)
        return pol

    def _tracking_alarms(self, t: ScalableTarget, pol: ScalingPolicy) -> None:
        cfg = pol.config
        metric = PREDEFINED[cfg["predefined_metric_specification"]["predefined_metric_type"]]
        base = {
            "alarm_description": (
                f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {pol.arn}."
            ),
            "actions_enabled": True,
            "alarm_actions": [pol.arn],
            "metric_name": metric,
            "namespace": "AWS/ECS",
            "statistic": "Average",
            "dimensions": [
                {"Name": "ClusterName", "Value": t.cluster},
                {"Name": "ServiceName", "Value": t.service},
            ],
            "period": 60,
        }
        target = float(cfg["target_value"])
        specs = [
            {
                **base,
                "alarm_name": f"TargetTracking-{t.resource_id}-AlarmHigh-{_uuid(self.lab)}",
                "evaluation_periods": 3,
                "datapoints_to_alarm": 3,
                "threshold": target,
                "comparison_operator": "GreaterThanThreshold",
            }
        ]
        if not cfg.get("disable_scale_in"):
            specs.append(
                {
                    **base,
                    "alarm_name": f"TargetTracking-{t.resource_id}-AlarmLow-{_uuid(self.lab)}",
                    "evaluation_periods": 15,
                    "datapoints_to_alarm": 15,
                    "threshold": round(target * P.LOW_RATIO, 6),
                    "comparison_operator": "LessThanThreshold",
                }
            )
        pol.alarms = [self.lab.alarms.put(s, owner=pol.arn) for s in specs]

    def delete_policy(self, p: dict[str, Any]) -> None:
        ns, rid, dim = p["service_namespace"], p["resource_id"], p["scalable_dimension"]
        self.parse(ns, rid, dim)
        t = self.targets.get(rid)
        pol = t.policies.get(p["policy_name"]) if t is not None else None
        if pol is None:
            raise ObjectNotFoundException(
                f"No scaling policy found for service namespace: {ns}, resource ID: {rid}, "
                f"scalable dimension: {dim}, policy name: {p['policy_name']}"
            )
        self._drop_policy(t, pol)

    def _drop_policy(self, t: ScalableTarget, pol: ScalingPolicy, emit: bool = True) -> None:
        self.lab.alarms.delete([a.name for a in pol.alarms if a.name in self.lab.alarms.alarms])
        pol.alarms = []
        t.policies.pop(pol.name, None)
        self._by_policy_arn.pop(pol.arn, None)
        if emit:
            self.lab.emit(
                "ScalingPolicyDeleted",
                "application-autoscaling",
                cluster=t.cluster,
                resource=pol.arn,
                resource_id=t.resource_id,
                name=pol.name,
            )

    # -- alarms invoke policies --------------------------------------------------------------

    def _alarm_fired(self, alarm) -> None:
        for arn in alarm.alarm_actions:
            got = self._by_policy_arn.get(arn)
            if got is not None:
                self._invoke(got[0], got[1], alarm)

    def _invoke(self, t: ScalableTarget, pol: ScalingPolicy, alarm) -> None:
        lab = self.lab
        svc = lab.services.find(t.cluster, t.service)
        if svc is None or svc.status != "ACTIVE":
            return
        minute = int(lab.now.timestamp() // 60)
        vals = [v for v in lab.alarms.values(alarm, minute) if v is not None]
        if not vals:
            return
        metric = vals[-1]
        desired = svc.desired_count
        now = lab.now
        cfg = pol.config
        if pol.policy_type == "TargetTrackingScaling":
            new = P.target_tracking(desired, metric, float(cfg["target_value"]))
            out_cd = timedelta(seconds=cfg["scale_out_cooldown"])
            in_cd = timedelta(seconds=cfg["scale_in_cooldown"])
            in_out_cooldown = pol.last_out is not None and now < pol.last_out + out_cd
            if alarm.comparison.startswith("Greater"):
                if new <= desired or in_out_cooldown:
                    return
            else:
                if new >= desired or cfg.get("disable_scale_in") or in_out_cooldown:
                    return
                if pol.last_in is not None and now < pol.last_in + in_cd:
                    return
                new = P.gradual_scale_in(desired, new)
        else:
            agg = cfg.get("metric_aggregation_type") or "Average"
            metric = {"Average": sum(vals) / len(vals), "Minimum": min(vals), "Maximum": max(vals)}[
                agg
            ]
            got = P.step_scaling(desired, cfg, metric - alarm.threshold)
            if got is None:
                return
            new = got
            last = max((x for x in (pol.last_out, pol.last_in) if x is not None), default=None)
            if last is not None and now < last + timedelta(seconds=cfg["cooldown"]):
                return
        new = min(max(new, t.min_capacity), t.max_capacity)
        if new == desired:
            return
        if new > desired and t.suspended["dynamic_scaling_out_suspended"]:
            return
        if new < desired and (t.suspended["dynamic_scaling_in_suspended"] or _deploying(svc)):
            return  # scale-in suspended, or turned off while an ECS deployment is in progress
        if new > desired:
            pol.last_out = now
        else:
            pol.last_in = now
        cause = f"monitor alarm {alarm.name} in state ALARM triggered policy {pol.name}"
        self._scale(t, svc, new, cause)

    def _scale(self, t: ScalableTarget, svc, new: int, cause: str) -> None:
        lab = self.lab
        old = svc.desired_count
        status, message = (
            "Successful",
            (f"Successfully set desired count to {new}. Change successfully fulfilled by ecs."),
        )
        try:
            lab.services.update({"cluster": t.cluster, "service": t.service, "desired_count": new})
        except AwsError as e:  # the activity fails, as it would on AWS
            status, message = "Failed", f"Failed to set desired count to {new}. {e.message}"
        act = {
            "activity_id": _uuid(lab),
            "description": f"Setting desired count to {new}.",
            "cause": cause,
            "start_time": lab.now,
            "end_time": lab.now,
            "status_code": status,
            "status_message": message,
        }
        t.activities.insert(0, act)
        lab.emit(
            "ScalingActivityCompleted",
            "application-autoscaling",
            cluster=t.cluster,
            resource=t.arn,
            resource_id=t.resource_id,
            activity_id=act["activity_id"],
            status_code=status,
            from_count=old,
            to_count=new,
            cause=cause,
        )


def _deploying(svc) -> bool:
    """An ECS deployment is in progress (Application Auto Scaling does not scale in then)."""
    if not svc.deployments:
        return False  # EXTERNAL deployment controller: task sets, no ECS deployments
    return len(svc.deployments) > 1 or svc.primary.rollout_state == "IN_PROGRESS"


def _uuid(lab) -> str:
    h = lab.random.hex(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _suspended(s: dict[str, Any], keep: dict[str, bool] | None = None) -> dict[str, bool]:
    keys = (
        "dynamic_scaling_in_suspended",
        "dynamic_scaling_out_suspended",
        "scheduled_scaling_suspended",
    )
    keep = keep or {}
    return {k: bool(s[k]) if s.get(k) is not None else keep.get(k, False) for k in keys}
