"""The instructor's class report, offline: ``python -m workbook.classreport FOLDER`` grades every
submission in FOLDER (saved labs ``*.jsonl[.gz]`` or notebooks ending in
``breakit.report.submission(lab)``) and writes ``class_report.csv`` and ``class_report.html`` (the
chart) next to them, or where ``--out`` says."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ecslab.breakit.report import class_report, write_csv

from .charts.classreport import class_report_figure

__all__ = ["class_summary", "main", "run"]


def class_summary(report: pd.DataFrame) -> pd.DataFrame:
    """Per student: scenarios started, solved, skipped and hints used."""
    started = report[~report["status"].isin(["not started", "not available"])]
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


def run(folder: str | Path, out: str | Path | None = None) -> tuple[pd.DataFrame, Path, Path]:
    """Grade ``folder``; write the CSV and the chart's HTML; return (report, csv, html)."""
    out = Path(out) if out is not None else Path(folder)
    report = class_report(folder)
    csv = write_csv(report, out / "class_report.csv")
    page = out / "class_report.html"
    class_report_figure(report).write_html(str(page), include_plotlyjs="cdn", full_html=True)
    return report, csv, page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.classreport", description=__doc__)
    parser.add_argument("folder")
    parser.add_argument("--out", default=None, help="where to write the CSV and chart")
    args = parser.parse_args(argv)
    if not Path(args.folder).is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    report, csv, page = run(args.folder, args.out)
    print(class_summary(report).to_string())
    print(f"wrote {csv} and {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
