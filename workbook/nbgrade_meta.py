"""Make the lessons nbgrader assignments (idempotent): ``python -m workbook.nbgrade_meta``.

The lessons already carry nbgrader metadata on their exercise cells (solution cells with
``### BEGIN SOLUTION`` markers, locked check cells with points). This script adds what the course
grades by hand: a markdown "Why?" question after an exercise, as a manually graded answer cell
(``grade`` and ``solution`` true, not locked) whose model answer sits between the solution markers,
so student copies show ``YOUR ANSWER HERE``. It also puts every check cell into nbgrader's shape
(``grade``, ``locked``, ``points`` >= 1, ``solution`` false).

Run it again after merging a branch that edits lessons: a question cell already there (found by its
``grade_id``) is rewritten in place, never duplicated; a question whose anchor check cell is gone is
skipped with a message. ``--check`` only reports what would change (exit 1 if anything would).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .lessons import notebooks_dir

__all__ = ["QUESTIONS", "Question", "apply", "main"]


@dataclass(frozen=True)
class Question:
    lesson: str  # the notebook's file name (any language folder that has it)
    after: str  # grade_id of the check cell the question follows
    grade_id: str
    question: str
    answer: str
    points: int = 1


QUESTIONS: tuple[Question, ...] = (
    Question(
        "00_overview_and_pricing.ipynb",
        "ex00-fargate-price-check",
        "ex00-why-free",
        "Why does Amazon ECS itself never appear on your bill, and what does appear instead?",
        "ECS is only the scheduler and record-keeper, and it is free. The bill shows the capacity "
        "the tasks run on: EC2 instances per instance-second while running (busy or idle), or "
        "Fargate per requested vCPU- and GB-second of each task, each with a one-minute minimum.",
    ),
    Question(
        "01_clusters.ipynb",
        "ex01-delete-cluster-check",
        "ex01-why-case",
        'Why did `panel.delete("sandbox")` fail while `delete_cluster(cluster="Sandbox")` worked?',
        "Cluster names are case-sensitive: `sandbox` is another name, and no cluster has it, so ECS "
        "answers `ClusterNotFoundException` and changes nothing. `Sandbox` names the empty cluster "
        "made with the panel, and an empty cluster can be deleted at once.",
    ),
    Question(
        "02_container_instances.ipynb",
        "ex02-private-subnet-check",
        "ex02-why-memory",
        "Why does a container instance register less MEMORY than its instance type has?",
        "The agent registers the memory the operating system reports, minus "
        "`ECS_RESERVED_MEMORY`; the kernel keeps some memory for itself, so an 8 GiB instance "
        "registers less than 8192 MiB and a task asking for all of it is never placed.",
    ),
    Question(
        "04_ecr.ipynb",
        "ex04-untagged-check",
        "ex04-why-untagged",
        "Why does pushing `latest` again leave an untagged image in the repository?",
        "A tag is a movable name for a digest. Pushing new content as `latest` moves the tag to "
        "the new digest; the old image is still stored (and billed for storage) but no tag names "
        "it any more, so it shows up as untagged until it is deleted.",
    ),
    Question(
        "09_cost_fargate_vs_ec2.ipynb",
        "ex09-read-the-bill-check",
        "ex09-why-idle",
        "Why does an idle EC2 container instance cost as much as a busy one?",
        "EC2 bills every second the instance is running (60 s minimum per start), whether or not "
        "tasks run on it; ECS does not care how full it is. Only Fargate bills per task.",
    ),
    Question(
        "10_container_insights.ipynb",
        "ex10-hourly-cost-check",
        "ex10-why-default",
        "Why did setting the `containerInsights` account default not turn it on for "
        "`exercise_cluster`?",
        "The account default applies to clusters created after it is set, when they are created. "
        "`exercise_cluster` existed before, so it kept its own setting (disabled) until "
        "`update_cluster_settings` changed it.",
    ),
    Question(
        "15_deployment_strategies.ipynb",
        "ex15-breaker-check",
        "ex15-why-bluegreen",
        "A blue/green deployment runs twice the service's tasks from scale-up to clean-up. What does "
        "that extra capacity buy you, compared with a rolling deployment?",
        "A rollback that is only a listener-rule change: until clean-up the blue tasks keep running, "
        "so stopping the deployment sends production traffic straight back to them, with no new "
        "tasks to start. Traffic also moves all at once (no mix of two releases), after green was "
        "complete, healthy and reachable on the test rule. A rolling deployment needs at most "
        "maximumPercent of the tasks, but both releases serve side by side and going back means "
        "another rolling deployment.",
    ),
)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _question_cell(q: Question):
    source = (
        f"**Question ({q.points} point{'s' if q.points != 1 else ''}, graded by hand).** "
        f"{q.question}\n\n### BEGIN SOLUTION\n{q.answer}\n### END SOLUTION"
    )
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = q.grade_id
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": q.grade_id,
        "locked": False,
        "points": q.points,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }
    cell.metadata["tags"] = []
    return cell


def _normalise_checks(nb) -> int:
    """Check cells (autograded tests) in nbgrader's shape; returns how many changed."""
    changed = 0
    for cell in nb.cells:
        m = _meta(cell)
        if cell.cell_type == "code" and m.get("grade") and not m.get("solution"):
            want = dict(m, grade=True, locked=True, solution=False, schema_version=3)
            want["points"] = max(1, int(want.get("points") or 1))
            if want != m:
                cell.metadata["nbgrader"] = want
                changed += 1
    return changed


def apply(nb, lesson: str, log=print) -> int:
    """Apply the questions of ``lesson`` to ``nb`` in place; returns the number of cells changed."""
    changed = _normalise_checks(nb)
    for q in (q for q in QUESTIONS if q.lesson == lesson):
        ids = [_meta(c).get("grade_id") for c in nb.cells]
        want = _question_cell(q)
        if q.grade_id in ids:
            cell = nb.cells[ids.index(q.grade_id)]
            if cell.source != want.source or _meta(cell) != want.metadata["nbgrader"]:
                cell.source = want.source
                cell.metadata["nbgrader"] = want.metadata["nbgrader"]
                changed += 1
            continue
        if q.after not in ids:
            log(f"{lesson}: no cell {q.after}; question {q.grade_id} not added")
            continue
        nb.cells.insert(ids.index(q.after) + 1, want)
        changed += 1
    return changed


def run(paths: list[Path], check: bool = False, log=print) -> int:
    """Apply to every notebook in ``paths``; returns the total number of changed cells."""
    total = 0
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        n = apply(nb, path.name, log)
        if n:
            log(f"{path}: {n} cell(s) {'would change' if check else 'updated'}")
            if not check:
                nbformat.write(nb, str(path))
        total += n
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.nbgrade_meta", description=__doc__)
    parser.add_argument("notebooks", nargs="*", help="lesson files (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 on changes")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    total = run(paths, check=args.check)
    print(f"{total} cell(s) {'would change' if args.check else 'changed'}")
    return 1 if args.check and total else 0


if __name__ == "__main__":
    sys.exit(main())
