"""ListTasks filters and pagination, DescribeTasks (TAGS, MISSING), StartTask, tagging, and
save/load replay equality for the task operations."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from taskkit import cluster, fargate_def, instances, subnets, taskdef

from ecslab import Lab


def test_list_tasks_filters_and_pagination(lab, ecs):
    a, b = cluster(lab, 2)
    app, web = taskdef(lab, "app", cpu=64, memory=64), taskdef(lab, "web", cpu=64, memory=64)
    on_a = ecs.start_task(
        cluster="MyCluster", taskDefinition=app, containerInstances=[a] * 3, startedBy="me"
    )
    on_b = ecs.start_task(cluster="MyCluster", taskDefinition=web, containerInstances=[b, b])
    fg = ecs.run_task(
        cluster="MyCluster",
        taskDefinition=fargate_def(lab, "fg"),
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}
        },
    )
    arns_a = [t["taskArn"] for t in on_a["tasks"]]
    arns_b = [t["taskArn"] for t in on_b["tasks"]]
    fg_arn = fg["tasks"][0]["taskArn"]
    ls = lambda **kw: ecs.list_tasks(cluster="MyCluster", **kw)["taskArns"]  # noqa: E731
    assert ls() == arns_a + arns_b + [fg_arn]
    assert ls(family="app") == arns_a
    assert ls(containerInstance=b) == arns_b
    assert ls(containerInstance=b.rsplit("/", 1)[1]) == arns_b
    assert ls(startedBy="me") == arns_a
    assert ls(launchType="FARGATE") == [fg_arn]
    assert ls(launchType="EC2") == arns_a + arns_b
    assert ls(desiredStatus="STOPPED") == []
    assert ls(serviceName="svc") == []
    ecs.stop_task(cluster="MyCluster", task=arns_b[0])
    assert ls(desiredStatus="STOPPED") == [arns_b[0]]
    assert arns_b[0] not in ls()
    # Pagination: pages of 2, opaque tokens, same order.
    got, token = [], None
    while True:
        page = ecs.list_tasks(
            cluster="MyCluster", maxResults=2, **({"nextToken": token} if token else {})
        )
        got += page["taskArns"]
        token = page.get("nextToken")
        if not token:
            break
    assert got == ls()
    paginator = ecs.get_paginator("list_tasks")
    assert [
        x
        for p in paginator.paginate(cluster="MyCluster", PaginationConfig={"PageSize": 1})
        for x in p["taskArns"]
    ] == ls()
    with pytest.raises(ClientError) as e:
        ecs.list_tasks(cluster="MyCluster", maxResults=101)
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"


def test_describe_tasks_tags_and_missing(lab, ecs):
    cluster(lab)
    td = taskdef(lab, "app")
    ecs.tag_resource(
        resourceArn=ecs.describe_task_definition(taskDefinition=td)["taskDefinition"][
            "taskDefinitionArn"
        ],
        tags=[{"key": "team", "value": "blue"}],
    )
    t = ecs.run_task(
        cluster="MyCluster",
        taskDefinition=td,
        tags=[{"key": "env", "value": "dev"}],
        propagateTags="TASK_DEFINITION",
    )["tasks"][0]
    arn, task_id = t["taskArn"], t["taskArn"].rsplit("/", 1)[1]
    plain = ecs.describe_tasks(cluster="MyCluster", tasks=[arn])["tasks"][0]
    assert plain["tags"] == []
    tagged = ecs.describe_tasks(cluster="MyCluster", tasks=[task_id], include=["TAGS"])["tasks"][0]
    assert sorted((x["key"], x["value"]) for x in tagged["tags"]) == [
        ("env", "dev"),
        ("team", "blue"),
    ]
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == tagged["tags"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "x", "value": "y"}])
    assert len(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == 3
    ghost = "0123456789abcdef0123456789abcdef"
    other = f"arn:aws:ecs:ap-east-1:123456789012:task/Other/{task_id}"
    resp = ecs.describe_tasks(cluster="MyCluster", tasks=[arn, ghost, other])
    assert [x["taskArn"] for x in resp["tasks"]] == [arn]
    assert resp["failures"] == [
        {"arn": f"arn:aws:ecs:ap-east-1:123456789012:task/MyCluster/{ghost}", "reason": "MISSING"},
        {"arn": other, "reason": "MISSING"},
    ]
    with pytest.raises(ClientError) as e:
        ecs.describe_tasks(
            cluster="MyCluster", tasks=["arn:aws:ecs:ap-east-1:123456789012:cluster/x"]
        )
    assert e.value.response["Error"]["Message"] == "Invalid Arn"


def test_start_task_named_instances_and_failures(lab, ecs):
    a, b = cluster(lab, 2)
    td = taskdef(lab, "big", cpu=1536, memory=256)
    ghost = "arn:aws:ecs:ap-east-1:123456789012:container-instance/MyCluster/" + "0" * 32
    resp = ecs.start_task(
        cluster="MyCluster", taskDefinition=td, containerInstances=[a, a, ghost], group="g1"
    )
    assert [t["containerInstanceArn"] for t in resp["tasks"]] == [a]
    assert resp["tasks"][0]["group"] == "g1"
    assert resp["failures"] == [
        {"arn": a, "reason": "RESOURCE:CPU"},
        {"arn": ghost, "reason": "MISSING"},
    ]
    ecs.deregister_container_instance(cluster="MyCluster", containerInstance=b)
    resp = ecs.start_task(cluster="MyCluster", taskDefinition=td, containerInstances=[b])
    assert resp["failures"] == [{"arn": b, "reason": "INACTIVE"}]
    with pytest.raises(ClientError) as e:
        ecs.start_task(cluster="MyCluster", taskDefinition=td, containerInstances=[a] * 11)
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"


def scenario(lab: Lab) -> None:
    ecs = lab.client("ecs")
    [a, b] = cluster(lab, 2)
    lab.client("logs").create_log_group(logGroupName="/ecs/app")
    td = taskdef(
        lab,
        "app",
        command=["sh", "-c", "echo hi; sleep 20"],
        portMappings=[{"containerPort": 80}],
        logConfiguration={
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/ecs/app", "awslogs-stream-prefix": "p"},
        },
        taskRoleArn="arn:aws:iam::123456789012:role/r",
    )
    ecs.run_task(cluster="MyCluster", taskDefinition=td, count=5, enableExecuteCommand=True)
    ecs.run_task(cluster="MyCluster", taskDefinition=taskdef(lab, "huge", cpu=9999), count=2)
    lab.advance("10s")
    arn = ecs.list_tasks(cluster="MyCluster")["taskArns"][0]
    ecs.execute_command(cluster="MyCluster", task=arn, command="env", interactive=True)
    ecs.stop_task(cluster="MyCluster", task=arn, reason="bye")
    instances(lab, 1)
    ecs.run_task(
        cluster="MyCluster",
        taskDefinition=fargate_def(lab, "fg"),
        launchType="FARGATE",
        count=3,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": subnets(lab), "assignPublicIp": "ENABLED"}
        },
    )
    lab.advance("2h")


def answers(lab: Lab) -> dict:
    ecs = lab.client("ecs")
    out = {}
    for status in ("RUNNING", "STOPPED"):
        arns = ecs.list_tasks(cluster="MyCluster", desiredStatus=status)["taskArns"]
        out[status] = ecs.describe_tasks(cluster="MyCluster", tasks=arns or ["x"], include=["TAGS"])
        out[status].pop("ResponseMetadata")
    cis = ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
    out["cis"] = ecs.describe_container_instances(cluster="MyCluster", containerInstances=cis)[
        "containerInstances"
    ]
    out["why"] = lab.why_not_placed("MyCluster").to_dict("records")
    return out


def test_save_load_replays_tasks(tmp_path):
    lab = Lab(seed=5)
    scenario(lab)
    path = lab.save(tmp_path / "tasks.jsonl")
    again = Lab.load(path)
    assert [e.to_json() for e in again.log] == [e.to_json() for e in lab.log]
    assert answers(again) == answers(lab)
    assert again.costs().equals(lab.costs())


def test_list_container_instances_full_query_language(lab, ecs):
    a, b = cluster(lab, 2)
    ecs.start_task(cluster="MyCluster", taskDefinition=taskdef(lab, "app"), containerInstances=[a])

    def f(expression):
        return ecs.list_container_instances(cluster="MyCluster", filter=expression)[
            "containerInstanceArns"
        ]

    assert f("runningTasksCount == 0") == [b]  # the pending task counts on instance a
    assert f("task:group == family:app") == [a]
    assert f("agentConnected == true and attribute:ecs.os-type == linux") == [a, b]
    assert f("not(attribute:stack exists)") == [a, b]
    with pytest.raises(ClientError) as e:
        f("attribute:ecs.instance-type ==")
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"
