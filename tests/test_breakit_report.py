"""The class report over a folder of three submissions (solved, partly solved, untouched): a
saved lab, a notebook carrying its lab, and a gzipped table; CSV and chart, offline."""

from __future__ import annotations

import json

import nbformat
import pandas as pd

from ecslab import Lab, breakit
from ecslab.breakit.report import LAB_MIME, class_report, submission
from workbook.classreport import class_summary, main, run

PLACE, SIZE, ROLES = breakit.get(2), breakit.get(10), breakit.get(6)


def _notebook_with(lab, path):
    """An executed notebook whose last output is the submission (what the lesson's last cell
    shows), written the way Jupyter saves it."""
    bundle = submission(lab)._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("breakit.report.submission(lab)")
    cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle, execution_count=1)]
    nb.cells = [nbformat.v4.new_markdown_cell("# 12 · Break-it labs"), cell]
    nbformat.write(nb, str(path))


def make_class(folder):
    # ada: started 2, 10 and 6 (an ECR image: blobs travel with the notebook); solved all three,
    # one hint on 2.
    ada = Lab(seed=1)
    PLACE.start(ada, "memory")
    SIZE.start(ada, "memory-too-big")
    ROLES.start(ada, "ecr-pull")
    PLACE.hint(ada, 1)
    for s in (PLACE, SIZE, ROLES):
        s.apply_fix(ada)
    _notebook_with(ada, folder / "ada.ipynb")
    # bob: started 2 and 10; solved 10 only, used both hints on 2 and a wrong fix.
    bob = Lab(seed=2)
    PLACE.start(bob, "cpu")
    SIZE.start(bob, "memory-too-small")
    PLACE.hint(bob, 1)
    PLACE.hint(bob, 2)
    bob.client("ecs").register_task_definition(
        family="place-app",
        containerDefinitions=[{"name": "web", "image": "httpd:2.4", "cpu": 3000, "memory": 512}],
    )
    bob.client("ecs").run_task(cluster="place-lab", taskDefinition="place-app")
    SIZE.apply_fix(bob)
    bob.save(folder / "bob.jsonl")
    # cy: the instructor started 2 and 10; cy did nothing.
    cy = Lab(seed=3)
    PLACE.start(cy, "ports")
    SIZE.start(cy, "memory-too-big")
    cy.save(folder / "cy.jsonl.gz")
    (folder / "notes.txt").write_text("not a submission")


def test_class_report_over_three_submissions(tmp_path):
    make_class(tmp_path)
    report = class_report(tmp_path)
    assert list(report["student"].unique()) == ["ada", "bob", "cy"]
    assert len(report) == 3 * len(breakit.SCENARIOS)
    got = report[report["number"].isin([2, 6, 10])].set_index(["student", "number"])
    table = got[["variant", "status", "solved", "hints_used", "hint_level"]].to_dict("index")
    assert table == {
        ("ada", 2): dict(
            variant="memory", status="solved", solved=True, hints_used=1, hint_level=1
        ),
        ("ada", 6): dict(
            variant="ecr-pull", status="solved", solved=True, hints_used=0, hint_level=0
        ),
        ("ada", 10): dict(
            variant="memory-too-big", status="solved", solved=True, hints_used=0, hint_level=0
        ),
        ("bob", 2): dict(
            variant="cpu", status="not solved", solved=False, hints_used=2, hint_level=2
        ),
        ("bob", 6): dict(
            variant="", status="not started", solved=False, hints_used=0, hint_level=0
        ),
        ("bob", 10): dict(
            variant="memory-too-small", status="solved", solved=True, hints_used=0, hint_level=0
        ),
        ("cy", 2): dict(
            variant="ports", status="not solved", solved=False, hints_used=0, hint_level=0
        ),
        ("cy", 6): dict(variant="", status="not started", solved=False, hints_used=0, hint_level=0),
        ("cy", 10): dict(
            variant="memory-too-big", status="not solved", solved=False, hints_used=0, hint_level=0
        ),
    }
    assert got.loc[("bob", 2), "message"] == (
        "0 of 1 place-app task(s) RUNNING; last placement: RunTask failures: 1 x RESOURCE:CPU"
    )
    assert set(report[report["number"].isin([4, 8])]["status"]) == {"not started"}
    summary = class_summary(report)
    assert summary.to_dict("index") == {
        "ada": {"started": 3, "solved": 3, "skipped": 0, "hints_used": 1},
        "bob": {"started": 2, "solved": 1, "skipped": 0, "hints_used": 2},
        "cy": {"started": 2, "solved": 0, "skipped": 0, "hints_used": 0},
    }


def test_csv_chart_and_cli(tmp_path, capsys):
    make_class(tmp_path)
    out = tmp_path / "out"
    report, csv, page = run(tmp_path, out)
    back = pd.read_csv(csv, keep_default_na=False)
    assert list(back.columns) == list(report.columns) and len(back) == len(report)
    assert back.query("student == 'bob' and number == 2")["hints_used"].item() == 2
    html = page.read_text()
    assert "Break-it class report: 3 student(s), 4 solved" in html
    from workbook.charts import class_report_figure

    fig = class_report_figure(report)
    heat = fig.data[0]
    assert list(heat.y) == ["ada", "bob", "cy"] and len(heat.x) == len(breakit.SCENARIOS)
    assert heat.text[1][1] == "not solved<br>2 hint(s)"
    assert heat.z[0][1] == 0.5 and heat.z[1][1] == 2.5  # solved, not solved
    assert main([str(tmp_path), "--out", str(tmp_path / "cli")]) == 0
    printed = capsys.readouterr().out
    assert "ada" in printed and "wrote" in printed
    assert (tmp_path / "cli" / "class_report.csv").exists()


def test_unreadable_and_notebook_without_lab(tmp_path):
    (tmp_path / "eve.jsonl").write_text("not json\n")
    nb = nbformat.v4.new_notebook()
    nbformat.write(nb, str(tmp_path / "fay.ipynb"))
    report = class_report(tmp_path)
    assert set(report["status"]) == {"unreadable"}
    fay = report[report["student"] == "fay"]["message"].iloc[0]
    assert "has no lab in its outputs" in fay


def test_submission_output_is_json_the_notebook_keeps(tmp_path):
    lab = SIZE.start(4)
    bundle = submission(lab)._repr_mimebundle_()
    assert bundle["text/plain"] == f"lab submitted: {len(lab.events)} events"
    assert json.loads(json.dumps(bundle[LAB_MIME]))["events"].count("\n") == len(lab.events) + 1
