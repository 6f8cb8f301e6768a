"""One dispatch for every transport.

``call(lab, service, operation, params)`` runs a handler on decoded params (used by replay), and
``handle_http(lab, method, path, headers, body)`` is the whole HTTP surface: the in-process boto3
transport and ``ecslab serve`` both hand it the exact bytes a client sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from ..core.errors import (
    AwsError,
    InternalFailure,
    SerializationException,
    UnknownOperationException,
    ValidationException,
    error_for_code,
)
from ..core.http import Response
from . import load_handlers
from .models import (
    operation_model,
    service_for_signing_name,
    service_for_target_prefix,
    service_model,
)
from .query import decode, encode, encode_error, is_query_request, parse_form
from .registry import HANDLERS
from .wire import check_input, check_output, to_wire

__all__ = [
    "call",
    "handle_http",
    "Response",
    "ROUTES",
    "route",
    "MAX_BODY",
    "error_response",
    "lower_headers",
]

_SCOPE = re.compile(
    r"Credential=[^/,\s]+/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request"
)
MAX_BODY = 10 * 1024 * 1024  # bytes; larger JSON bodies are refused like an oversized AWS request


def _check_shapes() -> bool:
    return os.environ.get("ECSLAB_CHECK_SHAPES", "") not in ("", "0")


def call(lab, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run ``service:operation`` on the lab with decoded (wire-form) params; return the wire body."""
    load_handlers()
    try:
        op = operation_model(service, operation)
    except Exception:
        raise UnknownOperationException(f"{service} has no operation named {operation}") from None
    h = HANDLERS.get((service, operation))
    if h is None:
        raise UnknownOperationException(
            f"ecslab does not simulate {service}:{operation} yet; see the README for what is covered"
        )
    if not isinstance(params, dict):
        raise SerializationException("the request body must be a JSON object")
    problems = check_input(op.input_shape, params)
    if problems:
        typed = [p for p in problems if "missing required" not in p]
        if typed:
            raise SerializationException(
                f"{len(typed)} serialization error(s): " + "; ".join(typed)
            )
        names = [p.split(":")[0] for p in problems]
        raise ValidationException(
            f"{len(names)} validation error{'s' if len(names) > 1 else ''} detected: "
            + "; ".join(
                f"Value null at '{n}' failed to satisfy constraint: Member must not be null"
                for n in names
            )
        )
    if h.mutating and op.idempotent_members:
        params = _deterministic_tokens(lab, op, params)
    detail = {"operation": operation, "params": params}
    with lab._command("ApiCalled", service, detail, record=h.mutating, resource=operation):
        result = h.fn(lab, params) or {}
    body = to_wire(op.output_shape, result) if op.output_shape is not None else {}
    if _check_shapes():
        problems = check_output(op.output_shape, body)
        if problems:
            raise InternalFailure(
                f"ecslab produced a response that does not match {service}:{operation}: {problems[:5]}"
            )
    return body


