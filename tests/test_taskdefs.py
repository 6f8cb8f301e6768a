"""Task definition operations through a real boto3 client (CLI and replay: test_taskdef_cli_replay)."""

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from ecslab import examples

ARN = "arn:aws:ecs:ap-east-1:123456789012:task-definition/"
ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
ECR = "123456789012.dkr.ecr.ap-east-1.amazonaws.com/web:1"


def err(excinfo):
    e = excinfo.value.response["Error"]
    return e["Code"], e["Message"]


def simple(family="web", **over):
    out = {
        "family": family,
        "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}],
    }
    out.update(over)
    return out


def test_sleep360_example_registers_and_describes_like_aws(ecs, lab):
    body = examples.taskdef("sleep360")
    assert body == json.loads(examples.taskdef_path("sleep360").read_text())
    lab.advance("90s")
    td = ecs.register_task_definition(**body)["taskDefinition"]
    described = ecs.describe_task_definition(taskDefinition="sleep360")["taskDefinition"]
    assert described == td
    assert td["taskDefinitionArn"] == ARN + "sleep360:1"
    assert td["family"] == "sleep360" and td["revision"] == 1 and td["status"] == "ACTIVE"
    assert td["compatibilities"] == ["EXTERNAL", "EC2"]  # as in the aws-cli example output
    assert td["registeredAt"] == lab.start + timedelta(seconds=90)
    assert td["registeredBy"] == "arn:aws:iam::123456789012:root"
    assert td["volumes"] == [] and td["placementConstraints"] == []
    # Nothing in sleep360 needs an instance attribute, and networkMode/cpu/memory were not given:
    # AWS leaves all of them out of the output, and so does ecslab.
    for absent in ("requiresAttributes", "networkMode", "cpu", "memory", "requiresCompatibilities"):
        assert absent not in td
    assert td["containerDefinitions"] == [
        {
            "name": "sleep",
            "image": "busybox",
            "cpu": 10,
            "command": ["sleep", "360"],
            "memory": 10,
            "essential": True,
            "portMappings": [],
            "environment": [],
            "mountPoints": [],
            "volumesFrom": [],
        }
    ]


def test_sample_app_example(ecs):
    td = ecs.register_task_definition(**examples.taskdef("sample-app"))["taskDefinition"]
    (app,) = td["containerDefinitions"]
    assert (app["name"], app["image"], app["cpu"], app["memory"]) == (
        "simple-app",
        "httpd:2.4",
        10,
        300,
    )
    assert app["portMappings"] == [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}]
    assert app["entryPoint"] == ["sh", "-c"]
    assert "httpd-foreground" in app["command"][0]
    assert examples.taskdef_uri("sample-app").startswith("file:///")
    with pytest.raises(ValueError, match="known: sleep360, sample-app"):
        examples.taskdef("nope")


def test_revisions_and_references(ecs, lab):
    for image in ("nginx:1", "nginx:2", "nginx:3"):
        body = simple(containerDefinitions=[{"name": "app", "image": image, "memory": 128}])
        ecs.register_task_definition(**body)
    for ref, rev in (("web", 3), ("web:2", 2), (ARN + "web:1", 1)):
        td = ecs.describe_task_definition(taskDefinition=ref)["taskDefinition"]
        assert td["revision"] == rev and td["containerDefinitions"][0]["image"] == f"nginx:{rev}"
    kinds = lab.events.query("origin == 'fact'")["kind"].tolist()
    assert kinds == ["TaskDefinitionRegistered"] * 3
    detail = lab.events.iloc[-1]["detail"]
    assert (
        detail["family"] == "web" and detail["revision"] == 3 and detail["network_mode"] == "bridge"
    )


@pytest.mark.parametrize(
    "ref,code,message",
    [
        ("nope", "ClientException", "Unable to describe task definition."),
        ("web:9", "ClientException", "Unable to describe task definition."),
        ("web:abc", "ClientException", "Invalid revision number. Number: abc"),
        (
            "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            "ClientException",
            "Unable to describe task definition.",
        ),
        (
            "arn:aws:ecs:ap-east-1:123456789012:cluster/web",
            "InvalidParameterException",
            "Invalid Arn",
        ),
    ],
)
def test_describe_errors(ecs, ref, code, message):
    ecs.register_task_definition(**simple())
    with pytest.raises(ClientError) as ei:
        ecs.describe_task_definition(taskDefinition=ref)
    assert err(ei) == (code, message)


