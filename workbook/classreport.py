"""The instructor's class report, offline.

``python -m workbook.classreport FOLDER [--course COURSE] [--out DIR]``:

* the lessons' exercises come from nbgrader's gradebook: ``COURSE/gradebook.db`` (``--course``, or
  FOLDER itself when it holds a ``gradebook.db``), as :mod:`workbook.gradebook` reads it, with one
  plain message per problem found in a submission (a deleted or changed cell, a notebook that
  raised or could not be read);
* the break-it progress comes from the saved labs in FOLDER (``*.jsonl[.gz]``, or notebooks ending
  in ``breakit.report.submission(lab)``), rebuilt by replay as before; a lab that fails replay is a
  message for that student only.

It writes next to FOLDER (or in ``--out``): ``class_report.csv`` (break-it rows), ``exercises.csv``
(per exercise: students, passed, pass rate, hints used), ``grades.csv`` (the gradebook's cells),
``messages.csv`` and ``class_report.html`` (the tables and two plotly charts).
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

import pandas as pd

from ecslab.breakit.report import REPORT_COLUMNS, class_report, write_csv

from .charts.classreport import class_report_figure, exercise_pass_figure

__all__ = [
    "EXERCISE_COLUMNS",
    "ClassReport",
    "class_summary",
    "exercise_table",
    "main",
    "messages",
    "run",
]

EXERCISE_COLUMNS = [
    "source",
    "exercise",
    "kind",
    "points",
    "students",
    "passed",
    "pass_rate",
    "needs_grading",
    "hints_used",
]
_IDLE = ["not started", "not available"]


def class_summary(report: pd.DataFrame) -> pd.DataFrame:
    """Per student: scenarios started, solved, skipped and hints used."""
    started = report[~report["status"].isin(_IDLE)]
    g = started.groupby("student", sort=True)
    out = pd.DataFrame(
        {
            "started": g.size(),
            "solved": g["solved"].sum().astype(int),
            "skipped": g["skipped"].sum().astype(int),
            "hints_used": g["hints_used"].sum().astype(int),
        }
    )
    return out.reindex(sorted(report["student"].unique()), fill_value=0)


def exercise_table(grades: pd.DataFrame | None, breakit: pd.DataFrame | None) -> pd.DataFrame:
    """One row per exercise: nbgrader's graded cells (a check passes at full points, a written
    answer once graded at full points) then the break-it scenarios students started (solved
    without skipping; hints from the labs' event tables)."""
    rows = []
    if grades is not None and len(grades):
        keys = ["assignment", "exercise", "kind"]
        for (aid, ex, kind), g in grades.groupby(keys, sort=False):
            rows.append(
                {
                    "source": aid,
                    "exercise": ex,
                    "kind": kind,
                    "points": float(g["points"].iloc[0]),
                    "students": len(g),
                    "passed": int((g["score"] >= g["points"]).sum()),
                    "needs_grading": int((g["status"] == "needs grading").sum()),
                    "hints_used": 0,  # lesson checks print their hint; nothing records a view
                }
            )
    if breakit is not None and len(breakit):
        started = breakit[~breakit["status"].isin(_IDLE + ["unreadable"])]
        for (number, slug), g in started.groupby(["number", "scenario"], sort=True):
            rows.append(
                {
                    "source": "break-it",
                    "exercise": f"{number} · {slug}",
                    "kind": "break-it",
                    "points": 1.0,
                    "students": len(g),
                    "passed": int(g["solved"].sum()),
                    "needs_grading": 0,
                    "hints_used": int(g["hints_used"].sum()),
                }
            )
    table = pd.DataFrame(rows, columns=[c for c in EXERCISE_COLUMNS if c != "pass_rate"])
    table.insert(6, "pass_rate", (table["passed"] / table["students"]).round(3))
    return table.reset_index(drop=True)


def messages(issues: pd.DataFrame | None, breakit: pd.DataFrame | None) -> pd.DataFrame:
    """Per-student problems: the gradebook's submission issues and labs that failed replay."""
    frames = [issues] if issues is not None and len(issues) else []
    if breakit is not None and len(breakit):
        bad = breakit[breakit["status"] == "unreadable"].drop_duplicates("student")
        frames.append(
            pd.DataFrame(
                {
                    "student": bad["student"],
                    "source": "break-it lab",
                    "message": "saved lab could not be replayed: " + bad["message"],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["student", "source", "message"])
    return pd.concat(frames, ignore_index=True).sort_values(["student", "source"], kind="stable")


class ClassReport:
    """Everything :func:`run` computed (data frames) and wrote (paths)."""

    def __init__(self, breakit, grades, exercises, messages, files):
        self.breakit, self.grades, self.exercises = breakit, grades, exercises
        self.messages, self.files = messages, files

    # (report, csv, html) as before, so ``report, csv, page = run(...)`` keeps working.
    def __iter__(self):
        return iter((self.breakit, self.files["class_report.csv"], self.files["class_report.html"]))


def _page(report: ClassReport) -> str:
    parts = ["<h1>ecslab class report</h1>"]
    first = True
    if len(report.exercises):
        fig = exercise_pass_figure(report.exercises)
        parts.append(fig.to_html(full_html=False, include_plotlyjs=True))
        first = False
    if len(report.breakit):
        fig = class_report_figure(report.breakit)
        parts.append(fig.to_html(full_html=False, include_plotlyjs=first))
    for title, frame in (
        ("Messages", report.messages),
        ("Exercises", report.exercises),
        ("Grades", report.grades),
    ):
        if frame is not None and len(frame):
            parts.append(f"<h2>{html.escape(title)}</h2>" + frame.to_html(index=False))
    body = "\n".join(parts)
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'


def run(
    folder: str | Path | None = None,
    out: str | Path | None = None,
    course: str | Path | None = None,
) -> ClassReport:
    """Build the report (see module doc) and write its files to ``out`` (default: FOLDER, or
    the course folder when there is no FOLDER)."""
    from . import gradebook

    if course is None and folder is not None and (Path(folder) / "gradebook.db").exists():
        course = folder
    if folder is None and course is None:
        raise ValueError("give a folder of saved labs, a course folder, or both")
    out = Path(out) if out is not None else Path(folder if folder is not None else course)
    labs = class_report(folder) if folder is not None else pd.DataFrame(columns=REPORT_COLUMNS)
    grades = issues = None
    if course is not None:
        grades, issues = gradebook.scores(course), gradebook.submission_issues(course)
    report = ClassReport(
        labs,
        grades if grades is not None else pd.DataFrame(columns=gradebook.SCORE_COLUMNS),
        exercise_table(grades, labs),
        messages(issues, labs),
        {},
    )
    report.files["class_report.csv"] = write_csv(labs, out / "class_report.csv")
    for name, frame in (
        ("exercises.csv", report.exercises),
        ("grades.csv", report.grades),
        ("messages.csv", report.messages),
    ):
        report.files[name] = write_csv(frame, out / name)
    page = out / "class_report.html"
    page.write_text(_page(report))
    report.files["class_report.html"] = page
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.classreport", description=__doc__)
    parser.add_argument("folder", nargs="?", help="saved labs (or a course folder)")
    parser.add_argument("--course", default=None, help="nbgrader course folder (gradebook.db)")
    parser.add_argument("--out", default=None, help="where to write the CSVs and the page")
    args = parser.parse_args(argv)
    for path in (args.folder, args.course):
        if path is not None and not Path(path).is_dir():
            print(f"error: {path} is not a folder", file=sys.stderr)
            return 2
    if args.course is not None and not (Path(args.course) / "gradebook.db").exists():
        print(f"error: {args.course} has no gradebook.db (run nbgrader there)", file=sys.stderr)
        return 2
    try:
        report = run(args.folder, args.out, args.course)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with pd.option_context("display.width", 160, "display.max_colwidth", 100):
        if len(report.exercises):
            print(report.exercises.to_string(index=False))
        if len(report.breakit):
            print(class_summary(report.breakit).to_string())
        for row in report.messages.itertuples():
            print(f"! {row.student} ({row.source}): {row.message}")
    print(f"wrote {', '.join(str(p) for p in report.files.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
