"""``ecslab serve``: one local HTTP endpoint for every AWS API the lab answers.

Every request goes to :func:`ecslab.api.dispatch.handle_http`, the same dispatch the in-process
boto3 transport uses (one dispatch, two transports); paths under ``/v2/`` reach the OCI registry
through ``dispatch.ROUTES``. ``/_ecslab/...`` is the lab's own control surface (``ecslab advance``).

HTTP/1.1 keep-alive with a Content-Length on every answer and TCP_NODELAY (without it each call
stalls ~40 ms on delayed ACKs). One thread per connection; the lab's lock makes each call atomic.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..api.dispatch import MAX_BODY, Response, error_response, handle_http
from ..core.clock import parse_duration
from .realtime import RealtimeClock
from .waiters import WaiterPacer, data_path_or_none

__all__ = ["LabServer", "client_environment", "LOOPBACK", "MAX_REGISTRY_BODY"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Image layers pushed to the registry may be large; AWS API calls are held to ``MAX_BODY``.
MAX_REGISTRY_BODY = 2 * 1024**3


def client_environment(url: str, region: str) -> dict[str, str]:
    """The environment a shell (or subprocess) needs to point the aws CLI / boto3 at ``url``."""
    env = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "AWS_PAGER": "",
    }
    extras = data_path_or_none()  # prompt waiters (see waiters.py)
    if extras is not None:
        env["AWS_DATA_PATH"] = extras
    return env


#: Variables that would make a client use a real identity or profile instead of the lab's.
UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = (
        64  # a class of learners' CLIs connecting at once must not wait on SYN retries
    )

    def __init__(self, addr, handler, owner: LabServer) -> None:
        if ":" in addr[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        super().__init__(addr, handler)


class _Headers:
    """Request headers: ``get`` (case-insensitive, first occurrence) and ``items`` (as sent),
    the part of ``email.message.Message`` the handler uses. Limits as http.client's: lines of at
    most 65,536 bytes, at most 100 headers."""

    __slots__ = ("_items", "_first")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items
        self._first: dict[str, str] = {}
        for k, v in items:
            self._first.setdefault(k.lower(), v)

    @classmethod
    def read(cls, rfile) -> _Headers:
        items: list[tuple[str, str]] = []
        while True:
            line = rfile.readline(65537)
            if len(line) > 65536:
                raise ValueError("Line too long", "header line")
            if line in (b"\r\n", b"\n", b""):
                return cls(items)
            if len(items) >= 100:
                raise ValueError("Too many headers", "got more than 100 headers")
            text = line.decode("iso-8859-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and items:  # obsolete line folding
                k, v = items[-1]
                items[-1] = (k, f"{v} {text.strip()}")
                continue
            name, _, value = text.partition(":")
            items.append((name.strip(), value.strip()))

    def get(self, name: str, default: Any = None) -> Any:
        return self._first.get(name.lower(), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._first


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ecslab"
    sys_version = ""
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.owner._connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._connections.discard(self.connection)
            self.server.owner.pacer.forget(id(self))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.owner.verbose:
            sys.stderr.write(f"ecslab: {self.address_string()} {format % args}\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        # http.server's own errors (bad request line, oversized headers) as JSON, not HTML.
        body = json.dumps({"__type": "BadRequest", "message": message or explain or ""}).encode()
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsable request line: still answer HTTP/1.1
            self.request_version = "HTTP/1.1"
        try:
            self.send_response(code, message)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass

    def parse_request(self) -> bool:
        """http.server's parse, with the header block read by :class:`_Headers` instead of the
        email package (a third of the server's time per call). Anything but a plain
        ``METHOD target HTTP/1.x`` request line goes to http.server's own parse and errors."""
        words = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n").split(" ")
        if len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0") or not words[1]:
            return super().parse_request()
        self.command, self.path, self.request_version = words
        self.requestline = " ".join(words)
        self.close_connection = words[2] == "HTTP/1.0"
        if self.path.startswith("//"):  # as http.server does (gh-87389)
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = _Headers.read(self.rfile)
        except ValueError as err:
            self.send_error(431, *err.args)
            return False
        conntype = self.headers.get("Connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive":
            self.close_connection = False
        if self.headers.get("Expect", "").lower() == "100-continue" and words[2] == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def do_POST(self) -> None:
        self._handle()

    do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_POST

    # -- one request -------------------------------------------------------------------------------

    def _read_body(self, limit: int) -> bytes | None:
        """The request body, or None if too large (the caller answers 413 and closes)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                size += n
                if size > limit:
                    return None
                chunks.append(self.rfile.read(n))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length > limit:
            return None
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        owner = self.server.owner
        lab = owner.lab
        try:
            path = urlsplit(self.path).path
            limit = MAX_REGISTRY_BODY if path.startswith("/v2") else MAX_BODY
            try:
                body = self._read_body(limit)
            except ValueError:
                self.close_connection = True
                self._send(error_response(lab, "SerializationException", "Bad body framing", 400))
                return
            if body is None:
                self.close_connection = True  # the unread body would corrupt the next request
                msg = f"Request size exceeded {limit} bytes"
                self._send(error_response(lab, "RequestEntityTooLargeException", msg, 413))
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/_ecslab/"):
                resp = owner.control(self.command, path, body)
            else:
                owner.pacer.before(id(self), headers, body)
                with lab._lock:
                    if owner.realtime is not None:
                        owner.realtime.sync()
                    resp = handle_http(lab, self.command, self.path, headers, body)
                owner.persist()
            self._send(resp)
        except Exception as e:  # a bug in ecslab: an AWS-shaped 500, never a traceback page
            self.close_connection = True
            msg = f"ecslab internal error: {type(e).__name__}: {e}"
            if owner.verbose:
                import traceback

                traceback.print_exc()
            try:
                self._send(error_response(lab, "InternalFailure", msg, 500))
            except OSError:
                pass

    def _send(self, resp: Response) -> None:
        """Status line, headers and body in one ``sendall``: written in two parts (headers, then
        body), each answer costs the client a second wake-up and the server a second syscall
        (about a tenth of a millisecond a call on loopback)."""
        self.log_request(resp.status)
        headers = dict(resp.headers)
        headers.setdefault("Content-Length", str(len(resp.body)))
        if "Date" not in headers:
            headers["Date"] = self.date_time_string()
        if self.close_connection:
            headers["Connection"] = "close"
        reason = self.responses.get(resp.status, ("",))[0]
        head = [
            f"{self.protocol_version} {resp.status} {reason}",
            f"Server: {self.version_string()}",
        ]
        head += [f"{k}: {v}" for k, v in headers.items()]
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "strict")
        if self.command != "HEAD":
            data += resp.body
        self.wfile.write(data)
        self.wfile.flush()


class LabServer:
    """A lab behind an HTTP endpoint. ``start()`` serves in a background thread; ``stop()`` ends it.

    ``state``: a file the event table is saved to (atomically, write then rename) after every
    change and on stop, so a crash loses at most the change being made. ``clock``: ``"manual"``
    (time moves only via ``/_ecslab/advance``) or ``"realtime"`` (``speed`` simulated seconds per
    wall second).
    """

    def __init__(
        self,
        lab,
        host: str = "127.0.0.1",
        port: int = 4566,
        *,
        state: str | os.PathLike | None = None,
        clock: str = "manual",
        speed: float = 1.0,
        verbose: bool = False,
    ) -> None:
        if clock not in ("manual", "realtime"):
            raise ValueError("clock must be 'manual' or 'realtime'")
        self.lab = lab
        self.state = Path(state) if state is not None else None
        self.clock = clock
        self.speed = float(speed)
        self.verbose = verbose
        self._connections: set[socket.socket] = set()
        self._save_lock = threading.Lock()
        self._saved_len = -1
        self._thread: threading.Thread | None = None
        #: Called (no arguments) after the server stopped, e.g. to restore ``os.environ``.
        self.on_stop: list[Callable[[], None]] = []
        self.realtime = (
            RealtimeClock(lab, self.speed, on_change=self.persist) if clock == "realtime" else None
        )
        self.pacer = WaiterPacer(lab, speed=self.speed if clock == "realtime" else None)
        self.httpd = _HTTPServer((host, port), _Handler, self)  # binds now: errors surface here
        self.host = host
        self.port = self.httpd.server_address[1]

    @property
    def url(self) -> str:
        """Where local clients reach the server (a wildcard bind is reached via loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def environment(self) -> dict[str, str]:
        return client_environment(self.url, self.lab.region)

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> LabServer:
        if self.state is not None:
            self._clean_stale_temp_files()
            self.persist()
        if self.realtime is not None:
            self.realtime.start()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # how soon stop() returns
            name=f"ecslab-serve-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, save the state file one last time."""
        if self._thread is None:
            return
        if self.realtime is not None:
            self.realtime.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        for conn in list(self._connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)
        self._thread = None
        if self.realtime is not None:
            self.realtime.sync()
        self.persist()
        for fn in self.on_stop:
            fn()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> LabServer:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LabServer(url={self.url!r}, clock={self.clock!r}, running={self.running})"

    # -- state file --------------------------------------------------------------------------------

    def persist(self) -> Path | None:
        """Save the event table if it changed since the last save (no-op without ``state``)."""
        if self.state is None:
            return None
        with self._save_lock:  # saves in order: a later save never loses to an earlier one
            n = len(self.lab.log)
            if n != self._saved_len:
                self.lab.save(self.state)
                self._saved_len = n
        return self.state

    def _clean_stale_temp_files(self) -> None:
        # A kill -9 during a save can leave Lab.save's temporary file behind; the state file
        # itself is always whole (rename is atomic).
        for p in self.state.parent.glob(self.state.name + "*.tmp"):
            p.unlink(missing_ok=True)

    # -- /_ecslab control ---------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        lab = self.lab
        with lab._lock:
            if self.realtime is not None:
                self.realtime.sync()
            return {
                "now": lab.now.isoformat(),
                "epoch": lab.now.timestamp(),
                "region": lab.region,
                "accountId": lab.account_id,
                "seed": lab.seed,
                "clock": self.clock,
                "speed": self.speed,
                "events": len(lab.log),
                "state": str(self.state) if self.state else None,
            }

    def control(self, method: str, path: str, body: bytes) -> Response:
        lab = self.lab
        name = path[len("/_ecslab/") :].strip("/")
        try:
            args = json.loads(body.decode("utf-8")) if body.strip() else {}
            if not isinstance(args, dict):
                raise ValueError("the body must be a JSON object")
            if name == "now" and method in ("GET", "HEAD"):
                out = self.status()
            elif name == "advance" and method == "POST":
                if ("by" in args) == ("to" in args):
                    raise ValueError('give {"by": "5m"} or {"to": "<ISO time>"}')
                with lab._lock:
                    if self.realtime is not None:
                        self.realtime.sync()
                    if "by" in args:
                        lab.advance(parse_duration(args["by"]))
                    else:
                        from datetime import datetime

                        lab.advance_to(datetime.fromisoformat(args["to"]))
                    if self.realtime is not None:
                        self.realtime.rebase()
                self.persist()
                out = self.status()
            elif name == "act" and method == "POST":
                # A recorded lab action (``ecslab act set_load '{...}'``), e.g. a load curve.
                if not isinstance(args.get("action"), str) or not isinstance(
                    args.get("args", {}), dict
                ):
                    raise ValueError('give {"action": "<name>", "args": {...}}')
                with lab._lock:
                    result = lab.act(args["action"], **args.get("args", {}))
                self.persist()
                out = {"action": args["action"], "result": result, **self.status()}
            elif name == "save" and method == "POST":
                if self.state is None:
                    raise ValueError("this server has no state file: start it with --state FILE")
                self.persist()
                out = {"path": str(self.state), "events": len(lab.log)}
            else:
                return error_response(
                    lab,
                    "UnknownOperationException",
                    f"no lab control {method} /_ecslab/{name}",
                    404,
                )
        except (ValueError, TypeError) as e:
            return error_response(lab, "ValidationException", str(e), 400)
        data = json.dumps(out).encode()
        return Response(200, {"Content-Type": "application/json"}, data)
