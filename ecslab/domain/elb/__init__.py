"""Elastic Load Balancing v2 (Application Load Balancers): load balancers, listeners, target
groups and target health on the simulated clock. ``lab.elb`` is an :class:`Elb`.

For the service scheduler: ``lab.elb.check_service_target_group(arn, network_mode)`` (ECS's
rules), ``lab.elb.register_targets(arn, [TargetSpec(id, port)], responder=...)`` /
``deregister_targets``, the ``health_responder`` and ``on_target_health_changed`` domain hooks,
and ``lab.elb.target_health(arn)``."""

from .domain import Elb
from .model import DESCRIPTIONS, PROVISIONING_SECONDS, TargetSpec

__all__ = ["Elb", "DESCRIPTIONS", "PROVISIONING_SECONDS", "TargetSpec"]
