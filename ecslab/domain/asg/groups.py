"""Auto Scaling groups (``lab.asg``): a group keeps ``desired`` instances running.

Every change (create, update, SetDesiredCapacity, an instance going away) schedules one
reconcile ``REACT_SECONDS`` later [M]: it launches the missing instances through the same EC2
RunInstances path a learner uses (so the ECS agent in the ECS-optimized AMI registers them on
the simulated clock), or terminates the surplus. Launches go to the Availability Zone with the
fewest live members (ties: the order of ``VPCZoneIdentifier``); scale-in follows the Default
termination policy as far as ecslab can see it: the AZ with the most members, then the oldest
instance [M: AWS then prefers the instance closest to its next billing hour; per-second billing
makes that the oldest-launched in practice]. Instances protected from scale-in are never chosen.

Facts: AutoScalingGroupCreated / Updated / Deleted, AutoScalingDesiredCapacitySet,
AutoScalingInstanceLaunched, AutoScalingInstanceInService, AutoScalingInstanceTerminating,
AutoScalingLaunchFailed, AutoScalingInstanceProtectionSet.

Errors and messages: [V] where AWS documents them, else [U] modelled on AWS CLI output.
"""

from __future__ import annotations

import base64
from typing import Any

from ...core.errors import AwsError, error_for_code
from .model import Activity, Group, Member

__all__ = ["AutoScalingGroups", "REACT_SECONDS", "ValidationError"]

REACT_SECONDS = 10  # [M] how soon a group acts on a change
ValidationError = error_for_code("ValidationError")
AlreadyExists = error_for_code("AlreadyExists")
ResourceInUse = error_for_code("ResourceInUse")
ScalingActivityInProgress = error_for_code("ScalingActivityInProgress")


def _check_bounds(min_size: int, max_size: int, desired: int) -> None:
    if min_size > max_size:
        raise ValidationError(
            f"Max bound, {max_size}, must be greater than or equal to min bound, {min_size}"
        )  # [U]
    if not min_size <= desired <= max_size:
        raise ValidationError(
            f"Desired capacity:{desired} must be between the specified min size:{min_size} "
            f"and max size:{max_size}"
        )  # [U] as the CLI shows it


