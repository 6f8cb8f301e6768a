"""ARNs and resource ids. All ids come from the lab's seeded random source, never uuid4."""

from __future__ import annotations

import re

__all__ = ["arn", "parse_arn", "ARN_RE"]

ARN_RE = re.compile(
    r"^arn:aws:(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>\d{12}|):(?P<resource>.+)$"
)


def arn(service: str, region: str, account: str, resource: str) -> str:
    """``arn:aws:<service>:<region>:<account>:<resource>``."""
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def parse_arn(value: str) -> dict[str, str] | None:
    m = ARN_RE.match(value or "")
    return m.groupdict() if m else None
