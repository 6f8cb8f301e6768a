"""ListServicesByNamespace: the services that joined a Service Connect namespace."""

from __future__ import annotations

from .paging import page
from .registry import handler


@handler("ecs", "ListServicesByNamespace")
def list_services_by_namespace(lab, p):
    # ecslab has no Cloud Map: a namespace is the name or ARN services were given (or inherited
    # from the cluster's serviceConnectDefaults); an unknown one lists nothing [M] (AWS answers
    # NamespaceNotFoundException for a namespace Cloud Map does not know).
    arns = [s.arn for s in lab.services.in_namespace(p["namespace"])]
    chunk, token = page(arns, p, default_max=10)
    return {"serviceArns": chunk, "nextToken": token}
