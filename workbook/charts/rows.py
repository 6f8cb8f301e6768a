"""Layout shared by the charts that draw one row per thing over simulated time (events by kind,
task lifecycles, target health): a date x-axis, a category y-axis in a fixed order, a height that
grows with the rows, and a note when there is nothing to draw yet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from ..i18n import _

__all__ = ["time_rows_layout"]


def time_rows_layout(
    fig: go.Figure,
    *,
    title: str,
    y_title: str,
    rows: Sequence[str],
    empty_text: str | None,
    base_height: int = 200,
    per_row: int = 30,
    **layout: Any,
) -> go.Figure:
    """Apply the layout; ``empty_text`` (when not None) is shown in the middle of an empty chart."""
    yaxis = {
        "title": {"text": y_title},
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(rows),
        "autorange": "reversed",
        **layout.pop("yaxis", {}),
    }
    fig.update_layout(
        title={"text": title},
        xaxis={"title": {"text": _("simulated time (UTC)")}, "type": "date"},
        yaxis=yaxis,
        height=base_height + per_row * max(len(rows), 1),
        **layout,
    )
    if empty_text is not None:
        fig.add_annotation(
            text=empty_text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
        )
    return fig
