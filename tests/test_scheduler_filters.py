"""Each placement filter as a unit, its ECS failure reason, the "why" table, the closest
instance, request building (memory/cpu needs, ports) and strategy/constraint validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecslab.core.errors import InvalidParameterException
from ecslab.domain.scheduler import (
    FILTERS,
    InstanceTable,
    TaskRequest,
    check_table,
    explain,
    parse_constraints,
    parse_strategies,
    task_request,
)
from ecslab.domain.scheduler.filters import closest, evaluate
from ecslab.domain.scheduler.sample import sample_instances

BY_NAME = {f.name: f for f in FILTERS}


def make(types=("m5.large",) * 3, **cols) -> InstanceTable:
    return InstanceTable(sample_instances(list(types), **cols))


# (filter, table columns, request, expected mask)
CASES = [
    ("status", {"status": ["ACTIVE", "DRAINING", "INACTIVE"]}, TaskRequest(), [1, 0, 0]),
    ("status", {"status": ["REGISTERING", "ACTIVE", "DEREGISTERING"]}, TaskRequest(), [0, 1, 0]),
    ("agent", {"agent_connected": [True, False, True]}, TaskRequest(), [1, 0, 1]),
    ("cpu", {"cpu_reserved": [0, 1792, 1793]}, TaskRequest(cpu=256), [1, 1, 0]),
    ("cpu", {}, TaskRequest(cpu=2049), [0, 0, 0]),  # m5.large registers 2048
    ("memory", {"mem_reserved": [0, 7985 - 512, 7985 - 511]}, TaskRequest(memory=512), [1, 1, 0]),
    ("memory", {}, TaskRequest(memory=7986), [0, 0, 0]),  # registers 7985 MiB
    (
        "ports",
        {"ports_tcp": [(22,), (22, 80), (22, 8080)]},
        TaskRequest(tcp_ports=(80, 443)),
        [1, 0, 1],
    ),
    ("ports", {}, TaskRequest(tcp_ports=(22,)), [0, 0, 0]),  # reserved by the agent
    ("ports", {}, TaskRequest(tcp_ports=(51679,)), [0, 0, 0]),  # task metadata port
    ("ports", {}, TaskRequest(tcp_ports=(51680,)), [1, 1, 1]),  # only with Prometheus on
    ("ports", {}, TaskRequest(udp_ports=(22,)), [1, 1, 1]),  # UDP 22 is free
    ("ports_udp", {"ports_udp": [(), (53,), ()]}, TaskRequest(udp_ports=(53,)), [1, 0, 1]),
    ("ports_udp", {"ports_udp": [(), (53,), ()]}, TaskRequest(tcp_ports=(53,)), [1, 1, 1]),
    ("eni", {"eni_used": [0, 1, 2]}, TaskRequest(network_mode="awsvpc"), [1, 1, 0]),
    ("eni", {"eni_used": [2, 2, 2]}, TaskRequest(network_mode="bridge"), [1, 1, 1]),
    (
        "attribute",
        {},
        TaskRequest(required_attributes=(("ecs.cpu-architecture", "arm64"),)),
        [0, 1, 0],
    ),
    (
        "attribute",
        {"attributes": [{"ecs.capability.docker-remote-api.1.18": None}, {}, {}]},
        TaskRequest(required_attributes=(("ecs.capability.docker-remote-api.1.18", None),)),
        [1, 0, 0],
    ),
    (
        "attribute",
        {"vpc_id": ["vpc-a", "vpc-b", "vpc-a"]},
        TaskRequest(network_mode="awsvpc", vpc_id="vpc-a"),
        [1, 0, 1],
    ),
    (
        "location",
        {},
        TaskRequest(network_mode="awsvpc", subnet_azs=("ap-east-1a", "ap-east-1c")),
        [1, 0, 1],
    ),
    ("location", {}, TaskRequest(network_mode="bridge", subnet_azs=("ap-east-1b",)), [1, 1, 1]),
    (
        "distinct_instance",
        {"task_groups": [{"family:web": 1}, {"family:db": 1}, {}]},
        TaskRequest(
            group="family:web", constraints=parse_constraints([{"type": "distinctInstance"}])
        ),
        [0, 1, 1],
    ),
    (
        "member_of",
        {"attributes": [{"stack": "prod"}, {"stack": "dev"}, {}]},
        TaskRequest(
            constraints=parse_constraints(
                [{"type": "memberOf", "expression": "attribute:stack == prod"}]
            )
        ),
        [1, 0, 0],
    ),
    (
        "member_of",
        {"running_tasks_count": [0, 3, 1]},
        TaskRequest(
            constraints=parse_constraints(
                [
                    {"type": "memberOf", "expression": "runningTasksCount < 3"},
                    {
                        "type": "memberOf",
                        "expression": "attribute:ecs.availability-zone != ap-east-1a",
                    },
                ]
            )
        ),
        [0, 0, 1],
    ),
]


@pytest.mark.parametrize("name,cols,request_,want", CASES)
def test_filter_masks(name, cols, request_, want):
    types = ("m5.large", "m6g.large", "m5.large")
    table = make(types, **cols)
    assert BY_NAME[name](table, request_).tolist() == [bool(w) for w in want]
    # The same unit evaluated on one row, and its one-row answer (how the engine re-checks a
    # placed instance): both agree with the mask on every row.
    assert BY_NAME[name](table, request_, slice(1, 2)).tolist() == [bool(want[1])]
    assert [BY_NAME[name].passes(table, request_, i) for i in range(3)] == [bool(w) for w in want]


def test_every_filter_with_a_one_row_form_agrees_with_its_mask():
    """``at_row`` is a second spelling of a filter: on tables and requests around the edge it
    answers exactly what the vectorised mask answers, row by row."""
    rng = np.random.default_rng(5)
    scalar = [f for f in FILTERS if f.at_row is not None]
    assert {f.name for f in scalar} == {"cpu", "memory"}
    for _ in range(200):
        table = make(
            ("m5.large", "t3.medium", "c5.large", "m6g.large"),
            cpu_reserved=rng.integers(0, 2049, 4).tolist(),
            mem_reserved=rng.integers(0, 3993, 4).tolist(),
        )
        request_ = TaskRequest(cpu=int(rng.integers(0, 2100)), memory=int(rng.integers(0, 8000)))
        for f in scalar:
            mask = f(table, request_).tolist()
            assert [f.at_row(table, request_, i) for i in range(4)] == mask, f.name


def test_filter_names_reasons_and_order():
    assert [(f.name, f.reason) for f in FILTERS] == [
        ("status", "INACTIVE"),
        ("agent", "AGENT"),
        ("attribute", "ATTRIBUTE"),
        ("location", "LOCATION"),
        ("cpu", "RESOURCE:CPU"),
        ("memory", "RESOURCE:MEMORY"),
        ("ports", "RESOURCE:PORTS"),
        ("ports_udp", "RESOURCE:PORTS_UDP"),
        ("eni", "RESOURCE:ENI"),
        ("member_of", "MemberOf placement constraint unsatisfied"),
        ("distinct_instance", "DistinctInstance placement constraint unsatisfied"),
    ]


def test_why_table_names_the_first_failing_filter_per_instance():
    table = make(
        ["m5.large"] * 6,
        status=["DRAINING", "ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"],
        agent_connected=[True, False, True, True, True, True],
        mem_reserved=[7985, 0, 7985, 0, 0, 0],  # row 0 also fails memory: status wins
        cpu_reserved=[0, 0, 0, 2048, 0, 0],
        ports_tcp=[(), (), (), (), (80,), ()],
    )
    req = TaskRequest(cpu=128, memory=256, tcp_ports=(80,))
    why = explain(table, req)
    assert list(why.columns) == ["arn", "ec2_instance_id", "filter", "reason"]
    assert why["filter"].tolist() == ["status", "agent", "memory", "cpu", "ports", None]
    assert why["reason"].tolist() == [
        "INACTIVE",
        "AGENT",
        "RESOURCE:MEMORY",
        "RESOURCE:CPU",
        "RESOURCE:PORTS",
        None,
    ]
    assert why["arn"].tolist() == list(table.arn)


@pytest.mark.parametrize(
    "cols,request_,reason,row",
    [
        # the instance that got furthest is named, with the filter that stopped it
        ({"agent_connected": [False, False, False]}, TaskRequest(), "AGENT", 0),
        ({"cpu_reserved": [2048, 2048, 2048]}, TaskRequest(cpu=1), "RESOURCE:CPU", 0),
        (
            {"agent_connected": [False, True, False], "mem_reserved": [0, 7985, 0]},
            TaskRequest(memory=1),
            "RESOURCE:MEMORY",
            1,
        ),
        ({"eni_used": [0, 2, 2], "cpu_reserved": [2048, 0, 0]}, TaskRequest(cpu=1, network_mode="awsvpc"), "RESOURCE:ENI", 1),
        ({"ports_udp": [(53,)] * 3}, TaskRequest(udp_ports=(53,)), "RESOURCE:PORTS_UDP", 0),
        ({"status": ["DRAINING", "INACTIVE", "DRAINING"]}, TaskRequest(), "INACTIVE", 0),
    ],
)  # fmt: skip
def test_closest_instance_and_reason(cols, request_, reason, row):
    table = make(**cols)
    first = evaluate(table, request_)
    c = closest(first)
    assert (c, FILTERS[first[c]].reason) == (row, reason)


# --- request building ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "containers,task_memory,want",
    [
        ([{"memory": 512}], None, 512),  # hard limit only
        ([{"memory_reservation": 128}], None, 128),  # soft only
        ([{"memory": 300, "memory_reservation": 128}], None, 128),  # the soft reservation counts
        ([{"memory": 512}, {"memory_reservation": 64, "memory": 256}], None, 576),
        ([{"memory": 512}], 2048, 2048),  # a task size wins
        ([{}], 1024, 1024),
    ],
)
def test_memory_need(containers, task_memory, want):
    assert task_request(containers, task_memory=task_memory).memory == want


@pytest.mark.parametrize(
    "containers,task_cpu,want",
    [
        ([{"cpu": 256}, {"cpu": 128}], None, 384),
        ([{}, {"cpu": 10}], None, 10),
        ([{"cpu": 1}], 512, 512),
    ],
)
def test_cpu_need(containers, task_cpu, want):
    assert task_request(containers, task_cpu=task_cpu).cpu == want


@pytest.mark.parametrize(
    "mode,mappings,tcp,udp,dyn_tcp,dyn_udp",
    [
        ("bridge", [{"container_port": 80, "host_port": 8080}], (8080,), (), 0, 0),
        ("bridge", [{"container_port": 80}, {"container_port": 81, "host_port": 0}], (), (), 2, 0),
        ("bridge", [{"container_port": 53, "host_port": 53, "protocol": "udp"}], (), (53,), 0, 0),
        ("bridge", [{"container_port": 53, "protocol": "UDP"}], (), (), 0, 1),
        ("host", [{"container_port": 80}], (80,), (), 0, 0),  # host mode: hostPort = containerPort
        ("awsvpc", [{"container_port": 80, "host_port": 80}], (), (), 0, 0),
        ("none", [{"container_port": 80, "host_port": 80}], (), (), 0, 0),
    ],
)
def test_host_ports_by_network_mode(mode, mappings, tcp, udp, dyn_tcp, dyn_udp):
    r = task_request([{"memory": 64, "port_mappings": mappings}], network_mode=mode)
    assert (r.tcp_ports, r.udp_ports, r.dynamic_tcp, r.dynamic_udp) == (tcp, udp, dyn_tcp, dyn_udp)
    assert r.needs_eni == (mode == "awsvpc")


def test_request_builder_adds_architecture_and_rejects_bad_input():
    r = task_request([{"memory": 64}], cpu_architecture="ARM64")
    assert r.required_attributes == (("ecs.cpu-architecture", "arm64"),)
    with pytest.raises(InvalidParameterException, match="Invalid network mode: bridged"):
        task_request([{"memory": 64}], network_mode="bridged")
    two = [{"port_mappings": [{"container_port": 80, "host_port": 80}]}] * 2
    with pytest.raises(InvalidParameterException, match=r"Host port 80 \(tcp\)"):
        task_request(two)


STRATEGY_ERRORS = [
    ([{"type": "binpack", "field": "disk"}], "Invalid binpack field"),
    ([{"type": "binpack"}], "Invalid binpack field"),
    ([{"type": "spread"}], "Field is required for spread strategy."),
    ([{"type": "spread", "field": "az"}], "Invalid spread field"),
    ([{"type": "random", "field": "cpu"}], "Field is not supported for random strategy."),
    ([{"type": "pack"}], "Invalid placement strategy type"),
    ([{"type": "random"}] * 6, "cannot exceed 5"),
]


@pytest.mark.parametrize("items,needle", STRATEGY_ERRORS)
def test_strategy_validation(items, needle):
    with pytest.raises(InvalidParameterException) as e:
        parse_strategies(items)
    assert needle in e.value.message


def test_strategy_parsing_normalises_fields():
    got = parse_strategies(
        [
            {"type": "spread", "field": "host"},
            {"type": "spread", "field": "instanceId"},
            {"type": "spread", "field": "attribute:ecs.availability-zone"},
            {"type": "binpack", "field": "MEMORY"},
            {"type": "random"},
        ]
    )
    assert [(s.type, s.field) for s in got] == [
        ("spread", "instanceId"),
        ("spread", "instanceId"),
        ("spread", "attribute:ecs.availability-zone"),
        ("binpack", "memory"),
        ("random", None),
    ]


CONSTRAINT_ERRORS = [
    ([{"type": "distinctInstance", "expression": "x == y"}], "distinctInstance expression should not be specified."),
    ([{"type": "memberOf"}], "memberOf expression must be specified."),
    ([{"type": "memberOf", "expression": "attribute:x"}], "expected an operator"),
    ([{"type": "sameInstance"}], "Invalid placement constraint type"),
    ([{"type": "distinctInstance"}] * 11, "cannot exceed 10"),
]  # fmt: skip


@pytest.mark.parametrize("items,needle", CONSTRAINT_ERRORS)
def test_constraint_validation(items, needle):
    with pytest.raises(InvalidParameterException) as e:
        parse_constraints(items)
    assert needle in e.value.message


# --- the table boundary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change,needle",
    [
        (lambda df: df.drop(columns=["az"]), "missing columns ['az']"),
        (lambda df: df.assign(status="RUNNING"), "status must be one of"),
        (lambda df: df.assign(cpu_reserved=4096), "cpu_reserved exceeds cpu_registered"),
        (lambda df: df.assign(eni_used=9), "eni_used exceeds eni_capacity"),
        (lambda df: df.assign(mem_registered=-1), "mem_registered must be >= 0"),
        (lambda df: df.assign(cpu_registered=1.5), "cpu_registered must be integer"),
        (lambda df: df.assign(agent_connected="yes"), "agent_connected must be bool"),
        (lambda df: df.assign(az=3), "az must hold strings"),
        (lambda df: df.assign(az=["ap-east-1a", None]), "az must hold strings"),
        (lambda df: df.assign(ports_tcp=[(), 80]), "ports_tcp must hold lists"),
        (lambda df: df.assign(arn="same"), "duplicate arn"),
        (lambda df: df.assign(attributes="x"), "attributes must hold dicts"),
    ],
)
def test_check_table_rejects_malformed_tables(change, needle):
    df = change(sample_instances(["m5.large", "c5.large"]))
    with pytest.raises(InvalidParameterException) as e:
        check_table(df)
    assert needle in e.value.message


def test_check_table_normalises_and_defaults_optional_columns():
    df = sample_instances(["m5.large"]).drop(
        columns=["ports_tcp", "ports_udp", "task_groups", "attributes"]
    )
    out = check_table(df)
    assert out.loc[0, "ports_tcp"] == () and out.loc[0, "task_groups"] == {}
    assert out.loc[0, "last_dynamic_port"] == 0
    assert str(out["registered_at"].dtype) == "datetime64[ns, UTC]"
    assert out["az"].dtype == object


def test_instance_table_round_trips_through_to_frame():
    df = sample_instances(["m5.large", "m7g.large"], task_groups=[{"g": 2}, {}])
    t = InstanceTable(df)
    f = t.to_frame()
    assert f["ports_tcp"].tolist() == [(22, 2375, 2376, 51678, 51679)] * 2
    assert f["task_groups"].tolist() == [{"g": 2}, {}]
    assert f["cpu_remaining"].tolist() == [2048, 2048]
    assert f["mem_remaining"].tolist() == [7985, 7985]
    again = InstanceTable(f[list(df.columns)])
    assert np.array_equal(again.mem_registered, t.mem_registered)
    assert isinstance(f, pd.DataFrame) and len(f) == 2
