"""Container Insights-style metric panels and the cost of Container Insights.

* :func:`insights_figure`: CPU reserved vs utilised, memory reserved vs utilised and the running
  task count over time for one cluster, service or task family, from ``lab.metrics``. Minutes
  CloudWatch would not have (Container Insights off, or no RUNNING task) are gaps unless
  ``published_only=False``. Utilisation is a model, and the chart says so.
* :func:`insights_cost_figure`: the custom metrics each cluster reports over time
  (``lab.insights_metric_count``) and what they cost so far (``lab.costs``).

The trace builders (:func:`metric_traces`) are shared with the live panel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import _, money, percent
from ..palette import OKABE_ITO, ROLE, TEMPLATE, color_for
from ..views.costs import lab_price_caption
from .cost import caption_annotation

__all__ = [
    "LEVEL_DIMENSIONS",
    "insights_cost_figure",
    "insights_figure",
    "metric_groups",
    "metric_series",
    "metric_traces",
    "model_note",
]

#: level -> how CloudWatch names the group (the dimension shown in titles).
LEVEL_DIMENSIONS = {
    "cluster": "ClusterName",
    "service": "ServiceName",
    "family": "TaskDefinitionFamily",
}
_KEY = {"cluster": "cluster", "service": "service", "family": "family"}
#: (row, metric, label, colour, dash)
_ROWS = (
    (1, "CpuReserved", "CPU reserved", ROLE["ec2"], "solid"),
    (1, "CpuUtilized", "CPU used (modelled)", OKABE_ITO["orange"], "dot"),
    (2, "MemoryReserved", "memory reserved", ROLE["ec2"], "solid"),
    (2, "MemoryUtilized", "memory used (modelled)", OKABE_ITO["orange"], "dot"),
    (3, "RunningTaskCount", "running tasks", OKABE_ITO["bluish_green"], "solid"),
)


def _labels() -> dict[str, str]:
    """Metric -> the label of its trace in the reader's language (``_ROWS`` has the English)."""
    return {
        "CpuReserved": _("CPU reserved"),
        "CpuUtilized": _("CPU used (modelled)"),
        "MemoryReserved": _("memory reserved"),
        "MemoryUtilized": _("memory used (modelled)"),
        "RunningTaskCount": _("running tasks"),
    }


def _units() -> dict[int, tuple[str, str]]:
    """Row -> (axis title, unit in the hover text), in the reader's language."""
    return {
        1: (_("CPU units (1024 = 1 vCPU)"), _("CPU units")),
        2: (_("memory (MiB)"), "MiB"),
        3: (_("tasks (count)"), _("tasks")),
    }


def model_note(lab) -> str:
    return _(
        "Utilisation is modelled, not measured: each task uses a seeded share of its "
        "reservation (mean {share}, each task between 0.6x and 1.4x that). Reserved "
        "CPU/memory and counts come from the tasks' lifecycle."
    ).format(share=percent(lab.insights_utilization))


def metric_groups(lab, level: str) -> list[str]:
    """The clusters, services or families that have metrics (``cluster/name`` below cluster)."""
    m = lab.metrics(level)
    if m.empty:
        return []
    if level == "cluster":
        return sorted(set(m["cluster"]))
    pairs = m[["cluster", _KEY[level]]].drop_duplicates()
    return sorted(f"{c}/{n}" for c, n in pairs.itertuples(index=False))


def metric_series(lab, level: str, group: str, published_only: bool = True) -> pd.DataFrame:
    """Wide table (time x metric) for one group; rows CloudWatch lacks are NaN when
    ``published_only`` (so lines break there)."""
    m = lab.metrics(level)
    if level == "cluster":
        sel = m["cluster"] == group
    else:
        cluster, _, name = group.partition("/")
        sel = (m["cluster"] == cluster) & (m[_KEY[level]] == name)
    m = m[sel]
    if m.empty:
        return pd.DataFrame(columns=[r[1] for r in _ROWS], dtype=float)
    wide = m.pivot(index="time", columns="metric", values="value")
    reported = m.groupby("time")["reported"].first()
    if published_only:
        ok = reported.reindex(wide.index).fillna(False).to_numpy(dtype=bool)
        wide = wide.where(np.repeat(ok[:, None], wide.shape[1], axis=1), np.nan)
    return wide


def metric_traces(wide: pd.DataFrame, level: str) -> list[go.Scatter]:
    """Five traces (CPU reserved/used, memory reserved/used, running tasks) in ``_ROWS`` order."""
    traces = []
    labels, units = _labels(), _units()
    for row, metric, _english, color, dash in _ROWS:
        label = labels[metric]
        y = wide[metric] if metric in wide else pd.Series(np.nan, index=wide.index)
        unit = units[row][1]
        extra = (
            _(" (CloudWatch has it per service; the lab counts it here)")
            if (metric == "RunningTaskCount" and level != "service")
            else ""
        )
        traces.append(
            go.Scatter(
                name=label,
                x=list(wide.index),
                y=[None if pd.isna(v) else float(v) for v in y],
                mode="lines",
                line={"color": color, "dash": dash, "shape": "hv"},
                legendgroup=str(row),
                hovertemplate=f"{label}{extra}<br>%{{x|%H:%M}} UTC: %{{y:,.1f}} "
                f"{unit}<extra>{metric}</extra>",
            )
        )
    return traces


