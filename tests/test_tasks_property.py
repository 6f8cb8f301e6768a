"""Property: after any sequence of run / stop / advance, no instance holds more CPU, memory, ports
or ENIs than it registered, and DescribeContainerInstances' remainingResources equals registered
minus what the not-yet-STOPPED tasks on it hold -- and the scheduler's cached table agrees."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taskkit import cluster, subnets, taskdef

from ecslab import Lab

DEFS = [
    dict(family="dyn", cpu=512, memory=1024, portMappings=[{"containerPort": 80}]),
    dict(
        family="static",
        cpu=256,
        memory=256,
        portMappings=[{"containerPort": 8080, "hostPort": 8080}],
    ),
    dict(
        family="udp",
        cpu=128,
        memory=128,
        portMappings=[{"containerPort": 53, "hostPort": 53, "protocol": "udp"}],
    ),
    dict(family="vpc", cpu=256, memory=512, networkMode="awsvpc"),
    dict(family="short", cpu=64, memory=64, command=["sh", "-c", "sleep 5; exit 1"]),
    dict(family="soft", cpu=0, memory=None, memoryReservation=300, command=["sleep", "40"]),
]

OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("run"),
            st.integers(0, len(DEFS) - 1),
            st.integers(1, 4),
            st.sampled_from(["random", "binpack", "spread"]),
        ),
        st.tuples(st.just("stop"), st.integers(0, 50)),
        st.tuples(st.just("advance"), st.sampled_from([0.5, 1, 3, 7, 31, 60])),
    ),
    min_size=1,
    max_size=25,
)

STRATEGY = {
    "random": [],
    "binpack": [{"type": "binpack", "field": "memory"}],
    "spread": [{"type": "spread", "field": "instanceId"}],
}


def _register(lab):
    out = []
    for d in DEFS:
        d = dict(d)
        fam = d.pop("family")
        cmd = d.pop("command", ["sleep", "3600"])
        if d.get("memory") is None:
            d.pop("memory")
            reservation = d.pop("memoryReservation")
            out.append(
                lab.client("ecs").register_task_definition(
                    family=fam,
                    containerDefinitions=[
                        {
                            "name": "app",
                            "image": "busybox",
                            "cpu": d["cpu"],
                            "memoryReservation": reservation,
                            "command": cmd,
                        }
                    ],
                )["taskDefinition"]["taskDefinitionArn"]
            )
        else:
            out.append(taskdef(lab, fam, command=cmd, **d))
    return out


def _check(lab):
    ecs = lab.client("ecs")
    cis = ecs.describe_container_instances(
        cluster="MyCluster",
        containerInstances=ecs.list_container_instances(cluster="MyCluster")[
            "containerInstanceArns"
        ],
    )["containerInstances"]
    table = lab.tasks.placement.table("MyCluster")
    for ci in cis:
        arn = ci["containerInstanceArn"]
        reg = {r["name"]: r for r in ci["registeredResources"]}
        rem = {r["name"]: r for r in ci["remainingResources"]}
        held = [
            t
            for t in lab.tasks.in_cluster("MyCluster")
            if t.container_instance_arn == arn and t.live
        ]
        cpu = sum(t.placement.cpu for t in held)
        mem = sum(t.placement.memory for t in held)
        assert rem["CPU"]["integerValue"] == reg["CPU"]["integerValue"] - cpu >= 0
        assert rem["MEMORY"]["integerValue"] == reg["MEMORY"]["integerValue"] - mem >= 0
        static_tcp = [
            p
            for t in held
            for p in t.placement.tcp_ports[
                : len(t.placement.tcp_ports) - len(t.placement.dynamic_tcp)
            ]
        ]
        static_udp = [
            p
            for t in held
            for p in t.placement.udp_ports[
                : len(t.placement.udp_ports) - len(t.placement.dynamic_udp)
            ]
        ]
        assert Counter(rem["PORTS"]["stringSetValue"]) == Counter(
            reg["PORTS"]["stringSetValue"] + [str(p) for p in static_tcp]
        )
        assert Counter(rem["PORTS_UDP"]["stringSetValue"]) == Counter([str(p) for p in static_udp])
        all_tcp = [p for t in held for p in t.placement.tcp_ports]
        assert len(all_tcp) == len(set(all_tcp))  # no host port held twice
        obj = lab.container_instances.get(arn)
        assert 0 <= obj.eni_used == sum(1 for t in held if t.eni is not None) <= obj.eni_capacity
        assert ci["runningTasksCount"] + ci["pendingTasksCount"] == len(held)
        # The scheduler's cached table says the same.
        i = table.index_of(arn)
        assert table.cpu_reserved[i] == cpu and table.mem_reserved[i] == mem
        assert table.eni_used[i] == obj.eni_used and table.running_tasks_count[i] == len(held)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_reservations_never_exceed_registered_and_match_tasks(ops):
    lab = Lab(seed=3)
    cluster(lab, 2, itype="t3.medium")
    ecs = lab.client("ecs")
    defs = _register(lab)
    net = {"awsvpcConfiguration": {"subnets": subnets(lab)}}
    for op in ops:
        if op[0] == "run":
            _, i, count, strategy = op
            kw = {"networkConfiguration": net} if DEFS[i].get("networkMode") == "awsvpc" else {}
            ecs.run_task(
                cluster="MyCluster",
                taskDefinition=defs[i],
                count=count,
                placementStrategy=STRATEGY[strategy],
                **kw,
            )
        elif op[0] == "stop":
            live = ecs.list_tasks(cluster="MyCluster")["taskArns"]
            if live:
                ecs.stop_task(cluster="MyCluster", task=live[op[1] % len(live)])
        else:
            lab.advance(op[1])
        _check(lab)
