"""The service scheduler: replica spread across AZs, scale in, draining, DAEMON services,
placement failures, validation and the cluster hooks -- all through the real ECS client."""

from __future__ import annotations

from collections import Counter

import pytest
from botocore.exceptions import ClientError
from servicekit import alb, describe_tasks, messages, sample_app, service, task_arns
from taskkit import cluster, instances, subnets, taskdef

SLEEP = ("sleep", "infinity")


def _error(ei) -> tuple[str, str]:
    e = ei.value.response["Error"]
    return e["Code"], e["Message"]


def three_az_cluster(lab, per_az: int = 2, itype: str = "m5.large") -> list[str]:
    lab.client("ecs").create_cluster(clusterName="MyCluster")
    out = []
    for s in subnets(lab):
        out += instances(lab, per_az, itype, SubnetId=s)
    return out


def _azs(lab, name="web"):
    return Counter(t["availabilityZone"] for t in describe_tasks(lab, task_arns(lab, name)))


def _per_instance(lab, name="web"):
    return Counter(t["containerInstanceArn"] for t in describe_tasks(lab, task_arns(lab, name)))


def test_replica_spreads_across_three_azs_then_instances(lab, ecs):
    three_az_cluster(lab)
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=6)
    lab.advance("1m")
    assert _azs(lab) == {"ap-east-1a": 2, "ap-east-1b": 2, "ap-east-1c": 2}
    assert sorted(_per_instance(lab).values()) == [1] * 6
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=9)
    lab.advance("1m")
    assert _azs(lab) == {"ap-east-1a": 3, "ap-east-1b": 3, "ap-east-1c": 3}
    assert sorted(_per_instance(lab).values()) == [1, 1, 1, 2, 2, 2]
    # Scale in keeps the AZs balanced.
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=3)
    lab.advance("1m")
    assert _azs(lab) == {"ap-east-1a": 1, "ap-east-1b": 1, "ap-east-1c": 1}
    stopped = describe_tasks(lab, task_arns(lab, status="STOPPED"))
    assert {t["stopCode"] for t in stopped} == {"ServiceSchedulerInitiated"}
    dep = service(lab)["deployments"][0]["id"]
    assert {t["stoppedReason"] for t in stopped} == {
        f"Scaling activity initiated by (deployment {dep})"
    }
    assert any(
        m.startswith("(service web) has stopped 6 running tasks: (task ") for m in messages(lab)
    )


def test_binpack_service_fills_one_instance_first(lab, ecs):
    cluster(lab, 3)
    td = taskdef(lab, "web", command=SLEEP, cpu=512, memory=512)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td,
        desiredCount=3,
        placementStrategy=[{"type": "binpack", "field": "cpu"}],
    )
    lab.advance("1m")
    assert sorted(_per_instance(lab).values()) == [3]  # m5.large: 2048 units, 3 x 512 fit


def test_placement_failure_event_names_the_closest_instance(lab, ecs):
    [ci] = cluster(lab, 1)
    td = taskdef(lab, "big", command=SLEEP, cpu=1536, memory=512)
    ecs.create_service(cluster="MyCluster", serviceName="big", taskDefinition=td, desiredCount=2)
    lab.advance("2m")
    ci_id = ci.rsplit("/", 1)[1]
    s = service(lab, "big")
    assert s["runningCount"] == 1
    text = (
        "(service big) was unable to place a task because no container instance met all of its "
        f"requirements. The closest matching container-instance {ci_id} has insufficient CPU "
        "units available."
    )
    msgs = messages(lab, "big")
    assert msgs.count(text) == 1  # retried, but the repeated event is de-duplicated
    # More capacity: the scheduler places the missing task on its next try.
    instances(lab, 1)
    lab.advance("1m")
    assert service(lab, "big")["runningCount"] == 2


def test_no_instances_event(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1)
    lab.advance("10s")
    assert messages(lab) == [
        "(service web) was unable to place a task because no container instance met all of its "
        "requirements. Reason: No Container Instances were found in your cluster."
    ]


def test_draining_an_instance_moves_service_tasks_within_limits(lab, ecs):
    cis = cluster(lab, 2)
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=4)
    lab.advance("1m")
    assert sorted(_per_instance(lab).values()) == [2, 2]
    ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=[cis[0]], status="DRAINING"
    )
    lab.advance("30s")
    # Replacements start first (maximumPercent 200); the drained ones stop once they are healthy.
    assert _per_instance(lab)[cis[1]] == 4
    lab.advance("2m")
    assert _per_instance(lab) == {cis[1]: 4}
    on_first = [
        t
        for t in describe_tasks(lab, task_arns(lab, status="STOPPED"))
        if t["containerInstanceArn"] == cis[0]
    ]
    assert len(on_first) == 2 and {t["stopCode"] for t in on_first} == {"ServiceSchedulerInitiated"}
    assert service(lab)["runningCount"] == 4


