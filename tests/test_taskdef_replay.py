"""Task definitions: save/load replay equality (the aws CLI path is in tests/test_cli_walkthrough.py)."""

from botocore.exceptions import ClientError

from ecslab import Lab, examples

ARN = "arn:aws:ecs:ap-east-1:123456789012:task-definition/"


def simple(family="web", **over):
    out = {
        "family": family,
        "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}],
    }
    out.update(over)
    return out


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
