"""The shape walker itself, and the protocol facts the dispatch relies on."""

import json

import pytest

from ecslab.api.models import operation_model, service_model
from ecslab.api.wire import check_input, check_output, to_wire


def shape():
    return operation_model("ecs", "DescribeClusters").output_shape


GOOD = {
    "clusters": [
        {
            "clusterArn": "arn:aws:ecs:ap-east-1:123456789012:cluster/a",
            "status": "ACTIVE",
            "registeredContainerInstancesCount": 0,
            "settings": [{"name": "containerInsights", "value": "enabled"}],
        }
    ],
    "failures": [],
}


def test_walker_accepts_a_good_body():
    assert check_output(shape(), GOOD) == []


@pytest.mark.parametrize(
    "mutate,expect",
    [
        (lambda b: b["clusters"][0].update(clusterARN="x"), "unknown member"),
        (
            lambda b: b["clusters"][0].update(registeredContainerInstancesCount="0"),
            "expected integer",
        ),
        (
            lambda b: b["clusters"][0].update(registeredContainerInstancesCount=True),
            "expected integer",
        ),
        (
            lambda b: b["clusters"][0]["settings"][0].update(name="containerinsights"),
            "is not one of",
        ),
        (lambda b: b.update(clusters={}), "expected array"),
        (lambda b: b["clusters"][0].update(status=None), "null"),
    ],
)
def test_walker_catches_mistakes(mutate, expect):
    body = json.loads(json.dumps(GOOD))
    mutate(body)
    problems = check_output(shape(), body)
    assert problems and expect in problems[0]


def test_walker_requires_epoch_timestamps():
    out = operation_model("ecs", "DescribeTaskDefinition").output_shape
    ok = {"taskDefinition": {"registeredAt": 1736154000.0}}
    assert check_output(out, ok) == []
    bad = {"taskDefinition": {"registeredAt": "2025-01-06T09:00:00Z"}}
    assert "expected timestamp" in check_output(out, bad)[0]


def test_to_wire_converts_and_rejects_unknown_members():
    from datetime import datetime, timezone

    out = operation_model("ecs", "DescribeTaskDefinition").output_shape
    body = to_wire(
        out,
        {
            "taskDefinition": {
                "registeredAt": datetime(2025, 1, 6, 9, tzinfo=timezone.utc),
                "family": None,
            }
        },
    )
    assert body == {"taskDefinition": {"registeredAt": 1736154000.0}}
    with pytest.raises(Exception, match="not a member"):
        to_wire(out, {"taskDefinition": {"familyName": "x"}})


def test_check_input_types_and_required():
    inp = operation_model("ecs", "DeleteCluster").input_shape
    assert check_input(inp, {"cluster": "a"}) == []
    assert "missing required" in check_input(inp, {})[0]
    assert "expected string" in check_input(inp, {"cluster": 5})[0]


@pytest.mark.parametrize("service", ["ecs", "ecr"])
def test_ecs_and_ecr_speak_json_1_1(service):
    """If botocore ever moves ECS/ECR to another protocol (e.g. smithy-rpc-v2-cbor) this fails."""
    import boto3

    md = service_model(service).metadata
    assert md["protocol"] == "json" and md["jsonVersion"] == "1.1"
    client = boto3.client(
        service, region_name="ap-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    assert client.meta.service_model.resolved_protocol == "json"
