"""CloudWatch Logs subset through a real boto3 client."""

import pytest
from botocore.exceptions import ClientError

from ecslab import Lab


@pytest.fixture
def logs(lab):
    return lab.client("logs")


def test_groups_streams_events_round_trip(lab, logs):
    logs.create_log_group(logGroupName="/ecs/sleep360")
    logs.create_log_stream(logGroupName="/ecs/sleep360", logStreamName="ecs/sleep/abc")
    t0 = int(lab.now.timestamp() * 1000)
    logs.put_log_events(
        logGroupName="/ecs/sleep360",
        logStreamName="ecs/sleep/abc",
        logEvents=[
            {"timestamp": t0 + 5, "message": "second"},
            {"timestamp": t0, "message": "first"},
        ],
    )
    g = logs.describe_log_groups(logGroupNamePrefix="/ecs/")["logGroups"]
    assert [x["logGroupName"] for x in g] == ["/ecs/sleep360"]
    assert g[0]["arn"] == "arn:aws:logs:ap-east-1:123456789012:log-group:/ecs/sleep360:*"
    s = logs.describe_log_streams(logGroupName="/ecs/sleep360")["logStreams"][0]
    assert s["logStreamName"] == "ecs/sleep/abc"
    assert (s["firstEventTimestamp"], s["lastEventTimestamp"]) == (t0, t0 + 5)
    ev = logs.get_log_events(
        logGroupName="/ecs/sleep360", logStreamName="ecs/sleep/abc", startFromHead=True
    )["events"]
    assert [e["message"] for e in ev] == ["first", "second"]
    assert ev[0]["ingestionTime"] == t0


def test_errors(logs, lab):
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as ei:
        logs.create_log_stream(logGroupName="/missing", logStreamName="s")
    assert ei.value.response["Error"]["Message"] == "The specified log group does not exist."
    logs.create_log_group(logGroupName="g")
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName="g")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as ei:
        logs.get_log_events(logGroupName="g", logStreamName="nope")
    assert ei.value.response["Error"]["Message"] == "The specified log stream does not exist."
    with pytest.raises(ClientError) as ei:
        logs.create_log_group(logGroupName="bad name!")
    assert ei.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        logs.put_retention_policy(logGroupName="g", retentionInDays=2)
    assert ei.value.response["Error"]["Code"] == "InvalidParameterException"
    logs.put_retention_policy(logGroupName="g", retentionInDays=7)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 7
    logs.delete_log_group(logGroupName="g")
    assert logs.describe_log_groups()["logGroups"] == []


def test_logs_replay(tmp_path):
    lab = Lab(seed=2)
    logs = lab.client("logs")
    logs.create_log_group(logGroupName="/ecs/x")
    lab.advance("10s")
    logs.create_log_stream(logGroupName="/ecs/x", logStreamName="s")
    logs.put_log_events(
        logGroupName="/ecs/x", logStreamName="s", logEvents=[{"timestamp": 1, "message": "hi"}]
    )
    loaded = Lab.load(lab.save(tmp_path / "l.jsonl"))
    a = loaded.client("logs").get_log_events(logGroupName="/ecs/x", logStreamName="s")["events"]
    b = lab.client("logs").get_log_events(logGroupName="/ecs/x", logStreamName="s")["events"]
    assert a == b == [{"timestamp": 1, "message": "hi", "ingestionTime": 1736154010000}]
