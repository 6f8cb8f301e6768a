"""A minimal threaded HTTP server around ``handle_http`` (for tests and notebooks that push with
real tools). ``ecslab serve`` is the full server; this one only needs to carry the registry.

``serve_registry(lab)`` starts it on 127.0.0.1 and a free port, HTTP/1.1 with TCP_NODELAY, and
returns ``(server, "127.0.0.1:<port>")``; call ``server.shutdown()`` to stop it. Request bodies
may be chunked (Go clients send blob PATCHes with ``Transfer-Encoding: chunked``).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["serve_registry", "read_body"]


def read_body(rfile, headers) -> bytes:
    """The request body: Content-Length, or a chunked transfer encoding decoded."""
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        out = bytearray()
        while True:
            size = int(rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(out)
            out += rfile.read(size)
            rfile.readline()
    length = int(headers.get("Content-Length") or 0)
    return rfile.read(length) if length else b""


def serve_registry(lab, host: str = "127.0.0.1", port: int = 0):
    from ..api.dispatch import handle_http

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _answer(self) -> None:
            body = read_body(self.rfile, self.headers)
            resp = handle_http(lab, self.command, self.path, dict(self.headers.items()), body)
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD" and resp.body:
                self.wfile.write(resp.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, args=(0.05,), daemon=True, name="ecslab-registry"
    ).start()
    return server, f"{host}:{server.server_address[1]}"