def _layout(fig: go.Figure, lab, level: str, group: str, wide: pd.DataFrame) -> None:
    cpu = wide["CpuReserved"].dropna() if "CpuReserved" in wide else pd.Series(dtype=float)
    used = wide["CpuUtilized"].dropna() if "CpuUtilized" in wide else pd.Series(dtype=float)
    share = (
        _("{share} of reserved CPU used").format(share=percent(used.sum() / cpu.sum()))
        if cpu.sum() > 0
        else _("no data")
    )
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": f"Container Insights: {LEVEL_DIMENSIONS[level]} {group}<br><sub>"
            + _(
                "one-minute datapoints (ECS/ContainerInsights); {share}; gaps: no "
                "datapoint (Container Insights off or no RUNNING task)"
            ).format(share=share)
            + "</sub>"
        },
        height=640,
        margin={"b": 170},
        annotations=[*fig.layout.annotations, caption_annotation(model_note(lab))],
    )
    for row, (unit, _short) in _units().items():
        fig.update_yaxes(title_text=unit, rangemode="tozero", row=row, col=1)
    fig.update_xaxes(title_text=_("time (UTC)"), row=3, col=1)


def _frame() -> go.Figure:
    return make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=(
            _("CPU: reserved vs used"),
            _("Memory: reserved vs used"),
            _("Running tasks"),
        ),
    )


def insights_figure(
    lab, level: str = "cluster", group: str | None = None, published_only: bool = True
) -> go.Figure:
    """CPU and memory reserved vs utilised and running tasks for one ``group`` at ``level``
    ("cluster": a cluster name; "service"/"family": ``cluster/name``; default: the first)."""
    if level not in LEVEL_DIMENSIONS:
        raise ValueError(f"level must be one of {', '.join(LEVEL_DIMENSIONS)}")
    groups = metric_groups(lab, level)
    group = group if group is not None else (groups[0] if groups else "")
    wide = (
        metric_series(lab, level, group, published_only)
        if group
        else metric_series(lab, level, "-")
    )
    fig = _frame()
    for (row, *_rest), trace in zip(_ROWS, metric_traces(wide, level), strict=True):
        fig.add_trace(trace, row=row, col=1)
    _layout(fig, lab, level, group or _("(none yet)"), wide)
    return fig


def insights_cost_figure(lab) -> go.Figure:
    """Top: metrics reported per cluster over time (8 per cluster with RUNNING tasks, 6 per
    task, 11 per service with RUNNING tasks, while Container Insights is on). Bottom: their cost
    so far, hour by hour, at the custom-metric price prorated over 730 hours a month."""
    counts = lab.insights_metric_count()
    bill = lab.costs()
    bill = bill[bill["resource_type"] == "container-insights"]
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        subplot_titles=(_("Custom metrics reported"), _("Container Insights cost so far")),
    )
    clusters = sorted(set(counts["cluster"])) if len(counts) else []
    now = pd.Timestamp(lab.now)
    for cluster in clusters:
        c = counts[counts["cluster"] == cluster]
        x = [*c["time"], now]
        y = [*c["metrics"].astype(float), float(c["metrics"].iloc[-1])]
        tasks = [*c["running_tasks"].astype(int), int(c["running_tasks"].iloc[-1])]
        fig.add_trace(
            go.Scatter(
                name=_("{cluster}: metrics").format(cluster=cluster),
                x=x,
                y=y,
                mode="lines",
                line={"shape": "hv", "color": color_for(cluster, clusters)},
                customdata=tasks,
                hovertemplate=_(
                    "{cluster}<br>%{{x|%H:%M:%S}} UTC: %{{y:.0f}} metrics"
                    "<br>(%{{customdata}} running tasks)"
                ).format(cluster=cluster)
                + "<extra></extra>",
            ),
            row=1,
            col=1,
        )
        b = bill[bill["cluster"] == cluster].groupby("hour", as_index=False)["cost"].sum()
        fig.add_trace(
            go.Scatter(
                name=_("{cluster}: cost so far").format(cluster=cluster),
                x=[t + pd.Timedelta("1h") for t in b["hour"]],
                y=b["cost"].cumsum().tolist(),
                mode="lines+markers",
                line={"color": color_for(cluster, clusters), "dash": "dot"},
                marker={"symbol": "diamond"},
                hovertemplate=_("{cluster}<br>by %{{x|%H:%M}} UTC: $%{{y:.4f}}").format(
                    cluster=cluster
                )
                + "<extra></extra>",
            ),
            row=2,
            col=1,
        )
    total = float(bill["cost"].sum()) if len(bill) else 0.0
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": _("What Container Insights costs: {total} so far").format(total=money(total, 4))
            + "<br><sub>"
            + _(
                "metrics x hours / 730 h a month x the custom-metric price; only while "
                "it is on and the cluster has RUNNING tasks"
            )
            + "</sub>"
        },
        height=560,
        margin={"b": 170},
        annotations=[*fig.layout.annotations, caption_annotation(lab_price_caption(lab, bill))],
    )
    fig.update_yaxes(title_text=_("metrics (count)"), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(
        title_text=_("cost so far (USD)"), rangemode="tozero", tickprefix="$", row=2, col=1
    )
    fig.update_xaxes(title_text=_("time (UTC)"), row=2, col=1)
    return fig