_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _deterministic_tokens(lab, op, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the idempotency tokens SDKs fill in with uuid4 (ClientToken, clientToken ...) by a
    token derived from the lab's seed and the call's place in the event table, so the same calls
    record the same inputs and describe the same resources. A token the caller chose (anything
    not shaped like a uuid4) is kept. Token-based idempotent *retries* are not modelled: the
    clients ecslab configures make one attempt."""
    out = dict(params)
    for name in op.idempotent_members:
        value = out.get(name)
        if isinstance(value, str) and _UUID4.match(value):
            digest = hashlib.sha256(f"{lab.seed}:{len(lab.log)}:{name}".encode()).hexdigest()
            out[name] = "ecslab-" + digest[:29]
    return out


def _headers(lab, content_type: str, body: bytes) -> dict[str, str]:
    return {
        "x-amzn-RequestId": lab._next_request_id(),
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Date": format_datetime(lab.now, usegmt=True),
    }


def _json_error(lab, err: AwsError, content_type: str) -> Response:
    body = json.dumps({"__type": err.code, "message": err.message}).encode()
    return Response(err.status, _headers(lab, content_type, body), body)


def _query_compatible(service: str, resp: Response, err: AwsError) -> Response:
    """Services that moved from the query protocol to JSON (CloudWatch) still report the old
    error code in ``x-amzn-query-error``; botocore gives that code to the caller."""
    model = service_model(service)
    if "awsQueryCompatible" not in model.metadata:
        return resp
    code = err.code
    if code in model.shape_names:
        code = model.shape_for(code).metadata.get("error", {}).get("code", code)
    fault = "Sender" if err.status < 500 else "Receiver"
    resp.headers["x-amzn-query-error"] = f"{code};{fault}"
    return resp


def error_response(lab, code: str, message: str, status: int = 400) -> Response:
    """An AWS JSON-protocol error answer (for transports that reject a request themselves)."""
    return _json_error(lab, error_for_code(code, status)(message, status=status), _JSON_TYPES[1])


#: Non-AWS-API surfaces served on the same endpoint, by path prefix: ``prefix -> fn(lab, method,
#: url, headers, body) -> Response`` (headers lower-cased). The OCI registry registers ``"/v2/"``
#: here (``ROUTES["/v2/"] = handle_registry``, or the ``route`` decorator); nothing else changes.
ROUTES: dict[str, Callable[..., Response]] = {}

#: Content types of the AWS JSON protocols; anything else is not routed to a JSON operation.
_JSON_TYPES = ("application/x-amz-json-1.0", "application/x-amz-json-1.1")


def route(prefix: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Register a handler for every request whose path starts with ``prefix`` (e.g. ``"/v2/"``)."""

    def register(fn: Callable[..., Response]) -> Callable[..., Response]:
        ROUTES[prefix] = fn
        return fn

    return register


def lower_headers(headers: dict) -> dict[str, str]:
    """Header names lower-cased, bytes decoded (botocore may hand either)."""
    return {
        (k.decode("latin-1") if isinstance(k, bytes) else k).lower(): (
            v.decode("latin-1") if isinstance(v, bytes) else v
        )
        for k, v in headers.items()
    }


def handle_http(lab, method: str, url: str, headers: dict, body: bytes) -> Response:
    """Answer one HTTP request exactly as the AWS endpoint would.

    ``url`` is a full URL (in-process transport) or a request target such as ``/v2/?x`` (server).
    The lab's lock is held for the whole request, so concurrent clients (the server's threads,
    a notebook's own boto3 calls) see each call as atomic and every read is consistent.
    """
    with lab._lock:
        return _handle(lab, method, url, lower_headers(headers), body)


def _handle(lab, method: str, url: str, h: dict[str, str], body: bytes) -> Response:
    path = urlsplit(url).path or "/"
    for prefix, fn in ROUTES.items():
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return fn(lab, method, url, h, body)
    if path == "/v2" or path.startswith("/v2/"):  # the OCI registry (ECR image pushes and pulls)
        from ..registry.http import handle_registry

        return handle_registry(lab, method, url, h, body)
    ctype = "application/x-amz-json-1.1"
    # HTTP-level checks first. Codes and statuses from AWS's "Common Errors" page
    # (UnknownOperationException 404, RequestEntityTooLargeException 413,
    # MissingAuthenticationToken 403). A request whose Content-Type is not a JSON protocol's matches
    # no operation: AWS answers UnknownOperationException (e.g. disneystreaming/smithy4s#167).
    if len(body) > MAX_BODY:
        err = error_for_code("RequestEntityTooLargeException", 413)(
            f"Request size {len(body)} exceeded {MAX_BODY} bytes"
        )
        return _json_error(lab, err, ctype)
    target = h.get("x-amz-target")
    if target is None and is_query_request(h, body):
        # Query-protocol services (EC2, ELBv2, IAM, STS): form-encoded ``Action=...``, XML
        # answers, routed by the credential scope's service.
        return _handle_query(lab, method, h, body)
    given_type = h.get("content-type", "").split(";")[0].strip().lower()
    if method.upper() != "POST" or target is None or given_type not in _JSON_TYPES:
        if target is None:
            why = "Missing X-Amz-Target header; ecslab answers the AWS JSON protocol here"
        elif method.upper() != "POST":
            why = f"AWS JSON protocol requests are POST, not {method.upper()}"
        else:
            why = f"Content-Type must be application/x-amz-json-1.1, not {given_type or 'absent'!r}"
        return _json_error(lab, UnknownOperationException(why), ctype)
    prefix, _, operation = target.rpartition(".")
    service = service_for_target_prefix(prefix)
    if service is None or not operation:
        err = UnknownOperationException(f"Unknown operation {target!r}")
        return _json_error(lab, err, ctype)
    ctype = "application/x-amz-json-" + service_model(service).metadata.get("jsonVersion", "1.1")
    scope = _SCOPE.search(h.get("authorization", ""))
    if scope is None:
        err = error_for_code("MissingAuthenticationTokenException", 403)(
            "Missing Authentication Token"
        )
        return _json_error(lab, err, ctype)
    if scope["region"] != lab.region:
        err = error_for_code("InvalidSignatureException", 403)(
            f"Credential should be scoped to a valid region, not '{scope['region']}'. "
            f"(This ecslab lab simulates {lab.region}: use --region {lab.region} or "
            f"AWS_DEFAULT_REGION={lab.region}.)"
        )
        return _json_error(lab, err, ctype)
    try:
        params = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (ValueError, RecursionError) as e:  # bad UTF-8, bad JSON, absurd nesting
        msg = f"malformed JSON in request body: {type(e).__name__}: {str(e)[:200]}"
        return _json_error(lab, SerializationException(msg), ctype)
    try:
        result = call(lab, service, operation, params)
    except AwsError as err:
        return _query_compatible(service, _json_error(lab, err, ctype), err)
    except Exception as e:  # a bug in ecslab: never a traceback at the learner
        return _json_error(
            lab,
            InternalFailure(f"ecslab internal error in {operation}: {type(e).__name__}: {e}"),
            ctype,
        )
    out = _dumps(result)
    return Response(200, _headers(lab, ctype, out), out)


def _dumps(body: dict[str, Any]) -> bytes:
    """The compact JSON body. orjson writes it several times faster than ``json`` (a
    DescribeTasks answer of 100 tasks is ~200 kB); ``json`` takes what orjson refuses
    (integers beyond 64 bits)."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":")).encode()


# -- the ec2 / query protocols (EC2, ELBv2, IAM, STS): form-encoded in, XML out ---------------

_QUERY_CODES = {
    "ec2": {
        "ValidationException": "InvalidParameterValue",
        "SerializationException": "InvalidParameterValue",
        "UnknownOperationException": "InvalidAction",
    },
    "query": {
        "ValidationException": "ValidationError",
        "SerializationException": "ValidationError",
        "UnknownOperationException": "InvalidAction",
    },
}


def _query_error(lab, protocol: str, err: AwsError) -> Response:
    code = _QUERY_CODES[protocol].get(err.code)
    if code is not None:
        err = error_for_code(code)(err.message)
    rid = lab._next_request_id()
    body = encode_error(protocol, err, rid)
    return Response(err.status, _xml_headers(lab, rid, body), body)


def _xml_headers(lab, rid: str, body: bytes) -> dict[str, str]:
    return {
        "x-amzn-RequestId": rid,
        "Content-Type": "text/xml;charset=UTF-8",
        "Content-Length": str(len(body)),
        "Date": format_datetime(lab.now, usegmt=True),
    }


def _handle_query(lab, method: str, h: dict[str, str], body: bytes) -> Response:
    """Route by the SigV4 scope's service name (ec2, elasticloadbalancing, iam, sts)."""
    scope = _SCOPE.search(h.get("authorization", ""))
    service = service_for_signing_name(scope["service"]) if scope else None
    protocol = service_model(service).metadata["protocol"] if service else "query"
    if protocol not in _QUERY_CODES:
        protocol = "query"
    if scope is None:
        err = error_for_code("MissingAuthenticationToken", 403)(
            "Request is missing Authentication Token"
        )
        return _query_error(lab, protocol, err)
    if service is None:
        err = UnknownOperationException(f"ecslab does not simulate the {scope['service']} service")
        return _query_error(lab, protocol, err)
    if scope["region"] != lab.region and service not in ("iam", "sts"):
        err = error_for_code("AuthFailure", 401)(
            f"This ecslab lab simulates region {lab.region}; the request was signed for "
            f"{scope['region']}. Use --region {lab.region} (or AWS_DEFAULT_REGION={lab.region})."
        )
        return _query_error(lab, protocol, err)
    if len(body) > MAX_BODY:
        return _query_error(lab, protocol, SerializationException("request body too large"))
    try:
        form = parse_form(body)
        operation = form.get("Action", "")
        try:
            op = operation_model(service, operation)
        except Exception:
            raise UnknownOperationException(
                f"The action {operation} is not valid for this web service."
            ) from None
        params = decode(op.input_shape, form, protocol)
        result = call(lab, service, operation, params)
    except AwsError as err:
        return _query_error(lab, protocol, err)
    except Exception as e:  # a bug in ecslab: never a traceback at the learner
        err = InternalFailure(f"ecslab internal error: {type(e).__name__}: {e}")
        return _query_error(lab, protocol, err)
    rid = lab._next_request_id()
    out = encode(op, result, rid)
    return Response(200, _xml_headers(lab, rid, out), out)
