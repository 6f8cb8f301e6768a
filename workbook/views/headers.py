"""Column headers in the reader's language, at display time.

A view's DataFrame keeps English column names: code (lessons, checks, charts) reads them by name,
so they never change with the language. When a panel renders a table, :func:`display` relabels
the columns (and the index name) that are the workbook's own words; AWS's field names
(``containerInsights``, ``lastStatus``, ``networkMode``, ``cpu``, ``memory`` ...) and anything
else not listed here stay as they are, so the English course shows exactly the same table.
"""

from __future__ import annotations

import pandas as pd

from ..i18n import N_, _

__all__ = ["HEADERS", "display", "header"]

#: The workbook's own column names that panels show (marked for the catalog).
HEADERS: frozenset[str] = frozenset(
    {
        N_("name"),
        N_("status"),
        N_("state"),
        N_("tags"),
        N_("instances"),
        N_("running"),
        N_("pending"),
        N_("services"),
        N_("instance"),
        N_("type"),
        N_("zone"),
        N_("agent"),
        N_("cpu free"),
        N_("memory free"),
        N_("service"),
        N_("desired"),
        N_("deployments"),
        N_("launch type"),
        N_("deployment"),
        N_("revision"),
        N_("created"),
        N_("time"),
        N_("message"),
        N_("digest"),
        N_("size_bytes"),
        N_("pushed_at"),
        N_("untagged"),
        N_("cluster"),
        N_("ecs_status"),
        N_("diagnosis"),
        N_("image"),
        N_("container_memory"),
        N_("container_instance"),
        N_("ec2_instance_id"),
        N_("instance_type"),
        N_("az"),
        N_("agent_connected"),
        N_("cpu_free"),
        N_("memory_free"),
        N_("filter"),
        N_("reason"),
        N_("task"),
        N_("health"),
        N_("target"),
        N_("port"),
        N_("description"),
    }
)


def header(label) -> str:
    """``label`` translated if it is one of :data:`HEADERS`, else unchanged."""
    return _(label) if isinstance(label, str) and label in HEADERS else label


def display(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for showing: its listed column names and index name translated."""
    out = df.rename(columns=header)
    if df.index.name is not None:
        out.index = out.index.rename(header(df.index.name))
    return out
