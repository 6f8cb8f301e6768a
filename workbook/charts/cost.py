"""Fargate vs EC2 cost charts, drawn from ``lab.compare_launch_types(...)`` (a ``Comparison``).

* :func:`cost_vs_count_figure`: cost against task count; EC2 as steps (one more instance where
  the scheduler needs one), Fargate as a straight line, the break-even count marked.
* :func:`~workbook.charts.utilization.cost_vs_utilization_figure` (its own module): at the
  comparison's count, cost against the share of the hours the tasks run.

The trace builders return the same number of traces for a given number of ``slots`` (instance
types), so the live explorer updates a ``FigureWidget`` in place. Every chart carries the price
source and, when prices are not the lab region's, the region note.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..i18n import _, money, percent
from ..palette import OKABE_ITO, ROLE, SYMBOLS, TEMPLATE
from ..views.capacity import task_label
from ..views.costs import price_caption

__all__ = [
    "EC2_COLORS",
    "caption_annotation",
    "comparison_caption",
    "count_layout",
    "count_traces",
    "cost_vs_count_figure",
]

#: Colours for EC2 instance types (orange is Fargate's everywhere).
EC2_COLORS = tuple(
    OKABE_ITO[k]
    for k in ("blue", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black")
)


def _color(i: int) -> str:
    return EC2_COLORS[i % len(EC2_COLORS)]


def _star_style(i: int) -> dict[str, Any]:
    """The break-even marker of comparison ``i`` (a labelled star in its colour)."""
    return {
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


def _symbol(i: int) -> str:
    return SYMBOLS[i % len(SYMBOLS)]


def _money(v: float | None) -> str:
    return _("n/a") if v is None else money(v)


def _period(hours: float) -> str:
    return _("a month (730 h)") if hours == 730 else _("{hours} h").format(hours=f"{hours:g}")


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
        (_(", trunking") if w["trunking"] else _(", no trunking"))
        if w["network_mode"] == "awsvpc"
        else ""
    )
    ports = (
        _(", host port {ports}").format(ports="/".join(map(str, w["host_ports"])))
        if w["host_ports"]
        else ""
    )
    spot = " Spot" if w["capacity"] == "spot" else ""
    fcpu, fmem = w["fargate_size"]
    return _(
        "{size} tasks ({mode}{ports}); Fargate{spot} {arch} size {fargate_size} at "
        "{price} per task-hour"
    ).format(
        size=task_label(w["cpu"], w["memory"]),
        mode=mode,
        ports=ports,
        spot=spot,
        arch=w["arch"],
        fargate_size=task_label(fcpu, fmem),
        price=money(w["fargate_usd_per_task_hour"], 5),
    )


def _count_summary(cmp) -> str:
    last = int(cmp.table["tasks"].max())
    return "; ".join(
        _("{instance_type} {n} tasks").format(instance_type=t, n=be)
        if be is not None
        else _("{instance_type} none up to {last} tasks").format(instance_type=t, last=last)
        for t, be in cmp.break_even_count.items()
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
            "name": _("Fargate, tasks running all the time"),
            "hovertemplate": _(
                "Fargate: %{{x}} tasks running all the time<br>$%{{y:,.2f}} for {period}"
            ).format(period=period)
            + "<extra></extra>",
            "visible": True,
        },
        {
            "x": tasks if u < 1 else [],
            "y": [f * u for f in full] if u < 1 else [],
            "name": _("Fargate, tasks running {share} of the time").format(share=percent(u)),
            "hovertemplate": _(
                "Fargate: %{{x}} tasks running {share} of the time<br>$%{{y:,.2f}} for {period}"
            ).format(share=percent(u), period=period)
            + "<extra></extra>",
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
            _("{instance_type}: {tasks} tasks need {n} instance(s)").format(
                instance_type=t, tasks=c, n=k
            )
            + (_(" (one more here)") if step and k else "")
            + "<br>"
            + _("EC2 {ec2} vs Fargate {fargate} for {period}").format(
                ec2=_money(e), fargate=_money(f), period=period
            )
            if k is not None
            else _("{instance_type}: the task does not fit on one instance").format(instance_type=t)
            for c, k, e, f, step in zip(tasks, n, ec2, full, new, strict=True)
        ]
        be = cmp.break_even_count.get(t)
        per = w["tasks_per_instance"].get(t)
        out.append(
            {
                "x": tasks,
                "y": ec2,
                "name": _("EC2 {instance_type} ({price}/h, {n} tasks each)").format(
                    instance_type=t, price=money(w["ec2_usd_per_hour"][t], 4), n=per
                ),
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
                "name": _("break-even {instance_type}: {where}").format(
                    instance_type=t,
                    where=_("{n} tasks").format(n=be)
                    if be is not None
                    else _("none up to {last} tasks").format(last=tasks[-1]),
                ),
                "text": [] if be is None else [_("{n} tasks").format(n=be)],
                "hovertext": []
                if be is None
                else [
                    _(
                        "{instance_type}: from {n} tasks, EC2 ({ec2}) costs no more than "
                        "Fargate ({fargate}) when the tasks run all the time"
                    ).format(
                        instance_type=t,
                        n=be,
                        ec2=_money(at),
                        fargate=_money(full[tasks.index(be)]),
                    )
                ],
                "visible": True,
            }
        )
    return out


def count_layout(cmp) -> dict:
    w = cmp.workload
    return {
        "title": {
            "text": _("Fargate vs EC2 over {period}: cost against task count").format(
                period=_period(w["hours"])
            )
            + f"<br><sub>{_workload_text(cmp)}<br>"
            + _("EC2 steps up where the scheduler needs one more instance (big markers).")
            + "<br>"
            + _("Break-even (star): {summary}").format(summary=_count_summary(cmp))
            + "</sub>"
        },
        "xaxis": {"title": {"text": _("running tasks (count)")}, "rangemode": "tozero"},
        "yaxis": {
            "title": {"text": _("cost over {hours} h (USD)").format(hours=f"{w['hours']:g}")},
            "rangemode": "tozero",
            "tickprefix": "$",
        },
        "annotations": [caption_annotation(comparison_caption(cmp))],
        "height": 580,
        "margin": {"b": 190, "t": 130},
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
        styles.append({**_star_style(i), "showlegend": True})
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
