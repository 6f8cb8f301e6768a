"""Student copies of the lessons: solutions removed, outputs cleared.

``python -m workbook.student OUTDIR`` (or ``ecslab-workbook student OUTDIR``) writes every lesson
of notebooks/ to OUTDIR. In each code cell the lines from ``### BEGIN SOLUTION`` to
``### END SOLUTION`` become a stub (``# YOUR CODE HERE`` / ``raise NotImplementedError()``), in
Markdown cells ``YOUR ANSWER HERE``; ``### BEGIN HIDDEN TESTS`` regions are dropped; every output
is cleared (outputs after an exercise would give its answer away). nbgrader metadata is kept, so
the copies also work as nbgrader source. The instructor copies in notebooks/ are never written.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from .lessons import LESSONS, clean, notebooks_dir

__all__ = ["strip_solutions", "student_notebook", "write_student_copies"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = ("YOUR ANSWER HERE",)


def _replace_regions(lines: list[str], begin: str, end: str, stub: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    inside = False
    for line in lines:
        mark = line.strip()
        if mark == begin:
            if inside:
                raise ValueError(f"nested {begin!r}")
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + s for s in stub)
        elif mark == end:
            if not inside:
                raise ValueError(f"{end!r} without {begin!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{begin!r} without {end!r}")
    return out


def strip_solutions(source: str, cell_type: str = "code") -> str:
    """The cell text with its solution regions stubbed and hidden tests removed."""
    lines = source.split("\n")
    stub = CODE_STUB if cell_type == "code" else TEXT_STUB
    lines = _replace_regions(lines, BEGIN, END, stub)
    lines = _replace_regions(lines, HIDDEN_BEGIN, HIDDEN_END, ())
    return "\n".join(lines)


def student_notebook(nb):
    """A student copy of an executed lesson (a new notebook object)."""
    nb = clean(nbformat.from_dict(nb))
    for cell in nb.cells:
        cell.source = strip_solutions(cell.source, cell.cell_type)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def write_student_copies(outdir: str | Path, source: str | Path | None = None) -> list[Path]:
    """Write a student copy of every lesson to ``outdir``; returns the written paths."""
    src = Path(source) if source is not None else notebooks_dir()
    out = Path(outdir)
    if out.resolve() == src.resolve():
        raise ValueError("OUTDIR is the instructor folder; choose another folder")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lesson in LESSONS:
        nb = nbformat.read(str(src / lesson.file), as_version=4)
        path = out / lesson.file
        nbformat.write(student_notebook(nb), str(path))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workbook.student",
        description="Write student copies of the lessons (solutions removed, outputs cleared).",
    )
    parser.add_argument("outdir", help="folder to write the copies to")
    parser.add_argument("--source", default=None, help="instructor notebooks (default: notebooks/)")
    args = parser.parse_args(argv)
    try:
        paths = write_student_copies(args.outdir, args.source)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
