"""Managed scaling: CapacityProviderReservation, target tracking, termination protection."""

from __future__ import annotations

from capkit import group
from taskkit import taskdef

from ecslab.domain.capacity.scaling import reservation


def _setup(lab, ecs, *, target=100, protect=True, max_step=10000, desired=0):
    ecs.create_cluster(clusterName="cp")
    g = group(lab, desired=desired, protect=protect)
    ecs.create_capacity_provider(
        name="asg-cp",
        autoScalingGroupProvider={
            "autoScalingGroupArn": g["AutoScalingGroupARN"],
            "managedScaling": {
                "status": "ENABLED",
                "targetCapacity": target,
                "maximumScalingStepSize": max_step,
            },
            "managedTerminationProtection": "ENABLED" if protect else "DISABLED",
        },
    )
    ecs.put_cluster_capacity_providers(
        cluster="cp",
        capacityProviders=["asg-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 1}],
    )
    # 1 vCPU / 2 GiB tasks: two fit on an m5.large (2048 CPU units registered)
    return taskdef(lab, command=["httpd"], cpu=1024, memory=2048)


def _metrics(lab):
    ev = lab.events
    return ev[ev.kind == "ManagedScalingMetricPublished"].detail.tolist()


def _desired(lab):
    return lab.asg.get("asg").desired


def test_reservation_formula():
    assert reservation(0, 0) == 100.0
    assert reservation(3, 0) == 200.0  # the first scale-out from zero
    assert reservation(3, 4) == 75.0
    assert reservation(4, 2) == 200.0


def test_scale_out_from_zero_then_steady(lab, ecs):
    td = _setup(lab, ecs)
    ecs.create_service(cluster="cp", serviceName="web", taskDefinition=td, desiredCount=5)
    lab.advance("1m")
    first = _metrics(lab)[0]
    assert (first["m"], first["n"], first["value"]) == (3, 0, 200.0)
    assert first["namespace"] == "AWS/ECS/ManagedScaling"
    assert first["metric"] == "CapacityProviderReservation"
    assert _desired(lab) == 3  # ceil(M x 100 / 100)
    lab.advance("4m")
    s = ecs.describe_services(cluster="cp", services=["web"])["services"][0]
    assert s["runningCount"] == 5
    assert _metrics(lab)[-1]["value"] == 100.0 and _desired(lab) == 3


def test_target_capacity_leaves_headroom(lab, ecs):
    td = _setup(lab, ecs, target=50)
    ecs.create_service(cluster="cp", serviceName="web", taskDefinition=td, desiredCount=4)
    lab.advance("5m")
    assert _desired(lab) == 4  # M = 2 busy instances, 2 x 100 / 50
    last = _metrics(lab)[-1]
    assert (last["m"], last["n"], last["value"]) == (2, 4, 50.0)


def test_maximum_step_size_limits_each_scale_out(lab, ecs):
    td = _setup(lab, ecs, max_step=1)
    ecs.create_service(cluster="cp", serviceName="web", taskDefinition=td, desiredCount=6)
    lab.advance("1m")
    assert _desired(lab) == 1
    lab.advance("1m")
    assert _desired(lab) == 2


def test_scale_in_waits_fifteen_minutes_and_spares_busy_instances(lab, ecs):
    td = _setup(lab, ecs)
    ecs.create_service(cluster="cp", serviceName="web", taskDefinition=td, desiredCount=6)
    lab.advance("5m")
    assert _desired(lab) == 3
    ecs.update_service(cluster="cp", service="web", desiredCount=1)
    lab.advance("3m")
    busy = {t.ec2_instance_id for t in lab.tasks.in_cluster("cp") if t.live}
    assert len(busy) == 1
    members = lab.asg.get("asg").members
    assert [m.protected for i, m in members.items() if i in busy] == [True]
    assert not any(m.protected for i, m in members.items() if i not in busy)
    lab.advance("10m")
    assert _desired(lab) == 3  # fewer than 15 datapoints below the target so far
    lab.advance("5m")
    assert _desired(lab) == 1
    lab.advance("1m")
    assert set(lab.asg.get("asg").members) == busy  # the empty ones went
    s = ecs.describe_services(cluster="cp", services=["web"])["services"][0]
    assert s["runningCount"] == 1


def test_no_managed_scaling_leaves_tasks_waiting(lab, ecs):
    ecs.create_cluster(clusterName="cp")
    g = group(lab, desired=0)
    ecs.create_capacity_provider(
        name="manual", autoScalingGroupProvider={"autoScalingGroupArn": g["AutoScalingGroupARN"]}
    )
    ecs.put_cluster_capacity_providers(
        cluster="cp",
        capacityProviders=["manual"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "manual", "weight": 1}],
    )
    (task,) = ecs.run_task(cluster="cp", taskDefinition=taskdef(lab))["tasks"]
    lab.advance("10m")
    (got,) = ecs.describe_tasks(cluster="cp", tasks=[task["taskArn"]])["tasks"]
    assert got["lastStatus"] == "PROVISIONING" and _desired(lab) == 0
    assert _metrics(lab) == []  # managed scaling off: no metric
    lab.client("autoscaling").set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=1)
    lab.advance("2m")
    (got,) = ecs.describe_tasks(cluster="cp", tasks=[task["taskArn"]])["tasks"]
    assert got["lastStatus"] == "RUNNING"


def test_reservation_metric_in_cloudwatch(lab, ecs):
    td = _setup(lab, ecs)
    start = lab.now
    ecs.create_service(cluster="cp", serviceName="web", taskDefinition=td, desiredCount=5)
    lab.advance("5m")
    got = lab.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/ECS/ManagedScaling",
        MetricName="CapacityProviderReservation",
        Dimensions=[
            {"Name": "ClusterName", "Value": "cp"},
            {"Name": "CapacityProviderName", "Value": "asg-cp"},
        ],
        StartTime=start,
        EndTime=lab.now,
        Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]
    values = [d["Maximum"] for d in sorted(got, key=lambda d: d["Timestamp"])]
    assert values[0] == 200.0 and values[-1] == 100.0
    assert {d["Unit"] for d in got} == {"Percent"}
