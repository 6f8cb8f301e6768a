"""The HTTP endpoint (``ecslab serve`` / ``lab.serve()``): boto3 over real HTTP, raw-HTTP
robustness, concurrency, the lab control endpoint, waiter pacing and the realtime clock."""

from __future__ import annotations

import http.client
import json
import threading
import time
from datetime import timedelta

import boto3
import pytest
from botocore.config import Config
from taskkit import cluster

from ecslab import Lab, examples
from ecslab.adapters.server import LabServer
from ecslab.api import dispatch

ARN = "arn:aws:ecs:ap-east-1:123456789012:cluster/"
TARGET = "AmazonEC2ContainerServiceV20141113."
AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20250106/ap-east-1/ecs/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)


@pytest.fixture
def served(lab):
    server = LabServer(lab, port=0).start()
    yield server
    server.stop()


def client(server, service="ecs", **kw):
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name="ap-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
        **kw,
    )


def raw(server, method="POST", path="/", body=b"{}", headers=None, conn=None):
    """One raw HTTP exchange; returns (status, headers, parsed-or-raw body, connection)."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    h = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET + "ListClusters",
        "Authorization": AUTH,
    }
    for k, v in (headers or {}).items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    conn.request(method, path, body=body, headers=h)
    resp = conn.getresponse()
    data = resp.read()
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = data
    return resp.status, dict(resp.getheaders()), parsed, conn


# -- boto3 over HTTP ---------------------------------------------------------------------------------


def test_boto3_via_aws_endpoint_url_env(served, lab, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", served.url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-east-1")
    ecs = boto3.Session().client("ecs")  # no endpoint_url: the environment points it at the lab
    assert ecs.meta.endpoint_url == served.url
    created = ecs.create_cluster(clusterName="MyCluster")["cluster"]
    assert created["clusterArn"] == ARN + "MyCluster"
    # The same lab answers the in-process client.
    assert lab.client("ecs").list_clusters()["clusterArns"] == [ARN + "MyCluster"]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as ei:
        ecs.delete_cluster(cluster="nope")
    assert str(ei.value) == (
        "An error occurred (ClusterNotFoundException) when calling the DeleteCluster "
        "operation: Cluster not found."
    )
    meta = ecs.list_clusters()["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200 and len(meta["RequestId"]) == 36


def test_keep_alive_and_content_length(served):
    conn = None
    sockets = set()
    for _ in range(5):
        status, headers, body, conn = raw(served, conn=conn)
        assert status == 200 and body == {"clusterArns": []}
        assert headers["Content-Length"] == str(len(json.dumps(body, separators=(",", ":"))))
        sockets.add(id(conn.sock))
    assert len(sockets) == 1  # one TCP connection for all five calls
    conn.close()


# -- robustness ----------------------------------------------------------------------------------------

MALFORMED = [
    ("malformed JSON", {}, b'{"clusterName": ', 400, "SerializationException", "malformed JSON"),
    ("JSON array", {}, b"[1, 2]", 400, "SerializationException", "JSON object"),
    ("absurd nesting", {}, b"[" * 100_000, 400, "SerializationException", "malformed JSON"),
    ("not UTF-8", {}, b'{"a": "\xff"}', 400, "SerializationException", "malformed JSON"),
    (
        "wrong member type",
        {"X-Amz-Target": TARGET + "CreateCluster"},
        b'{"clusterName": 5}',
        400,
        "SerializationException",
        "expected string",
    ),
    (
        "missing required member",
        {"X-Amz-Target": TARGET + "DeleteCluster"},
        b"{}",
        400,
        "ValidationException",
        "Member must not be null",
    ),
    (
        "unknown target prefix",
        {"X-Amz-Target": "NoSuchService_20990101.ListClusters"},
        b"{}",
        404,
        "UnknownOperationException",
        "Unknown operation",
    ),
    (
        "unknown operation",
        {"X-Amz-Target": TARGET + "FrobnicateClusters"},
        b"{}",
        404,
        "UnknownOperationException",
        "no operation named FrobnicateClusters",
    ),
    (
        "missing target",
        {"X-Amz-Target": None},
        b"{}",
        404,
        "UnknownOperationException",
        "Missing X-Amz-Target",
    ),
    (
        "wrong content type",
        {"Content-Type": "text/plain"},
        b"{}",
        404,
        "UnknownOperationException",
        "Content-Type",
    ),
    (
        "missing signature",
        {"Authorization": None, "X-Amz-Target": TARGET + "CreateCluster"},
        b'{"clusterName": "x"}',
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    ),
    (
        "signed for another region",
        {"Authorization": AUTH.replace("ap-east-1", "us-east-1")},
        b"{}",
        403,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'us-east-1'",
    ),
]


@pytest.mark.parametrize("case", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_bad_requests_get_aws_errors_and_change_nothing(served, lab, case):
    _, headers, body, status, code, text = case
    lab.client("ecs").create_cluster(clusterName="keep")
    before = [e.to_json() for e in lab.log]
    got_status, got_headers, got, conn = raw(served, headers=headers, body=body)
    assert got_status == status
    assert isinstance(got, dict) and set(got) == {"__type", "message"}
    assert got["__type"] == code and text in got["message"]
    assert "Traceback" not in got["message"]
    assert got_headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "x-amzn-RequestId" in got_headers
    assert [e.to_json() for e in lab.log] == before
    # The connection is still good for the next call.
    status2, _, ok, _ = raw(served, conn=conn)
    assert status2 == 200 and ok == {"clusterArns": [ARN + "keep"]}
    conn.close()


def test_get_on_the_api_endpoint(served):
    status, _, body, conn = raw(served, method="GET", body=None)
    assert status == 404 and body["__type"] == "UnknownOperationException"
    conn.close()


def test_oversized_body_is_refused_unread_and_the_connection_closed(served, lab):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    conn.putrequest("POST", "/")
    for k, v in {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET + "CreateCluster",
        "Authorization": AUTH,
        "Content-Length": str(dispatch.MAX_BODY + 1),
    }.items():
        conn.putheader(k, v)
    conn.endheaders()
    conn.send(b'{"clusterName": "big"')  # the rest never comes: the server must not wait for it
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 413
    assert body["__type"] == "RequestEntityTooLargeException"
    assert resp.getheader("Connection") == "close"
    conn.close()
    assert len(lab.log) == 0


def test_oversized_body_in_process_too(lab):
    big = b'{"clusterName": "' + b"x" * dispatch.MAX_BODY + b'"}'
    resp = dispatch.handle_http(
        lab,
        "POST",
        "/",
        {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET + "CreateCluster",
            "Authorization": AUTH,
        },
        big,
    )
    assert resp.status == 413
    assert json.loads(resp.body)["__type"] == "RequestEntityTooLargeException"
    assert len(lab.log) == 0


def test_bad_content_length_is_refused(served, lab):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    conn.putrequest("POST", "/", skip_accept_encoding=True)
    conn.putheader("Content-Length", "twelve")
    conn.putheader("X-Amz-Target", TARGET + "CreateCluster")
    conn.endheaders()
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 400 and body["__type"] == "SerializationException"
    assert resp.getheader("Connection") == "close"
    conn.close()
    assert len(lab.log) == 0


def test_garbage_request_line_gets_json_not_html(served):
    import socket

    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.") and b" 400 " in head.split(b"\r\n")[0]
    assert json.loads(body)["__type"] == "BadRequest"


def test_chunked_request_body(served, lab):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET + "CreateCluster",
        "Authorization": AUTH,
    }
    conn.request("POST", "/", body=iter([b'{"clusterName": ', b'"chunky"}']), headers=headers)
    resp = conn.getresponse()
    assert resp.status == 200
    assert json.loads(resp.read())["cluster"]["clusterName"] == "chunky"
    conn.close()


# -- routing hook for the OCI registry -----------------------------------------------------------------


def test_v2_is_the_registry_on_the_same_endpoint(served):
    """The OCI registry answers under /v2/ on the lab's one endpoint (Basic auth required)."""
    status, headers, body, conn = raw(
        served, method="GET", path="/v2/", body=None, headers={"Authorization": None}
    )
    conn.close()
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Basic realm=")
    assert body["errors"][0]["code"] == "UNAUTHORIZED"


