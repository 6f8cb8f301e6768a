"""An HTTP answer, as every surface on the endpoint returns it (the AWS APIs in ``api.dispatch``,
the OCI registry in ``registry.http``). It lives below both so neither imports the other."""

from __future__ import annotations

__all__ = ["Response"]


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body
