"""Task definitions through the real aws CLI (in-process), and save/load replay equality."""

import json

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from ecslab import Lab, examples
from ecslab.api.dispatch import handle_http

ARN = "arn:aws:ecs:ap-east-1:123456789012:task-definition/"


def simple(family="web", **over):
    out = {
        "family": family,
        "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}],
    }
    out.update(over)
    return out


def test_real_aws_cli_cli_input_json(lab, capsys):
    """`aws ecs register-task-definition --cli-input-json file://sleep360.json`, the real aws CLI."""
    from awscli.clidriver import create_clidriver

    class Raw:
        def __init__(self, body):
            self.body = body

        def stream(self, **_):
            yield self.body

        def read(self, *_):
            return self.body

    def answer(request, **_):
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else bytes(body)
        resp = handle_http(lab, request.method, request.url, dict(request.headers), body)
        return AWSResponse(request.url, resp.status, resp.headers, Raw(resp.body))

    driver = create_clidriver()
    driver.session.register("before-send", answer)
    common = [
        "--region",
        "ap-east-1",
        "--endpoint-url",
        "https://ecs.ap-east-1.in-process.ecslab.invalid",
    ]
    uri = examples.taskdef_uri("sleep360")
    rc = driver.main(
        ["ecs", "register-task-definition", "--cli-input-json", uri, "--output", "json", *common]
    )
    out = capsys.readouterr()
    assert rc == 0, out.err
    td = json.loads(out.out)["taskDefinition"]
    assert td["taskDefinitionArn"] == ARN + "sleep360:1" and td["status"] == "ACTIVE"
    rc = driver.main(
        ["ecs", "deregister-task-definition", "--task-definition", "sleep360", *common]
    )
    assert rc == 255
    assert (
        "(ClientException) when calling the DeregisterTaskDefinition operation: Revision is missing."
        in capsys.readouterr().err
    )


def test_save_load_replays_families_and_revisions(tmp_path):
    lab = Lab(seed=5)
    ecs = lab.client("ecs")
    ecs.register_task_definition(**examples.taskdef("sleep360"))
    ecs.register_task_definition(**examples.taskdef("sleep360"))
    ecs.register_task_definition(
        **examples.taskdef("sample-app"), tags=[{"key": "k", "value": "v"}]
    )
    lab.advance("5m")
    ecs.deregister_task_definition(taskDefinition="sleep360:1")
    ecs.delete_task_definitions(taskDefinitions=["sleep360:1"])
    try:
        ecs.register_task_definition(family="bad", containerDefinitions=[])
    except ClientError:
        pass
    ecs.register_task_definition(**simple("web", networkMode="awsvpc", cpu="1 vCPU", memory="2GB"))

    def answers(x):
        c = x.client("ecs")
        out = {
            s: c.list_task_definitions(status=s)["taskDefinitionArns"]
            for s in ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")
        }
        out["families"] = c.list_task_definition_families()["families"]
        out["described"] = [
            c.describe_task_definition(taskDefinition=a, include=["TAGS"])
            for arns in list(out.values())
            for a in arns
            if a.startswith("arn:")
        ]
        for d in out["described"]:
            d.pop("ResponseMetadata")
        return out

    path = lab.save(tmp_path / "lab.jsonl")
    loaded = Lab.load(path)
    assert answers(loaded) == answers(lab)
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    for x in (lab, loaded):  # both carry on numbering alike
        assert (
            x.client("ecs").register_task_definition(**examples.taskdef("sleep360"))[
                "taskDefinition"
            ]["revision"]
            == 3
        )
