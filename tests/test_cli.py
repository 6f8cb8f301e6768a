"""The real aws CLI (subprocesses) against a served lab, ``lab.serve()`` / ``lab.aws()``, and the
``ecslab`` command: serve, env, advance, state files, SIGTERM and kill -9.

The aws CLI costs ~0.7 s per command here: this module runs it 8 times in all.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from taskkit import cluster

from ecslab import Lab, examples
from ecslab.adapters.aws_cli import AwsCliError, aws_executable
from ecslab.adapters.cli import main
from ecslab.adapters.server import LabServer

ARN = "arn:aws:ecs:ap-east-1:123456789012:cluster/"
BIN = Path(sys.executable).parent
ECSLAB = [sys.executable, "-m", "ecslab.adapters.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_client(url: str):
    return boto3.client(
        "ecs",
        endpoint_url=url,
        region_name="ap-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=10),
    )


def start_serve(*args: str) -> tuple[subprocess.Popen, int, str]:
    """``ecslab serve`` as a real subprocess; returns (process, port, first output lines)."""
    port = free_port()
    proc = subprocess.Popen(
        [*ECSLAB, "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    banner = []
    for line in proc.stdout:  # read the banner up to the AWS_PAGER export
        banner.append(line)
        if line.startswith("export AWS_PAGER="):
            break
    else:
        raise AssertionError("ecslab serve died: " + proc.stderr.read())
    return proc, port, "".join(banner)


# -- the aws CLI through lab.serve() / lab.aws() ----------------------------------------------------------


def test_aws_cli_against_lab_serve(monkeypatch):
    lab = Lab(seed=7)
    for k in ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_DATA_PATH", "PATH"):
        monkeypatch.setenv(k, os.environ.get(k, ""))  # restored after the test
    monkeypatch.setenv("AWS_PROFILE", "learner-real-profile")  # must not leak into the lab's CLI
    server = lab.serve()
    try:
        assert os.environ["AWS_ENDPOINT_URL"] == server.url == f"http://127.0.0.1:{server.port}"
        assert os.environ["AWS_DEFAULT_REGION"] == "ap-east-1"
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["PATH"].split(os.pathsep)[0] == str(BIN)
        assert lab.serve() is server  # idempotent

        default = lab.aws("ecs create-cluster")["cluster"]
        assert default["clusterArn"] == ARN + "default" and default["status"] == "ACTIVE"
        named = lab.aws(["ecs", "create-cluster", "--cluster-name", "MyCluster"])["cluster"]
        assert named["clusterName"] == "MyCluster"
        assert lab.aws("aws ecs list-clusters") == {
            "clusterArns": [ARN + "default", ARN + "MyCluster"]
        }
        described = lab.aws("ecs describe-clusters --clusters MyCluster")
        assert described["clusters"][0]["clusterArn"] == ARN + "MyCluster"
        assert described["failures"] == []
        # The same lab answers in-process clients: one lab, two transports.
        assert lab.client("ecs").describe_clusters(clusters=["MyCluster"])["clusters"] == [
            {**described["clusters"][0]}
        ]
        with pytest.raises(AwsCliError) as ei:
            lab.aws("ecs delete-cluster --cluster nope")
        assert ei.value.returncode == 255
        assert ei.value.stderr.strip() == (
            "An error occurred (ClusterNotFoundException) when calling the DeleteCluster "
            "operation: Cluster not found."
        )
        assert (ei.value.code, ei.value.operation) == ("ClusterNotFoundException", "DeleteCluster")

        # What `!aws ...` / a %%bash cell does: a shell finds `aws` on PATH, pipes and $(...).
        out = subprocess.run(
            "arn=$(aws ecs list-clusters --query 'clusterArns[1]' --output text); "
            'echo "$arn" | tr a-z A-Z',
            shell=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout == (ARN + "MyCluster").upper() + "\n"
    finally:
        server.stop()
    assert not server.running
    assert os.environ.get("AWS_ENDPOINT_URL", "") != server.url  # the kernel's env is restored


def test_aws_cli_waiter_finishes_promptly_on_a_manual_clock(lab, monkeypatch):
    """`aws ecs wait tasks-running` polls every 6 s of wall time in real life; against a lab the
    simulated clock moves 6 s per poll instead (see ecslab/adapters/waiters.py). A real
    sleep360 task: PENDING at the first poll, RUNNING (since +3.055 s) at the second."""
    for k in ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_DATA_PATH", "PATH"):
        monkeypatch.setenv(k, os.environ.get(k, ""))
    cluster(lab)
    ecs = lab.client("ecs")
    ecs.register_task_definition(**examples.taskdef("sleep360"))
    task_arn = ecs.run_task(cluster="MyCluster", taskDefinition="sleep360")["tasks"][0]["taskArn"]
    created = lab.now
    lab.serve()
    try:
        t0 = time.monotonic()
        assert lab.aws(f"ecs wait tasks-running --cluster MyCluster --tasks {task_arn}") is None
        assert time.monotonic() - t0 < 5  # not 6 s of wall time per poll
        assert lab.now == created + timedelta(seconds=6)  # polls at +0 and +6 s
    finally:
        lab._server.stop()


def test_aws_executable_is_the_venvs():
    assert aws_executable() == str(BIN / "aws")


# -- the ecslab command ------------------------------------------------------------------------------------


def test_serve_env_advance_and_sigterm(tmp_path):
    state = tmp_path / "lab.jsonl"
    proc, port, banner = start_serve("--state", str(state), "--region", "ap-east-1", "--seed", "3")
    try:
        assert f"# serving http://127.0.0.1:{port}" in banner
        for line in (
            "export AWS_ACCESS_KEY_ID=test",
            "export AWS_SECRET_ACCESS_KEY=test",
            "export AWS_DEFAULT_REGION=ap-east-1",
            f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}",
            "export AWS_EC2_METADATA_DISABLED=true",
            "export AWS_MAX_ATTEMPTS=1",
            "export NO_PROXY=127.0.0.1,localhost",
            "export AWS_PAGER=''",
        ):
            assert line in banner.splitlines()
        http_client(f"http://127.0.0.1:{port}").create_cluster(clusterName="MyCluster")
        adv = subprocess.run(
            [*ECSLAB, "advance", "5m", "--port", str(port)], capture_output=True, text=True
        )
        assert adv.returncode == 0 and adv.stdout == "2025-01-06T09:05:00+00:00\n"
        # eval "$(ecslab env)" in a clean shell, then the aws CLI with no other setup.
        clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        clean["PATH"] = f"{BIN}{os.pathsep}{clean.get('PATH', '')}"
        script = (
            f'eval "$({" ".join(ECSLAB)} env --port {port})" && '
            "aws ecs describe-clusters --clusters MyCluster --query 'clusters[0].clusterName'"
        )
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=clean)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == "MyCluster"
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped at 2025-01-06T09:05:00+00:00; saved" in rest
    loaded = Lab.load(state)
    assert loaded.seed == 3 and loaded.now.isoformat() == "2025-01-06T09:05:00+00:00"
    assert loaded.client("ecs").list_clusters()["clusterArns"] == [ARN + "MyCluster"]

    # Serving the same file again picks up where it left off.
    proc, port, banner = start_serve("--state", str(state))
    try:
        assert "seed 3" in banner and "time 2025-01-06T09:05:00+00:00" in banner
        assert http_client(f"http://127.0.0.1:{port}").list_clusters()["clusterArns"] == [
            ARN + "MyCluster"
        ]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert proc.returncode == 0


def test_kill_9_loses_at_most_the_last_change(tmp_path):
    state = tmp_path / "lab.jsonl"
    proc, port, _ = start_serve("--state", str(state))
    acked: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        ecs = http_client(f"http://127.0.0.1:{port}")
        i = 0
        while not stop.is_set():
            try:
                ecs.create_cluster(clusterName=f"c{i:04d}")
            except Exception:
                return
            acked.append(f"c{i:04d}")
            i += 1

    t = threading.Thread(target=hammer)
    t.start()
    try:
        while len(acked) < 40:
            assert proc.poll() is None
            time.sleep(0.01)
        proc.kill()  # SIGKILL mid-stream: no handler runs, no final save
        proc.wait(timeout=10)
    finally:
        stop.set()
        t.join(timeout=20)
    names = [
        a.split("/")[-1]
        for a in Lab.load(state).client("ecs").list_clusters(maxResults=100)["clusterArns"]
    ]
    assert names[: len(acked)] == acked  # every acknowledged change is on disk ...
    assert len(names) - len(acked) in (0, 1)  # ... plus at most the one in flight
    # A new server on the same file cleans any half-written temp file and serves the state.
    with LabServer(Lab.load(state), port=0, state=state) as server:
        assert not list(tmp_path.glob("*.tmp"))
        assert len(http_client(server.url).list_clusters(maxResults=100)["clusterArns"]) == len(
            names
        )


def test_serve_other_host_warns_and_busy_port_fails_cleanly(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--host", "127.0.0.1", "--port", str(port)]) == 1
        err = capsys.readouterr().err
        assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--host", "0.0.0.0", "--port", str(port)]) == 1
        err = capsys.readouterr().err
        assert "WARNING: serving on 0.0.0.0" in err


def test_advance_without_a_server_says_so(capsys):
    with pytest.raises(SystemExit) as ei:
        main(["advance", "5m", "--port", str(free_port())])
    assert "nothing answers on http://127.0.0.1:" in str(ei.value.code)


def test_env_prints_exports_for_eval(capsys):
    assert main(["env", "--port", "4999", "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("unset AWS_PROFILE")
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:4999" in out
    assert "export AWS_DEFAULT_REGION=eu-west-1" in out
    data = [line for line in out if line.startswith("export AWS_DATA_PATH=")][0].split("=", 1)[1]
    extras = json.loads((Path(data) / "ecs/2014-11-13/waiters-2.sdk-extras.json").read_text())
    assert extras["merge"]["waiters"]["TasksRunning"] == {"delay": 0}
    assert extras["merge"]["waiters"]["ServicesStable"] == {"delay": 0}


def test_advance_follows_aws_endpoint_url(monkeypatch):
    """After eval "$(ecslab env --port N)", `ecslab advance 2m` needs no --port; an endpoint
    that is not a local lab (a real AWS URL) is never contacted."""
    port = free_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(SystemExit) as ei:
        main(["advance", "2m"])
    assert f"nothing answers on http://127.0.0.1:{port} " in str(ei.value.code)
    from ecslab.adapters.cli import _parser, _served

    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://ecs.ap-east-1.amazonaws.com")
    assert _served(_parser().parse_args(["now"])) == ("127.0.0.1", 4566)
    assert _served(_parser().parse_args(["now", "--port", "5000"])) == ("127.0.0.1", 5000)
