"""The course on nbgrader: lessons as assignments, and nbgrader's own steps driven from Python.

One lesson notebook is one assignment (``01_clusters.ipynb`` -> assignment ``01_clusters``; a
lesson in a language folder such as ``notebooks/zh-Hant/`` -> ``01_clusters-zh-Hant``). The
instructor copies in notebooks/ stay the source of truth: :func:`init_course` copies them into a
course folder's ``source/<assignment>/`` and writes its ``nbgrader_config.py``, after which the
real ``nbgrader`` commands work in that folder (``generate_assignment``, ``release_assignment``,
``collect``, ``autograde``, ``formgrader``). The functions below call the same code through
:class:`nbgrader.apps.NbGraderAPI` and nbgrader's exchange classes (what the commands run), so tests
and ``make assignments`` need no shell.

``python -m workbook.course init COURSE [--exchange DIR] [NOTEBOOK ...]`` sets a course folder up;
``python -m workbook.course generate COURSE`` runs ``generate_assignment`` for every assignment;
``python -m workbook.course grade COURSE`` collects and autogrades every submission.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from .lessons import LESSONS, notebooks_dir

__all__ = [
    "COURSE_ID",
    "assignment_id",
    "autograde",
    "collect",
    "course_api",
    "fetch",
    "fill_solutions",
    "generate",
    "init_course",
    "nbgrader_config",
    "release",
    "submit",
]

COURSE_ID = "ecslab"
#: A lesson cell may run a few simulated hours; nbgrader's default (30 s a cell) is too short on a
#: shared machine.
CELL_TIMEOUT = 300

_CONFIG = '''"""nbgrader configuration for the ecslab course (written by python -m workbook.course init)."""

c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
# A deleted check cell is put back (from the gradebook) and graded, and the report says so.
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = {timeout}
'''


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def assignment_id(path: str | Path, base: str | Path | None = None) -> str:
    """The assignment a lesson notebook becomes: its stem, plus its language folder below
    ``base`` (default notebooks/) if any: ``zh-Hant/01_clusters.ipynb`` -> ``01_clusters-zh-Hant``."""
    path = Path(path).resolve()
    base = Path(base).resolve() if base is not None else notebooks_dir().resolve()
    if not path.is_relative_to(base):
        return path.stem
    folders = path.parent.relative_to(base).parts
    return "-".join((path.stem, *folders))


def default_notebooks() -> list[Path]:
    return [notebooks_dir() / lesson.file for lesson in LESSONS]


def nbgrader_config(
    root: str | Path, exchange: str | Path | None = None, course_id: str = COURSE_ID
):
    """The traitlets config of a course folder (the same values ``nbgrader_config.py`` holds)."""
    from traitlets.config import Config

    root = Path(root).resolve()
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = course_id
    c.Exchange.root = str(Path(exchange).resolve() if exchange else root / "exchange")
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = CELL_TIMEOUT
    return c


def init_course(
    root: str | Path,
    notebooks: Iterable[str | Path] | None = None,
    exchange: str | Path | None = None,
    course_id: str = COURSE_ID,
    base: str | Path | None = None,
) -> list[str]:
    """Copy lessons into ``root/source/<assignment>/``, write ``root/nbgrader_config.py`` and make
    the exchange folder; returns the assignment ids (see :func:`assignment_id`; ``base`` is the
    folder the language folders are under). Re-running refreshes the copies."""
    root = Path(root).resolve()
    cfg = nbgrader_config(root, exchange, course_id)
    ex = Path(cfg.Exchange.root)
    ex.mkdir(parents=True, exist_ok=True)
    ex.chmod(0o777)  # nbgrader's exchange is shared by every student account
    ids = []
    for nb in notebooks if notebooks is not None else default_notebooks():
        nb = Path(nb)
        aid = assignment_id(nb, base)
        folder = root / "source" / aid
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb, folder / nb.name)
        ids.append(aid)
    (root / "nbgrader_config.py").write_text(
        _CONFIG.format(root=str(root), course_id=course_id, exchange=str(ex), timeout=CELL_TIMEOUT)
    )
    return ids


def course_api(root: str | Path, exchange: str | Path | None = None, **settings):
    """An :class:`nbgrader.apps.NbGraderAPI` for the course folder (``settings`` are extra
    ``Class__trait`` values, e.g. ``CourseDirectory__student_id="ada"``)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    _alembic_on_path()
    cfg = nbgrader_config(root, exchange)
    if exchange is None and (Path(root) / "nbgrader_config.py").exists():
        cfg.Exchange.root = _configured_exchange(Path(root))
    for key, value in settings.items():
        cls, trait = key.split("__")
        setattr(cfg[cls], trait, value)
    return NbGraderAPI(
        coursedir=CourseDirectory(config=cfg),
        authenticator=Authenticator(config=cfg),
        config=cfg,
    )


def _alembic_on_path() -> None:
    """nbgrader's gradebook runs the ``alembic`` command; a venv used without activating it (as
    ``.venv/bin/python``) has it beside the interpreter but not on PATH."""
    if shutil.which("alembic") is None:
        here = str(Path(sys.executable).parent)
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")


