"""Read an nbgrader course: scores from its gradebook, and what went wrong with each submission.

:func:`scores` reads nbgrader's SQLite gradebook (``COURSE/gradebook.db``) through
:class:`nbgrader.api.Gradebook`: one row per (student, exercise cell). An autograded check passes
when it scores its full points; a manually graded answer is "needs grading" until the instructor
gives it a score in formgrader (an untouched answer scores 0 at once: nbgrader's "No response").

:func:`submission_issues` compares each submitted notebook with the gradebook's copy of the
released one, the way ``nbgrader validate`` and ``autograde`` do (cell ids and checksums): a
deleted exercise cell, a changed check cell, a notebook that cannot be read, a cell that raised
while autograde ran it, a submission that autograde could not finish. Each is one plain sentence
for the report; the other students' rows do not depend on it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["SCORE_COLUMNS", "ISSUE_COLUMNS", "scores", "submission_issues"]

SCORE_COLUMNS = [
    "student",
    "assignment",
    "exercise",
    "kind",
    "points",
    "score",
    "status",
]
ISSUE_COLUMNS = ["student", "source", "message"]
#: A notebook whose setup cell was deleted raises in every later cell: name the first few.
MAX_RAISED = 3


def _db_url(course: Path) -> str:
    return f"sqlite:///{(course / 'gradebook.db').resolve()}"


def scores(course: str | Path) -> pd.DataFrame:
    """Every graded cell of every submission in the course's gradebook (see module doc).

    ``kind`` is "autograded" (a check cell) or "manual" (a written answer); ``status`` is
    "passed" / "failed" for checks and "graded" / "needs grading" / "no response" for answers."""
    from nbgrader.api import Gradebook

    course = Path(course)
    rows = []
    with Gradebook(_db_url(course)) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for nb in assignment.notebooks:
                manual = {c.name for c in nb.solution_cells}
                order = [c.name for c in nb.source_cells]
                for sub in sorted(nb.submissions, key=lambda s: s.student.id):
                    grades = sorted(sub.grades, key=lambda g: order.index(g.name))
                    for g in grades:
                        kind = "manual" if g.name in manual else "autograded"
                        score = float(g.score or 0)
                        if kind == "autograded":
                            status = "passed" if score >= g.max_score else "failed"
                        elif g.needs_manual_grade:
                            status = "needs grading"
                        elif g.manual_score is None and g.auto_score == 0:
                            status = "no response"
                        else:
                            status = "graded"
                        rows.append(
                            {
                                "student": sub.student.id,
                                "assignment": assignment.name,
                                "exercise": g.name,
                                "kind": kind,
                                "points": float(g.max_score),
                                "score": score,
                                "status": status,
                            }
                        )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _first_line(text: str, limit: int = 160) -> str:
    line = next((s for s in str(text).splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _cell_label(cell, index: int) -> str:
    gid = cell.metadata.get("nbgrader", {}).get("grade_id")
    return gid or f"cell {index + 1}"


def _raised(autograded: Path) -> list[str]:
    """Errors in an autograded notebook other than a failed check or an unanswered exercise."""
    import nbformat

    nb = nbformat.read(str(autograded), as_version=4)
    out = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        for o in cell.get("outputs", []):
            if o.get("output_type") != "error":
                continue
            if o["ename"] == "CheckFailed":
                continue  # the check said NOT YET: the score shows it
            if o["ename"] == "NotImplementedError" and meta.get("solution"):
                continue  # the stub nbgrader left: not attempted
            what = "check" if meta.get("grade") else "cell"
            out.append(
                f"{what} {_cell_label(cell, i)} raised {o['ename']}: {_first_line(o['evalue'])}"
            )
    return out


def _compare(submitted, source_cells) -> list[str]:
    """Deleted and changed exercise cells, by nbgrader's ids and checksums."""
    from nbgrader.utils import compute_checksum

    have = {}
    for cell in submitted.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid:
            have[gid] = cell
    out = []
    for src in source_cells:
        cell = have.get(src.name)
        if cell is None:
            if src.locked:
                out.append(f"check cell {src.name} was deleted; nbgrader put the original back")
            else:
                out.append(f"exercise cell {src.name} was deleted")
        elif src.locked and compute_checksum(cell) != src.checksum:
            out.append(f"check cell {src.name} was changed; it was graded as released")
    return out


def submission_issues(course: str | Path) -> pd.DataFrame:
    """One row per problem found in a submission (see module doc); empty when all is well."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course)
    rows: list[dict] = []
    submitted = course / "submitted"
    if not submitted.is_dir():
        return pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    with Gradebook(_db_url(course)) as gb:
        for path in sorted(submitted.glob("*/*/*.ipynb")):
            student, aid = path.parent.parent.name, path.parent.name

            def add(message: str, student=student, aid=aid) -> None:
                rows.append({"student": student, "source": aid, "message": message})

            try:
                source = gb.find_notebook(path.stem, aid).source_cells
            except MissingEntry:
                add(f"{path.name} is not a notebook of assignment {aid}; not graded")
                continue
            try:
                nb = nbformat.read(str(path), as_version=4)
            except Exception as exc:  # any unreadable file: say why, grade the others
                add(f"{path.name} could not be read ({type(exc).__name__}: {_first_line(exc)})")
                nb = None
            if nb is not None:
                for message in _compare(nb, source):
                    add(message)
            graded = course / "autograded" / student / aid / path.name
            if not graded.exists():
                add(f"autograde did not finish for {path.name}; it scores 0 until regraded")
                continue
            raised = _raised(graded)
            for message in raised[:MAX_RAISED]:
                add(message)
            if len(raised) > MAX_RAISED:
                add(f"... and {len(raised) - MAX_RAISED} more cell(s) raised (see autograded/)")
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)
