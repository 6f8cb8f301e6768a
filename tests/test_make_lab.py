"""``make lab`` and ``make dashboards`` from a fresh copy of the repository, as whoever runs the suite (root in CI).

Issue 20: as root JupyterLab refused to start without ``--allow-root``. The test copies the tracked
files (what a fresh clone holds), starts the real target in the background with this checkout's
``.venv`` (``-o`` marks the install stamp up to date: no reinstall), waits until JupyterLab answers,
lists the lessons through ``/api/contents``, checks it listens on 127.0.0.1 only, and stops it.
The same for Voila (``make dashboards``): it must serve the ENI explorer app as root too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
ROOT_LINE = "make lab: running as root, so JupyterLab gets --allow-root (still bound to 127.0.0.1)"


def fresh_copy(dest: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name.decode())
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp, IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                found.add(addr)
    return found


def get(url: str, token: str) -> bytes:
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.read()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_lessons_as_any_user(tmp_path):
    if not (VENV / ".installed-stamp").exists():
        pytest.skip("needs this checkout's .venv (make venv)")
    repo = fresh_copy(tmp_path / "clone")
    port, token = free_port(), "make-lab-test"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "config")  # no personal config in the way
    log = (tmp_path / "make-lab.log").open("w")
    stamp = VENV / ".installed-stamp"
    cmd = ["make", "-o", str(stamp), "lab", f"VENV={VENV}", f"LAB_PORT={port}"]
    proc = subprocess.Popen(
        cmd, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline, listing = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                listing = json.loads(get(f"http://127.0.0.1:{port}/api/contents", token))
                break
            except OSError:
                time.sleep(0.5)
        output = (tmp_path / "make-lab.log").read_text()
        assert listing is not None, f"JupyterLab never answered (exit {proc.poll()}):\n{output}"
        names = {item["name"] for item in listing["content"]}
        assert {"01_clusters.ipynb", "12_break_it_labs.ipynb", "dashboards"} <= names
        assert "Running as root is not recommended" not in output
        assert (ROOT_LINE in output) == (os.geteuid() == 0), output
        # 127.0.0.1 is 0100007F in /proc/net/tcp; nothing on a wildcard or public address.
        assert listening_addresses(port) == {"0100007F"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
    assert not listening_addresses(port)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_dashboards_serves_the_eni_explorer_as_any_user(tmp_path):
    if not (VENV / ".installed-stamp").exists():
        pytest.skip("needs this checkout's .venv (make venv)")
    repo = fresh_copy(tmp_path / "clone")
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "config")
    log_path = tmp_path / "make-dashboards.log"
    stamp = VENV / ".installed-stamp"
    cmd = ["make", "-o", str(stamp), "dashboards", f"VENV={VENV}", f"DASH_PORT={port}"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            cmd, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline, tree = time.monotonic() + 60, None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                        tree = r.read().decode()
                    break
                except OSError:
                    time.sleep(0.5)
            output = log_path.read_text()
            assert tree is not None, f"Voila never answered (exit {proc.poll()}):\n{output}"
            # The app itself: Voila runs the dashboard in a fresh kernel and sends the page.
            url = f"http://127.0.0.1:{port}/voila/render/eni_explorer.ipynb"
            with urllib.request.urlopen(url, timeout=90) as r:
                page = r.read().decode()
            assert "ENI trunking" in page, page[-2000:]
            assert "Running as root is not recommended" not in output
            assert listening_addresses(port) == {"0100007F"}
        finally:
            stop(proc)
    assert not listening_addresses(port)
