"""The class report as a chart: students x scenarios, coloured by outcome, hints written in."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..palette import OKABE_ITO, ROLE, TEMPLATE

__all__ = ["class_report_figure", "exercise_pass_figure", "STATUS_ORDER"]

#: outcome -> (rank on the colour scale, colour)
STATUS_ORDER = {
    "solved": (0, ROLE["ok"]),
    "skipped": (1, OKABE_ITO["sky_blue"]),
    "not solved": (2, ROLE["fail"]),
    "not started": (3, "#E5E5E5"),
    "not available": (4, "#BDBDBD"),
    "unreadable": (5, OKABE_ITO["black"]),
}


def class_report_figure(report: pd.DataFrame) -> go.Figure:
    """A heatmap of :func:`ecslab.breakit.report.class_report`: one row per student, one column
    per scenario, the cell's colour is the outcome and its text the hints used."""
    students = list(dict.fromkeys(report["student"]))
    cols = list(
        dict.fromkeys(
            f"{n} · {s}" for n, s in zip(report["number"], report["scenario"], strict=True)
        )
    )
    key = report.assign(
        col=[f"{n} · {s}" for n, s in zip(report["number"], report["scenario"], strict=True)]
    )
    grid = key.pivot(index="student", columns="col", values="status").reindex(
        index=students, columns=cols
    )
    hints = key.pivot(index="student", columns="col", values="hints_used").reindex(
        index=students, columns=cols
    )
    n = len(STATUS_ORDER)
    # Cell values sit mid-band (rank + 0.5), away from the colour scale's band edges.
    z = grid.map(lambda s: STATUS_ORDER.get(s, (n - 1, ""))[0] + 0.5).to_numpy()
    scale = []
    for rank, color in STATUS_ORDER.values():
        scale += [[rank / n, color], [(rank + 1) / n, color]]
    text = [
        [
            f"{grid.iat[i, j]}" + (f"<br>{int(hints.iat[i, j])} hint(s)" if hints.iat[i, j] else "")
            for j in range(len(cols))
        ]
        for i in range(len(students))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=students,
            zmin=0,
            zmax=n,
            colorscale=scale,
            showscale=False,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>",
            xgap=2,
            ygap=2,
        ),
        layout={"template": TEMPLATE},
    )
    solved = int((report["status"] == "solved").sum())
    fig.update_layout(
        title={"text": f"Break-it class report: {len(students)} student(s), {solved} solved"},
        xaxis={"title": {"text": "scenario"}, "tickangle": -30},
        yaxis={"title": {"text": "student"}, "autorange": "reversed"},
        height=220 + 40 * max(len(students), 1),
    )
    return fig


#: exercise kind -> (label, colour, bar pattern): colour is never the only cue.
KIND_STYLE = {
    "autograded": ("check (autograded)", OKABE_ITO["blue"], ""),
    "manual": ("written answer (graded by hand)", OKABE_ITO["orange"], "/"),
    "break-it": ("break-it scenario", OKABE_ITO["bluish_green"], "x"),
}


def exercise_pass_figure(table: pd.DataFrame) -> go.Figure:
    """Per-exercise pass rates (:func:`workbook.classreport.exercise_table`): one horizontal bar
    per exercise, in course order, one trace per kind; the text says passed/students and hints."""
    labels = [
        f"{s} · {e}" if s != "break-it" else f"break-it {e}"
        for s, e in zip(table["source"], table["exercise"], strict=True)
    ]
    table = table.assign(label=labels)
    fig = go.Figure(layout={"template": TEMPLATE})
    for kind, (name, color, pattern) in KIND_STYLE.items():
        rows = table[table["kind"] == kind]
        if rows.empty:
            continue
        text = [
            f"{p}/{n} passed" + (f" · {h} hint(s)" if h else "") + (f" · {g} to grade" if g else "")
            for p, n, h, g in zip(
                rows["passed"],
                rows["students"],
                rows["hints_used"],
                rows["needs_grading"],
                strict=True,
            )
        ]
        fig.add_trace(
            go.Bar(
                x=(rows["pass_rate"] * 100).tolist(),
                y=rows["label"].tolist(),
                orientation="h",
                name=name,
                marker={"color": color, "pattern": {"shape": pattern}},
                text=text,
                textposition="outside",  # a 0 % bar still says why (e.g. answers to grade)
                cliponaxis=False,
                hovertemplate="%{y}<br>%{x:.0f} % passed<br>%{text}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"Exercises: pass rate over {int(table['students'].max() or 0)} student(s)"},
        # Room right of 100 % for the bar texts.
        xaxis={
            "title": {"text": "students who passed (%)"},
            "range": [0, 135],
            "tickvals": [0, 20, 40, 60, 80, 100],
        },
        yaxis={
            "title": {"text": "exercise"},
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": labels,
        },
        height=200 + 28 * max(len(table), 1),
        legend={"orientation": "h", "y": -0.15},
    )
    return fig
