"""A panel's static fallback: an HTML snapshot of what its widgets show right now.

A committed lesson keeps no widget state (it would embed random model ids and plotly's bundle),
so a static reader (GitHub, nbviewer, a printed notebook) would see an empty spot where a panel
was. The snapshot goes beside the live widget in the output's mime bundle: JupyterLab and Voila
prefer the live widget; static viewers show the snapshot. It is built from widget values only
(no model ids, no clock), so re-executing a lesson writes the same bytes.

Charts become a small inline SVG (scatter and bar traces) with their title, axis titles and a
legend; anything else a chart holds is summarised by trace.
"""

from __future__ import annotations

import html
import math
from datetime import date, datetime
from typing import Any

import ipywidgets as w

from ..i18n import _

__all__ = ["snapshot_html"]

_W, _H, _PAD = 420, 180, 28
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000")


def snapshot_html(widget: Any, title: str = "") -> str:
    """The whole snapshot: the widget tree as HTML, under a line saying it is a snapshot."""
    body = _node(widget)
    note = html.escape(
        _("{title}: a snapshot; run the cell for the live panel").format(title=title)
        if title
        else ""
    )
    return (
        '<div class="ecslab-panel-static" style="border:1px solid #ccc;padding:6px">'
        f'<div style="color:#666;font-size:smaller"><em>{note}</em></div>{body}</div>'
    )


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _described(widget: Any, inner: str) -> str:
    label = getattr(widget, "description", "") or ""
    head = f"<b>{_esc(label)}</b> " if label else ""
    return f'<span style="margin-right:8px">{head}{inner}</span>'


def _node(widget: Any) -> str:
    if widget is None:
        return ""
    if hasattr(widget, "to_plotly_json") and hasattr(widget, "data"):
        try:
            return _figure(widget)
        except (TypeError, ValueError, AttributeError) as err:
            # A fallback must never break the live panel it rides along with.
            title = _esc(widget.layout.title.text or _("chart"))
            return f"<figure><b>{title}</b> <!-- no snapshot: {type(err).__name__} --></figure>"
    if isinstance(widget, w.Tab):
        titles = list(getattr(widget, "titles", ()) or ())
        parts = []
        for i, child in enumerate(widget.children):
            name = titles[i] if i < len(titles) and titles[i] else _("tab {n}").format(n=i + 1)
            parts.append(
                f"<details{' open' if i == widget.selected_index else ''}>"
                f"<summary>{_esc(name)}</summary>{_node(child)}</details>"
            )
        return "".join(parts)
    if isinstance(widget, w.Box):
        direction = "row" if isinstance(widget, w.HBox) else "column"
        kids = "".join(_node(c) for c in widget.children)
        return f'<div style="display:flex;flex-direction:{direction};gap:4px">{kids}</div>'
    if isinstance(widget, w.HTML | w.HTMLMath):
        return f"<div>{widget.value}</div>"
    if isinstance(widget, w.Label):
        return f"<span>{_esc(widget.value)}</span>"
    if isinstance(widget, w.Button):
        return f"<button disabled>{_esc(widget.description)}</button>"
    if isinstance(widget, w.ToggleButtons):
        opts = " ".join(
            f"<b>[{_esc(label)}]</b>" if label == widget.label else _esc(label)
            for label in widget._options_labels
        )
        return _described(widget, opts)
    if isinstance(widget, w.SelectMultiple):
        return _described(widget, _esc(", ".join(widget.label or ())) or _("(none)"))
    if isinstance(widget, w.Dropdown | w.Select | w.RadioButtons | w.SelectionSlider):
        return _described(widget, f"<code>{_esc(widget.label)}</code>")
    if isinstance(widget, w.Checkbox):
        return _described(widget, "☑" if widget.value else "☐")
    if isinstance(widget, w.IntProgress | w.FloatProgress):
        return _described(widget, f"{_esc(widget.value)} / {_esc(widget.max)}")
    if isinstance(widget, w.Output):
        return "".join(_output(o) for o in widget.outputs)
    if isinstance(widget, w.Play):
        return ""
    if hasattr(widget, "value"):
        return _described(widget, f"<code>{_esc(widget.value)}</code>")
    return ""


def _output(out: dict) -> str:
    if out.get("output_type") == "stream":
        return f"<pre>{_esc(out.get('text', ''))}</pre>"
    data = out.get("data", {})
    if "text/html" in data:
        return f"<div>{data['text/html']}</div>"
    if "text/plain" in data:
        return f"<pre>{_esc(data['text/plain'])}</pre>"
    return ""


# -- charts ---------------------------------------------------------------------------------------


def _numbers(values: Any) -> list[float] | None:
    """Plot positions for one axis: numbers as they are, dates as seconds, else None."""
    if values is None:
        return None
    out = []
    for v in values:
        if isinstance(v, bool) or v is None:
            return None
        if isinstance(v, int | float):
            out.append(float(v))
        elif isinstance(v, datetime | date):
            out.append(datetime.fromisoformat(v.isoformat()).timestamp())
        elif isinstance(v, str):
            try:
                out.append(datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp())
            except ValueError:
                return None
        else:
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                return None
    return out


def _colour(tr: Any, i: int) -> str:
    for part in ("marker", "line"):
        c = getattr(getattr(tr, part, None), "color", None)
        if isinstance(c, str):
            return c
    return _COLOURS[i % len(_COLOURS)]


