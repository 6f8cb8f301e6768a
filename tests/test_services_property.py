"""Property: under random faults and updates a service never runs fewer healthy tasks than its
minimum during a deployment unless the event table says why (a fault, a task stopped by someone
else, a change of desired count / deployment configuration, an instance draining), and once the
disruptions stop it converges to desiredCount when capacity allows. Plus save/load replay."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servicekit import alb, messages, sample_app, service, task_arns
from taskkit import cluster, instances, subnets, taskdef

from ecslab import Lab
from ecslab.domain.services.model import min_healthy

SLEEP = ("sleep", "infinity")
EXPLAINS = {"FaultInjected", "ServiceUpdated", "ContainerInstanceStatusChanged", "TaskStopping"}

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("deploy"), st.just(0)),
        st.tuples(st.just("scale"), st.integers(0, 6)),
        st.tuples(st.just("config"), st.sampled_from([(0, 100), (50, 150), (100, 200), (50, 200)])),
        st.tuples(st.just("crash"), st.integers(0, 9)),
        st.tuples(st.just("stop"), st.integers(0, 9)),
        st.tuples(st.just("drain"), st.integers(0, 2)),
        st.tuples(st.just("wait"), st.integers(1, 24)),
    ),
    min_size=1,
    max_size=12,
)


def _explained(lab, since_seq: int, svc) -> bool:
    ev = lab.events
    ev = ev[(ev["seq"] > since_seq) & ev["kind"].isin(EXPLAINS)]
    for kind, d in zip(ev["kind"], ev["detail"], strict=True):
        if kind != "TaskStopping":
            return True
        if d.get("stop_code") != "ServiceSchedulerInitiated":
            return True  # crashed, stopped by a user, killed with its host
    return False


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_minimum_healthy_unless_explained_and_convergence(ops):
    lab = Lab(seed=11)
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster")
    cis = []
    for s in subnets(lab):
        cis += instances(lab, 1, SubnetId=s)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=taskdef(lab, "web", command=SLEEP),
        desiredCount=3,
    )
    lab.advance("2m")
    svc = lab.services.find("MyCluster", "web")
    deploy_seq = None  # event seq when the current deployment started from a steady service
    for op, arg in ops:
        live = svc.live()
        if op == "deploy":
            was_steady = _steady_now(svc)
            ecs.update_service(
                cluster="MyCluster",
                service="web",
                taskDefinition=taskdef(lab, "web", command=SLEEP),
            )
            deploy_seq = len(lab.log) if was_steady else None
        elif op == "scale":
            ecs.update_service(cluster="MyCluster", service="web", desiredCount=arg)
        elif op == "config":
            ecs.update_service(
                cluster="MyCluster",
                service="web",
                deploymentConfiguration={"minimumHealthyPercent": arg[0], "maximumPercent": arg[1]},
            )
        elif op in ("crash", "stop") and live:
            st_ = live[arg % len(live)]
            if op == "crash" and st_.task.last_status == "RUNNING":
                lab.faults.crash_container(st_.task.arn, exit_code=1)
            elif op == "stop":
                ecs.stop_task(cluster="MyCluster", task=st_.task.arn)
        elif op == "drain":
            ecs.update_container_instances_state(
                cluster="MyCluster", containerInstances=[cis[arg]], status="DRAINING"
            )
        for _ in range(arg if op == "wait" else 2):
            lab.advance("5s")
            if deploy_seq is None or len(svc.deployments) < 2:
                continue
            healthy = sum(1 for s in svc.live() if s.healthy)
            lo = min_healthy(svc.desired_count, svc.minimum_healthy_percent)
            if healthy < lo:
                assert _explained(lab, deploy_seq, svc), (healthy, lo, messages(lab)[-5:])
    # Disruptions stop: every instance ACTIVE again, room to deploy; the service converges.
    ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=cis, status="ACTIVE"
    )
    ecs.update_service(
        cluster="MyCluster",
        service="web",
        deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 200},
    )
    lab.advance("20m")
    s = service(lab)
    assert s["runningCount"] == s["desiredCount"] == svc.desired_count
    assert len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED"
    assert len(task_arns(lab)) == svc.desired_count
    assert messages(lab)[-1] == "(service web) has reached a steady state."


def _steady_now(svc) -> bool:
    live = svc.live()
    return (
        len(svc.deployments) == 1
        and len(live) == svc.desired_count
        and all(s.healthy for s in live)
    )


def test_services_save_load_replay(tmp_path):
    lab = Lab(seed=5)
    ecs = lab.client("ecs")
    cis = cluster(lab, 2)
    a = alb(lab)
    lab.advance("3m")
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=sample_app(lab),
        desiredCount=2,
        loadBalancers=[
            {"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}
        ],
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    ecs.create_service(
        cluster="MyCluster",
        serviceName="agent",
        taskDefinition=taskdef(lab, "agent", command=SLEEP, cpu=64, memory=64),
        schedulingStrategy="DAEMON",
    )
    lab.advance("2m")
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=sample_app(lab))
    lab.faults.crash_container(task_arns(lab, "agent")[0], exit_code=2)
    lab.faults.fail_health_check(task_arns(lab)[0], at=30)
    ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=[cis[0]], status="DRAINING"
    )
    lab.advance("10m")
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    lab.advance("6m")
    ecs.delete_service(cluster="MyCluster", service="web")
    lab.advance("1m")
    loaded = Lab.load(lab.save(tmp_path / "services.jsonl.gz"))  # raises if any fact differs
    for name in ("web", "agent"):
        assert (
            loaded.client("ecs").describe_services(cluster="MyCluster", services=[name])["services"]
            == ecs.describe_services(cluster="MyCluster", services=[name])["services"]
        )
    assert service(loaded, "web")["status"] == "INACTIVE"
    assert loaded.events["kind"].tolist() == lab.events["kind"].tolist()
