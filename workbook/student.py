"""Student copies of the lessons, made by nbgrader's ``generate_assignment``.

``python -m workbook.student OUTDIR [NOTEBOOK ...]`` (or ``ecslab-workbook student OUTDIR``,
``make student``) writes a student copy of every lesson (or of the notebooks named, e.g. the
zh-Hant ones) to OUTDIR. It is a thin wrapper: the lessons go into a throw-away nbgrader course
(:func:`workbook.course.init_course`), ``generate_assignment`` makes the release version of each
(solution regions become ``# YOUR CODE HERE`` / ``raise NotImplementedError()``, written answers
``YOUR ANSWER HERE``, hidden tests are dropped, outputs cleared, check cells locked and
checksummed) and the released notebooks are copied out. The instructor copies in notebooks/ are
never written. To hand the lessons out through nbgrader's exchange instead, see the README's
"For instructors" section.

:func:`strip_solutions` is the same rewrite on one cell's text, for quick looks and tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .lessons import LESSONS, notebooks_dir

__all__ = ["strip_solutions", "write_student_copies"]

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
    """The cell text with its solution regions stubbed and hidden tests removed (what nbgrader's
    ClearSolutions and ClearHiddenTests do to a cell)."""
    lines = source.split("\n")
    stub = CODE_STUB if cell_type == "code" else TEXT_STUB
    lines = _replace_regions(lines, BEGIN, END, stub)
    lines = _replace_regions(lines, HIDDEN_BEGIN, HIDDEN_END, ())
    return "\n".join(lines)


def write_student_copies(
    outdir: str | Path,
    source: str | Path | None = None,
    notebooks: Iterable[str | Path] | None = None,
) -> list[Path]:
    """Generate a student copy of each lesson with nbgrader into ``outdir``; returns the paths.

    ``notebooks`` are lesson files (absolute, or relative to ``source``, default notebooks/);
    by default every lesson of :data:`workbook.lessons.LESSONS`."""
    from .course import assignment_id, course_api, generate, init_course

    src = Path(source) if source is not None else notebooks_dir()
    out = Path(outdir)
    if out.resolve() == src.resolve():
        raise ValueError("OUTDIR is the instructor folder; choose another folder")
    files = [src / n for n in (notebooks or [lesson.file for lesson in LESSONS])]
    for f in files:
        if not f.exists():
            raise FileNotFoundError(f"no lesson {f}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="ecslab-course-") as tmp:
        try:
            os.chdir(tmp)  # nbgrader looks for nbgrader_config.py in the working directory
            ids = init_course(tmp, files, base=src)
            generate(course_api(tmp), ids)
        finally:
            os.chdir(cwd)
        for f in files:
            # A lesson in a language folder keeps its folder: OUTDIR/zh-Hant/01_clusters.ipynb.
            rel = (
                f.resolve().relative_to(src.resolve())
                if f.resolve().is_relative_to(src.resolve())
                else Path(f.name)
            )
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "release" / assignment_id(f, src) / f.name, path)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    from .course import NbgraderError

    parser = argparse.ArgumentParser(
        prog="python -m workbook.student",
        description="Write student copies of the lessons with nbgrader's generate_assignment.",
    )
    parser.add_argument("outdir", help="folder to write the copies to")
    parser.add_argument("notebooks", nargs="*", help="lesson files (default: every lesson)")
    parser.add_argument("--source", default=None, help="instructor notebooks (default: notebooks/)")
    args = parser.parse_args(argv)
    try:
        paths = write_student_copies(args.outdir, args.source, args.notebooks or None)
    except (ValueError, FileNotFoundError, NbgraderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
