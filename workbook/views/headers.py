"""Column headers in the reader's language, at display time.

A view's DataFrame keeps English column names: code (lessons, checks, charts) reads them by name,
so they never change with the language. When a panel renders a table, :func:`display` relabels
the columns (and the index name) that are the workbook's own words; AWS's field names
(``containerInsights``, ``lastStatus``, ``networkMode``, ``cpu``, ``memory`` ...) and anything
else not listed here stay as they are, so the English course shows exactly the same table.

A lesson that ends a cell with a DataFrame shows it the same way: importing ``workbook.views``
registers :func:`display` with IPython's HTML and plain-text formatters (when IPython runs), so
the zh-Hant lessons show translated headers without any code of their own, and in English the
output is byte-for-byte pandas' own.
"""

from __future__ import annotations

import pandas as pd

from ..i18n import N_, _

__all__ = ["HEADERS", "display", "header", "install_formatters"]

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
        N_("vcpu_x_1024"),
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
        N_("alarm"),
        N_("as_of"),
        N_("available"),
        N_("awsvpc_slots"),
        N_("billed_seconds"),
        N_("binding"),
        N_("capacity"),
        N_("cause"),
        N_("cheaper"),
        N_("cheaper_when_full"),
        N_("condition"),
        N_("container"),
        N_("cost"),
        N_("cpu_limit"),
        N_("cpu_reserved"),
        N_("datapoints"),
        N_("dimensions"),
        N_("effective"),
        N_("eni_capacity"),
        N_("eni_used"),
        N_("events"),
        N_("family"),
        N_("fargate_usd"),
        N_("ec2_usd"),
        N_("fargate_usd_per_task_hour"),
        N_("finished"),
        N_("hidden_mib"),
        N_("hints_used"),
        N_("in ecslab"),
        N_("label"),
        N_("load_rps"),
        N_("max_tasks"),
        N_("may_start_first"),
        N_("may_stop_first"),
        N_("memory_gib"),
        N_("memory_limit"),
        N_("memory_mib"),
        N_("memory_reserved"),
        N_("metric"),
        N_("min_healthy"),
        N_("needed"),
        N_("nominal_mib"),
        N_("number"),
        N_("per_instance"),
        N_("period_s"),
        N_("ports"),
        N_("quantity"),
        N_("registered_cpu"),
        N_("registered_mib"),
        N_("reservation"),
        N_("resource"),
        N_("resource_type"),
        N_("runs"),
        N_("runs_for"),
        N_("scenario"),
        N_("seconds_after_created"),
        N_("skipped"),
        N_("sources"),
        N_("stage"),
        N_("started"),
        N_("strategy"),
        N_("tasks"),
        N_("tasks_fit"),
        N_("tasks_with_trunking"),
        N_("tasks_without_trunking"),
        N_("timestamp"),
        N_("trunk_eni"),
        N_("unit"),
        N_("usd"),
        N_("usd_per_gb_hour"),
        N_("usd_per_hour"),
        N_("usd_per_task_hour"),
        N_("usd_per_vcpu_hour"),
        N_("variant"),
        N_("variants"),
        N_("workload"),
        N_("os"),
        N_("arch"),
    }
)


def header(label) -> str:
    """``label`` translated if it is one of :data:`HEADERS`, else unchanged."""
    return _(label) if isinstance(label, str) and label in HEADERS else label


def display(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for showing: its listed column names and the names of its index and
    column levels translated."""
    out = df.rename(columns=header)
    out.index = out.index.set_names([header(n) for n in df.index.names])
    out.columns = out.columns.set_names([header(n) for n in df.columns.names])
    return out


def _html(df: pd.DataFrame) -> str:
    return display(df)._repr_html_()


def _plain(df: pd.DataFrame, p, cycle: bool) -> None:
    from IPython.lib.pretty import _repr_pprint

    _repr_pprint(display(df), p, cycle)


def install_formatters() -> bool:
    """Show every DataFrame a cell returns through :func:`display` (in the language current when
    it is shown); a no-op outside IPython. Returns whether formatters were installed."""
    try:
        from IPython import get_ipython
    except ImportError:  # the engine's own tests run without IPython
        return False
    shell = get_ipython()
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, _html)
    formatters["text/plain"].for_type(pd.DataFrame, _plain)
    return True