def test_daemon_on_instances_joining_and_draining(lab, ecs):
    cis = cluster(lab, 2)
    td = taskdef(lab, "agent", command=SLEEP, cpu=128, memory=128)
    out = ecs.create_service(
        cluster="MyCluster", serviceName="agent", taskDefinition=td, schedulingStrategy="DAEMON"
    )["service"]
    assert out["schedulingStrategy"] == "DAEMON"
    assert out["deploymentConfiguration"]["maximumPercent"] == 100
    assert out["deploymentConfiguration"]["minimumHealthyPercent"] == 0
    lab.advance("1m")
    assert _per_instance(lab, "agent") == {cis[0]: 1, cis[1]: 1}
    s = service(lab, "agent")
    assert (s["desiredCount"], s["runningCount"]) == (2, 2)
    [new] = instances(lab, 1)  # a new instance gets its daemon task
    lab.advance("30s")
    assert _per_instance(lab, "agent") == {cis[0]: 1, cis[1]: 1, new: 1}
    assert service(lab, "agent")["desiredCount"] == 3
    ecs.update_container_instances_state(
        cluster="MyCluster", containerInstances=[cis[0]], status="DRAINING"
    )
    lab.advance("1m")
    assert _per_instance(lab, "agent") == {cis[1]: 1, new: 1}
    assert service(lab, "agent")["desiredCount"] == 2
    # Daemons are not counted as REPLICA: no desiredCount, no strategies.
    with pytest.raises(ClientError) as ei:
        ecs.update_service(cluster="MyCluster", service="agent", desiredCount=3)
    assert _error(ei) == (
        "InvalidParameterException",
        "The daemon scheduling strategy does not support a desired count for services.",
    )


def test_daemon_validation(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "agent", command=SLEEP)
    cases = [
        (
            {"desiredCount": 1},
            "The daemon scheduling strategy does not support a desired count for services.",
        ),
        (
            {"placementStrategy": [{"type": "random"}]},
            "The daemon scheduling strategy does not support placement strategies.",
        ),
        (
            {"deploymentConfiguration": {"maximumPercent": 200}},
            "The maximumPercent for a service using the DAEMON scheduling strategy must be 100.",
        ),
        (
            {"launchType": "FARGATE"},
            "The DAEMON scheduling strategy is not supported with the FARGATE launch type.",
        ),
    ]
    for extra, message in cases:
        with pytest.raises(ClientError) as ei:
            ecs.create_service(
                cluster="MyCluster",
                serviceName="agent",
                taskDefinition=td,
                schedulingStrategy="DAEMON",
                **extra,
            )
        assert _error(ei) == ("InvalidParameterException", message)
    assert ecs.list_services(cluster="MyCluster")["serviceArns"] == []


def test_create_service_errors(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=0)
    with pytest.raises(ClientError) as ei:
        ecs.create_service(
            cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=0
        )
    assert _error(ei) == ("InvalidParameterException", "Creation of service was not idempotent.")
    with pytest.raises(ClientError) as ei:
        ecs.create_service(cluster="nope", serviceName="x", taskDefinition=td, desiredCount=0)
    assert _error(ei) == ("ClusterNotFoundException", "Cluster not found.")
    with pytest.raises(ClientError) as ei:
        ecs.create_service(
            cluster="MyCluster", serviceName="x", taskDefinition="nope:1", desiredCount=0
        )
    assert _error(ei) == ("ClientException", "TaskDefinition not found.")
    with pytest.raises(ClientError) as ei:
        ecs.update_service(cluster="MyCluster", service="nope", desiredCount=1)
    assert _error(ei) == ("ServiceNotFoundException", "Service not found.")
    ecs.delete_service(cluster="MyCluster", service="web")
    with pytest.raises(ClientError) as ei:
        ecs.update_service(cluster="MyCluster", service="web", desiredCount=1)
    assert _error(ei) == ("ServiceNotActiveException", "Service was not ACTIVE.")
    awsvpc = taskdef(lab, "vpc", command=SLEEP, networkMode="awsvpc")
    with pytest.raises(ClientError) as ei:
        ecs.create_service(
            cluster="MyCluster", serviceName="v", taskDefinition=awsvpc, desiredCount=1
        )
    assert _error(ei) == (
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    )


