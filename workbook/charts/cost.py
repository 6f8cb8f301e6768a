"""Fargate vs EC2 cost charts, drawn from ``lab.compare_launch_types(...)`` (a ``Comparison``).

* :func:`cost_vs_count_figure`: cost against task count; EC2 as steps (one more instance where
  the scheduler needs one), Fargate as a straight line, the break-even count marked.
* :func:`cost_vs_utilization_figure`: at the comparison's count, cost against the share of the
  hours the tasks run; EC2 flat, Fargate rising, the break-even utilisation marked.

The trace builders return the same number of traces for a given number of ``slots`` (instance
types), so the live explorer updates a ``FigureWidget`` in place. Every chart carries the price
source and, when prices are not the lab region's, the region note.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..capacity import task_label
from ..costs import price_caption
from ..palette import OKABE_ITO, ROLE, SYMBOLS, TEMPLATE

__all__ = [
    "EC2_COLORS",
    "caption_annotation",
    "comparison_caption",
    "count_layout",
    "count_traces",
    "cost_vs_count_figure",
    "cost_vs_utilization_figure",
    "utilization_layout",
    "utilization_traces",
]

#: Colours for EC2 instance types (orange is Fargate's everywhere).
EC2_COLORS = tuple(
    OKABE_ITO[k]
    for k in ("blue", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black")
)
UTIL_STEPS = 21  # 0 %, 5 %, ... 100 %


def _color(i: int) -> str:
    return EC2_COLORS[i % len(EC2_COLORS)]


def _symbol(i: int) -> str:
    return SYMBOLS[i % len(SYMBOLS)]


def _money(v: float | None) -> str:
    return "n/a" if v is None else f"${v:,.2f}"


def _period(hours: float) -> str:
    return "a month (730 h)" if hours == 730 else f"{hours:g} h"


def _types(cmp) -> list[str]:
    return list(dict.fromkeys(cmp.table["instance_type"]))


def comparison_caption(cmp) -> str:
    """Price sources (Fargate's, then each instance type's) and the region note."""
    sources = [cmp.workload.get("fargate_price_source", "")] + cmp.table[
        "ec2_price_source"
    ].tolist()
    return price_caption(sources, cmp.note)


def caption_annotation(text: str) -> dict:
    """An annotation under the x axis title (pixels, so it holds at any height)."""
    return {
        "text": text,
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": -58,
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "font": {"size": 10},
        "name": "price source",
    }


def _workload_text(cmp) -> str:
    w = cmp.workload
    mode = w["network_mode"] + (
        (", trunking" if w["trunking"] else ", no trunking")
        if w["network_mode"] == "awsvpc"
        else ""
    )
    ports = f", host port {'/'.join(map(str, w['host_ports']))}" if w["host_ports"] else ""
    spot = " Spot" if w["capacity"] == "spot" else ""
    fcpu, fmem = w["fargate_size"]
    return (
        f"{task_label(w['cpu'], w['memory'])} tasks ({mode}{ports}); Fargate{spot} {w['arch']} "
        f"size {task_label(fcpu, fmem)} at ${w['fargate_usd_per_task_hour']:.5f} per task-hour"
    )


def _count_summary(cmp) -> str:
    last = int(cmp.table["tasks"].max())
    return "; ".join(
        f"{t} {be} tasks" if be is not None else f"{t} none up to {last} tasks"
        for t, be in cmp.break_even_count.items()
    )


def _util_summary(cmp) -> str:
    return "; ".join(
        f"{t} "
        + ("n/a (does not fit)" if be is None else f"{100 * be:.1f} %")
        + (" (Fargate cheaper even at 100 %)" if be is not None and be > 1 else "")
        for t, be in cmp.break_even_utilization.items()
    )


# -- cost against task count ------------------------------------------------------------------------


def count_traces(cmp, slots: int | None = None) -> list[dict]:
    """[Fargate always on, Fargate at the utilisation, then per slot: EC2 steps, break-even]."""
    w = cmp.workload
    types = _types(cmp)
    slots = len(types) if slots is None else slots
    u = w["utilization"]
    first = cmp.table[cmp.table["instance_type"] == types[0]]
    tasks = first["tasks"].astype(int).tolist()
    full = [float(f) / u for f in first["fargate_usd"]]
    period = _period(w["hours"])
    out: list[dict] = [
        {
            "x": tasks,
            "y": full,
            "name": "Fargate, tasks running all the time",
            "hovertemplate": "Fargate: %{x} tasks running all the time<br>"
            f"$%{{y:,.2f}} for {period}<extra></extra>",
            "visible": True,
        },
        {
            "x": tasks if u < 1 else [],
            "y": [f * u for f in full] if u < 1 else [],
            "name": f"Fargate, tasks running {u:.0%} of the time",
            "hovertemplate": f"Fargate: %{{x}} tasks running {u:.0%} of the time<br>"
            f"$%{{y:,.2f}} for {period}<extra></extra>",
            "visible": u < 1,
        },
    ]
    for i in range(slots):
        if i >= len(types):
            out += [{"x": [], "y": [], "name": "", "visible": False, "hovertext": []}] + [
                {"x": [], "y": [], "name": "", "visible": False, "text": [], "hovertext": []}
            ]
            continue
        t = types[i]
        sub = cmp.table[cmp.table["instance_type"] == t]
        n = [None if v != v or v is None else int(v) for v in sub["instances"]]
        ec2 = [None if v != v or v is None else float(v) for v in sub["ec2_usd"]]
        new = [
            k == 0 or (a is not None and a != b)
            for k, (a, b) in enumerate(zip(n, [0] + n[:-1], strict=True))
        ]
        hover = [
            f"{t}: {c} tasks need {k} instance(s)"
            + (" (one more here)" if step and k else "")
            + f"<br>EC2 {_money(e)} vs Fargate {_money(f)} for {period}"
            if k is not None
            else f"{t}: the task does not fit on one instance"
            for c, k, e, f, step in zip(tasks, n, ec2, full, new, strict=True)
        ]
        be = cmp.break_even_count.get(t)
        per = w["tasks_per_instance"].get(t)
        out.append(
            {
                "x": tasks,
                "y": ec2,
                "name": f"EC2 {t} (${w['ec2_usd_per_hour'][t]:.4f}/h, {per} tasks each)",
                "hovertext": hover,
                "marker": {"size": [9 if s else 4 for s in new]},
                "visible": True,
            }
        )
        at = ec2[tasks.index(be)] if be is not None else None
        out.append(
            {
                "x": [] if be is None else [be],
                "y": [] if be is None else [at],
                "name": f"break-even {t}: "
                + (f"{be} tasks" if be is not None else f"none up to {tasks[-1]} tasks"),
                "text": [] if be is None else [f"{be} tasks"],
                "hovertext": []
                if be is None
                else [
                    f"{t}: from {be} tasks, EC2 ({_money(at)}) costs no more than Fargate "
                    f"({_money(full[tasks.index(be)])}) when the tasks run all the time"
                ],
                "visible": True,
            }
        )
    return out


def count_layout(cmp) -> dict:
    w = cmp.workload
    return {
        "title": {
            "text": f"Fargate vs EC2: cost against task count ({_period(w['hours'])})"
            f"<br><sub>{_workload_text(cmp)}<br>EC2 steps up where the scheduler needs one "
            f"more instance (big markers). Break-even (star): {_count_summary(cmp)}</sub>"
        },
        "xaxis": {"title": {"text": "running tasks (count)"}, "rangemode": "tozero"},
        "yaxis": {
            "title": {"text": f"cost over {_period(w['hours'])} (USD)"},
            "rangemode": "tozero",
            "tickprefix": "$",
        },
        "annotations": [caption_annotation(comparison_caption(cmp))],
        "height": 560,
        "margin": {"b": 190, "t": 110},
    }


def _count_styles(slots: int) -> list[dict]:
    styles: list[dict] = [
        {"mode": "lines", "line": {"color": ROLE["fargate"], "width": 3}},
        {
            "mode": "lines",
            "line": {"color": ROLE["fargate"], "width": 2, "dash": "dash"},
        },
    ]
    for i in range(slots):
        styles.append(
            {
                "mode": "lines+markers",
                "line": {"color": _color(i), "width": 2, "shape": "hv"},
                "marker": {"symbol": _symbol(i), "color": _color(i)},
                "hoverinfo": "text",
            }
        )
        styles.append(
            {
                "mode": "markers+text",
                "textposition": "top center",
                "marker": {
                    "symbol": "star",
                    "size": 18,
                    "color": _color(i),
                    "line": {"color": "black", "width": 1},
                },
                "hoverinfo": "text",
                "showlegend": True,
            }
        )
    return styles


def _merge(style: dict, data: dict) -> dict:
    out = dict(style)
    for k, v in data.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def cost_vs_count_figure(cmp, slots: int | None = None) -> go.Figure:
    """Cost of the comparison's workload against the number of tasks, for Fargate and each EC2
    instance type, with the break-even count (``cmp.break_even_count``) starred."""
    data = count_traces(cmp, slots)
    styles = _count_styles((len(data) - 2) // 2)
    fig = go.Figure(
        [go.Scatter(**_merge(s, d)) for s, d in zip(styles, data, strict=True)],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(count_layout(cmp))
    return fig


# -- cost against utilisation -----------------------------------------------------------------------


def utilization_traces(cmp, slots: int | None = None) -> list[dict]:
    """[Fargate, then per slot: EC2 flat line, break-even utilisation marker]."""
    w = cmp.workload
    types = _types(cmp)
    slots = len(types) if slots is None else slots
    count, hours = w["count"], w["hours"]
    period = _period(hours)
    f_full = count * hours * w["fargate_usd_per_task_hour"]
    xs = [100 * k / (UTIL_STEPS - 1) for k in range(UTIL_STEPS)]
    out: list[dict] = [
        {
            "x": xs,
            "y": [f_full * x / 100 for x in xs],
            "name": f"Fargate, {count} tasks",
            "hovertemplate": f"Fargate: {count} tasks running %{{x:.0f}} % of the time<br>"
            f"$%{{y:,.2f}} for {period}<extra></extra>",
            "visible": True,
        }
    ]
    for i in range(slots):
        if i >= len(types):
            out += [
                {"x": [], "y": [], "name": "", "visible": False, "hovertemplate": ""},
                {"x": [], "y": [], "name": "", "visible": False, "text": [], "hovertext": []},
            ]
            continue
        t = types[i]
        row = cmp.table[(cmp.table["instance_type"] == t) & (cmp.table["tasks"] == count)].iloc[0]
        ec2 = (
            None
            if row["ec2_usd"] != row["ec2_usd"] or row["ec2_usd"] is None
            else float(row["ec2_usd"])
        )
        n = None if ec2 is None else int(row["instances"])
        out.append(
            {
                "x": xs if ec2 is not None else [],
                "y": [ec2] * len(xs) if ec2 is not None else [],
                "name": f"EC2 {t}: {n} instance(s), {_money(ec2)} however busy"
                if ec2 is not None
                else f"EC2 {t}: the task does not fit",
                "hovertemplate": f"EC2 {t}: {n} instance(s) for {count} tasks<br>"
                f"$%{{y:,.2f}} for {period} at any utilisation<extra></extra>",
                "visible": True,
            }
        )
        be = cmp.break_even_utilization.get(t)
        shown = be is not None and be <= 1
        out.append(
            {
                "x": [100 * be] if shown else [],
                "y": [ec2] if shown else [],
                "text": [f"{100 * be:.0f} %"] if shown else [],
                "name": f"break-even {t}: "
                + (
                    f"{100 * be:.1f} % of the time"
                    if shown
                    else ("none: Fargate is cheaper even at 100 %" if be else "none")
                ),
                "hovertext": [
                    f"{t}: above {100 * be:.1f} % of the time, {n} EC2 instance(s) cost less "
                    f"than {count} Fargate tasks"
                ]
                if shown
                else [],
                "visible": True,
            }
        )
    return out


def utilization_layout(cmp) -> dict:
    w = cmp.workload
    u = 100 * w["utilization"]
    return {
        "title": {
            "text": f"Fargate vs EC2: cost against utilisation, {w['count']} tasks "
            f"({_period(w['hours'])})<br><sub>{_workload_text(cmp)}<br>Fargate bills only the "
            "hours tasks run, EC2 the instances whether or not tasks run. Break-even (star): "
            f"{_util_summary(cmp)}</sub>"
        },
        "xaxis": {
            "title": {"text": "share of the hours the tasks run (%)"},
            "range": [0, 104],
            "ticksuffix": " %",
        },
        "yaxis": {
            "title": {"text": f"cost over {_period(w['hours'])} (USD)"},
            "rangemode": "tozero",
            "tickprefix": "$",
        },
        "shapes": [
            {
                "type": "line",
                "x0": u,
                "x1": u,
                "xref": "x",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": ROLE["muted"], "dash": "dot", "width": 1},
                "name": "chosen utilisation",
            }
        ],
        "annotations": [
            caption_annotation(comparison_caption(cmp)),
            {
                "text": f"chosen: {u:.0f} %",
                "x": u,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 10, "color": ROLE["muted"]},
                "name": "chosen utilisation",
            },
        ],
        "height": 560,
        "margin": {"b": 190, "t": 110},
    }


def _utilization_styles(slots: int) -> list[dict[str, Any]]:
    styles: list[dict[str, Any]] = [
        {"mode": "lines", "line": {"color": ROLE["fargate"], "width": 3}},
    ]
    for i in range(slots):
        styles.append({"mode": "lines", "line": {"color": _color(i), "width": 2, "dash": "solid"}})
        styles.append(
            {
                "mode": "markers+text",
                "textposition": "top center",
                "marker": {
                    "symbol": "star",
                    "size": 18,
                    "color": _color(i),
                    "line": {"color": "black", "width": 1},
                },
                "hoverinfo": "text",
            }
        )
    return styles


def cost_vs_utilization_figure(cmp, slots: int | None = None) -> go.Figure:
    """Cost of ``cmp.workload['count']`` tasks against utilisation: Fargate grows with the hours
    the tasks run, EC2 does not; stars mark ``cmp.break_even_utilization`` (as %)."""
    data = utilization_traces(cmp, slots)
    styles = _utilization_styles((len(data) - 1) // 2)
    fig = go.Figure(
        [go.Scatter(**_merge(s, d)) for s, d in zip(styles, data, strict=True)],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(utilization_layout(cmp))
    return fig
