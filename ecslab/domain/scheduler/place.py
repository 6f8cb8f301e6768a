"""Place N tasks: filter -> rank -> pick -> reserve, vectorised over the instance table.

Per call, the static filters (status, agent, attributes, location, a memberOf that reads no
placement state) are evaluated once over all instances and the dynamic ones (CPU, memory, ports,
ENIs, distinctInstance, a memberOf on runningTasksCount / task:group) once too. Per task the
strategies rank the feasible instances with a few numpy operations over all of them, the chosen
instance's reservations are updated in place, and only that instance's row of the dynamic
filters is re-checked -- so the next task of the same call sees it, and the cost per task is
O(instances) array work with no Python loop over instances.

Failures (RunTask): each task that cannot be placed gets one ``{"arn", "reason"}`` entry naming
the *closest* instance -- the one that passed the most filters -- and the reason of the filter
that stopped it. Verified: failures carry a container-instance ARN and a RESOURCE:*/AGENT/...
reason; service events name "the closest matching container-instance". Modelled: one entry per
unplaced task, and how "closest" is chosen (filters.closest). ``why`` is the full per-instance
"which filter removed it" table at the moment the first task could not be placed.

Dynamic host ports (bridge mode, hostPort 0): the agent keeps the last port it assigned and
takes the next free one after it in 32768-60999, wrapping to the start of the range
(amazon-ecs-agent agent/utils/ephemeral_ports.go, getNumOfHostPorts; verified). ecslab keeps
that cursor per instance (``last_dynamic_port``); the first port an instance assigns is 32768.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecslab.core.catalog import EPHEMERAL_PORT_RANGE
from ecslab.core.errors import InvalidParameterException, ServerException
from ecslab.core.rng import LabRandom

from .filters import FILTERS, closest, evaluate, explain, is_dynamic
from .request import TaskRequest
from .strategies import Ranker
from .table import InstanceTable

__all__ = ["Placement", "PlacementResult", "place", "start_on", "release", "NO_INSTANCES"]

#: RunTask on a cluster without container instances (the text clients match on; [V3]).
NO_INSTANCES = "No Container Instances were found in your cluster."


@dataclass(slots=True)  # not frozen: a frozen init costs ~1 us more per task; never changed
class Placement:
    """What one placed task holds on its instance (``release`` gives it back). Read-only."""

    task: int  # index of the task within the call
    row: int
    arn: str
    ec2_instance_id: str
    cpu: int
    memory: int
    eni: int
    tcp_ports: tuple[int, ...]  # every TCP host port held: static then dynamic
    udp_ports: tuple[int, ...]
    dynamic_tcp: tuple[int, ...]  # the dynamic ones, in port-mapping order
    dynamic_udp: tuple[int, ...]
    group: str


@dataclass
class PlacementResult:
    placements: list[Placement] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    why: pd.DataFrame | None = None


def _active_dynamic(request: TaskRequest):
    """Dynamic filters that can change for this request (the rest always pass)."""
    has_distinct = any(c.type == "distinctInstance" for c in request.constraints)
    skip = {
        "ports": not request.tcp_ports,
        "ports_udp": not request.udp_ports,
        "eni": not request.needs_eni,
        "distinct_instance": not has_distinct,
    }
    return [f for f in FILTERS if is_dynamic(f, request) and not skip.get(f.name, False)]


def _prefiltered(table: InstanceTable, request: TaskRequest) -> tuple[np.ndarray, list]:
    """The instances the static filters keep (read-only), and the dynamic filters to run.
    Placements never change either and the table is rebuilt when a container instance
    changes, so both are kept on the table per request: RunTask's ten-task calls against one
    table skip re-filtering."""
    cache = table.__dict__.setdefault("_prefiltered_cache", {})
    try:
        got = cache.get(request)
    except TypeError:  # an unhashable constraint: compute every time
        cache, got = None, None
    if got is None:
        ok = np.ones(table.n, dtype=bool)
        for f in FILTERS:
            if not is_dynamic(f, request):
                ok &= f(table, request)
        got = (ok, _active_dynamic(request))
        if cache is not None:
            cache[request] = got
    return got


def place(
    table: InstanceTable,
    request: TaskRequest,
    count: int,
    rng: LabRandom | np.random.Generator,
    *,
    explain_why: bool = False,
) -> PlacementResult:
    """Place ``count`` tasks; mutates ``table``. ``rng`` is the lab's random source
    (``lab.random``) or a numpy Generator (tests): either has ``random(size)``. Its one draw comes
    first, so even a call that finds no instances moves it. With ``explain_why`` the why-table
    is computed up front even when everything fits."""
    draws = rng.random((count, 2))
    if table.n == 0:
        raise InvalidParameterException(NO_INSTANCES)
    result = PlacementResult()
    if explain_why:
        result.why = explain(table, request)
    static_ok, dynamic = _prefiltered(table, request)
    ok = static_ok.copy()
    for f in dynamic:
        ok &= f(table, request)
    ranker = Ranker(table, request)
    # The feasible rows, ascending. A placement changes only its own row, so after each task
    # only that row is re-checked and, if it no longer fits, dropped: no pass over all rows.
    cands = np.flatnonzero(ok)
    for t in range(count):
        if not len(cands):
            first = evaluate(table, request)
            c = closest(first)
            failure = {"arn": str(table.arn[c]), "reason": FILTERS[first[c]].reason}
            result.failures.extend(dict(failure) for _ in range(count - t))
            if result.why is None:
                result.why = explain(table, request, first)
            break
        i = ranker.pick(cands, draws[t, 0], draws[t, 1])
        result.placements.append(_reserve(table, request, i, t))
        ranker.placed(i)
        if not all(f.passes(table, request, i) for f in dynamic):
            cands = cands[cands != i]
    return result


def start_on(table: InstanceTable, request: TaskRequest, arns: Iterable[str]) -> PlacementResult:
    """StartTask: one task on each named instance, or a failure naming it (MISSING for an
    unknown ARN, else the first failing filter's reason)."""
    result = PlacementResult()
    for t, arn in enumerate(arns):
        i = table.index_of(arn)
        if i is None:
            result.failures.append({"arn": arn, "reason": "MISSING"})
            continue
        row = slice(i, i + 1)
        failed = next((f for f in FILTERS if not f(table, request, row)[0]), None)
        if failed is not None:
            result.failures.append({"arn": arn, "reason": failed.reason})
            continue
        result.placements.append(_reserve(table, request, i, t))
    return result


def _reserve(table: InstanceTable, request: TaskRequest, i: int, task: int) -> Placement:
    table.cpu_reserved[i] += request.cpu
    table.mem_reserved[i] += request.memory
    eni = 1 if request.needs_eni else 0
    table.eni_used[i] += eni
    table.running_tasks_count[i] += 1
    table.groups.column(request.group)[i] += 1
    for p in request.tcp_ports:
        table.tcp.column(p)[i] = True
    for p in request.udp_ports:
        table.udp.column(p)[i] = True
    dyn_tcp = dyn_udp = ()
    if request.dynamic_tcp:
        dyn_tcp = tuple(_dynamic_port(table, table.tcp, i) for _ in range(request.dynamic_tcp))
    if request.dynamic_udp:
        dyn_udp = tuple(_dynamic_port(table, table.udp, i) for _ in range(request.dynamic_udp))
    return Placement(
        task=task,
        row=i,
        arn=str(table.arn[i]),
        ec2_instance_id=str(table.column("ec2_instance_id")[i]),
        cpu=request.cpu,
        memory=request.memory,
        eni=eni,
        tcp_ports=tuple(request.tcp_ports) + dyn_tcp,
        udp_ports=tuple(request.udp_ports) + dyn_udp,
        dynamic_tcp=dyn_tcp,
        dynamic_udp=dyn_udp,
        group=request.group,
    )


def _dynamic_port(table: InstanceTable, book, i: int) -> int:
    lo, hi = EPHEMERAL_PORT_RANGE
    last = int(table.last_dynamic_port[i])
    start = last + 1 if lo <= last < hi else lo
    for p in _range_from(start, lo, hi):
        col = book.cols.get(p)
        if col is None or not col[i]:
            book.column(p)[i] = True
            table.last_dynamic_port[i] = p
            return p
    # 28,232 ports in use on one instance: not reachable with real task sizes.
    raise ServerException("No dynamic host port is free on the container instance.")


def _range_from(start: int, lo: int, hi: int):
    yield from range(start, hi + 1)
    yield from range(lo, start)


def release(table: InstanceTable, placement: Placement) -> None:
    """Give back what ``placement`` holds (the task reached STOPPED)."""
    i = placement.row
    table.cpu_reserved[i] -= placement.cpu
    table.mem_reserved[i] -= placement.memory
    table.eni_used[i] -= placement.eni
    table.running_tasks_count[i] -= 1
    table.groups.column(placement.group)[i] -= 1
    for p in placement.tcp_ports:
        table.tcp.column(p)[i] = False
    for p in placement.udp_ports:
        table.udp.column(p)[i] = False
