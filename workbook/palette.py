"""A colour-blind-safe palette (Okabe & Ito, 2008) and the plotly template every chart uses.

The eight Okabe-Ito colours stay distinguishable under the common colour-vision deficiencies
(protanopia, deuteranopia, tritanopia). Charts never rely on colour alone: traces also differ in
marker symbol or pattern, and hover text names what a mark is.
"""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["OKABE_ITO", "SEQUENCE", "ROLE", "SYMBOLS", "TEMPLATE", "color_for"]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Order used for categories (kinds, families, services). Yellow is last: weak on white.
SEQUENCE: tuple[str, ...] = tuple(
    OKABE_ITO[k]
    for k in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "sky_blue",
        "reddish_purple",
        "black",
        "yellow",
    )
)

#: Fixed meanings, so the same thing has the same colour in every chart.
ROLE: dict[str, str] = {
    "ok": OKABE_ITO["bluish_green"],
    "fail": OKABE_ITO["vermillion"],
    "input": OKABE_ITO["black"],
    "fact": OKABE_ITO["blue"],
    "fargate": OKABE_ITO["orange"],
    "ec2": OKABE_ITO["blue"],
    "without_trunking": OKABE_ITO["sky_blue"],
    "with_trunking": OKABE_ITO["blue"],
    "effective": OKABE_ITO["vermillion"],
    "unsupported": OKABE_ITO["black"],
    "muted": "#7F7F7F",
}

#: Marker symbols to pair with colours (shape carries the meaning too).
SYMBOLS: tuple[str, ...] = ("circle", "diamond", "square", "triangle-up", "x", "star", "cross")

#: A small explicit template: charts look the same whatever ``pio.templates.default`` is, and
#: the saved figure JSON stays small (plotly's default template adds ~7 kB to every figure).
TEMPLATE = go.layout.Template(
    layout={
        "colorway": list(SEQUENCE),
        # Latin from DejaVu Sans / Arial; Chinese (zh-Hant course) from the CJK fonts after them
        # (Noto Sans CJK TC is what .ci/run installs; the others are macOS's and Windows').
        "font": {
            "family": "DejaVu Sans, Arial, Noto Sans CJK TC, Noto Sans TC, PingFang TC, "
            "Microsoft JhengHei, sans-serif",
            "size": 12,
            "color": "#222222",
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"size": 12}},
        "xaxis": {
            "showgrid": True,
            "gridcolor": "#E5E5E5",
            "zeroline": False,
            "linecolor": "#444",
            "automargin": True,
        },
        "yaxis": {
            "showgrid": True,
            "gridcolor": "#E5E5E5",
            "zeroline": False,
            "linecolor": "#444",
            "automargin": True,
        },
        # Title pinned to the top edge and legend to the bottom edge of the figure (container
        # coordinates), so neither collides with the plot or each other whatever the height.
        "title": {
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 12, "l": 10},
        },
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        "margin": {"l": 90, "r": 30, "t": 80, "b": 120},
    }
)


def color_for(key: str, keys: list[str] | tuple[str, ...]) -> str:
    """The colour of ``key`` among ``keys`` (stable: position in ``keys``, cycling)."""
    return SEQUENCE[list(keys).index(key) % len(SEQUENCE)]
