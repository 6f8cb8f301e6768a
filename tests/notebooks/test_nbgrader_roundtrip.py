"""The nbgrader round trip on two lessons (00 pricing, 01 clusters), with real nbgrader:
generate_assignment, release_assignment to a local exchange in a temp folder, students fetch and
submit (each its own student id and home folder), collect, autograde, then the gradebook (SQLite,
read through nbgrader.api.Gradebook) and the class report.

Students: ada solves everything (and answers the written questions), bob part, cy nothing. On
lesson 01 four more bring bad input: dee deleted a check cell, eve tampered with one, fay's
notebook raises, gus's file is not a notebook. Two saved break-it labs ride along, one of which
fails replay. Every problem is one message for that student, and no other grade moves.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from _lesson_helpers import NOTEBOOKS, load

from workbook import classreport, course, gradebook
from workbook.lessons import results_of

try:
    import nbgrader.api  # noqa: F401
except ImportError:  # pragma: no cover - nbgrader is a dependency; CI must have it
    if os.environ.get("ECSLAB_CI"):
        raise
    pytest.skip("nbgrader is not installed", allow_module_level=True)

LESSONS = ["00_overview_and_pricing.ipynb", "01_clusters.ipynb"]
A00, A01 = (Path(n).stem for n in LESSONS)


def _cell(nb, grade_id: str):
    (found,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return found


def _hand_in(path: Path, solve: set[str] | str = "all", edit=None) -> None:
    course.fill_solutions(path, NOTEBOOKS / path.name, None if solve == "all" else solve)
    if edit is not None:
        nb = nbformat.read(str(path), as_version=4)
        edit(nb)
        nbformat.write(nb, str(path))


def _delete_check(nb):
    nb.cells.remove(_cell(nb, "ex01-delete-cluster-check"))


def _tamper(nb):
    _cell(nb, "ex01-create-cluster-check").source = "True  # passes, surely"


def _raises(nb):
    _cell(nb, "ex01-create-cluster").source = 'ecs.delete_cluster(cluster="Team-A")'


def _breakit_labs(folder: Path) -> None:
    from ecslab import Lab, breakit

    place = breakit.get(2)
    ada = Lab(seed=1)
    place.start(ada, "memory")
    place.hint(ada, 1)
    place.apply_fix(ada)
    ada.save(folder / "ada.jsonl")
    gus = Lab(seed=2)
    place.start(gus, "cpu")
    path = gus.save(folder / "gus.jsonl")
    lines = path.read_text().splitlines()
    # An input dropped from the table (the CreateCluster call): replay cannot give the same facts.
    lines = [x for x in lines if '"operation":"CreateCluster"' not in x]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, request):
    tmp = tmp_path_factory.mktemp("course")
    root, exchange, homes = tmp / "course", tmp / "exchange", tmp / "home"
    ids = course.init_course(root, [NOTEBOOKS / n for n in LESSONS], exchange)
    assert ids == [A00, A01]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        api = course.course_api(root, exchange)
        course.generate(api, ids)
        course.release(api, ids)
        plan = {
            "ada": {A00: dict(), A01: dict()},
            "bob": {A00: dict(), A01: dict(solve={"ex01-create-cluster"})},
            "cy": {A00: dict(solve=set()), A01: dict(solve=set())},
            "dee": {A01: dict(edit=_delete_check)},
            "eve": {A01: dict(solve=set(), edit=_tamper)},
            "fay": {A01: dict(solve={"ex01-delete-cluster"}, edit=_raises)},
            "gus": {A01: "broken"},
        }
        for student, work in plan.items():
            for aid, how in work.items():
                folder = course.fetch(exchange, homes / student, student, aid)
                path = folder / f"{aid}.ipynb"
                if how == "broken":
                    path.write_text('{"cells": [ this is not json')
                else:
                    _hand_in(path, **how)
                course.submit(exchange, homes / student, student, aid)
        course.collect(api, ids)
        started = time.perf_counter()
        errors = {aid: course.autograde(api, aid) for aid in ids}
        seconds = time.perf_counter() - started
    finally:
        os.chdir(cwd)
    n = sum(len(e) for e in errors.values())
    # Printed at the end of the run by tests/notebooks/conftest.py.
    request.config.ecslab_summary = getattr(request.config, "ecslab_summary", []) + [
        f"nbgrader autograde: {n} submissions of lessons 00 and 01 in {seconds:.1f} s = "
        f"{n / seconds:.2f} submissions graded per second"
    ]
    labs = tmp / "labs"
    labs.mkdir()
    _breakit_labs(labs)
    return {"root": root, "errors": errors, "labs": labs, "out": tmp / "report"}


def _grades(root) -> dict:
    frame = gradebook.scores(root)
    return {(r.student, r.exercise): (r.score, r.status) for r in frame.itertuples()}


def test_autograde_finishes_for_every_readable_submission(graded):
    errors = graded["errors"]
    assert sorted(errors[A00]) == ["ada", "bob", "cy"]
    assert sorted(errors[A01]) == ["ada", "bob", "cy", "dee", "eve", "fay", "gus"]
    assert {s for aid in errors for s, e in errors[aid].items() if e} == {"gus"}


def test_gradebook_scores(graded):
    g = _grades(graded["root"])
    passed, failed = (1.0, "passed"), (0.0, "failed")
    assert g[("ada", "ex00-fargate-price-check")] == passed
    assert g[("ada", "ex01-create-cluster-check")] == passed
    assert g[("ada", "ex01-delete-cluster-check")] == passed
    assert g[("bob", "ex00-fargate-price-check")] == passed
    assert g[("bob", "ex01-create-cluster-check")] == passed
    assert g[("bob", "ex01-delete-cluster-check")] == failed
    for ex in (
        "ex00-fargate-price-check",
        "ex01-create-cluster-check",
        "ex01-delete-cluster-check",
    ):
        assert g[("cy", ex)] == failed
    # Written answers: ada's wait for the instructor; an untouched one scores 0 at once.
    assert g[("ada", "ex01-why-case")] == (0.0, "needs grading")
    assert g[("bob", "ex01-why-case")] == (0.0, "no response")
    # Bad input: the deleted check is put back and passes; the tampered one is graded as released.
    assert g[("dee", "ex01-delete-cluster-check")] == passed
    assert g[("eve", "ex01-create-cluster-check")] == failed
    assert g[("fay", "ex01-create-cluster-check")] == failed
    assert g[("fay", "ex01-delete-cluster-check")] == passed
    assert g[("gus", "ex01-create-cluster-check")] == failed


def test_manual_grade_then_totals(graded):
    from nbgrader.api import Gradebook

    url = f"sqlite:///{graded['root'] / 'gradebook.db'}"
    with Gradebook(url) as gb:
        grade = gb.find_grade("ex01-why-case", A01, A01, "ada")
        grade.manual_score = 1  # what saving a score in formgrader does
        grade.needs_manual_grade = False
        gb.db.commit()
        totals = {s: gb.find_submission(A01, s).score for s in ("ada", "bob", "cy", "dee")}
        assert gb.find_submission(A01, "ada").max_score == 3
    assert totals == {"ada": 3.0, "bob": 1.0, "cy": 0.0, "dee": 2.0}
    assert _grades(graded["root"])[("ada", "ex01-why-case")] == (1.0, "graded")


def test_lab_is_rebuilt_deterministically_from_the_submission(graded):
    """Autograde re-ran ada's notebook from its first cell: the lab it rebuilt records exactly
    what the instructor's executed lesson records."""
    for aid, name in zip((A00, A01), LESSONS, strict=True):
        path = graded["root"] / "autograded" / "ada" / aid / name
        assert results_of(nbformat.read(str(path), as_version=4)) == results_of(load(name))