def _configured_exchange(root: Path) -> str:
    for line in (root / "nbgrader_config.py").read_text().splitlines():
        if line.startswith("c.Exchange.root = "):
            return ast.literal_eval(line.split("=", 1)[1].strip())  # the repr init_course wrote
    return str(root.resolve() / "exchange")


def _ok(result: dict, what: str) -> dict:
    if not result.get("success"):
        raise NbgraderError(f"{what} failed:\n{result.get('error') or ''}\n{result.get('log', '')}")
    return result


def generate(api, assignments: Iterable[str]) -> None:
    """``nbgrader generate_assignment`` for each assignment (into ``release/``)."""
    for aid in assignments:
        _ok(api.generate_assignment(aid), f"generate_assignment {aid}")


def release(api, assignments: Iterable[str]) -> None:
    """``nbgrader release_assignment``: copy to the exchange's outbound folder."""
    for aid in assignments:
        _ok(api.release_assignment(aid), f"release_assignment {aid}")


def collect(api, assignments: Iterable[str]) -> None:
    """``nbgrader collect``: the latest submission of every student into ``submitted/``."""
    for aid in assignments:
        _ok(api.collect(aid), f"collect {aid}")


def autograde(api, assignment: str, students: Iterable[str] | None = None) -> dict[str, str]:
    """``nbgrader autograde`` per student, one at a time so that one broken submission cannot stop
    the others. Returns {student: "" if graded, else nbgrader's error}."""
    if students is None:
        students = sorted(api.get_submitted_students(assignment))
    out = {}
    for student in students:
        result = api.autograde(assignment, student)
        out[student] = "" if result.get("success") else (result.get("error") or result.get("log"))
    return out


def _student_exchange(cls, exchange: str | Path, home: str | Path, student: str, aid: str):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    home = Path(home)
    cfg = Config()
    cfg.CourseDirectory.course_id = COURSE_ID
    cfg.CourseDirectory.assignment_id = aid
    cfg.CourseDirectory.student_id = student  # what `--student` would set
    cfg.Exchange.root = str(Path(exchange).resolve())
    cfg.Exchange.cache = str(home / ".nbgrader_cache")
    cfg.Exchange.assignment_dir = str(home)
    return cls(
        coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg
    )


def fetch(exchange: str | Path, home: str | Path, student: str, aid: str) -> Path:
    """What ``nbgrader fetch_assignment AID`` does for ``student`` in ``home``; returns the folder."""
    from nbgrader.exchange.default import ExchangeFetchAssignment

    Path(home).mkdir(parents=True, exist_ok=True)
    _student_exchange(ExchangeFetchAssignment, exchange, home, student, aid).start()
    return Path(home) / aid


def submit(exchange: str | Path, home: str | Path, student: str, aid: str) -> None:
    """What ``nbgrader submit AID --student STUDENT`` does from ``home``."""
    from nbgrader.exchange.default import ExchangeSubmit

    _student_exchange(ExchangeSubmit, exchange, home, student, aid).start()


_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def fill_solutions(
    path: str | Path, instructor: str | Path, only: Iterable[str] | None = None
) -> None:
    """Write the instructor's answers into a fetched student notebook (each solution cell, or the
    grade ids in ``only``), markers removed: a dry run of the grading, and the benchmark's class."""
    import nbformat

    answers = {}
    for cell in nbformat.read(str(instructor), as_version=4).cells:
        m = cell.metadata.get("nbgrader", {})
        if m.get("solution") and (only is None or m["grade_id"] in only):
            lines = [x for x in cell.source.split("\n") if x.strip() not in _MARKERS]
            answers[m["grade_id"]] = "\n".join(lines)
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    nbformat.write(nb, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.course", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("init", help="copy lessons into COURSE/source and write nbgrader_config.py")
    p.add_argument("course")
    p.add_argument("notebooks", nargs="*", help="lesson notebooks (default: every lesson)")
    p.add_argument("--exchange", default=None, help="nbgrader exchange (default: COURSE/exchange)")
    p = sub.add_parser("generate", help="nbgrader generate_assignment for every assignment")
    p.add_argument("course")
    p = sub.add_parser("grade", help="nbgrader collect + autograde every submission")
    p.add_argument("course")
    args = parser.parse_args(argv)
    root = Path(args.course)
    if args.cmd == "init":
        for aid in init_course(root, args.notebooks or None, args.exchange):
            print(aid)
        return 0
    if not (root / "nbgrader_config.py").exists():
        print(f"error: {root} is not a course folder (run init first)", file=sys.stderr)
        return 2
    cwd = os.getcwd()
    try:
        os.chdir(root)  # nbgrader resolves some paths against the working directory
        api = course_api(root)
        ids = sorted(p.name for p in (root / "source").iterdir() if p.is_dir())
        if args.cmd == "generate":
            generate(api, ids)
            print("\n".join(str(root / "release" / a) for a in ids))
            return 0
        for aid in ids:
            try:
                collect(api, [aid])
            except NbgraderError:
                print(f"{aid}: nothing to collect (not released?)", file=sys.stderr)
                continue
            for student, error in autograde(api, aid).items():
                print(f"{aid} {student}: {'graded' if not error else 'FAILED'}")
    except NbgraderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        os.chdir(cwd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