def test_load_balancer_rules(lab, ecs):
    cluster(lab, 1)
    a = alb(lab, "instance")
    ip = alb_ip_group(lab, a)
    bridge = sample_app(lab)
    lb = {"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}
    with pytest.raises(ClientError) as ei:
        ecs.create_service(
            cluster="MyCluster",
            serviceName="web",
            taskDefinition=bridge,
            desiredCount=1,
            loadBalancers=[{**lb, "containerPort": 8080}],
        )
    assert _error(ei) == (
        "InvalidParameterException",
        "The container simple-app did not have a container port 8080 defined.",
    )
    with pytest.raises(ClientError) as ei:
        ecs.create_service(
            cluster="MyCluster",
            serviceName="web",
            taskDefinition=bridge,
            desiredCount=1,
            loadBalancers=[{**lb, "containerName": "other"}],
        )
    assert _error(ei)[1] == "The container other does not exist in the task definition."
    # awsvpc tasks need an ip target group (the ELB domain's rule, applied by CreateService).
    vpc_td = lab.client("ecs").register_task_definition(
        family="vpc-app",
        networkMode="awsvpc",
        containerDefinitions=[
            {
                "name": "simple-app",
                "image": "httpd:2.4",
                "memory": 256,
                "portMappings": [{"containerPort": 80}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    net = {"awsvpcConfiguration": {"subnets": a["subnets"][:1]}}
    with pytest.raises(ClientError) as ei:
        ecs.create_service(
            cluster="MyCluster",
            serviceName="vpc",
            taskDefinition=vpc_td,
            desiredCount=1,
            networkConfiguration=net,
            loadBalancers=[lb],
        )
    code, message = _error(ei)
    assert code == "InvalidParameterException"
    assert message == (
        f"The provided target group {a['tg']} has target type instance, which is incompatible "
        "with the awsvpc network mode specified in the task definition."
    )
    ok = ecs.create_service(
        cluster="MyCluster",
        serviceName="vpc",
        taskDefinition=vpc_td,
        desiredCount=1,
        networkConfiguration=net,
        loadBalancers=[{**lb, "targetGroupArn": ip}],
    )["service"]
    lab.advance("4m")
    [t] = describe_tasks(lab, task_arns(lab, "vpc"))
    eni_ip = t["containers"][0]["networkInterfaces"][0]["privateIpv4Address"]
    health = lab.elb.target_health(ip)
    assert health[["target", "port", "state"]].values.tolist() == [[eni_ip, 80, "healthy"]]
    assert ok["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == a["subnets"][:1]


def alb_ip_group(lab, a) -> str:
    elb = lab.client("elbv2")
    tg = elb.create_target_group(
        Name="web-ip",
        Protocol="HTTP",
        Port=80,
        VpcId=a["vpc"],
        TargetType="ip",
        HealthCheckIntervalSeconds=10,
        HealthyThresholdCount=2,
    )["TargetGroups"][0]["TargetGroupArn"]
    listener = elb.describe_listeners(LoadBalancerArn=a["lb"])["Listeners"][0]
    elb.create_listener(
        LoadBalancerArn=a["lb"],
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    assert listener["Port"] == 80
    return tg


def test_list_services_filters_and_pages(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "web", command=SLEEP)
    for n in range(12):
        ecs.create_service(
            cluster="MyCluster", serviceName=f"s{n:02d}", taskDefinition=td, desiredCount=0
        )
    first = ecs.list_services(cluster="MyCluster")
    assert len(first["serviceArns"]) == 10 and first["nextToken"]
    rest = ecs.list_services(cluster="MyCluster", nextToken=first["nextToken"])
    assert [a.rsplit("/", 1)[1] for a in rest["serviceArns"]] == ["s10", "s11"]
    assert "nextToken" not in rest
    assert ecs.list_services(cluster="MyCluster", launchType="FARGATE")["serviceArns"] == []
    assert (
        len(
            ecs.list_services(cluster="MyCluster", schedulingStrategy="REPLICA", maxResults=100)[
                "serviceArns"
            ]
        )
        == 12
    )
    got = ecs.describe_services(cluster="MyCluster", services=["s00", "nope"])
    assert got["failures"] == [
        {"arn": "arn:aws:ecs:ap-east-1:123456789012:service/MyCluster/nope", "reason": "MISSING"}
    ]


def test_cluster_counts_statistics_delete_and_tags(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "web", command=SLEEP)
    arn = ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td,
        desiredCount=1,
        tags=[{"key": "team", "value": "blue"}],
    )["service"]["serviceArn"]
    lab.advance("1m")
    c = ecs.describe_clusters(clusters=["MyCluster"], include=["STATISTICS"])["clusters"][0]
    assert c["activeServicesCount"] == 1 and c["runningTasksCount"] == 1
    stats = {s["name"]: s["value"] for s in c["statistics"]}
    assert stats["activeEC2ServiceCount"] == "1" and stats["activeFargateServiceCount"] == "0"
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "blue"}]
    desc = ecs.describe_services(cluster="MyCluster", services=[arn], include=["TAGS"])["services"][
        0
    ]
    assert desc["tags"] == [{"key": "team", "value": "blue"}]
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    lab.advance("1m")
    for inst in ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]:
        ecs.deregister_container_instance(cluster="MyCluster", containerInstance=inst, force=True)
    with pytest.raises(ClientError) as ei:
        ecs.delete_cluster(cluster="MyCluster")
    assert _error(ei) == (
        "ClusterContainsServicesException",
        "The Cluster cannot be deleted while Services are active.",
    )
    ecs.delete_service(cluster="MyCluster", service="web")
    lab.advance("1m")
    assert ecs.delete_cluster(cluster="MyCluster")["cluster"]["status"] == "INACTIVE"
