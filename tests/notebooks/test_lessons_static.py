"""The committed lessons: structure, metadata, outputs and the walkthrough commands they teach."""

from __future__ import annotations

import re

import pytest
from _lesson_helpers import NOTEBOOKS, lesson_ids, load

from workbook.lessons import LESSONS
from workbook.lessons import aws_commands as lesson_commands

ROOT = NOTEBOOKS.parent
UUID_OR_HEX_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}|\b[0-9a-f]{32}\b")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("name", lesson_ids())
def test_lesson_structure(name):
    nb = load(name)
    text = markdown(nb)
    assert nb.cells[0].source.startswith("# " + name[:2] + " · ")
    assert "**Learning goals.**" in text and "## Summary" in text and "**On real AWS**" in text
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "region = " in params[0].source and "seed = " in params[0].source
    for c in code_cells(nb):  # thin cells: logic lives in workbook/
        assert not re.search(r"^\s*(def|class) ", c.source, re.M), c.source


@pytest.mark.parametrize("name", lesson_ids())
def test_committed_with_deterministic_outputs(name):
    nb = load(name)
    cells = code_cells(nb)
    assert all(c.execution_count is not None for c in cells), "run `make notebooks`"
    outputs = [o for c in cells for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
    assert "widgets" not in nb.metadata and "papermill" not in nb.metadata
    # Widget views would point at unsaved state (random model ids): only their text is kept.
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    compared = [c for c in cells if "# NBVAL_CHECK_OUTPUT" in c.source]
    assert len(compared) >= 5
    for c in compared:
        for o in c.outputs:
            text = o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
            assert not UUID_OR_HEX_ID.search(text), text


@pytest.mark.parametrize("name", lesson_ids())
def test_exercises_are_nbgrader_ready(name):
    nb = load(name)
    meta = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    solutions = [m for m in meta if m["solution"]]
    graded = [m for m in meta if m["grade"]]
    assert solutions and graded
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids))
    for m in meta:
        assert m["schema_version"] == 3 and {"grade", "solution", "locked", "grade_id"} <= set(m)
    assert all(m["points"] > 0 for m in graded)
    for c in nb.cells:
        m = c.metadata.get("nbgrader", {})
        has_markers = "### BEGIN SOLUTION" in c.source
        assert has_markers == bool(m.get("solution")), c.source
        if m.get("grade") and c.cell_type == "code":
            # An autograded check: locked, and a failed check must fail the cell.
            assert m["locked"] and not m["solution"] and ".require()" in c.source
        elif m.get("grade"):
            # A written answer graded by hand (workbook.nbgrade_meta adds them).
            assert c.cell_type == "markdown" and m["solution"] and not m["locked"]


def aws_commands(nb) -> set[str]:
    """Every ``aws <service> <operation>`` a lesson shows or runs (workbook.lessons.aws_commands)."""
    return lesson_commands(nb)["shown"]


def test_walkthrough_rows_appear_in_lessons():
    by_lesson = {name: aws_commands(load(name)) for name in lesson_ids()}
    assert {
        "ecs create-cluster",
        "ecs list-clusters",
        "ecs describe-clusters",
        "ecs delete-cluster",
        "ecs update-cluster-settings",
    } <= by_lesson["01_clusters.ipynb"]
    assert {
        "ssm get-parameters",
        "ec2 run-instances",
        "ecs list-container-instances",
        "ecs describe-container-instances",
        "ecs put-account-setting",
    } <= by_lesson["02_container_instances.ipynb"]
    assert {
        "ecs register-task-definition",
        "ecs deregister-task-definition",
        "ecs delete-task-definitions",
    } <= by_lesson["03_task_definitions.ipynb"]
    assert {
        "ecr create-repository",
        "ecr get-login-password",
        "ecr list-images",
        "ecr batch-get-image",
        "ecr put-image",
        "ecr batch-delete-image",
        "ecr delete-repository",
        "ecr describe-images",
    } <= by_lesson["04_ecr.ipynb"]
    assert {
        "ecs run-task",
        "ecs list-tasks",
        "ecs describe-tasks",
        "ecs stop-task",
        "ecs execute-command",
    } <= by_lesson["05_running_tasks.ipynb"]
    assert {"ecs put-account-setting"} <= by_lesson["07_networking_and_eni_trunking.ipynb"]
    assert {
        "ecs create-service",
        "ecs list-services",
        "ecs update-service",
        "ecs delete-service",
        "ecs describe-services",
        "ecs wait services-stable",
    } <= by_lesson["06_services.ipynb"]
    assert {
        "elbv2 create-load-balancer",
        "elbv2 create-target-group",
        "elbv2 create-listener",
        "elbv2 describe-target-health",
        "ecs create-service",
    } <= by_lesson["08_health_checks_and_load_balancing.ipynb"]