def test_deregister_needs_a_revision_and_leaves_it_describable(ecs, lab):
    ecs.register_task_definition(**simple())
    ecs.register_task_definition(**simple())
    n = len(lab.events)
    with pytest.raises(ClientError) as ei:
        ecs.deregister_task_definition(taskDefinition="web")
    assert err(ei) == ("ClientException", "Revision is missing.")
    assert len(lab.events) == n
    lab.advance("1m")
    td = ecs.deregister_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert td["status"] == "INACTIVE" and td["deregisteredAt"] == lab.now
    assert lab.events.iloc[-1]["kind"] == "TaskDefinitionDeregistered"
    # Still describable by revision; the bare family now means the latest ACTIVE revision.
    assert (
        ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]["status"]
        == "INACTIVE"
    )
    assert ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]["revision"] == 1
    # Deregistering again changes nothing.
    n = len(lab.events)
    assert ecs.deregister_task_definition(taskDefinition=ARN + "web:2")["taskDefinition"] == td
    assert lab.events.iloc[n:]["kind"].tolist() == ["ApiCalled"]
    with pytest.raises(ClientError) as ei:
        ecs.deregister_task_definition(taskDefinition="web:7")
    assert err(ei) == ("ClientException", "Unable to describe task definition.")


def test_resolve_for_new_tasks_rejects_inactive(ecs, lab):
    ecs.register_task_definition(**simple())
    ecs.register_task_definition(**simple())
    ecs.deregister_task_definition(taskDefinition="web:1")
    assert lab.taskdefs.resolve("web", for_use=True).revision == 2
    assert lab.taskdefs.resolve("web:1").status == "INACTIVE"
    for ref, message in (
        ("web:1", "TaskDefinition is inactive"),
        ("ghost", "TaskDefinition not found."),
    ):
        with pytest.raises(Exception) as ei:
            lab.taskdefs.resolve(ref, for_use=True)
        assert (ei.value.code, ei.value.message) == ("ClientException", message)
    ecs.deregister_task_definition(taskDefinition="web:2")
    with pytest.raises(Exception) as ei:
        lab.taskdefs.resolve("web", for_use=True)
    assert ei.value.message == "TaskDefinition not found."


def test_list_task_definitions_sort_status_family_and_pages(ecs):
    for family in ("zeta", "alpha", "alpha", "mid"):
        ecs.register_task_definition(**simple(family))
    ecs.deregister_task_definition(taskDefinition="alpha:1")
    asc = ecs.list_task_definitions()["taskDefinitionArns"]
    assert asc == [ARN + "alpha:2", ARN + "mid:1", ARN + "zeta:1"]
    desc = ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"]
    assert desc == asc[::-1]
    assert ecs.list_task_definitions(familyPrefix="alpha")["taskDefinitionArns"] == [
        ARN + "alpha:2"
    ]
    assert (
        ecs.list_task_definitions(familyPrefix="alp")["taskDefinitionArns"] == []
    )  # full family name
    assert ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == [ARN + "alpha:1"]
    first = ecs.list_task_definitions(maxResults=2)
    assert first["taskDefinitionArns"] == asc[:2] and "nextToken" in first
    rest = ecs.list_task_definitions(maxResults=2, nextToken=first["nextToken"])
    assert rest["taskDefinitionArns"] == asc[2:] and "nextToken" not in rest
    pages = ecs.get_paginator("list_task_definitions").paginate(PaginationConfig={"PageSize": 1})
    assert [a for p in pages for a in p["taskDefinitionArns"]] == asc
    for bad in ({"status": "GONE"}, {"sort": "UP"}, {"familyPrefix": "a b"}, {"maxResults": 101}):
        with pytest.raises(ClientError) as ei:
            ecs.list_task_definitions(**bad)
        assert err(ei)[0] == "InvalidParameterException"


def test_families_active_inactive_and_coming_back(ecs):
    for family in ("web", "worker", "web-api"):
        ecs.register_task_definition(**simple(family))
    ecs.deregister_task_definition(taskDefinition="worker:1")
    fam = ecs.list_task_definition_families
    assert fam()["families"] == ["web", "worker", "web-api"]
    assert fam(status="ALL", familyPrefix="web")["families"] == ["web", "web-api"]
    assert fam(status="ACTIVE")["families"] == ["web", "web-api"]
    assert fam(status="INACTIVE")["families"] == ["worker"]
    # A new revision brings the family back to ACTIVE; numbering continues.
    td = ecs.register_task_definition(**simple("worker"))["taskDefinition"]
    assert td["revision"] == 2
    assert fam(status="INACTIVE")["families"] == []
    assert fam(maxResults=1, status="ACTIVE")["families"] == ["web"]


def test_delete_task_definitions(ecs, lab):
    ecs.register_task_definition(**simple())
    ecs.register_task_definition(**simple())
    ecs.deregister_task_definition(taskDefinition="web:1")
    lab.advance("2m")
    r = ecs.delete_task_definitions(taskDefinitions=["web:1", "web:2", "web:9", "web"])
    (deleted,) = r["taskDefinitions"]
    assert deleted["taskDefinitionArn"] == ARN + "web:1"
    assert deleted["status"] == "DELETE_IN_PROGRESS" and deleted["deleteRequestedAt"] == lab.now
    assert r["failures"] == [
        {
            "arn": ARN + "web:2",
            "reason": "The specified task definition is still in ACTIVE status. Please deregister the target and try again.",
        },
        {"arn": ARN + "web:9", "reason": "The specified task definition does not exist."},
        {"arn": "web", "reason": "Revision is missing."},
    ]
    assert lab.events.iloc[-1]["kind"] == "TaskDefinitionDeleted"
    assert ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"] == [
        ARN + "web:1"
    ]
    assert (
        ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]["status"]
        == "DELETE_IN_PROGRESS"
    )
    assert ecs.register_task_definition(**simple())["taskDefinition"]["revision"] == 3
    with pytest.raises(ClientError) as ei:
        ecs.delete_task_definitions(taskDefinitions=[f"web:{i}" for i in range(11)])
    assert err(ei)[0] == "InvalidParameterException"