def _positions(values: Any, n: int) -> list[float]:
    if values is None:
        return [float(k) for k in range(n)]
    nums = _numbers(values)
    if nums is not None:
        return nums
    cats: dict = {}  # categories (multi-level ones are lists): positions in first-seen order
    return [float(cats.setdefault(repr(v), len(cats))) for v in values]


def _figure(fig: Any) -> str:
    layout = fig.layout
    title = layout.title.text or ""
    xt = layout.xaxis.title.text if layout.xaxis and layout.xaxis.title else None
    yt = layout.yaxis.title.text if layout.yaxis and layout.yaxis.title else None
    series, legend, other = [], [], []
    for i, tr in enumerate(fig.data):
        colour, name = _colour(tr, i), tr.name or tr.type
        horizontal = tr.type == "bar" and getattr(tr, "orientation", None) == "h"
        values, keys = (
            (tr.x, tr.y) if horizontal else (getattr(tr, "y", None), getattr(tr, "x", None))
        )
        ys = _numbers(values)
        if tr.type in ("scatter", "bar") and ys:
            kind = "hbar" if horizontal else tr.type
            if kind == "scatter" and "lines" not in (tr.mode or "lines"):
                kind = "markers"
            series.append((kind, _positions(keys, len(ys)), ys, colour))
            if tr.showlegend is not False:
                legend.append(f'<span style="color:{colour}">■</span> {name}')
        else:
            count = len(getattr(tr, "x", None) or getattr(tr, "y", None) or ())
            if count:
                other.append(
                    _("{name} ({kind}, {count} points)").format(
                        name=name, kind=_esc(tr.type), count=count
                    )
                )
    svg = _svg(series) if series else ""
    axes = " · ".join(_esc(t) for t in (xt and f"x: {xt}", yt and f"y: {yt}") if t)
    # Plotly titles and names carry its small HTML subset (<br>, <sub>, <b>): keep it.
    parts = [f"<div><b>{title}</b></div>" if title else "", svg]
    if legend:
        parts.append(f'<div style="font-size:smaller">{" ".join(legend)}</div>')
    if axes:
        parts.append(f'<div style="font-size:smaller;color:#666">{axes}</div>')
    if other:
        parts.append(f'<div style="font-size:smaller">{"; ".join(other)}</div>')
    return f'<figure class="ecslab-chart-static" style="margin:4px 0">{"".join(parts)}</figure>'


def _svg(series: list) -> str:
    """Scatter lines/markers and bars on one pair of linear axes (values from 0)."""
    flat = [(k, a, b) for k, xs, ys, _ in series for a, b in zip(xs, ys, strict=False)]
    keys = [a for k, a, b in flat if math.isfinite(a) and math.isfinite(b)]
    vals = [b for k, a, b in flat if math.isfinite(a) and math.isfinite(b)] + [0.0]
    if not keys:
        return ""
    k0, k1, v0, v1 = min(keys), max(keys), min(vals), max(vals)
    span_k = (k1 - k0) or 1
    span_v = (v1 - v0) or 1
    inner_w, inner_h = _W - 2 * _PAD, _H - 2 * _PAD
    shapes = []
    for kind, xs, ys, colour in series:
        pts = [
            (a, b) for a, b in zip(xs, ys, strict=False) if math.isfinite(a) and math.isfinite(b)
        ]
        if kind == "hbar":  # keys down the y axis, values along x
            band = inner_h / (span_k + 1)
            for a, b in pts:
                y = _PAD + (a - k0) * band + band * 0.15
                x0, x1 = sorted(
                    (_PAD + (0 - v0) / span_v * inner_w, _PAD + (b - v0) / span_v * inner_w)
                )
                shapes.append(
                    f'<rect x="{x0:.1f}" y="{y:.1f}" width="{x1 - x0:.1f}" height="{band * 0.7:.1f}" '
                    f'fill="{colour}" opacity="0.8"/>'
                )
            continue
        px = [
            (
                round(_PAD + (a - k0) / span_k * inner_w, 1),
                round(_H - _PAD - (b - v0) / span_v * inner_h, 1),
            )
            for a, b in pts
        ]
        if kind == "bar":
            width = max(2.0, inner_w / max(1, len(pts)) / 1.5)
            base = round(_H - _PAD - (0 - v0) / span_v * inner_h, 1)
            for x, y in px:
                top, bottom = sorted((y, base))
                shapes.append(
                    f'<rect x="{x - width / 2:.1f}" y="{top}" width="{width:.1f}" '
                    f'height="{round(bottom - top, 1)}" fill="{colour}" opacity="0.8"/>'
                )
        elif kind == "markers":
            shapes += [f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>' for x, y in px]
        elif px:
            line = " ".join(f"{x},{y}" for x, y in px)
            shapes.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    axis = (
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#999"/>'
        f'<line x1="{_PAD}" y1="{_PAD}" x2="{_PAD}" y2="{_H - _PAD}" stroke="#999"/>'
    )
    hbar = all(k == "hbar" for k, *_ in series)
    scale = (
        f'<text x="{_PAD}" y="{_H - 8}" font-size="10">{v0:g}</text>'
        f'<text x="{_W - _PAD}" y="{_H - 8}" font-size="10" text-anchor="end">{v1:g}</text>'
        if hbar
        else f'<text x="2" y="{_PAD}" font-size="10">{v1:g}</text>'
        f'<text x="2" y="{_H - _PAD}" font-size="10">{v0:g}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'role="img">{axis}{scale}{"".join(shapes)}</svg>'
    )
