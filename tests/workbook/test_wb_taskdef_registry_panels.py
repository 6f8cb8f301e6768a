"""The task definition editor and the registry panel driven through their methods and buttons
against a real lab; assertions on the lab's state through its clients."""

import json

import pytest

from ecslab.registry import build_image
from workbook.panels import RegistryPanel, TaskDefinitionPanel
from workbook.views.taskdefs import TaskDefForm

ARN = "arn:aws:ecs:ap-east-1:123456789012:task-definition/"


def test_editor_form_writes_the_json_it_registers(lab, ecs):
    panel = TaskDefinitionPanel(lab)
    assert json.loads(panel.json_text) == {
        "family": "web",
        "networkMode": "bridge",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [
            {
                "name": "web",
                "image": "httpd:2.4",
                "essential": True,
                "memory": 512,
                "portMappings": [{"containerPort": 80}],
            }
        ],
    }
    out = panel.register()
    assert out.ok and out.message == "registered web:1 (compatible with EXTERNAL, EC2)"
    td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert td["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 80, "hostPort": 0, "protocol": "tcp"}
    ]
    # Widget path: changing a form field rewrites the JSON; the button registers it.
    panel.fields["memory_reservation"].value = 256
    assert json.loads(panel.json_text)["containerDefinitions"][0]["memoryReservation"] == 256
    panel.register_button.click()
    assert panel.status_text == "✓ registered web:2 (compatible with EXTERNAL, EC2)"
    assert list(panel.revisions.index) == [1, 2]
    assert panel.revision_list.options == (("web:1 (ACTIVE)", "web:1"), ("web:2 (ACTIVE)", "web:2"))


def test_editor_shows_ecs_validation_errors_inline_and_changes_nothing(lab, ecs):
    panel = TaskDefinitionPanel(lab, TaskDefForm(family="api", launch_type="FARGATE"))
    n = len(lab.events)
    out = panel.register()
    assert not out.ok
    assert panel.error_text == "ClientException: Fargate only supports network mode ‘awsvpc’."
    assert "Fargate only supports network mode" in panel.errors.value
    panel.set_form(network_mode="awsvpc", task_cpu="256", task_memory="4096")
    panel.register()
    assert panel.error_text.startswith("ClientException: No Fargate configuration exists for given")
    panel.set_form(host_port=8080, task_memory="512")
    panel.register()
    assert panel.error_text == (
        "ClientException: When networkMode=awsvpc, the host ports and container ports in port "
        "mappings must match."
    )
    assert len(lab.events) == n
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []
    panel.set_form(host_port=None)
    assert panel.register().ok and panel.error_text == "" and panel.errors.value == ""
    td = ecs.describe_task_definition(taskDefinition="api:1")["taskDefinition"]
    assert td["compatibilities"] == ["EC2", "FARGATE"] and (td["cpu"], td["memory"]) == (
        "256",
        "512",
    )


def test_editor_raw_json_and_deregister(lab, ecs):
    panel = TaskDefinitionPanel(lab)
    panel.edit_json("{not json")
    assert panel.register().message.startswith("the JSON does not parse: Expecting property name")
    panel.edit_json(
        {"family": "sleep", "containerDefinitions": [{"name": "s", "image": "busybox"}]}
    )
    assert panel.register().message == (
        "ClientException: Invalid setting for container 's'. At least one of 'memory' or "
        "'memoryReservation' must be specified."
    )
    body = {
        "family": "sleep",
        "containerDefinitions": [{"name": "s", "image": "busybox", "memory": 16}],
    }
    panel.edit_json(body)
    panel.register()
    panel.register()
    assert panel.family == "sleep" and list(panel.revisions.index) == [1, 2]
    assert panel.deregister("sleep").message == "ClientException: Revision is missing."
    panel.revision_list.value = "sleep:1"
    panel.deregister_button.click()
    assert panel.status_text == "✓ sleep:1 is INACTIVE"
    assert ecs.describe_task_definition(taskDefinition="sleep:1")["taskDefinition"]["status"] == (
        "INACTIVE"
    )
    assert panel.revisions["status"].to_dict() == {1: "INACTIVE", 2: "ACTIVE"}
    with pytest.raises(ValueError, match="no form field colour"):
        panel.set_form(colour="red")


def test_registry_panel_push_retag_delete(lab):
    ecr = lab.client("ecr")
    panel = RegistryPanel(lab, repository="web")
    assert (
        panel.create().message == "repository web: 123456789012.dkr.ecr.ap-east-1.amazonaws.com/web"
    )
    assert panel.create().message.startswith("RepositoryAlreadyExistsException: The repository")
    first = panel.build_push(tag="latest", page="<h1>1</h1>")
    lab.advance("1m")
    panel.page.value = "<h1>2</h1>"
    panel.push_button.click()
    d1 = first.response["digest"]
    d2 = ecr.describe_images(repositoryName="web", imageIds=[{"imageTag": "latest"}])[
        "imageDetails"
    ][0]["imageDigest"]
    expected = build_image(
        "FROM httpd:2.4\nCOPY index.html /usr/local/apache2/htdocs/\n",
        files={"index.html": "<h1>2</h1>"},
    )
    assert d2 == expected.digest != d1  # the panel builds exactly what the builder builds
    rows = panel.images
    assert rows["tags"].tolist() == ["", "latest"] and rows["untagged"].tolist() == [True, False]
    assert rows["pushed_at"].tolist() == ["09:00:00", "09:01:00"]
    out = panel.retag("latest", "v2")
    assert out.message == f"web:v2 = {d2[:19]} (same as latest)"
    tags = ecr.describe_images(repositoryName="web", imageIds=[{"imageDigest": d2}])
    assert tags["imageDetails"][0]["imageTags"] == ["latest", "v2"]
    assert panel.retag("nope", "x").message == "ImageNotFound: Requested image not found"
    # Deleting one of two tags keeps the image; the untagged one goes with "Delete untagged".
    panel.delete("v2")
    assert panel.status_text == "✓ deleted v2"
    panel.untagged_button.click()
    assert panel.status_text == f"✓ deleted {d1[:19]}"
    assert ecr.list_images(repositoryName="web")["imageIds"] == [
        {"imageDigest": d2, "imageTag": "latest"}
    ]
    assert panel.delete_untagged().message == "web has no untagged images"
    bad = panel.delete("v9")
    assert not bad.ok and bad.message == "deleted nothing; ImageNotFound: Requested image not found"
    panel.delete(d2)
    assert ecr.list_images(repositoryName="web")["imageIds"] == []
    assert "No images in web" in panel.images_html.value


def test_registry_panel_build_errors(lab):
    panel = RegistryPanel(lab, repository="nope")
    out = panel.build_push(dockerfile="FROM ubuntu\n")
    assert not out.ok and out.message.startswith("FROM ubuntu: the builder knows scratch")
    out = panel.build_push(dockerfile="FROM busybox\nCOPY index.html /www/\n")
    assert out.message.startswith("push of nope:latest failed: 404 NAME_UNKNOWN")
    assert len(lab.events) == 0
