import pandas as pd

from ecslab import Lab
from ecslab.core.events import COLUMNS, DTYPES, EventLog, check_schema


def test_event_table_schema_is_declared_and_typed(ecs, lab):
    ecs.create_cluster(clusterName="a")
    ecs.create_cluster(clusterName="b")
    df = lab.events
    check_schema(df)
    assert list(df.columns) == COLUMNS
    assert {c: str(df[c].dtype) for c in COLUMNS} == DTYPES
    assert list(df["origin"]) == ["input", "fact", "input", "fact"]
    assert list(df["kind"]) == ["ApiCalled", "ClusterCreated", "ApiCalled", "ClusterCreated"]
    assert df["seq"].tolist() == [0, 1, 2, 3]
    assert df.loc[1, "resource"] == "arn:aws:ecs:ap-east-1:123456789012:cluster/a"
    assert df.loc[0, "detail"] == {"operation": "CreateCluster", "params": {"clusterName": "a"}}


def test_empty_table_has_schema():
    df = Lab().events
    assert len(df) == 0
    check_schema(df)


def test_frame_is_built_incrementally_and_is_a_copy():
    log = EventLog()
    t = pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime()
    for i in range(5):
        log.append(t, "fact", "Thing", "ecs", None, f"r{i}", {"i": i})
    first = log.frame()
    first.loc[0, "resource"] = "changed"
    for i in range(5, 8):
        log.append(t, "fact", "Thing", "ecs", None, f"r{i}", {"i": i})
    df = log.frame()
    check_schema(df)
    assert df["resource"].tolist() == [f"r{i}" for i in range(8)]
    assert df.index.tolist() == list(range(8))
    log.truncate(3)
    assert log.frame()["resource"].tolist() == ["r0", "r1", "r2"]


def test_failed_call_leaves_no_trace(ecs, lab):
    ecs.create_cluster(clusterName="a")
    before = lab.events
    try:
        ecs.delete_cluster(cluster="nope")
    except ecs.exceptions.ClusterNotFoundException:
        pass
    pd.testing.assert_frame_equal(lab.events, before)


def test_read_only_calls_are_not_recorded(ecs, lab):
    ecs.create_cluster(clusterName="a")
    n = len(lab.events)
    ecs.list_clusters()
    ecs.describe_clusters(clusters=["a"])
    assert len(lab.events) == n