def test_submission_messages(graded):
    issues = gradebook.submission_issues(graded["root"])
    got = {(r.student, r.message) for r in issues.itertuples()}
    assert (
        "dee",
        "check cell ex01-delete-cluster-check was deleted; nbgrader put the original back",
    ) in got
    assert (
        "eve",
        "check cell ex01-create-cluster-check was changed; it was graded as released",
    ) in got
    fay = [m for s, m in got if s == "fay"]
    assert len(fay) == 1 and fay[0].startswith(
        "cell ex01-create-cluster raised ClusterNotFoundException:"
    )
    gus = sorted(m for s, m in got if s == "gus")
    assert gus[0].startswith("01_clusters.ipynb could not be read (")
    assert gus[1] == "autograde did not finish for 01_clusters.ipynb; it scores 0 until regraded"
    assert {s for s, _ in got} == {"dee", "eve", "fay", "gus"}  # ada, bob, cy: nothing to say


def test_class_report_tables_chart_and_cli(graded, capsys):
    report = classreport.run(graded["labs"], graded["out"], graded["root"])
    ex = report.exercises.set_index("exercise")
    assert ex.loc["ex01-create-cluster-check", ["students", "passed"]].tolist() == [7, 3]
    assert ex.loc["ex00-fargate-price-check", "pass_rate"] == round(2 / 3, 3)
    assert ex.loc["ex01-why-case", "kind"] == "manual"
    place = ex.loc["2 · no-instance-met-requirements"]
    assert (place["students"], place["passed"], place["hints_used"]) == (1, 1, 1)
    msgs = report.messages
    gus = msgs[msgs["student"] == "gus"]
    assert "break-it lab" in set(gus["source"]) and A01 in set(gus["source"])
    replay = gus[gus["source"] == "break-it lab"]["message"].item()
    assert replay.startswith("saved lab could not be replayed: ReplayMismatch")
    # ada's break-it row is untouched by gus's broken lab.
    ada = report.breakit.query("student == 'ada' and number == 2")
    assert ada["status"].item() == "solved" and ada["hints_used"].item() == 1
    page = report.files["class_report.html"].read_text()
    assert "Exercises: pass rate over 7 student(s)" in page and "Break-it class report" in page
    assert "check cell ex01-create-cluster-check was changed" in page
    back = json.loads(report.exercises.to_json(orient="records"))
    assert back[0]["source"] == A00
    fig = classreport.exercise_pass_figure(report.exercises)
    assert {t.name for t in fig.data} == {
        "check (autograded)",
        "written answer (graded by hand)",
        "break-it scenario",
    }
    assert classreport.main([str(graded["labs"]), "--course", str(graded["root"])]) == 0
    printed = capsys.readouterr().out
    assert "! gus (01_clusters): autograde did not finish" in printed
    assert classreport.main(["--course", str(graded["labs"])]) == 2


