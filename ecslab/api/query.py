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

from collections.abc import Callable
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
    return _text(value)


def _text(value: Any) -> str:
    s = value if value.__class__ is str else str(value)
    # Most values need no escaping; the membership tests are cheaper than three replaces.
    return escape(s) if "&" in s or "<" in s or ">" in s else s


# The encoder walks each output shape once and keeps, per (shape, tag), a writer that appends
# ``<tag>value</tag>`` to a list: a 250-instance RunInstances answer is ~60,000 elements, and
# looking up type names and serialization names per element dominated encoding.
Writer = Callable[[Any, list[str]], None]
_WRITERS: dict[tuple[Shape, str], Writer] = {}
_TABLES: dict[Shape, _Members] = {}


class _Members(dict):
    """A structure's member name -> writer, filled on first use (so recursive shapes work; an
    unknown member raises KeyError as ``shape.members[name]`` does)."""

    def __init__(self, shape: Shape) -> None:
        super().__init__()
        self.shape = shape

    def __missing__(self, member: str) -> Writer:
        mshape = self.shape.members[member]
        w = self[member] = _writer(mshape, mshape.serialization.get("name", member))
        return w


def _table(shape: Shape) -> _Members:
    table = _TABLES.get(shape)
    if table is None:
        table = _TABLES[shape] = _Members(shape)
    return table


def _writer(shape: Shape, tag: str) -> Writer:
    key = (shape, tag)
    w = _WRITERS.get(key)
    if w is None:
        w = _WRITERS[key] = _build(shape, tag)
    return w


def _build(shape: Shape, tag: str) -> Writer:
    t = shape.type_name
    if t == "list" and shape.serialization.get("flattened"):
        flat = _writer(shape.member, shape.member.serialization.get("name", tag))

        def write_flat(value: Any, out: list[str]) -> None:
            for v in value:
                flat(v, out)

        return write_flat
    open_, close = f"<{tag}>", f"</{tag}>"
    if t == "structure":
        table = _table(shape)

        def write_struct(value: Any, out: list[str]) -> None:
            out.append(open_)
            for member, v in value.items():
                if v is not None:
                    table[member](v, out)
            out.append(close)

        return write_struct
    if t == "list":
        item = _writer(shape.member, shape.member.serialization.get("name", "member"))

        def write_list(value: Any, out: list[str]) -> None:
            out.append(open_)
            for v in value:
                item(v, out)
            out.append(close)

        return write_list
    if t == "map":
        key_w = _writer(shape.key, shape.key.serialization.get("name", "key"))
        value_w = _writer(shape.value, shape.value.serialization.get("name", "value"))

        def write_map(value: Any, out: list[str]) -> None:
            out.append(open_)
            for k, v in value.items():
                out.append("<entry>")
                key_w(k, out)
                value_w(v, out)
                out.append("</entry>")
            out.append(close)

        return write_map
    if t in ("boolean", "timestamp"):

        def write_scalar(value: Any, out: list[str]) -> None:
            out.append(open_ + _scalar(shape, value) + close)

        return write_scalar

    def write_text(value: Any, out: list[str]) -> None:
        out.append(open_ + _text(value) + close)

    return write_text


def _members(shape: Shape, value: dict[str, Any], out: list[str]) -> None:
    table = _table(shape)
    for member, v in value.items():
        if v is not None:
            table[member](v, out)


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
