"""The placement engine end to end: strategies, constraints, failures, dynamic ports, ENIs,
StartTask, release, and the reservation invariant as a hypothesis property."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecslab.core.errors import InvalidParameterException
from ecslab.domain.scheduler import (
    InstanceTable,
    TaskRequest,
    parse_constraints,
    parse_strategies,
    place,
    release,
    start_on,
)
from ecslab.domain.scheduler.sample import sample_instances

ROOT = Path(__file__).resolve().parents[1]
AZ = "attribute:ecs.availability-zone"


def make(types=("m5.large",) * 3, **cols) -> InstanceTable:
    return InstanceTable(sample_instances(list(types), **cols))


def req(cpu=0, memory=0, strategies=(), constraints=(), group="family:web", **kw) -> TaskRequest:
    return TaskRequest(
        cpu=cpu,
        memory=memory,
        strategies=parse_strategies(strategies),
        constraints=parse_constraints(constraints),
        group=group,
        **kw,
    )


def rows(result):
    return [p.row for p in result.placements]


def rng(seed=0):
    return np.random.default_rng(seed)


# --- strategies ------------------------------------------------------------------------------

STRATEGY_CASES = [
    # (name, table columns, strategies, count, check(rows placed, table))
    (
        "binpack memory: least remaining memory first, next tightest when it is full",
        {"mem_reserved": [1000, 6000, 3000]},  # free 6985, 1985, 4985
        [{"type": "binpack", "field": "memory"}],
        3,
        lambda r, t: r == [1, 2, 2],
    ),
    (
        "binpack memory skips an instance the task does not fit",
        {"mem_reserved": [1000, 7500, 3000]},
        [{"type": "binpack", "field": "memory"}],
        3,
        lambda r, t: r == [2, 2, 2],
    ),
    (
        "binpack cpu",
        {"cpu_reserved": [512, 0, 1024]},
        [{"type": "binpack", "field": "cpu"}],
        2,
        lambda r, t: r == [2, 2],
    ),
    (
        "spread instanceId: the instances without a task of the group first",
        {"task_groups": [{"family:web": 1}, {}, {}], "mem_reserved": [1024, 0, 0]},
        [{"type": "spread", "field": "instanceId"}],
        2,
        lambda r, t: sorted(r) == [1, 2],
    ),
    (
        "spread host is instanceId",
        {"task_groups": [{}, {"family:web": 2}, {"family:web": 1}]},
        [{"type": "spread", "field": "host"}],
        2,
        lambda r, t: r == [0, 0],
    ),
    (
        "spread counts only the task's own group",
        {"task_groups": [{"family:other": 9}, {"family:web": 1}, {"family:web": 1}]},
        [{"type": "spread", "field": "instanceId"}],
        1,
        lambda r, t: r == [0],
    ),
    (
        "spread on AZ then binpack memory inside the AZ",
        {"mem_reserved": [0, 0, 0, 4000, 5000, 100]},
        [{"type": "spread", "field": AZ}, {"type": "binpack", "field": "memory"}],
        6,
        lambda r, t: (
            Counter(t.column("az")[i] for i in r)
            == {"ap-east-1a": 2, "ap-east-1b": 2, "ap-east-1c": 2}
            and set(r) == {3, 4, 5}
        ),
    ),
    (
        "spread on a custom attribute; instances without it form one more value",
        {"attributes": [{"rack": "r1"}, {"rack": "r1"}, {}]},
        [{"type": "spread", "field": "attribute:rack"}, {"type": "binpack", "field": "memory"}],
        2,
        lambda r, t: 2 in r and len(set(r) & {0, 1}) == 1,
    ),
    (
        "random then binpack: random already chose, among instances that fit",
        {"mem_reserved": [0, 7000, 0]},
        [{"type": "random"}, {"type": "binpack", "field": "memory"}],
        10,
        lambda r, t: set(r) == {0, 2},
    ),
]


@pytest.mark.parametrize("name,cols,strategies,count,check", STRATEGY_CASES)
def test_strategies(name, cols, strategies, count, check):
    n = len(next(iter(cols.values())))
    table = make(["m5.large"] * n, **cols)
    r = place(table, req(cpu=10, memory=1024, strategies=strategies), count, rng())
    assert r.failures == []
    assert check(rows(r), table), rows(r)


def test_spread_az_then_tightest_in_az_exact():
    # rows 0..5 in AZ a,b,c,a,b,c; reserved memory makes row 3 (a), 4 (b), 5 (c) the tightest
    table = make(["m5.large"] * 6, mem_reserved=[0, 0, 0, 4000, 5000, 100])
    strat = [{"type": "spread", "field": AZ}, {"type": "binpack", "field": "memory"}]
    r = place(table, req(memory=1024, strategies=strat), 3, rng())
    assert sorted(rows(r)) == [3, 4, 5]


def test_spread_relative_to_existing_group_tasks_per_az():
    # AZ a already runs 2 tasks of the group: the next two go to b and c
    table = make(["m5.large"] * 3, task_groups=[{"service:web": 2}, {}, {}])
    r = place(
        table,
        req(memory=64, group="service:web", strategies=[{"type": "spread", "field": AZ}]),
        2,
        rng(),
    )
    assert sorted(rows(r)) == [1, 2]


def test_random_is_seeded_and_uniform_enough():
    table = make(["m5.large"] * 4)
    a = place(make(["m5.large"] * 4), req(strategies=[{"type": "random"}]), 10, rng(5))
    b = place(make(["m5.large"] * 4), req(strategies=[{"type": "random"}]), 10, rng(5))
    assert rows(a) == rows(b)
    r = place(table, req(), 400, rng(1))  # no strategy: RunTask places randomly
    counts = Counter(rows(r))
    assert set(counts) == {0, 1, 2, 3} and min(counts.values()) > 60


def test_strategies_rank_but_never_reject():
    # binpack would prefer row 0 (least free) but the task does not fit there
    table = make(["m5.large"] * 2, mem_reserved=[7900, 0])
    r = place(table, req(memory=512, strategies=[{"type": "binpack", "field": "memory"}]), 1, rng())
    assert rows(r) == [1] and r.failures == []


# --- constraints and failures ----------------------------------------------------------------


def test_distinct_instance_places_each_task_on_a_different_instance():
    table = make(["m5.large"] * 3, task_groups=[{"family:web": 1}, {}, {}])
    r = place(table, req(constraints=[{"type": "distinctInstance"}]), 3, rng())
    assert sorted(rows(r)) == [1, 2]
    assert r.failures == [
        {"arn": table.arn[0], "reason": "DistinctInstance placement constraint unsatisfied"}
    ]


def test_member_of_is_rechecked_between_tasks_of_one_call():
    table = make(["m5.large"] * 4, running_tasks_count=[0, 0, 3, 0])
    c = [{"type": "memberOf", "expression": "runningTasksCount == 0"}]
    r = place(
        table, req(constraints=c, strategies=[{"type": "binpack", "field": "memory"}]), 4, rng()
    )
    assert sorted(rows(r)) == [0, 1, 3]
    assert [f["reason"] for f in r.failures] == ["MemberOf placement constraint unsatisfied"]


def test_member_of_task_group_affinity():
    table = make(["m5.large"] * 3, task_groups=[{}, {"databases": 1}, {}])
    c = [{"type": "memberOf", "expression": "task:group == databases"}]
    assert rows(place(table, req(constraints=c), 2, rng())) == [1, 1]


def test_failures_one_per_unplaced_task_naming_the_closest_instance():
    table = make(
        ["m5.large"] * 3, agent_connected=[False, True, True], mem_reserved=[0, 6000, 6500]
    )
    r = place(table, req(memory=1000), 5, rng())
    assert len(r.placements) == 2 and sorted(rows(r)) == [1, 2]
    assert r.failures == [{"arn": table.arn[1], "reason": "RESOURCE:MEMORY"}] * 3
    assert r.why["reason"].tolist() == ["AGENT", "RESOURCE:MEMORY", "RESOURCE:MEMORY"]


@pytest.mark.parametrize(
    "cpu, memory, cols, fits, reason",
    [
        # cpu: 2048 units each; 2048 - 100 reserved leaves room for exactly three of 600
        (600, 0, {"cpu_reserved": [100, 0, 2048]}, [3, 3, 0], "RESOURCE:CPU"),
        # memory: 7985 / 3992 / 3992 MiB; exactly enough for 2 + 1 + 0 tasks of 2000
        (0, 2000, {"mem_reserved": [3985, 1992, 3000]}, [2, 1, 0], "RESOURCE:MEMORY"),
        # both: the tighter of the two decides per row (the closest instance, t3.medium,
        # still has cpu for one more and fails on memory)
        (1024, 3000, {}, [2, 1, 1], "RESOURCE:MEMORY"),
        (0, 0, {}, None, None),  # needs nothing: never full
    ],
)
def test_one_call_places_exactly_what_fits(cpu, memory, cols, fits, reason):
    """Within one call each row takes tasks until the cpu/memory filter would reject it: not
    one more (reservations stay within registered), not one fewer (nothing left unplaced)."""
    table = make(["m5.large", "t3.medium", "c5.large"], **cols)
    r = place(table, req(cpu=cpu, memory=memory), 10, rng())
    if fits is None:
        assert len(r.placements) == 10 and not r.failures
        return
    assert [rows(r).count(i) for i in range(3)] == fits
    assert len(r.failures) == 10 - sum(fits)
    assert {f["reason"] for f in r.failures} == {reason}
    assert (table.cpu_reserved <= table.cpu_registered).all()
    assert (table.mem_reserved <= table.mem_registered).all()


def test_why_table_on_request_even_when_all_fit():
    table = make(["m5.large", "m6g.large"])
    r = place(
        table,
        req(required_attributes=(("ecs.cpu-architecture", "arm64"),)),
        1,
        rng(),
        explain_why=True,
    )
    assert rows(r) == [1]
    assert r.why["filter"].tolist() == ["attribute", None]


def test_empty_cluster_raises_the_ecs_error():
    empty = InstanceTable(sample_instances(["m5.large"]).iloc[:0])
    with pytest.raises(InvalidParameterException) as e:
        place(empty, req(), 1, rng())
    assert e.value.message == "No Container Instances were found in your cluster."


# --- ports -----------------------------------------------------------------------------------


def test_static_port_conflicts_within_one_call_and_with_host_mode():
    table = make(["m5.large"])
    r = place(table, req(tcp_ports=(80,)), 2, rng())
    assert rows(r) == [0] and r.failures == [{"arn": table.arn[0], "reason": "RESOURCE:PORTS"}]
    # a host-mode task wanting port 80 conflicts with the bridge task's static 80
    host = req(network_mode="host", tcp_ports=(80, 443))
    assert place(table, host, 1, rng()).failures[0]["reason"] == "RESOURCE:PORTS"
    udp = req(udp_ports=(80,))  # UDP 80 is a different port
    assert rows(place(table, udp, 1, rng())) == [0]


def test_dynamic_ports_follow_the_agents_cursor():
    table = make(["m5.large"])
    two = req(dynamic_tcp=2)
    r = place(table, two, 2, rng())
    assert [p.dynamic_tcp for p in r.placements] == [(32768, 32769), (32770, 32771)]
    assert r.placements[0].tcp_ports == (32768, 32769)
    release(table, r.placements[0])
    # the cursor moves on: freed ports are not reused until the range wraps
    nxt = place(table, req(dynamic_tcp=1, dynamic_udp=1), 1, rng()).placements[0]
    assert (nxt.dynamic_tcp, nxt.dynamic_udp) == ((32772,), (32773,))


def test_dynamic_ports_skip_used_ports_and_wrap_at_the_end_of_the_range():
    table = make(["m5.large"], ports_tcp=[(22, 32768, 60999)], last_dynamic_port=60997)
    r = place(table, req(dynamic_tcp=3), 1, rng())
    assert r.placements[0].dynamic_tcp == (60998, 32769, 32770)
    assert int(table.last_dynamic_port[0]) == 32770


def test_static_port_blocked_by_a_dynamic_port_in_use():
    table = make(["m5.large"])
    place(table, req(dynamic_tcp=1), 1, rng())
    assert place(table, req(tcp_ports=(32768,)), 1, rng()).failures[0]["reason"] == "RESOURCE:PORTS"


# --- ENIs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "itype,trunking,fits",
    [
        ("m5.large", False, 2),  # 3 ENIs - primary
        ("m5.large", True, 10),  # the ECS trunking table
        ("c5.xlarge", True, 20),
        ("m5.4xlarge", False, 7),
        ("t3.medium", True, 2),  # t3 does not support trunking
    ],
)
def test_eni_exhaustion_with_and_without_trunking(itype, trunking, fits):
    table = InstanceTable(sample_instances([itype], trunking=trunking))
    r = place(table, req(network_mode="awsvpc"), fits + 1, rng())
    assert len(r.placements) == fits
    assert r.failures == [{"arn": table.arn[0], "reason": "RESOURCE:ENI"}]
    assert int(table.eni_used[0]) == fits


def test_awsvpc_location_keeps_tasks_in_the_subnets_azs():
    table = make(["m5.large"] * 6)
    r = place(table, req(network_mode="awsvpc", subnet_azs=("ap-east-1b",)), 5, rng())
    assert sorted(rows(r)) == [1, 1, 4, 4]
    assert r.failures[0]["reason"] == "RESOURCE:ENI" and r.failures[0]["arn"] in (
        table.arn[1],
        table.arn[4],
    )
    none_there = place(
        make(["m5.large"]), req(network_mode="awsvpc", subnet_azs=("ap-east-1c",)), 1, rng()
    )
    assert none_there.failures[0]["reason"] == "LOCATION"


# --- StartTask and release -------------------------------------------------------------------


def test_start_on_named_instances():
    table = make(
        ["m5.large"] * 3, status=["ACTIVE", "INACTIVE", "ACTIVE"], cpu_reserved=[0, 0, 2000]
    )
    arns = [
        table.arn[0],
        table.arn[1],
        table.arn[2],
        "arn:aws:ecs:ap-east-1:123456789012:container-instance/default/nope",
        table.arn[0],
    ]
    r = start_on(table, req(cpu=1024), arns)
    assert rows(r) == [0, 0]
    assert r.failures == [
        {"arn": table.arn[1], "reason": "INACTIVE"},
        {"arn": table.arn[2], "reason": "RESOURCE:CPU"},
        {"arn": arns[3], "reason": "MISSING"},
    ]
    assert int(table.cpu_reserved[0]) == 2048
    assert start_on(table, req(cpu=1), [table.arn[0]]).failures[0]["reason"] == "RESOURCE:CPU"


def test_release_gives_everything_back():
    table = make(["m5.large"])
    before = table.to_frame()
    r = place(
        table,
        req(
            cpu=256,
            memory=512,
            tcp_ports=(80,),
            udp_ports=(53,),
            dynamic_tcp=1,
            network_mode="bridge",
        ),
        1,
        rng(),
    )
    after = table.to_frame().iloc[0]
    assert (after.cpu_reserved, after.mem_reserved, after.running_tasks_count) == (256, 512, 1)
    assert after.ports_tcp == (22, 80, 2375, 2376, 32768, 51678, 51679)
    assert after.ports_udp == (53,) and after.task_groups == {"family:web": 1}
    release(table, r.placements[0])
    now = table.to_frame()
    for col in (
        "cpu_reserved",
        "mem_reserved",
        "eni_used",
        "running_tasks_count",
        "ports_tcp",
        "ports_udp",
        "task_groups",
    ):
        assert now[col].tolist() == before[col].tolist(), col


# --- the invariant -----------------------------------------------------------------------------

_TASKS = st.builds(
    dict,
    cpu=st.sampled_from([0, 128, 512, 1024]),
    memory=st.sampled_from([64, 512, 2048, 4096]),
    mode=st.sampled_from(["bridge", "host", "awsvpc"]),
    port=st.sampled_from([None, 80, 443, 8080]),
    udp=st.sampled_from([None, 53]),
    dyn=st.integers(0, 2),
    count=st.integers(1, 6),
    strategy=st.sampled_from(
        [[], [{"type": "binpack", "field": "memory"}], [{"type": "spread", "field": AZ}]]
    ),
)
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("place"), _TASKS), st.tuples(st.just("release"), st.integers(0, 10**6))
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(ops=_OPS, seed=st.integers(0, 2**16))
def test_reservations_never_exceed_registered_and_equal_what_tasks_hold(ops, seed):
    table = InstanceTable(
        sample_instances(["t3.medium", "m5.large", "c5.large", "m6g.large"], trunking=seed % 2 == 0)
    )
    gen = np.random.default_rng(seed)
    held = []
    for kind, arg in ops:
        if kind == "place":
            r = TaskRequest(
                cpu=arg["cpu"],
                memory=arg["memory"],
                network_mode=arg["mode"],
                tcp_ports=() if arg["port"] is None else (arg["port"],),
                udp_ports=() if arg["udp"] is None else (arg["udp"],),
                dynamic_tcp=arg["dyn"] if arg["mode"] == "bridge" else 0,
                strategies=parse_strategies(arg["strategy"]),
                group="g",
            )
            res = place(table, r, arg["count"], gen)
            assert len(res.placements) + len(res.failures) == arg["count"]
            held += res.placements
        elif held:
            release(table, held.pop(arg % len(held)))
        _check_invariant(table, held)


def _check_invariant(table, held):
    assert (table.cpu_reserved <= table.cpu_registered).all()
    assert (table.mem_reserved <= table.mem_registered).all()
    assert (table.eni_used <= table.eni_capacity).all()
    for i in range(table.n):
        mine = [p for p in held if p.row == i]
        assert table.cpu_reserved[i] == sum(p.cpu for p in mine)
        assert table.mem_reserved[i] == sum(p.memory for p in mine)
        assert table.eni_used[i] == sum(p.eni for p in mine)
        assert table.running_tasks_count[i] == len(mine)
        tcp = [q for p in mine for q in p.tcp_ports]
        udp = [q for p in mine for q in p.udp_ports]
        assert len(tcp) == len(set(tcp)) and len(udp) == len(set(udp))  # no port held twice
        assert set(table.tcp.row(i)) == {22, 2375, 2376, 51678, 51679} | set(tcp)
        assert set(table.udp.row(i)) == set(udp)
        assert table.groups.row(i) == ({"g": len(mine)} if mine else {})


# --- the benchmark's CI smoke run ------------------------------------------------------------


def test_placement_benchmark_small_smoke_run():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_placement.py"), "--small"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert "instances" in out.stdout and "ratio to the 10 s target" in out.stdout
    assert "placed 2,000 of 2,000" in out.stdout