def test_course_folder_works_with_the_nbgrader_command(tmp_path):
    """``python -m workbook.course init`` writes an nbgrader_config.py that the real ``nbgrader``
    command reads in that folder (course id, exchange, the lessons as source assignments)."""
    import subprocess
    import sys

    root = tmp_path / "course"
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    init = subprocess.run(
        [sys.executable, "-m", "workbook.course", "init", str(root), str(NOTEBOOKS / LESSONS[1])],
        capture_output=True,
        text=True,
        env=env,
    )
    assert init.returncode == 0, init.stderr
    assert init.stdout.split() == [A01]
    gen = subprocess.run(
        [str(bindir / "nbgrader"), "generate_assignment", A01],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert gen.returncode == 0, gen.stderr
    released = nbformat.read(str(root / "release" / A01 / LESSONS[1]), as_version=4)
    assert "raise NotImplementedError()" in _cell(released, "ex01-create-cluster").source
    listed = subprocess.run(
        [str(bindir / "nbgrader"), "db", "assignment", "list"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert A01 in listed.stdout
    no_course = subprocess.run(
        [sys.executable, "-m", "workbook.course", "grade", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
    )
    assert no_course.returncode == 2 and "not a course folder" in no_course.stderr


def test_committed_nbgrader_config_matches_the_course_settings(tmp_path, monkeypatch):
    """classroom/nbgrader/nbgrader_config.py (for a hub) says what workbook.course uses."""
    from traitlets.config import Config

    monkeypatch.setenv("ECSLAB_COURSE_ROOT", str(tmp_path / "c"))
    monkeypatch.setenv("ECSLAB_EXCHANGE", str(tmp_path / "x"))
    cfg = Config()
    path = NOTEBOOKS.parent / "classroom" / "nbgrader" / "nbgrader_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: cfg})
    want = course.nbgrader_config(tmp_path / "c", tmp_path / "x")
    assert cfg == want