# -- concurrency -------------------------------------------------------------------------------------


def test_concurrent_clients_lose_no_updates(served, lab):
    """8 threads x 500 mixed calls through boto3 over HTTP: state stays consistent."""
    threads_n, rounds = 8, 100  # 5 calls per round
    shared = client(served).create_cluster(clusterName="shared")["cluster"]["clusterArn"]
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            ecs = client(served)
            for i in range(rounds):
                name = f"t{t}-c{i}"
                arn = ecs.create_cluster(
                    clusterName=name, tags=[{"key": "owner", "value": f"t{t}"}]
                )["cluster"]["clusterArn"]
                ecs.tag_resource(resourceArn=shared, tags=[{"key": f"t{t}", "value": str(i)}])
                if i % 4 in (0, 2):
                    ecs.tag_resource(resourceArn=arn, tags=[{"key": "extra", "value": str(i)}])
                elif i % 4 == 1:
                    ecs.untag_resource(resourceArn=ARN + f"t{t}-c{i - 1}", tagKeys=["extra"])
                else:
                    ecs.list_tags_for_resource(resourceArn=shared)
                ecs.list_clusters(maxResults=10)
                got = ecs.describe_clusters(clusters=[name], include=["TAGS"])["clusters"]
                assert got[0]["clusterArn"] == arn
                assert {"key": "owner", "value": f"t{t}"} in got[0]["tags"]
        except BaseException as e:  # surfaced below
            errors.append(e)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []

    ecs = lab.client("ecs")
    arns = [
        a for page in ecs.get_paginator("list_clusters").paginate() for a in page["clusterArns"]
    ]
    expected = {ARN + f"t{t}-c{i}" for t in range(threads_n) for i in range(rounds)}
    assert len(arns) == len(set(arns)) == len(expected) + 1
    assert set(arns) == expected | {shared}
    # Every thread's last write to the shared cluster survived.
    shared_tags = {
        t["key"]: t["value"] for t in ecs.list_tags_for_resource(resourceArn=shared)["tags"]
    }
    assert shared_tags == {f"t{t}": str(rounds - 1) for t in range(threads_n)}
    for t in range(threads_n):
        for i in (0, 1, 2, 3, rounds - 2):
            tags = {
                x["key"]: x["value"]
                for x in ecs.list_tags_for_resource(resourceArn=ARN + f"t{t}-c{i}")["tags"]
            }
            want = {"owner": f"t{t}"} | ({"extra": str(i)} if i % 4 == 2 else {})
            assert tags == want, (t, i)
    kinds = lab.events["kind"].value_counts()
    assert kinds["ClusterCreated"] == threads_n * rounds + 1
    # 1 + per round: create, tag shared, one tag/untag in 3 of 4 rounds (mutating calls only).
    assert kinds["ApiCalled"] == 1 + threads_n * (2 * rounds + rounds * 3 // 4)


# -- lab control endpoint -------------------------------------------------------------------------------


def test_control_now_advance_save(served, lab):
    status, _, now, conn = raw(served, method="GET", path="/_ecslab/now", body=None)
    assert status == 200
    assert now["now"] == "2025-01-06T09:00:00+00:00" and now["region"] == "ap-east-1"
    assert now["clock"] == "manual" and now["events"] == 0
    status, _, out, _ = raw(served, path="/_ecslab/advance", body=b'{"by": "5m"}', conn=conn)
    assert status == 200 and out["now"] == "2025-01-06T09:05:00+00:00"
    assert lab.now.isoformat() == "2025-01-06T09:05:00+00:00"
    assert lab.events["kind"].tolist() == ["ClockAdvanced"]
    for body, text in [
        (b'{"by": "5 parsecs"}', "cannot read duration"),
        (b'{"to": "2020-01-01T00:00:00+00:00"}', "cannot move backwards"),
        (b"{}", 'give {"by"'),
        (b"[]", "JSON object"),
    ]:
        status, _, err, _ = raw(served, path="/_ecslab/advance", body=body, conn=conn)
        assert status == 400 and err["__type"] == "ValidationException" and text in err["message"]
    status, _, err, _ = raw(served, path="/_ecslab/save", body=b"", conn=conn)
    assert status == 400 and "--state" in err["message"]
    status, _, err, _ = raw(served, path="/_ecslab/explode", body=b"", conn=conn)
    assert status == 404
    conn.close()
    assert len(lab.log) == 1


def test_state_file_saved_after_each_change_and_on_stop(lab, tmp_path):
    state = tmp_path / "lab.jsonl"
    server = LabServer(lab, port=0, state=state).start()
    try:
        ecs = client(server)
        ecs.create_cluster(clusterName="a")
        assert [
            c.split("/")[-1] for c in Lab.load(state).client("ecs").list_clusters()["clusterArns"]
        ] == ["a"]
        ecs.list_clusters()  # a read changes nothing: the file is not rewritten
        mtime = state.stat().st_mtime_ns
        ecs.describe_clusters(clusters=["a"])
        assert state.stat().st_mtime_ns == mtime
        status, _, out, conn = raw(server, path="/_ecslab/save", body=b"")
        conn.close()
        assert status == 200 and out == {"path": str(state), "events": len(lab.log)}
    finally:
        server.stop()
    assert Lab.load(state).log.frame().equals(lab.log.frame())


# -- waiters ---------------------------------------------------------------------------------------------


@pytest.fixture
def sleep360(lab):
    """A real sleep360 task on a real container instance: PENDING now, RUNNING 3.055 s later,
    STOPPED 364.055 s later. Yields its ARN."""
    cluster(lab)
    ecs = lab.client("ecs")
    ecs.register_task_definition(**examples.taskdef("sleep360"))
    yield ecs.run_task(cluster="MyCluster", taskDefinition="sleep360")["tasks"][0]["taskArn"]


def test_in_process_waiters_move_simulated_time_not_wall_time(lab, sleep360, tmp_path):
    ecs = lab.client("ecs")
    assert ecs.get_waiter("tasks_running").config.delay == 0  # no wall-clock sleeping
    t0, wall = lab.now, time.monotonic()
    mark = len(lab.log)
    ecs.get_waiter("tasks_running").wait(cluster="MyCluster", tasks=[sleep360])
    # Polls at +0 (immediate, as in AWS: PENDING) and +6 s (RUNNING since +3.055 s).
    assert lab.now == t0 + timedelta(seconds=6)
    assert [e.kind for e in lab.log[mark:] if e.origin == "input"] == ["ClockAdvanced"]
    # A plain describe (not a waiter) never moves the clock, nor does a new waiter's first poll.
    ecs.describe_tasks(cluster="MyCluster", tasks=[sleep360])
    ecs.get_waiter("tasks_running").wait(cluster="MyCluster", tasks=[sleep360])
    assert lab.now == t0 + timedelta(seconds=6)
    # tasks_stopped: polls every 6 s until the task is STOPPED (364.055 s after it was created).
    ecs.get_waiter("tasks_stopped").wait(cluster="MyCluster", tasks=[sleep360])
    assert lab.now == t0 + timedelta(seconds=366)
    t = ecs.describe_tasks(cluster="MyCluster", tasks=[sleep360])["tasks"][0]
    assert t["lastStatus"] == "STOPPED" and t["containers"][0]["exitCode"] == 0
    assert time.monotonic() - wall < 10
    # The moves are ordinary recorded inputs: the lab replays.
    assert Lab.load(lab.save(tmp_path / "w.jsonl")).log.frame().equals(lab.log.frame())


def test_waiter_over_http_in_realtime_mode(lab, sleep360):
    t0 = lab.now
    server = LabServer(lab, port=0, clock="realtime", speed=120).start()
    try:
        ecs = client(server)
        waiter = ecs.get_waiter("tasks_running")
        waiter.wait(
            cluster="MyCluster",
            tasks=[sleep360],
            WaiterConfig={"Delay": 0, "MaxAttempts": 100},
        )
        # The server waited 6/120 s of wall time per repeat poll while the realtime clock ran.
        assert lab.now >= t0 + timedelta(seconds=3)
    finally:
        server.stop()
    t = lab.client("ecs").describe_tasks(cluster="MyCluster", tasks=[sleep360])["tasks"][0]
    assert t["lastStatus"] == "RUNNING"


def test_realtime_clock_fires_timers_without_requests(lab):
    fired = []
    lab.clock.after(60, lambda: fired.append(lab.now), "demo")
    server = LabServer(lab, port=0, clock="realtime", speed=600).start()
    try:
        for _ in range(100):
            if fired:
                break
            time.sleep(0.05)
    finally:
        server.stop()
    assert fired == [lab.start + timedelta(seconds=60)]
    # Time moved in whole simulated seconds, one recorded input per move.
    rows = lab.events
    assert set(rows["kind"]) == {"ClockAdvanced"}
    assert all(t.microsecond == 0 for t in rows["time"])
