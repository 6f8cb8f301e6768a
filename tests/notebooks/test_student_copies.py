"""Student copies, made by nbgrader's generate_assignment: no solution text, outputs cleared,
check cells locked, and checks that fail with hints until the learner solves the exercise
(executed in a real kernel)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest
from _lesson_helpers import (
    NOTEBOOKS,
    lesson_ids,
    load,
    solution_pairs,
    solution_text,
    written_answers,
)
from nbclient import NotebookClient

from workbook.student import strip_solutions, write_student_copies

#: What generate_assignment adds to a cell's nbgrader metadata.
ADDED = {"checksum", "cell_type"}


def test_strip_solutions_keeps_indentation_and_drops_hidden_tests():
    src = "x = 1\nif x:\n    ### BEGIN SOLUTION\n    y = 2\n    ### END SOLUTION\nprint(y)"
    assert strip_solutions(src) == (
        "x = 1\nif x:\n    # YOUR CODE HERE\n    raise NotImplementedError()\nprint(y)"
    )
    assert strip_solutions("a\n### BEGIN HIDDEN TESTS\nassert b\n### END HIDDEN TESTS") == "a"
    assert strip_solutions("### BEGIN SOLUTION\nIt is 4.\n### END SOLUTION", "markdown") == (
        "YOUR ANSWER HERE"
    )
    with pytest.raises(ValueError, match="without"):
        strip_solutions("### BEGIN SOLUTION\nx = 1")


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    write_student_copies(out)
    return out


@pytest.mark.parametrize("name", lesson_ids())
def test_student_copy_has_no_solution_text(copies, name):
    teacher = load(name)
    student = nbformat.read(str(copies / name), as_version=4)
    assert len(student.cells) == len(teacher.cells)
    body = "\n".join(c.source for c in student.cells)
    assert "### BEGIN SOLUTION" not in body and "### END SOLUTION" not in body
    for i, check in solution_pairs(teacher):
        answer = solution_text(teacher.cells[i].source)
        assert answer.strip() and answer not in body
        assert "# YOUR CODE HERE\nraise NotImplementedError()" in student.cells[i].source
        assert student.cells[check].source == teacher.cells[check].source
        # nbgrader locks the check cell and records its checksum (how tampering is detected).
        meta = student.cells[check].metadata
        assert meta["editable"] is False and meta["deletable"] is False
        assert len(meta["nbgrader"]["checksum"]) == 32
    for i in written_answers(teacher):
        assert student.cells[i].source.endswith("YOUR ANSWER HERE")
        assert solution_text(teacher.cells[i].source) not in body
    for s, t in zip(student.cells, teacher.cells, strict=True):
        if "nbgrader" in t.metadata:
            got = {k: v for k, v in s.metadata["nbgrader"].items() if k not in ADDED}
            assert got == t.metadata["nbgrader"]
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", lesson_ids())
def test_checks_fail_with_hints_until_solved(copies, name):
    teacher = load(name)
    nb = nbformat.read(str(copies / name), as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(copies)}}
    )
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, i)
        for sol, check in solution_pairs(teacher):
            (err,) = [o for o in nb.cells[sol].outputs if o.output_type == "error"]
            assert err.ename == "NotImplementedError"
            (err,) = [o for o in nb.cells[check].outputs if o.output_type == "error"]
            assert err.ename == "CheckFailed" and "[NOT YET]" in err.evalue
            assert "hint:" in err.evalue
        # The learner solves each exercise; the same check cells now pass.
        for sol, check in solution_pairs(teacher):
            solved = nbformat.v4.new_code_cell(solution_text(teacher.cells[sol].source))
            nb.cells.append(solved)
            client.execute_cell(solved, len(nb.cells) - 1)
            assert not [o for o in solved.outputs if o.output_type == "error"]
            client.execute_cell(nb.cells[check], check)
            outs = nb.cells[check].outputs
            assert not [o for o in outs if o.output_type == "error"]
            assert outs[-1]["data"]["text/plain"].startswith("[PASSED]")


def test_student_command(tmp_path):
    out = tmp_path / "class"
    run = subprocess.run(
        [sys.executable, "-m", "workbook.student", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.glob("*.ipynb")) == lesson_ids()
    assert run.stdout.splitlines() == [str(out / n) for n in lesson_ids()]
    refused = subprocess.run(
        [sys.executable, "-m", "workbook", "student", str(NOTEBOOKS)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert "OUTDIR is the instructor folder" in refused.stderr


def test_any_list_of_lessons_and_language_folders(tmp_path):
    """Copies for a chosen list of notebooks, including a language folder (as notebooks/zh-Hant/
    will be): the folder is kept, and each notebook is its own nbgrader assignment."""
    src = tmp_path / "notebooks"
    (src / "zh-Hant").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "01_clusters.ipynb", src / "01_clusters.ipynb")
    shutil.copy(NOTEBOOKS / "01_clusters.ipynb", src / "zh-Hant" / "01_clusters.ipynb")
    out = tmp_path / "out"
    paths = write_student_copies(out, src, ["01_clusters.ipynb", "zh-Hant/01_clusters.ipynb"])
    assert paths == [out / "01_clusters.ipynb", out / "zh-Hant" / "01_clusters.ipynb"]
    for p in paths:
        assert "raise NotImplementedError()" in p.read_text()
    from workbook.course import assignment_id

    assert assignment_id(NOTEBOOKS / "zh-Hant" / "01_clusters.ipynb") == "01_clusters-zh-Hant"
    assert assignment_id(src / "zh-Hant" / "01_clusters.ipynb", src) == "01_clusters-zh-Hant"
    assert assignment_id(NOTEBOOKS / "01_clusters.ipynb") == "01_clusters"
    missing = subprocess.run(
        [sys.executable, "-m", "workbook.student", str(out), "99_nope.ipynb"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no lesson" in missing.stderr
