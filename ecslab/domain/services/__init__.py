"""ECS services: the service scheduler (REPLICA and DAEMON), rolling deployments, health and
load balancers, and fault injection.

* :mod:`.model` -- Service, Deployment, ServiceTask; the min/max percent arithmetic;
* :mod:`.validate` -- CreateService / UpdateService checks and their messages;
* :mod:`.domain` -- :class:`Services` (``lab.services``): create, update, delete, lookups, hooks;
* :mod:`.scheduler` -- one REPLICA scheduler pass (scale out/in, rolling replacement);
* :mod:`.daemon` -- one DAEMON scheduler pass;
* :mod:`.tasksets` -- task sets of EXTERNAL-controller services (``lab.services.task_sets``)
  and their scheduler pass;
* :mod:`.deployments` -- new deployments, completion, the circuit breaker;
* :mod:`.health` -- when a service task is healthy (load balancer targets, container health
  checks, 40 s), grace period, target (de)registration;
* :mod:`.events` -- the service event messages and their de-duplication;
* :mod:`.faults` -- ``lab.faults``: crash a container, fail health checks, terminate an
  instance, take an Availability Zone down.
"""

from .domain import Services
from .faults import Faults

__all__ = ["Services", "Faults"]
