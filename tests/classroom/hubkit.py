"""Drive the classroom hub (classroom/hub/jupyterhub_config.py) the way an instructor's script
and a learner's browser do: the hub's REST API with an admin token, each learner's server through
the proxy (contents and kernels REST API, the kernel's websocket channels).

Only the standard library, psutil and websocket-client (a jupyter_server dependency).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil
import websocket

ROOT = Path(__file__).resolve().parents[2]
HUB_DIR = ROOT / "classroom" / "hub"
CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"


def free_ports(n: int) -> list[int]:
    """n distinct ports that were free on 127.0.0.1 a moment ago."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


@dataclass
class Hub:
    """A running hub: its process, ports, admin token and log."""

    state: Path
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    ports: list[int] = field(default_factory=lambda: free_ports(3))
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports[0]}"

    @property
    def log(self) -> Path:
        return self.state / "hub.log"

    def start(self, timeout: float = 40) -> None:
        env = dict(os.environ)
        env.update(
            ECSLAB_HUB_IP="127.0.0.1",
            ECSLAB_HUB_PORT=str(self.ports[0]),
            ECSLAB_HUB_PROXY_API_PORT=str(self.ports[1]),
            ECSLAB_HUB_INTERNAL_PORT=str(self.ports[2]),
            ECSLAB_HUB_STATE=str(self.state),
            ECSLAB_HUB_API_TOKEN=self.token,
            # The learners' kernels import this checkout's ecslab and workbook.
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
                cwd=self.state,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Started like `make classroom &` or a CI job: SIGINT ignored, which the hub's
                # children inherit unless the config restores it (a 10 s stop otherwise).
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/hub/api/")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise TimeoutError(f"hub not up after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method: str, path: str, body: object = None, timeout: float = 60):
        """One REST call through the proxy with the admin token: (status, decoded JSON or None)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)

    def spawn(self, user: str, timeout: float = 60) -> float:
        """Start a user's server and wait until the hub says it is ready: seconds taken."""
        t0 = time.monotonic()
        self.api("POST", f"/hub/api/users/{user}/server")
        while time.monotonic() - t0 < timeout:
            _, model = self.api("GET", f"/hub/api/users/{user}")
            server = model["servers"].get("")
            if server and server["ready"]:
                return time.monotonic() - t0
            time.sleep(0.2)
        raise TimeoutError(f"{user}'s server not ready after {timeout}s:\n{self.log_tail()}")

    def user_servers(self) -> dict[str, psutil.Process]:
        """Each user's jupyterhub-singleuser process (a child of the hub), by user name."""
        out = {}
        for child in psutil.Process(self.proc.pid).children():
            try:
                if "jupyterhub.singleuser" in " ".join(child.cmdline()):
                    out[child.environ()["JUPYTERHUB_USER"]] = child
            except (psutil.NoSuchProcess, KeyError):
                pass
        return out

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, float]:
        """Signal the hub and wait for it: (return code, seconds)."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout)
        return rc, time.monotonic() - t0

    def kill_leftovers(self) -> None:
        """After a failed test: end the hub and everything it started (only those)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        kids = psutil.Process(self.proc.pid).children(recursive=True)
        self.proc.kill()
        self.proc.wait(10)
        for k in kids:
            try:
                k.kill()
            except psutil.NoSuchProcess:
                pass


class Kernel:
    """One kernel on a learner's server, reached through the hub's proxy like JupyterLab does."""

    def __init__(self, hub: Hub, user: str) -> None:
        self.hub, self.user = hub, user
        _, model = hub.api("POST", f"/user/{user}/api/kernels", {"name": "python3"})
        self.id = model["id"]
        self.session = uuid.uuid4().hex
        ws_url = hub.url.replace("http://", "ws://")
        self.ws = websocket.create_connection(
            f"{ws_url}/user/{user}/api/kernels/{self.id}/channels?session_id={self.session}",
            header=[f"Authorization: token {hub.token}"],
            timeout=120,
        )

    def execute(self, code: str) -> list[dict]:
        """Run one cell; its outputs (stream, display_data, execute_result) as message contents.
        Raises AssertionError with the traceback when the cell fails."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": self.user,
            "session": self.session,
            "date": datetime.now(timezone.utc).isoformat(),
            "version": "5.3",
        }
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
        self.ws.send(json.dumps({**msg, "channel": "shell", "buffers": []}))
        outputs: list[dict] = []
        reply = None
        idle = False
        while reply is None or not idle:
            m = json.loads(self.ws.recv())
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = m["msg_type"]
            if kind == "execute_reply":
                reply = m["content"]
            elif kind == "status":
                idle = m["content"]["execution_state"] == "idle"
            elif kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append({"output_type": kind, **m["content"]})
        if reply["status"] != "ok":
            tb = "\n".join(reply.get("traceback", []))
            raise AssertionError(f"{self.user}: cell failed:\n{code}\n{tb}")
        return outputs

    def close(self) -> None:
        self.ws.close()
