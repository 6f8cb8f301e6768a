"""The instructor's class report: every scenario's check over a folder of submissions, offline.

A submission is a saved lab (``lab.save("ada.jsonl")``, ``.jsonl.gz`` too) or an executed notebook
whose output holds the lab's event table: ``breakit.report.submission(lab)`` as a cell's last line
embeds it (MIME ``application/vnd.ecslab.lab+json``; image blobs ride along, base64). Each one is
rebuilt by replay, then every scenario's ``check`` runs on it; hints and skips come from the lab's
own event table (``BreakItHintShown``, ``BreakItSkipped``).
"""

from __future__ import annotations

import base64
import json
import tempfile
from pathlib import Path

import pandas as pd

from ..lab import Lab
from .catalogue import SCENARIOS
from .model import started_variant

__all__ = [
    "LAB_MIME",
    "REPORT_COLUMNS",
    "Submission",
    "class_report",
    "grade",
    "load_submission",
    "submission",
    "write_csv",
]

LAB_MIME = "application/vnd.ecslab.lab+json"
REPORT_COLUMNS = [
    "student",
    "number",
    "scenario",
    "variant",
    "status",
    "solved",
    "hints_used",
    "hint_level",
    "skipped",
    "message",
]
_SUFFIXES = (".jsonl", ".jsonl.gz", ".ipynb")


class Submission:
    """A lab's event table (and blobs) as a notebook output the class report can read."""

    def __init__(self, lab: Lab) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = lab.save(Path(tmp) / "lab.jsonl")
            self.events = path.read_text()
            blobs = Path(str(path) + ".blobs") / "sha256"
            self.blobs = (
                {
                    f"sha256:{p.name}": base64.b64encode(p.read_bytes()).decode()
                    for p in sorted(blobs.glob("*"))
                }
                if blobs.is_dir()
                else {}
            )
        self.n_events = len(self.events.splitlines()) - 1

    def _repr_mimebundle_(self, **_):
        return {
            "text/plain": f"lab submitted: {self.n_events} events",
            LAB_MIME: {"events": self.events, "blobs": self.blobs},
        }


def submission(lab: Lab) -> Submission:
    """End a notebook with this so the saved notebook carries the lab for grading."""
    return Submission(lab)


def _from_notebook(path: Path) -> Lab:
    nb = json.loads(path.read_text())
    found = None
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if LAB_MIME in data:
                found = data[LAB_MIME]
    if found is None:
        raise ValueError(f"{path.name} has no lab in its outputs (end it with submission(lab))")
    if isinstance(found, str):
        found = json.loads(found)
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "lab.jsonl"
        table.write_text(found["events"])
        if found.get("blobs"):
            folder = Path(tmp) / "lab.jsonl.blobs" / "sha256"
            folder.mkdir(parents=True)
            for digest, b64 in found["blobs"].items():
                (folder / digest.split(":", 1)[1]).write_bytes(base64.b64decode(b64))
        return Lab.load(table)


def load_submission(path: str | Path) -> Lab:
    """Rebuild the lab of one submission (a saved event table or a notebook)."""
    path = Path(path)
    if path.name.endswith(".ipynb"):
        return _from_notebook(path)
    return Lab.load(path)


def _student(path: Path) -> str:
    name = path.name
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def grade(lab: Lab, student: str = "") -> list[dict]:
    """One row per scenario of the catalogue for this lab."""
    ev = lab.events
    hints = ev[ev["kind"] == "BreakItHintShown"]
    skips = ev[ev["kind"] == "BreakItSkipped"]
    rows = []
    for s in SCENARIOS:
        variant = started_variant(lab, s.slug) if s.available else None
        mine = hints[hints["resource"] == s.slug]
        levels = [int(d["level"]) for d in mine["detail"]]
        skipped = bool((skips["resource"] == s.slug).any())
        if not s.available:
            status, solved, message = "not available", False, f"needs ECS {s.needs}"
        elif variant is None:
            status, solved, message = "not started", False, ""
        else:
            result = s.check(lab)
            solved = result.passed
            status = ("skipped" if skipped else "solved") if solved else "not solved"
            message = result.message
        rows.append(
            {
                "student": student,
                "number": s.number,
                "scenario": s.slug,
                "variant": variant or "",
                "status": status,
                "solved": bool(solved and not skipped),
                "hints_used": len(levels),
                "hint_level": max(levels, default=0),
                "skipped": skipped,
                "message": message,
            }
        )
    return rows


def class_report(folder: str | Path) -> pd.DataFrame:
    """Grade every submission in ``folder`` (``*.jsonl``, ``*.jsonl.gz``, ``*.ipynb``): one row
    per (student, scenario), students in name order. A submission that cannot be replayed gets
    status "unreadable" with the reason in ``message``."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.name.endswith(_SUFFIXES))
    rows: list[dict] = []
    for path in files:
        student = _student(path)
        try:
            lab = load_submission(path)
        except Exception as exc:  # a broken file must not stop the class report
            rows += [
                {
                    "student": student,
                    "number": s.number,
                    "scenario": s.slug,
                    "variant": "",
                    "status": "unreadable",
                    "solved": False,
                    "hints_used": 0,
                    "hint_level": 0,
                    "skipped": False,
                    "message": f"{type(exc).__name__}: {exc}"[:200],
                }
                for s in SCENARIOS
            ]
            continue
        rows += grade(lab, student)
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def write_csv(report: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    report.to_csv(path, index=False)
    return path
