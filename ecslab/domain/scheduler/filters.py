"""Placement filters: small named units ``(table, request, rows) -> bool mask`` in pipeline order.

Each :class:`Filter` keeps the instances that can take the task and names the reason ECS gives
for the ones it removes. ``rows`` (default: all) lets the engine re-check only the instance a
placement just changed. Order (S-ECSDOC task-placement.md: resources, then constraints; the
instance-state and attribute checks come first as the cheapest and most basic):

==================  ===========================================  ========================
filter              keeps an instance when                       reason when removed
==================  ===========================================  ========================
status              status is ACTIVE (DRAINING etc. excluded)    INACTIVE
agent               the agent is connected                       AGENT
attribute           it has every required attribute (e.g.        ATTRIBUTE
                    ecs.cpu-architecture for the image,
                    requiresAttributes) and, for awsvpc, is in
                    the subnets' VPC
location            awsvpc: its AZ is one of the subnets' AZs    LOCATION
cpu                 registered - reserved >= task CPU            RESOURCE:CPU
memory              registered - reserved >= task memory         RESOURCE:MEMORY
ports               no static TCP host port is reserved/used     RESOURCE:PORTS
ports_udp           no static UDP host port is reserved/used     RESOURCE:PORTS_UDP
eni                 awsvpc: ENIs used < eni_capacity             RESOURCE:ENI
member_of           every memberOf expression holds              MemberOf placement
                                                                 constraint unsatisfied
distinct_instance   no task of the same group runs there         DistinctInstance placement
                                                                 constraint unsatisfied
==================  ===========================================  ========================

Verified: the RESOURCE:*, AGENT, ATTRIBUTE, LOCATION and INACTIVE reason names and that each
failure names a container-instance ARN (S-ECSDOC api_failures_messages.md). Modelled: the
wording for the two constraint reasons (newer docs show "MemberOf placement constraint
unsatisfied" as a stopped reason; the distinctInstance one is by analogy), INACTIVE for every
non-ACTIVE status, and the order of the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .request import TaskRequest
from .table import InstanceTable

__all__ = ["Filter", "FILTERS", "evaluate", "explain", "closest"]


@dataclass(frozen=True)
class Filter:
    name: str
    reason: str
    fn: Callable[[InstanceTable, TaskRequest, object], np.ndarray]
    dynamic: bool  # True: placements change its answer (re-checked on the placed instance)
    #: the same answer for one row, as a bool (cheaper than a one-row slice of ``fn``)
    at_row: Callable[[InstanceTable, TaskRequest, int], bool] | None = None

    def __call__(self, table: InstanceTable, request: TaskRequest, rows=None) -> np.ndarray:
        return self.fn(table, request, slice(None) if rows is None else rows)

    def passes(self, table: InstanceTable, request: TaskRequest, i: int) -> bool:
        """Whether row ``i`` passes (what placement re-checks after each task)."""
        if self.at_row is not None:
            return self.at_row(table, request, i)
        return bool(self.fn(table, request, slice(i, i + 1))[0])


def _all(table: InstanceTable, rows) -> np.ndarray:
    return np.ones(len(table.arn[rows]), dtype=bool)


def status_active(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    return table.column("status")[rows] == "ACTIVE"


def agent_connected(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    return table.column("agent_connected")[rows].astype(bool)


def attributes_present(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    ok = _all(table, rows)
    for name, value in request.required_attributes:
        vals = table.attribute(name)[rows]
        ok &= ~pd.isna(vals) if value is None else (vals == value)
    if request.external is not None:
        # The launch type's side of the line (ECS Anywhere marker, modelled [M]).
        ext = table.attribute("ecs.capability.external")[rows]
        ok &= ~pd.isna(ext) if request.external else pd.isna(ext)
    if request.needs_eni and request.vpc_id:
        # Trunking doc: a task in another VPC than the instance fails with an attribute error.
        ok &= table.column("vpc_id")[rows] == request.vpc_id
    return ok


def location_in_subnets(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    if not (request.needs_eni and request.subnet_azs):
        return _all(table, rows)
    return pd.Series(table.column("az")[rows]).isin(request.subnet_azs).to_numpy()


def cpu_free(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    return table.cpu_registered[rows] - table.cpu_reserved[rows] >= request.cpu


def memory_free(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    return table.mem_registered[rows] - table.mem_reserved[rows] >= request.memory


def cpu_free_at(table: InstanceTable, request: TaskRequest, i: int) -> bool:
    return bool(table.cpu_registered[i] - table.cpu_reserved[i] >= request.cpu)


def memory_free_at(table: InstanceTable, request: TaskRequest, i: int) -> bool:
    return bool(table.mem_registered[i] - table.mem_reserved[i] >= request.memory)


def tcp_ports_free(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    if not request.tcp_ports:
        return _all(table, rows)
    return ~table.tcp.any_of(request.tcp_ports, rows)


def udp_ports_free(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    if not request.udp_ports:
        return _all(table, rows)
    return ~table.udp.any_of(request.udp_ports, rows)


def eni_free(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    if not request.needs_eni:
        return _all(table, rows)
    return table.eni_used[rows] < table.eni_capacity[rows]


def member_of(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    ok = _all(table, rows)
    for c in request.constraints:
        if c.type == "memberOf":
            ok &= c.query.mask(table, rows)
    return ok


def distinct_instance(table: InstanceTable, request: TaskRequest, rows) -> np.ndarray:
    if not any(c.type == "distinctInstance" for c in request.constraints):
        return _all(table, rows)
    return table.groups[request.group][rows] == 0


def _member_of_dynamic(request: TaskRequest) -> bool:
    return any(c.type == "memberOf" and c.query.dynamic for c in request.constraints)


FILTERS: tuple[Filter, ...] = (
    Filter("status", "INACTIVE", status_active, False),
    Filter("agent", "AGENT", agent_connected, False),
    Filter("attribute", "ATTRIBUTE", attributes_present, False),
    Filter("location", "LOCATION", location_in_subnets, False),
    Filter("cpu", "RESOURCE:CPU", cpu_free, True, cpu_free_at),
    Filter("memory", "RESOURCE:MEMORY", memory_free, True, memory_free_at),
    Filter("ports", "RESOURCE:PORTS", tcp_ports_free, True),
    Filter("ports_udp", "RESOURCE:PORTS_UDP", udp_ports_free, True),
    Filter("eni", "RESOURCE:ENI", eni_free, True),
    # member_of is dynamic only when the expression reads runningTasksCount or task:group;
    # the engine asks is_dynamic(request) below.
    Filter("member_of", "MemberOf placement constraint unsatisfied", member_of, True),
    Filter(
        "distinct_instance",
        "DistinctInstance placement constraint unsatisfied",
        distinct_instance,
        True,
    ),
)


def is_dynamic(f: Filter, request: TaskRequest) -> bool:
    if f.name == "member_of":
        return _member_of_dynamic(request)
    return f.dynamic


def evaluate(table: InstanceTable, request: TaskRequest) -> np.ndarray:
    """First failing filter per instance as an int array (len(FILTERS) = passes all)."""
    fails = ~np.vstack([f(table, request) for f in FILTERS]) if table.n else np.zeros((1, 0), bool)
    return np.where(fails.any(axis=0), fails.argmax(axis=0), len(FILTERS))


def explain(table: InstanceTable, request: TaskRequest, first: np.ndarray | None = None):
    """The "why not placed?" table: one row per instance with the first filter that removed it
    (``filter``/``reason`` are None where the instance can take the task)."""
    first = evaluate(table, request) if first is None else first
    names = np.array([f.name for f in FILTERS] + [None], dtype=object)
    reasons = np.array([f.reason for f in FILTERS] + [None], dtype=object)
    return pd.DataFrame(
        {
            "arn": pd.Series(table.arn, dtype=object),
            "ec2_instance_id": pd.Series(table.column("ec2_instance_id"), dtype=object),
            "filter": pd.Series(names[first], dtype=object),
            "reason": pd.Series(reasons[first], dtype=object),
        }
    )


def closest(first: np.ndarray) -> int | None:
    """The "closest matching" instance: the one that got furthest down the pipeline.

    Modelled: ECS names one closest container instance (service events) but does not say how it
    is chosen; ecslab takes the deepest first failure, ties to the earliest-registered row.
    """
    if not len(first):
        return None
    return int(np.argmax(first))