def test_tags_on_task_definitions(ecs, lab):
    r = ecs.register_task_definition(**simple(tags=[{"key": "team", "value": "web"}]))
    arn = r["taskDefinition"]["taskDefinitionArn"]
    assert r["tags"] == [{"key": "team", "value": "web"}]
    assert "tags" not in ecs.describe_task_definition(taskDefinition="web")
    got = ecs.describe_task_definition(taskDefinition="web", include=["TAGS"])
    assert got["tags"] == [{"key": "team", "value": "web"}]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"}])
    ecs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "env", "value": "dev"}]
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=ARN + "web:5", tags=[{"key": "a", "value": "b"}])
    assert err(ei)[0] == "ResourceNotFoundException"
    n = len(lab.events)
    with pytest.raises(ClientError) as ei:
        ecs.register_task_definition(**simple(tags=[{"key": "aws:x", "value": "1"}]))
    assert err(ei)[0] == "InvalidParameterException" and len(lab.events) == n


def test_fargate_definition_sizes_compatibilities_and_attributes(ecs):
    td = ecs.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu=".25 vcpu",
        memory="0.5GB",
        executionRoleArn=ROLE,
        taskRoleArn="arn:aws:iam::123456789012:role/api",
        containerDefinitions=[
            {
                "name": "api",
                "image": ECR,
                "portMappings": [{"containerPort": 8080}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/api"},
                },
                "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost:8080 || exit 1"]},
            }
        ],
    )["taskDefinition"]
    assert (td["cpu"], td["memory"], td["networkMode"]) == ("256", "512", "awsvpc")
    assert td["compatibilities"] == ["EC2", "FARGATE"]
    assert td["requiresCompatibilities"] == ["FARGATE"]
    assert [a["name"] for a in td["requiresAttributes"]] == [
        "com.amazonaws.ecs.capability.docker-remote-api.1.18",
        "com.amazonaws.ecs.capability.logging-driver.awslogs",
        "com.amazonaws.ecs.capability.docker-remote-api.1.19",
        "ecs.capability.execution-role-awslogs",
        "com.amazonaws.ecs.capability.ecr-auth",
        "ecs.capability.execution-role-ecr-pull",
        "ecs.capability.container-health-check",
        "com.amazonaws.ecs.capability.docker-remote-api.1.24",
        "com.amazonaws.ecs.capability.task-iam-role",
        "ecs.capability.task-eni",
    ]
    (api,) = td["containerDefinitions"]
    assert api["portMappings"] == [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}]
    assert api["healthCheck"]["interval"] == 30 and api["healthCheck"]["timeout"] == 5
    assert api["healthCheck"]["retries"] == 3 and "startPeriod" not in api["healthCheck"]
    assert api["cpu"] == 0 and api["essential"] is True


@pytest.mark.parametrize(
    "cpu,memory,want",
    [
        ("1 vCPU", "2 GB", ("1024", "2048")),
        ("1024", "2048", ("1024", "2048")),
        ("0.5 vcpu", "1GB", ("512", "1024")),
        ("2 vCPU", "4096", ("2048", "4096")),
        ("16 vCPU", "120 GB", ("16384", "122880")),
    ],
)
def test_task_size_forms_normalise_and_fargate_decides(ecs, cpu, memory, want):
    td = ecs.register_task_definition(**simple(networkMode="awsvpc", cpu=cpu, memory=memory))[
        "taskDefinition"
    ]
    assert (td["cpu"], td["memory"]) == want
    assert td["compatibilities"] == ["EC2", "FARGATE"]


def test_not_fargate_compatible_when_not_required(ecs):
    # A valid EC2 definition that breaks a Fargate rule registers, without FARGATE compatibility.
    td = ecs.register_task_definition(**simple(networkMode="awsvpc", cpu="256", memory="4096"))
    assert td["taskDefinition"]["compatibilities"] == ["EC2"]


def test_bridge_dynamic_host_port(ecs):
    body = simple(
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx",
                "memory": 128,
                "portMappings": [
                    {"containerPort": 80},
                    {"containerPort": 53, "hostPort": 5353, "protocol": "udp"},
                ],
            }
        ]
    )
    pm = ecs.register_task_definition(**body)["taskDefinition"]["containerDefinitions"][0][
        "portMappings"
    ]
    assert pm == [
        {"containerPort": 80, "hostPort": 0, "protocol": "tcp"},
        {"containerPort": 53, "hostPort": 5353, "protocol": "udp"},
    ]
