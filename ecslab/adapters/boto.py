"""Real boto3 clients answered in-process by a lab.

A private botocore session (fake credentials, the lab's region, one attempt, no IMDS) gets a
``before-send`` handler that hands the signed request's bytes to the lab's HTTP dispatch and
returns its response. Serialisation, signing, parsing, errors, paginators and waiters are all
the real client's; nothing touches the network and other boto3 sessions are unaffected.
"""

from __future__ import annotations

import gc
import threading
from functools import cache
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from ..api.models import SERVICES, load_all, use_loader
from .waiters import WaiterPacer, data_path_or_none

__all__ = ["make_client", "freeze_models", "FAKE_CREDENTIALS", "IN_PROCESS_ENDPOINT"]

FAKE_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
#: ``.invalid`` never resolves (RFC 2606): if a request ever escaped the handler it could not
#: reach a real AWS endpoint.
IN_PROCESS_ENDPOINT = "https://{service}.{region}.in-process.ecslab.invalid"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


@cache
def _shared_loader(data_path: str | None) -> botocore.loaders.Loader:
    """One model loader for every lab: parsing the big EC2 model once, not per lab (~0.3 s).
    ``data_path`` adds ecslab's zero-delay waiter extras to botocore's search path."""
    return botocore.loaders.create_loader(data_path)


_FROZEN = False


def freeze_models() -> None:
    """Once per process, before the first lab holds anything (``Lab()`` calls it first): load
    every botocore model the server and the clients use, then move every live object out of the
    collector's generations (``gc.freeze``). The models are ~100,000 long-lived dicts and lists
    that each full collection would otherwise walk again. Doing it later, when a service is
    first used, would freeze the labs alive then too: a frozen lab's cycles are never collected,
    so the whole lab would leak once dropped. A collection first, so no garbage is frozen;
    frozen objects are still freed by reference counting."""
    global _FROZEN
    if _FROZEN:
        return
    _FROZEN = True
    loader = _shared_loader(data_path_or_none())
    use_loader(loader)
    load_all()  # the server's models
    session = botocore.session.Session()
    session.register_component("data_loader", loader)
    session.set_config_variable("metadata_service_num_attempts", 0)
    for service in SERVICES:  # a client loads its model, rules, paginators and endpoints
        session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url=IN_PROCESS_ENDPOINT.format(service=service, region="us-east-1"),
            **FAKE_CREDENTIALS,
        )
    del session
    gc.collect()
    gc.freeze()


def _session_for(lab) -> boto3.Session:
    bs = botocore.session.Session()
    extras = data_path_or_none()
    bs.register_component("data_loader", _shared_loader(extras))
    # Never read the learner's real profile, credentials or IMDS: everything is explicit.
    bs.set_config_variable("metadata_service_num_attempts", 0)
    bs.set_credentials(
        FAKE_CREDENTIALS["aws_access_key_id"], FAKE_CREDENTIALS["aws_secret_access_key"]
    )
    # Waiters: no wall-clock sleeps between polls; the pacer moves simulated time instead.
    if extras is not None:
        bs.set_config_variable("data_path", extras)
    pacer = WaiterPacer(lab)

    def answer(request, **_: Any):
        from ..api.dispatch import handle_http, lower_headers

        body = request.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, (bytes, bytearray)):
            body = body.read()
        headers = lower_headers(request.headers)
        pacer.before(threading.get_ident(), headers, bytes(body))
        resp = handle_http(lab, request.method, request.url, headers, bytes(body))
        return AWSResponse(request.url, resp.status, resp.headers, _Raw(resp.body))

    bs.register("before-send", answer)
    return boto3.Session(botocore_session=bs, region_name=lab.region)


def make_client(lab, service: str, **kwargs: Any):
    """``lab.client("ecs")``: keyword arguments go to ``boto3.Session.client`` (config merges)."""
    session = getattr(lab, "_boto_session", None)
    if session is None:
        session = lab._boto_session = _session_for(lab)
    config = Config(retries={"total_max_attempts": 1, "mode": "legacy"})
    if "config" in kwargs:
        config = config.merge(kwargs.pop("config"))
    kwargs.setdefault(
        "endpoint_url", IN_PROCESS_ENDPOINT.format(service=service, region=lab.region)
    )
    kwargs.setdefault("region_name", lab.region)
    return session.client(service, config=config, **kwargs)