@pytest.mark.parametrize("name", lesson_ids())
def test_cli_commands_the_lesson_runs_are_recorded(name):
    """Each lesson records the aws commands it runs with lab.aws (a list tests can read)."""
    from workbook.lessons import results_of

    nb = load(name)
    ran = {
        " ".join(m)
        for c in nb.cells
        if c.cell_type == "code"
        for m in re.findall(r'lab\.aws\(\[?"([\w-]+)"?,? ?"?([a-z-]+)', c.source)
    }
    recorded = set(results_of(nb).get("cli_commands", []))
    assert {f"aws {r}" for r in ran} == recorded


def test_tables_of_contents_list_the_lessons_in_order():
    toc = (NOTEBOOKS / "README.md").read_text()
    readme = (ROOT / "README.md").read_text()
    lessons_section = readme.split("## Lessons", 1)[1].split("\n## ", 1)[0]
    for text in (toc, lessons_section):
        positions = [text.index(lesson.file) for lesson in LESSONS]
        assert positions == sorted(positions)
    assert sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) == lesson_ids()


#: Every row of the seed's walkthrough (issue 9), as the aws command it runs. Each must appear in
#: at least one lesson; the capstone (11) shows them all in its cheat sheet.
WALKTHROUGH = (
    "ecs create-cluster",
    "ecs list-clusters",
    "ssm get-parameters",
    "ec2 run-instances",
    "ecs list-container-instances",
    "ecs describe-container-instances",
    "ec2 describe-instances",
    "ecs register-task-definition",
    "ecs list-task-definitions",
    "ecs deregister-task-definition",
    "ecs run-task",
    "ecs list-tasks",
    "ecs describe-tasks",
    "ecs create-service",
    "ecs list-services",
    "ecs update-service",
    "ecs delete-service",
    "ecr create-repository",
    "ecr describe-repositories",
    "ecr get-login-password",
    "ecr list-images",
    "ecr batch-get-image",
    "ecr put-image",
    "ecr batch-delete-image",
    "ecs wait services-stable",
)


def test_every_walkthrough_row_appears_in_a_lesson():
    by_lesson = {name: lesson_commands(load(name)) for name in lesson_ids()}
    shown = set().union(*(c["shown"] for c in by_lesson.values()))
    assert [row for row in WALKTHROUGH if row not in shown] == []
    assert set(WALKTHROUGH) <= by_lesson["11_capstone.ipynb"]["shown"]
    # The rows' variants and the push are in the lessons' text too.
    text = "\n".join(c.source for name in lesson_ids() for c in load(name).cells)
    for words in (
        "--cli-input-json file://sleep360.json",
        "--iam-instance-profile Name=ecsInstanceRole",
        "--user-data",
        "--load-balancers targetGroupArn=",
        "--force-new-deployment",
        "--desired-count 0",
        "--task-definition sample-app:2",
        "skopeo login",
        "skopeo copy",
    ):
        assert words in text, words
    # The capstone runs CLI commands for real: !aws lines and lab.aws(...) calls.
    assert {"ecs wait services-stable", "ecs update-service", "ecs describe-services"} <= by_lesson[
        "11_capstone.ipynb"
    ]["run"]


def test_aws_commands_reads_shown_and_run_commands():
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("```bash\naws ecs create-cluster --cluster-name X\n```"),
            nbformat.v4.new_code_cell("!aws ecs wait services-stable --cluster C --services web"),
            nbformat.v4.new_code_cell('lab.aws(["ecs", "wait", "tasks-running"])\nlab.aws("ecr list-images")'),
        ]
    )
    found = lesson_commands(nb)
    assert found["run"] == {"ecs wait services-stable", "ecs wait tasks-running", "ecr list-images"}
    assert found["shown"] == found["run"] | {"ecs create-cluster"}


def test_nbgrader_metadata_script_is_applied_and_idempotent(tmp_path):
    """workbook.nbgrade_meta has nothing left to do on the committed lessons (re-apply it after a
    merge), and applying it to a lesson without its question adds the question once."""
    from workbook import nbgrade_meta

    assert nbgrade_meta.main(["--check"]) == 0
    q = nbgrade_meta.QUESTIONS[0]
    nb = load(q.lesson)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != q.grade_id]
    assert nbgrade_meta.apply(nb, q.lesson, log=lambda _: None) == 1
    assert nbgrade_meta.apply(nb, q.lesson, log=lambda _: None) == 0
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids.count(q.grade_id) == 1 and ids.index(q.grade_id) == ids.index(q.after) + 1
