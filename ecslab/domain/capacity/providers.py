"""ECS capacity providers (``lab.capacity``): CRUD and the clusters' associations.

FARGATE and FARGATE_SPOT exist in every account; Auto Scaling group providers are created with
CreateCapacityProvider. PutClusterCapacityProviders associates providers with a cluster and sets
its default strategy; an ASG provider serves one cluster, and associating it adds the cluster
attachment AWS shows (type ``as_policy``: the managed target-tracking policy) [U detail names].

Messages: [V] documented / quoted AWS output, [U] modelled.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.errors import ClientException, InvalidParameterException, error_for_code
from .model import FARGATE_PROVIDERS, Association, Provider, StrategyItem
from .strategy import BOTH, check_for_cluster, check_shape, parse

__all__ = ["CapacityProviders", "NAME_RE"]

NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,255}$")
ResourceInUseException = error_for_code("ResourceInUseException")
ATTACH_SECONDS = 15  # [M] how long attachmentsStatus stays UPDATE_IN_PROGRESS
UNKNOWN = (
    "The specified capacity provider does not exist. Specify a valid capacity provider and try "
    "again."
)  # [V3]
IN_USE = "The specified capacity provider is in use and cannot be removed."  # [V3]
TERMINATION = (
    "The managed termination protection setting for the capacity provider is invalid. To enable "
    "managed termination protection for a capacity provider, the Auto Scaling group must have "
    "instance protection from scale in enabled."
)  # [V3] (aws/containers-roadmap#653)


class CapacityProviders:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._by_name: dict[str, Provider] = {}
        for name in FARGATE_PROVIDERS:
            self._by_name[name] = Provider(name=name, arn=self.arn_for(name))
        self._assoc: dict[str, Association] = {}  # cluster name -> association
        lab.asg.listeners.append(self._group_event)

    def arn_for(self, name: str) -> str:
        return f"arn:aws:ecs:{self.lab.region}:{self.lab.account_id}:capacity-provider/{name}"

    # -- lookups ---------------------------------------------------------------------------------

    def all(self) -> list[Provider]:
        return list(self._by_name.values())

    def find(self, ref: str) -> Provider | None:
        if ref.startswith("arn:"):
            return next((p for p in self._by_name.values() if p.arn == ref), None)
        return self._by_name.get(ref)

    def get(self, ref: str) -> Provider:
        p = self.find(ref)
        if p is None or p.status == "INACTIVE":
            raise InvalidParameterException(UNKNOWN)
        return p

    def of_cluster(self, cluster: str) -> Association:
        return self._assoc.get(cluster) or Association()

    def provider_of_group(self, group_name: str) -> Provider | None:
        return next(
            (
                p
                for p in self._by_name.values()
                if p.group_name == group_name and p.status == "ACTIVE"
            ),
            None,
        )

    # -- CreateCapacityProvider / Update / Delete -------------------------------------------------

    def _group(self, ref: str):
        g = self.lab.asg.find(ref)
        if g is None and ref.startswith("arn:"):
            name = ref.rsplit("autoScalingGroupName/", 1)[-1]
            g = self.lab.asg.find(name)
        if g is None:
            raise ClientException(
                f"The specified Auto Scaling group ARN {ref} is not valid. Specify a valid Auto "
                "Scaling group ARN and try again."
            )  # [U]
        return g

    @staticmethod
    def _scaling(p: Provider, ms: dict[str, Any] | None) -> dict[str, Any]:
        ms = ms or {}
        out = {
            "scaling_status": ms.get("status", p.scaling_status),
            "target_capacity": ms.get("target_capacity", p.target_capacity),
            "min_step": ms.get("minimum_scaling_step_size", p.min_step),
            "max_step": ms.get("maximum_scaling_step_size", p.max_step),
            "warmup": ms.get("instance_warmup_period", p.warmup),
        }
        if not 1 <= out["target_capacity"] <= 100:
            raise InvalidParameterException(
                "The specified target capacity is not valid. Specify a value greater than 0 and "
                "less than or equal to 100."
            )  # [U] documented range 1-100
        if not 1 <= out["min_step"] <= 10000 or not 1 <= out["max_step"] <= 10000:
            raise InvalidParameterException(
                "The scaling step size must be between 1 and 10000."
            )  # [U] documented range
        if out["min_step"] > out["max_step"]:
            raise InvalidParameterException(
                "The minimum scaling step size must be less than or equal to the maximum scaling "
                "step size."
            )  # [U]
        if not 0 <= out["warmup"] <= 10000:
            raise InvalidParameterException(
                "The instance warmup period must be between 0 and 10000."
            )  # [U]
        return out

    def _check_termination(self, group, scaling: dict, protection: str) -> None:
        if protection != "ENABLED":
            return
        if scaling["scaling_status"] != "ENABLED":
            raise InvalidParameterException(
                "The managed termination protection setting for the capacity provider is "
                "invalid. To enable managed termination protection for a capacity provider, "
                "managed scaling must also be enabled."
            )  # [U]
        if not group.protect_new:
            raise InvalidParameterException(TERMINATION)

    def create(self, name: str, spec: dict[str, Any], tags: dict[str, str]) -> Provider:
        if not NAME_RE.match(name or ""):
            raise ClientException(
                "The specified capacity provider name is not valid. Up to 255 letters "
                "(uppercase and lowercase), numbers, underscores, and hyphens are allowed."
            )  # [U]
        if re.match(r"(?i)^(aws|ecs|fargate)", name):
            raise ClientException(
                "The specified capacity provider name is not valid. The name cannot be prefixed "
                'with "aws", "ecs", or "fargate".'
            )  # [V] documented rule; wording [U]
        if name in self._by_name and self._by_name[name].status == "ACTIVE":
            raise ClientException(
                "The specified capacity provider already exists. To change the configuration of "
                "an existing capacity provider, update the capacity provider."
            )  # [V3]
        asgp = spec.get("auto_scaling_group_provider")
        if not asgp:
            raise ClientException(
                "The specified capacity provider needs an Auto Scaling group provider."
            )  # [M] (managed instances providers are not simulated)
        group = self._group(asgp["auto_scaling_group_arn"])
        taken = self.provider_of_group(group.name)
        if taken is not None:
            raise ClientException(
                "The specified Auto Scaling group ARN is already associated with another "
                "capacity provider. Specify a unique Auto Scaling group ARN and try again."
            )  # [V3]
        draft = Provider(name=name, arn=self.arn_for(name))
        scaling = self._scaling(draft, asgp.get("managed_scaling"))
        protection = asgp.get("managed_termination_protection") or "DISABLED"
        self._check_termination(group, scaling, protection)
        self.lab.tags.validate(tags)
        # valid: change state
        p = Provider(
            name=name,
            arn=self.arn_for(name),
            group_name=group.name,
            group_arn=group.arn,
            termination_protection=protection,
            managed_draining=asgp.get("managed_draining") or "ENABLED",
            **scaling,
        )
        self._by_name.pop(name, None)
        self._by_name[name] = p
        self.lab.emit(
            "CapacityProviderCreated",
            "ecs",
            resource=p.arn,
            name=name,
            group=group.name,
            managed_scaling=p.scaling_status,
            target_capacity=p.target_capacity,
            termination_protection=protection,
        )
        if tags:
            self.lab.tags.set(p.arn, tags, check=False)
        return p

    def update(self, name: str, spec: dict[str, Any]) -> Provider:
        p = self.get(name)
        if p.fargate:
            raise ClientException(
                "The FARGATE and FARGATE_SPOT capacity providers cannot be updated."
            )  # [U]
        asgp = spec.get("auto_scaling_group_provider") or {}
        scaling = self._scaling(p, asgp.get("managed_scaling"))
        protection = asgp.get("managed_termination_protection") or p.termination_protection
        self._check_termination(self.lab.asg.get(p.group_name), scaling, protection)
        for k, v in scaling.items():
            setattr(p, k, v)
        p.termination_protection = protection
        if asgp.get("managed_draining"):
            p.managed_draining = asgp["managed_draining"]
        p.update_status = "UPDATE_COMPLETE"
        self.lab.emit(
            "CapacityProviderUpdated",
            "ecs",
            resource=p.arn,
            name=name,
            managed_scaling=p.scaling_status,
            target_capacity=p.target_capacity,
            termination_protection=protection,
        )
        return p

    def delete(self, ref: str) -> Provider:
        p = self.get(ref)
        if p.fargate:
            raise InvalidParameterException(
                "The FARGATE and FARGATE_SPOT capacity providers cannot be deleted."
            )  # [U]
        if self._live_cluster(p) is not None:
            raise ResourceInUseException(IN_USE)
        p.status, p.update_status = "INACTIVE", "DELETE_COMPLETE"
        self.lab.emit("CapacityProviderDeleted", "ecs", resource=p.arn, name=p.name)
        return p

    def _live_cluster(self, p: Provider) -> str | None:
        """The ACTIVE cluster an ASG provider serves (a deleted cluster frees it) [M]."""
        if p.cluster is None:
            return None
        c = self.lab.clusters.find(p.cluster)
        return p.cluster if c is not None and c.status == "ACTIVE" else None

    # -- PutClusterCapacityProviders ---------------------------------------------------------------

    def put_cluster(
        self, cluster, names: list[str], default: list[StrategyItem], *, created: bool = False
    ) -> Association:
        """Replace a cluster's providers and default strategy (validated first)."""
        for n in names:
            self.get(n)
        providers = [self.get(n) for n in names]
        names = [p.name for p in providers]  # ARNs given -> names
        if len(set(names)) != len(names):
            raise InvalidParameterException(
                "The specified capacity providers cannot contain duplicates."
            )  # [U]
        for p in providers:
            if not p.fargate and self._live_cluster(p) not in (None, cluster.name):
                raise InvalidParameterException(
                    f"The capacity provider {p.name} is already associated with another cluster. "
                    "A capacity provider that uses an Auto Scaling group can only be associated "
                    "with one cluster."
                )  # [U] the documented one-cluster rule
        check_shape(default, default=True)
        check_for_cluster(default, names, self._by_name)
        old = self.of_cluster(cluster.name)
        removed = [n for n in old.providers if n not in names]
        for n in removed:
            if self._in_use(cluster.name, n):
                raise ResourceInUseException(IN_USE)
        # valid: change state
        assoc = self._assoc.setdefault(cluster.name, Association())
        assoc.providers, assoc.default = list(names), list(default)
        for n in removed:
            p = self._by_name[n]
            if not p.fargate:
                p.cluster = None
            assoc.attachments.pop(n, None)
            assoc.policies.pop(n, None)
        for p in providers:
            if not p.fargate and p.name not in assoc.attachments:
                p.cluster = cluster.name
                h = self.lab.random.hex(64)
                assoc.attachments.setdefault(
                    p.name, f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
                )
                assoc.policies.setdefault(
                    p.name,
                    f"ECSManagedAutoScalingPolicy-{h[32:40]}-{h[40:44]}-{h[44:48]}-{h[48:52]}-"
                    f"{h[52:64]}",
                )
        if any(not self._by_name[n].fargate for n in names) or removed:
            assoc.status = "UPDATE_IN_PROGRESS"
            self.lab.clock.after(
                ATTACH_SECONDS, lambda a=assoc: self._attached(cluster.name, a), "cp-attach"
            )
        if any(not p.fargate for p in providers):
            self.lab.managed_scaling.ensure_ticking()
        self.lab.emit(
            "ClusterCapacityProvidersPut",
            "ecs",
            cluster=cluster.name,
            resource=cluster.arn,
            providers=list(names),
            default=[{"provider": i.provider, "weight": i.weight, "base": i.base} for i in default],
        )
        return assoc

    def _attached(self, cluster: str, assoc: Association) -> None:
        if assoc.status == "UPDATE_IN_PROGRESS":
            assoc.status = "UPDATE_COMPLETE"
            self.lab.emit(
                "ClusterAttachmentsUpdated", "ecs", cluster=cluster, status="UPDATE_COMPLETE"
            )

    def _in_use(self, cluster: str, provider: str) -> bool:
        """Live tasks or a service of the cluster use the provider."""
        lab = self.lab
        if any(t.live and t.capacity_provider == provider for t in lab.tasks.in_cluster(cluster)):
            return True
        for d in lab.domains:
            fn = getattr(d, "uses_capacity_provider", None)
            if fn is not None and fn(cluster, provider):
                return True
        return False

    # -- strategies on RunTask / CreateService ----------------------------------------------------

    def resolve(
        self, cluster, given: list[dict] | None, launch_type: str | None
    ) -> list[StrategyItem]:
        """The strategy a launch uses: the one given, else (without a launch type) the
        cluster's default; [] means "use the launch type" (EC2 when none is given)."""
        if given:
            if launch_type:
                raise InvalidParameterException(BOTH)
            items = parse(given)
            for i in items:
                self.get(i.provider)  # an unknown provider
            check_shape(items)
            check_for_cluster(items, self.of_cluster(cluster.name).providers, self._by_name)
            return items
        if launch_type:
            return []
        return list(self.of_cluster(cluster.name).default)

    # -- hooks -----------------------------------------------------------------------------------

    def _group_event(self, group, member, event: str) -> None:
        """An instance of a group joined or left (managed scaling listens: see scaling.py)."""
        fn = getattr(self, "on_group_event", None)
        if fn is not None:
            fn(group, member, event)

    def blocks_group_delete(self, group) -> None:
        return None  # AWS lets a group go; its provider then has nothing to scale [M]

    def blocks_cluster_delete(self, cluster_arn: str) -> None:
        return None  # a cluster's associations go with it [M]

    def owns(self, resource_arn: str) -> bool:
        p = self.find(resource_arn) if ":capacity-provider/" in resource_arn else None
        return p is not None and p.status == "ACTIVE" and not p.fargate

    def on_container_instance_registered(self, ci) -> None:
        """Tasks waiting for capacity may fit on a new container instance."""
        from ..tasks.capacity import place_waiting

        if self.lab.tasks.waiting:
            place_waiting(self.lab.tasks, ci.cluster)

    def interrupt_spot(self, task: str | None = None) -> str:
        """Reclaim one FARGATE_SPOT task (a recorded lab action; see ``spot.py``): a two-minute
        warning, then the task stops with stop code SpotInterruption. Returns its ARN."""
        return self.lab.act("interrupt_spot", task=task)
