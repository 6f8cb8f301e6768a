"""Replay (Lab.save / Lab.load) reproduces the state the agent/ops calls of issue 16 made."""

from __future__ import annotations

import json

from servicekit import task_arns
from taskkit import ECS_AMI, instances, taskdef

from ecslab import Lab


def scenario(lab: Lab) -> None:
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster")
    ecs.update_cluster(
        cluster="MyCluster",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration={"executeCommandConfiguration": {"logging": "DEFAULT"}},
        serviceConnectDefaults={"namespace": "shop"},
    )
    instances(lab, 1)
    ami = lab.client("ssm").get_parameter(Name=ECS_AMI)["Parameter"]["Value"]
    iid = lab.client("ec2").run_instances(
        ImageId=ami,
        InstanceType="m5.large",
        MinCount=1,
        MaxCount=1,
        UserData="ECS_CLUSTER=nowhere\n",
        IamInstanceProfile={"Name": "ecsInstanceRole"},
    )["Instances"][0]["InstanceId"]
    lab.advance("1m")
    ci = ecs.register_container_instance(
        cluster="MyCluster",
        instanceIdentityDocument=json.dumps({"instanceId": iid}),
        versionInfo={"agentVersion": "1.80.0"},
    )["containerInstance"]["containerInstanceArn"]
    ecs.update_container_agent(cluster="MyCluster", containerInstance=ci)
    td = taskdef(lab, "web", command=("sleep", "infinity"))
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td,
        desiredCount=2,
        serviceConnectConfiguration={"enabled": True},
    )
    lab.advance("1m")
    arns = sorted(task_arns(lab))
    ecs.update_task_protection(
        cluster="MyCluster", tasks=arns[:1], protectionEnabled=True, expiresInMinutes=10
    )
    ecs.submit_task_state_change(cluster="MyCluster", task=arns[0], status="RUNNING")
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    act = lab.client("ssm").create_activation(IamRole="ecsAnywhereRole")
    lab.register_external_instance(
        cluster="MyCluster",
        activation_id=act["ActivationId"],
        activation_code=act["ActivationCode"],
    )
    ecs.run_task(cluster="MyCluster", taskDefinition=td, launchType="EXTERNAL")
    lab.advance("3m")


def answers(lab: Lab) -> dict:
    ecs = lab.client("ecs")
    tasks = sorted(task_arns(lab))  # the service's tasks
    cis = ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
    return {
        "cluster": ecs.describe_clusters(clusters=["MyCluster"])["clusters"],
        "cis": ecs.describe_container_instances(cluster="MyCluster", containerInstances=cis)[
            "containerInstances"
        ],
        "tasks": sorted(task_arns(lab)),
        "all": sorted(ecs.list_tasks(cluster="MyCluster")["taskArns"]),
        "acts": lab.client("ssm").describe_activations()["ActivationList"],
        "ns": ecs.list_services_by_namespace(namespace="shop")["serviceArns"],
        "prot": tasks
        and ecs.get_task_protection(cluster="MyCluster", tasks=tasks)["protectedTasks"],
    }


def test_replay_reproduces_agent_and_protection_state(tmp_path):
    lab = Lab(seed=5)
    scenario(lab)
    before = answers(lab)
    assert len(before["tasks"]) == 1 and before["prot"][0]["protectionEnabled"]
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert answers(loaded) == before
    assert loaded.events.equals(lab.events)
    for x in (lab, loaded):
        x.advance("10m")  # protection expires; the scale-in finishes in both
    assert answers(loaded) == answers(lab)
    assert answers(lab)["tasks"] == []
