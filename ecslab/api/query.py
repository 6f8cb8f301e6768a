"""The ``ec2`` and ``query`` protocols: form-encoded requests in, XML out.

botocore's ``EC2Serializer`` / ``QuerySerializer`` flatten a params dict into ``Key.N.Member``
pairs; :func:`decode` walks the operation's input shape and does the reverse, so a handler sees
the same dict the learner passed to boto3 (typed: ints, bools, floats). :func:`encode` turns a
wire-form body (what ``dispatch.call`` returns, already checked by the strict shape walker) into
the XML that ``EC2QueryParser`` / ``QueryParser`` parse back into that structure.

Serialized names (mirroring botocore):

* EC2 input: ``queryName``, else the capitalised ``locationName``, else the member name; a list is
  ``Name.N`` (never ``member``).
* query input: ``locationName`` else the member name; a list is ``Name.member.N`` (or the
  member's ``locationName``), a flattened list ``Name.N``; a map ``Name.entry.N.key/value``.
* Output (both): ``locationName`` else the member name; list items are ``<member>`` or the
  member's ``locationName`` (EC2: ``<item>``); timestamps ISO 8601.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from botocore.model import Shape

from ..core.errors import AwsError, error_for_code

__all__ = ["decode", "encode", "encode_error", "is_query_request", "QUERY_PROTOCOLS"]

QUERY_PROTOCOLS = ("ec2", "query")


class _Tree(dict):
    """A node of the dotted-key tree; ``value`` holds a leaf value given at this exact key."""

    value: str | None = None


def _tree(pairs: list[tuple[str, str]]) -> _Tree:
    root = _Tree()
    for key, value in pairs:
        node = root
        for part in key.split("."):
            node = node.setdefault(part, _Tree())
        node.value = value
    return root


def is_query_request(headers: dict[str, str], body: bytes) -> bool:
    ctype = headers.get("content-type", "")
    return "x-www-form-urlencoded" in ctype or body.startswith(b"Action=")


def parse_form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _name(shape: Shape, member: str, protocol: str) -> str:
    ser = shape.serialization
    if protocol == "ec2":
        if "queryName" in ser:
            return ser["queryName"]
        if "name" in ser:
            return ser["name"][0].upper() + ser["name"][1:]
        return member
    return ser.get("name", member)


def _bad(protocol: str, message: str) -> AwsError:
    code = "InvalidParameterValue" if protocol == "ec2" else "ValidationError"
    return error_for_code(code)(message)


def decode(shape: Shape | None, form: dict[str, str], protocol: str) -> dict[str, Any]:
    """Form fields (without Action/Version) -> the params dict along ``shape``."""
    if shape is None:
        return {}
    pairs = [(k, v) for k, v in form.items() if k not in ("Action", "Version")]
    out = _struct(shape, _tree(pairs), protocol, "")
    if protocol == "ec2":
        for req in shape.required_members:
            if req not in out:
                raise error_for_code("MissingParameter")(
                    f"The request must contain the parameter {_name(shape.members[req], req, protocol)}"
                )
    return out


def _struct(shape: Shape, node: _Tree, protocol: str, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for member, mshape in shape.members.items():
        key = _name(mshape, member, protocol)
        if key in node:
            out[member] = _value(mshape, node[key], protocol, f"{path}{key}")
    return out


def _numbered(node: _Tree) -> list[_Tree]:
    idx = sorted((int(k), v) for k, v in node.items() if k.isdigit())
    return [v for _, v in idx]


def _value(shape: Shape, node: _Tree, protocol: str, path: str) -> Any:
    t = shape.type_name
    if t == "structure":
        return _struct(shape, node, protocol, path + ".")
    if t == "list":
        if protocol == "ec2" or shape.serialization.get("flattened"):
            items = _numbered(node)
        else:
            inner = node.get(shape.member.serialization.get("name", "member"), _Tree())
            items = _numbered(inner)
        return [_value(shape.member, n, protocol, f"{path}.{i}") for i, n in enumerate(items, 1)]
    if t == "map":
        entries = node if shape.serialization.get("flattened") else node.get("entry", _Tree())
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        out = {}
        for e in _numbered(entries):
            if kname in e:
                out[e[kname].value or ""] = _value(
                    shape.value, e.get(vname, _Tree()), protocol, path
                )
        return out
    text = node.value if node.value is not None else ""
    try:
        if t in ("integer", "long"):
            return int(text)
        if t in ("float", "double"):
            return float(text)
        if t == "boolean":
            if text not in ("true", "false"):
                raise ValueError(text)
            return text == "true"
        if t == "timestamp":
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise _bad(protocol, f"Invalid value '{text}' for {path}") from None
    return text


# -- output ------------------------------------------------------------------------------------


def _scalar(shape: Shape, value: Any) -> str:
    t = shape.type_name
    if t == "boolean":
        return "true" if value else "false"
    if t == "timestamp":
        if isinstance(value, (int, float)):
            value = datetime.fromtimestamp(value, tz=timezone.utc)
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return escape(str(value))


def _elements(shape: Shape, value: Any, tag: str, out: list[str]) -> None:
    """Append ``<tag>value</tag>`` (or, for a flattened list, repeated tags) to ``out``."""
    t = shape.type_name
    if t == "list" and shape.serialization.get("flattened"):
        item_tag = shape.member.serialization.get("name", tag)
        for v in value:
            _elements(shape.member, v, item_tag, out)
        return
    out.append(f"<{tag}>")
    if t == "structure":
        _members(shape, value, out)
    elif t == "list":
        item_tag = shape.member.serialization.get("name", "member")
        for v in value:
            _elements(shape.member, v, item_tag, out)
    elif t == "map":
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        for k, v in value.items():
            out.append("<entry>")
            _elements(shape.key, k, kname, out)
            _elements(shape.value, v, vname, out)
            out.append("</entry>")
    else:
        out.append(_scalar(shape, value))
    out.append(f"</{tag}>")


def _members(shape: Shape, value: dict[str, Any], out: list[str]) -> None:
    for member, v in value.items():
        if v is None:
            continue
        mshape = shape.members[member]
        _elements(mshape, v, mshape.serialization.get("name", member), out)


def _namespace(service_model) -> str:
    ns = service_model.metadata.get("xmlNamespace", "")
    return ns if ns.endswith("/") else ns + "/"


def encode(operation_model, body: dict[str, Any], request_id: str) -> bytes:
    """A wire-form response body -> the service's XML response document."""
    op = operation_model.name
    ns = _namespace(operation_model.service_model)
    shape = operation_model.output_shape
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{op}Response xmlns="{ns}">']
    if operation_model.metadata["protocol"] == "ec2":
        out.append(f"<requestId>{request_id}</requestId>")
        if shape is not None:
            _members(shape, body, out)
    else:
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper", f"{op}Result")
            out.append(f"<{wrapper}>")
            _members(shape, body, out)
            out.append(f"</{wrapper}>")
        out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{op}Response>")
    return "".join(out).encode("utf-8")


def encode_error(protocol: str, err: AwsError, request_id: str) -> bytes:
    code, msg = escape(err.code), escape(err.message)
    if protocol == "ec2":
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message></Error>"
            f"</Errors><RequestID>{request_id}</RequestID></Response>"
        )
    else:
        kind = "Receiver" if err.status >= 500 else "Sender"
        text = (
            "<ErrorResponse><Error>"
            f"<Type>{kind}</Type><Code>{code}</Code><Message>{msg}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    return text.encode("utf-8")