class AutoScalingGroups:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_name: dict[str, Group] = {}
        self.activities: list[Activity] = []
        #: ``fn(group, member, event)`` hooks (capacity providers listen here)
        self.listeners: list = []

    # -- lookups ---------------------------------------------------------------------------------

    def all(self) -> list[Group]:
        return list(self._by_name.values())

    def find(self, name: str) -> Group | None:
        if name.startswith("arn:"):
            return next((g for g in self._by_name.values() if g.arn == name), None)
        return self._by_name.get(name)

    def get(self, name: str) -> Group:
        g = self.find(name)
        if g is None:
            raise ValidationError(f"AutoScalingGroup name not found - {name}")  # [U]
        return g

    def group_of(self, instance_id: str) -> Group | None:
        for g in self._by_name.values():
            if instance_id in g.members:
                return g
        return None

    # -- create / update / delete ----------------------------------------------------------------

    def _template(self, spec: dict[str, Any]):
        lt_id, lt_name = spec.get("template_id"), spec.get("template_name")
        if lt_id is None and lt_name is None:
            raise ValidationError(
                "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, "
                "InstanceId or MixedInstancesPolicy parameter."
            )  # [U]
        try:
            lt = self.lab.launch_templates.find(template_id=lt_id, name=lt_name)
        except AwsError:
            which = f"id: {lt_id}" if lt_id else f"name: {lt_name}"
            raise ValidationError(
                f"You must use a valid fully-formed launch template. The specified launch "
                f"template, with template {which}, does not exist."
            ) from None  # [U]
        version = spec.get("template_version") or "$Default"
        try:
            lt.version_number(version)
        except AwsError as e:
            raise ValidationError(
                f"You must use a valid fully-formed launch template. {e.message}"
            ) from None
        return lt, version

    def _subnets(self, subnet_csv: str | None, azs: list[str] | None) -> tuple[list[str], list]:
        net = self.lab.network
        ids = [s.strip() for s in (subnet_csv or "").split(",") if s.strip()]
        if not ids and not azs:
            raise ValidationError("At least one Availability Zone or VPC Subnet is required.")
        if ids:
            missing = [s for s in ids if s not in net.subnets]
            if missing:
                raise ValidationError(f"The subnet ID '{missing[0]}' does not exist")  # [U]
            subnets = [net.subnets[s] for s in dict.fromkeys(ids)]
            if len({s.vpc_id for s in subnets}) > 1:
                raise ValidationError("The subnets must all be in the same VPC.")  # [U]
        else:
            by_az = {s.az: s for s in net.subnets.values() if s.default_for_az}
            bad = [a for a in azs if a not in by_az]
            if bad:
                raise ValidationError(f"Invalid Availability Zone: [{bad[0]}]")  # [U]
            subnets = [by_az[a] for a in dict.fromkeys(azs)]
        return [s.id for s in subnets], subnets

    def create(self, spec: dict[str, Any]) -> Group:
        """CreateAutoScalingGroup (``spec`` in snake_case; see api/autoscaling_groups.py)."""
        lab = self.lab
        name = spec["name"]
        if not 1 <= len(name) <= 255:
            raise ValidationError("AutoScalingGroupName must be 1-255 characters long.")  # [U]
        if name in self._by_name:
            raise AlreadyExists(
                f"AutoScalingGroup by this name already exists - A group with the name {name} "
                "already exists"
            )  # [V3] AWS CLI output
        lt, version = self._template(spec)
        min_size, max_size = spec["min_size"], spec["max_size"]
        desired = spec.get("desired")
        desired = min_size if desired is None else desired
        _check_bounds(min_size, max_size, desired)
        subnet_ids, subnets = self._subnets(spec.get("subnets"), spec.get("azs"))
        uid = lab.random.hex(32)
        uid = f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:32]}"
        group = Group(
            name=name,
            arn=(
                f"arn:aws:autoscaling:{lab.region}:{lab.account_id}:autoScalingGroup:{uid}:"
                f"autoScalingGroupName/{name}"
            ),
            template_id=lt.id,
            template_name=lt.name,
            template_version=version,
            min_size=min_size,
            max_size=max_size,
            desired=desired,
            subnet_ids=subnet_ids,
            azs=sorted({s.az for s in subnets}),
            created_at=lab.now,
            protect_new=bool(spec.get("protect_new")),
            default_cooldown=spec.get("default_cooldown") or 300,
            health_check_type=spec.get("health_check_type") or "EC2",
            grace_period=spec.get("grace_period") or 0,
            capacity_rebalance=bool(spec.get("capacity_rebalance")),
            tags=list(spec.get("tags") or []),
        )
        self._by_name[name] = group
        lab.emit(
            "AutoScalingGroupCreated",
            "autoscaling",
            resource=group.arn,
            name=name,
            min_size=min_size,
            max_size=max_size,
            desired=desired,
            launch_template=lt.id,
        )
        self._schedule(group)
        return group

    def update(self, name: str, spec: dict[str, Any]) -> Group:
        group = self.get(name)
        if group.deleting:
            raise ScalingActivityInProgress(
                "You cannot update an AutoScalingGroup while it is being deleted."
            )  # [U]
        min_size = spec.get("min_size", group.min_size)
        max_size = spec.get("max_size", group.max_size)
        desired = spec.get("desired")
        if desired is None:  # AWS clamps the current desired capacity into new bounds
            desired = min(max(group.desired, min_size), max_size)
        _check_bounds(min_size, max_size, desired)
        lt = version = None
        if "template_id" in spec or "template_name" in spec:
            lt, version = self._template(spec)
        subnet_ids = subnets = None
        if spec.get("subnets") or spec.get("azs"):
            subnet_ids, subnets = self._subnets(spec.get("subnets"), spec.get("azs"))
        # valid: change state
        group.min_size, group.max_size, group.desired = min_size, max_size, desired
        if lt is not None:
            group.template_id, group.template_name, group.template_version = lt.id, lt.name, version
        if subnet_ids is not None:
            group.subnet_ids, group.azs = subnet_ids, sorted({s.az for s in subnets})
        if "protect_new" in spec:
            group.protect_new = bool(spec["protect_new"])
        for key in ("default_cooldown", "health_check_type", "grace_period"):
            if spec.get(key) is not None:
                setattr(group, key, spec[key])
        if "capacity_rebalance" in spec:
            group.capacity_rebalance = bool(spec["capacity_rebalance"])
        self.lab.emit(
            "AutoScalingGroupUpdated",
            "autoscaling",
            resource=group.arn,
            name=group.name,
            min_size=min_size,
            max_size=max_size,
            desired=desired,
            protect_new=group.protect_new,
        )
        self._schedule(group)
        return group

    def set_desired(self, name: str, desired: int, cause: str = "user request") -> Group:
        group = self.get(name)
        if not group.min_size <= desired <= group.max_size:
            raise ValidationError(
                f"New SetDesiredCapacity value {desired} is below min value {group.min_size} for "
                "the AutoScalingGroup."
                if desired < group.min_size
                else f"New SetDesiredCapacity value {desired} is above max value "
                f"{group.max_size} for the AutoScalingGroup."
            )  # [V3] AWS CLI output
        group.desired = desired
        self.lab.emit(
            "AutoScalingDesiredCapacitySet",
            "autoscaling",
            resource=group.arn,
            name=group.name,
            desired=desired,
            cause=cause,
        )
        self._schedule(group)
        return group

    def set_protection(self, name: str, instance_ids: list[str], protected: bool) -> None:
        group = self.get(name)
        missing = [i for i in instance_ids if i not in group.members]
        if missing:
            raise ValidationError(
                f"The instance {missing[0]} is not part of Auto Scaling group {name}."
            )  # [V3]
        for iid in instance_ids:
            group.members[iid].protected = protected
        self.lab.emit(
            "AutoScalingInstanceProtectionSet",
            "autoscaling",
            resource=group.arn,
            name=group.name,
            instances=list(instance_ids),
            protected=protected,
        )

    def delete(self, name: str, force: bool = False) -> Group:
        group = self.get(name)
        if group.deleting:
            raise ScalingActivityInProgress(
                "You cannot delete an AutoScalingGroup while there are scaling activities in "
                "progress for that group."
            )  # [V3]
        if group.members and not force:
            raise ResourceInUse(
                "You cannot delete an AutoScalingGroup while there are instances or pending Spot "
                "instance request(s) still in the group."
            )  # [V3]
        for d in self.lab.domains:
            check = getattr(d, "blocks_group_delete", None)
            if check is not None:
                check(group)
        group.deleting = True
        group.desired = group.min_size = 0
        self.lab.clock.cancel(group.timer)
        group.timer = None
        self.lab.emit("AutoScalingGroupDeleting", "autoscaling", resource=group.arn, name=name)
        live = [m.instance_id for m in group.live()]
        if live:
            self._terminate(group, live, "the group is being deleted", force=True)
        self._maybe_gone(group)
        return group

    def _maybe_gone(self, group: Group) -> None:
        if group.deleting and not group.members and group.name in self._by_name:
            del self._by_name[group.name]
            self.lab.emit(
                "AutoScalingGroupDeleted", "autoscaling", resource=group.arn, name=group.name
            )

    # -- reconcile -------------------------------------------------------------------------------

    def _schedule(self, group: Group) -> None:
        if group.timer is None and not group.deleting:
            group.timer = self.lab.clock.after(
                REACT_SECONDS, lambda g=group: self._reconcile(g), "asg-reconcile"
            )

    def _reconcile(self, group: Group) -> None:
        group.timer = None
        if group.deleting or group.name not in self._by_name:
            return
        live = group.live()
        if len(live) < group.desired:
            self._launch(group, group.desired - len(live))
        elif len(live) > group.desired:
            self._scale_in(group, len(live) - group.desired)

    def _activity(self, group: Group, description: str, cause: str) -> Activity:
        h = self.lab.random.hex(32)
        act = Activity(
            id=f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}",
            group=group.name,
            description=description,
            cause=cause,
            started_at=self.lab.now,
        )
        self.activities.append(act)
        del self.activities[:-1000]
        return act

    def _launch(self, group: Group, n: int) -> None:
        lab = self.lab
        lt = lab.launch_templates.find(template_id=group.template_id)
        data = lt.data(group.template_version)
        net = lab.network
        per_az = {az: 0 for az in group.azs}
        for m in group.live():
            per_az[m.az] = per_az.get(m.az, 0) + 1
        order = [net.subnets[s] for s in group.subnet_ids]
        tags = {"aws:autoscaling:groupName": group.name, **data.get("tags", {})}
        tags.update({t["key"]: t.get("value", "") for t in group.tags if t.get("propagate")})
        for _ in range(n):
            az = min(per_az, key=lambda z: (per_az[z], group.azs.index(z)))
            subnet = next(s for s in order if s.az == az)
            cause = (
                f"At {lab.now.strftime('%Y-%m-%dT%H:%M:%SZ')} an instance was started in response "
                "to a difference between desired and actual capacity, increasing the capacity "
                f"from {len(group.live())} to {len(group.live()) + 1}."
            )
            act = self._activity(group, "Launching a new EC2 instance", cause)
            try:
                user_data = data.get("user_data") or None
                if user_data is not None:
                    base64.b64decode(user_data)  # RunInstances re-validates; kept as given
                (inst,) = lab.instances.run(
                    image_id=data.get("image_id") or "",
                    instance_type=data.get("instance_type") or "",
                    min_count=1,
                    max_count=1,
                    subnet_id=subnet.id,
                    security_group_ids=list(data.get("security_group_ids") or []),
                    profile_name=data.get("profile_name"),
                    profile_arn=data.get("profile_arn"),
                    user_data=user_data,
                    tags=tags,
                )
            except (AwsError, ValueError) as e:
                msg = getattr(e, "message", str(e))
                act.status, act.ended_at, act.message, act.progress = "Failed", lab.now, msg, 100
                act.description = "Launching a new EC2 instance.  Status Reason: " + msg
                lab.emit(
                    "AutoScalingLaunchFailed",
                    "autoscaling",
                    resource=group.arn,
                    name=group.name,
                    reason=msg,
                )
                # AWS retries failed launches with backoff; ecslab retries every 5 minutes [M]
                group.timer = lab.clock.after(
                    300, lambda g=group: self._reconcile(g), "asg-reconcile"
                )
                return
            member = Member(
                instance_id=inst.id,
                instance_type=inst.instance_type,
                az=inst.az,
                template_version=str(lt.version_number(group.template_version)),
                launched_at=lab.now,
                protected=group.protect_new,
            )
            group.members[inst.id] = member
            per_az[az] += 1
            act.description = f"Launching a new EC2 instance: {inst.id}"
            act.status, act.ended_at, act.progress = "Successful", lab.now, 100
            lab.emit(
                "AutoScalingInstanceLaunched",
                "autoscaling",
                resource=group.arn,
                name=group.name,
                instance_id=inst.id,
                az=inst.az,
                protected=member.protected,
            )
            self._tell(group, member, "launched")

    def _scale_in(self, group: Group, n: int) -> None:
        candidates = [m for m in group.live() if not m.protected]
        chosen: list[str] = []
        per_az: dict[str, list[Member]] = {}
        for m in group.live():
            per_az.setdefault(m.az, []).append(m)
        for _ in range(n):
            pool = [m for m in candidates if m.instance_id not in chosen]
            if not pool:
                break  # the rest is protected from scale-in: the group stays above desired
            busiest = max(
                {m.az for m in pool},
                key=lambda z: (
                    sum(1 for m in per_az[z] if m.instance_id not in chosen),
                    -group.azs.index(z),
                ),
            )
            oldest = min((m for m in pool if m.az == busiest), key=lambda m: m.launched_at)
            chosen.append(oldest.instance_id)
        if chosen:
            self._terminate(group, chosen, "a user request explicitly set group desired capacity")

    def _terminate(self, group: Group, ids: list[str], why: str, force: bool = False) -> None:
        lab = self.lab
        for iid in ids:
            m = group.members[iid]
            cause = (
                f"At {lab.now.strftime('%Y-%m-%dT%H:%M:%SZ')} {why} changing the desired capacity "
                f"from {len(group.live())} to {group.desired}."
            )
            act = self._activity(group, f"Terminating EC2 instance: {iid}", cause)
            m.lifecycle = "Terminating"
            lab.emit(
                "AutoScalingInstanceTerminating",
                "autoscaling",
                resource=group.arn,
                name=group.name,
                instance_id=iid,
            )
            self._tell(group, m, "terminating")
            lab.instances.terminate([iid])
            act.status, act.ended_at, act.progress = "Successful", lab.now, 100

    def _tell(self, group: Group, member: Member, event: str) -> None:
        for fn in self.listeners:
            fn(group, member, event)

    # -- EC2 hooks (lab.instances calls them on every domain) ------------------------------------

    def on_instance_running(self, inst) -> None:
        group = self.group_of(inst.id)
        if group is None:
            return
        m = group.members[inst.id]
        if m.lifecycle == "Pending":
            m.lifecycle = "InService"
            self.lab.emit(
                "AutoScalingInstanceInService",
                "autoscaling",
                resource=group.arn,
                name=group.name,
                instance_id=inst.id,
            )
            self._tell(group, m, "in_service")

    def on_instance_terminating(self, inst) -> None:
        """An instance of a group went away: by the group, or by someone else (then the group
        replaces it, as its EC2 health check would)."""
        group = self.group_of(inst.id)
        if group is None:
            return
        m = group.members.pop(inst.id)
        if m.lifecycle != "Terminating":
            self._tell(group, m, "terminating")
        self._maybe_gone(group)
        self._schedule(group)
