"""The lesson notebooks: their order, running them with papermill, and reading their results.

``python -m workbook.lessons commands`` lists the ``aws`` commands each lesson runs or shows (see
:func:`aws_commands`).

``python -m workbook.lessons run [NAME ...]`` re-executes lessons in place (``make notebooks``) and
prints each one's time. Executed notebooks are cleaned of what changes from run to run (papermill
timings, saved widget state, which embeds plotly's ~5 MB widget bundle) so re-running a lesson
with the same engine gives the same file.

Inside a lesson, :func:`record` shows a lesson's key results and tags them so tests (and graders)
can read them back from the executed notebook with :func:`results_of`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "EXTRAS",
    "LESSONS",
    "Lesson",
    "RESULTS_MIME",
    "aws_commands",
    "clean",
    "execute",
    "notebooks_dir",
    "record",
    "results_of",
]

RESULTS_MIME = "application/vnd.ecslab.results+json"


@dataclass(frozen=True)
class Lesson:
    file: str
    title: str
    topics: str


#: The course in order (lessons are added as their engine parts land).
LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "00_overview_and_pricing.ipynb",
        "Overview and the pricing model",
        "ECS is free; EC2 vs Fargate billing; per-task cost at list prices; ENI limits; "
        "what ecslab simulates",
    ),
    Lesson(
        "01_clusters.ipynb",
        "Clusters",
        "default and named clusters; list/describe; settings and tags; delete rules and errors; "
        "the event table",
    ),
    Lesson(
        "02_container_instances.ipynb",
        "Container instances",
        "the ECS-optimized AMI from SSM; user data and ecsInstanceRole; why an instance never joins "
        "(no role, no route, plain AMI, wrong cluster); registered CPU/MEMORY; ENI limits and trunking",
    ),
    Lesson(
        "03_task_definitions.ipynb",
        "Task definitions",
        "families and revisions; essential containers; cpu/memory hard and soft limits; network "
        "modes and port mappings; Fargate compatibility and sizes; validation errors; deregister "
        "and delete",
    ),
    Lesson(
        "04_ecr.ipynb",
        "ECR: the image registry",
        "repositories, tags and digests; login token; build and push; latest moving and untagged "
        "images; retag without pulling; deleting; podman and skopeo",
    ),
    Lesson(
        "05_running_tasks.ipynb",
        "Running tasks",
        "run-task / list-tasks / describe-tasks (walkthrough step 4); the lifecycle and its "
        "timestamps on a timeline; binpack, spread and random; distinctInstance and memberOf; "
        "failure reasons and the why-not-placed table; essential containers; awslogs; ECS Exec",
    ),
    Lesson(
        "06_services.ipynb",
        "Services",
        "replica vs daemon; create, list and scale; spread across Availability Zones; rolling "
        "deployments with minimumHealthyPercent/maximumPercent; force-new-deployment; events and "
        "wait services-stable; delete rules",
    ),
    Lesson(
        "07_networking_and_eni_trunking.ipynb",
        "Networking and ENI trunking",
        "bridge (static and dynamic host ports), host, awsvpc (an ENI per task) and none; "
        "RESOURCE:PORTS and RESOURCE:ENI; the awsvpcTrunking setting for new instances only "
        "(t3 unsupported); the capacity explorer",
    ),
    Lesson(
        "08_health_checks_and_load_balancing.ipynb",
        "Health checks and load balancing",
        "task-definition health checks (not the image's); ALB, target group and listener; target "
        "type ip for awsvpc; target health states; grace period and a wrong health-check path; "
        "fault injection and recovery",
    ),
    Lesson(
        "09_cost_fargate_vs_ec2.ipynb",
        "Cost: Fargate vs EC2",
        "the lab's bill with lab.costs(); idle instances and the 60 s minimum; workloads compared "
        "with the scheduler's bin-packing; break-even count and utilisation; ENI limits and "
        "trunking; Graviton and Fargate Spot; the region note and loading a price table",
    ),
    Lesson(
        "10_container_insights.ipynb",
        "Container Insights (metrics and their cost)",
        "turning it on (cluster setting, account default); which metrics at which level; metrics "
        "only for RUNNING tasks; boto3 and aws cloudwatch; reserved vs used (modelled) panels; "
        "custom metrics per cluster, task and service, prorated hourly",
    ),
    Lesson(
        "11_capstone.ipynb",
        "Capstone: deploy, survive faults, explain the bill",
        "a web service end to end (instances in three AZs, an ECR image, awsvpc + awslogs + health "
        "check, ALB with an ip target group, a service of three, waiters), boto3 and the aws CLI "
        "side by side; a rolling deployment; faults (crash, instance, AZ) and the service's "
        "events; the bill and Fargate vs EC2; the walkthrough's cheat sheet",
    ),
    Lesson(
        "12_break_it_labs.ipynb",
        "Break-it labs",
        "the classic failures reproduced and fixed: RunTask failures and the why-not-placed view; "
        "instance, execution and task roles; a service whose health checks kill healthy tasks; "
        "Fargate sizes; checkpoints to retry or skip a step; the instructor's start panel and "
        "offline class report",
    ),
    Lesson(
        "13_capacity_providers.ipynb",
        "Capacity providers and cluster auto scaling",
        "a launch template and an Auto Scaling group; an ASG capacity provider with managed scaling "
        "and termination protection; a service from zero instances (tasks in PROVISIONING); "
        "CapacityProviderReservation and target tracking; FARGATE / FARGATE_SPOT with base and "
        "weight; a Spot interruption and the Spot rate",
    ),
    Lesson(
        "14_service_auto_scaling.ipynb",
        "Service auto scaling",
        "register-scalable-target and a target-tracking policy; the AlarmHigh/AlarmLow CloudWatch "
        "alarms it owns; a seeded two-peak load curve; scaling activities and their causes; "
        "cooldowns, DisableScaleIn and step scaling; the load-slider scaling panel",
    ),
    Lesson(
        "15_deployment_strategies.ipynb",
        "Deployment strategies: rolling and blue/green",
        "the deployment history (list/describe-service-deployments, describe-service-revisions); "
        "a BLUE_GREEN service with an alternate target group, production and test listener rules "
        "and bakeTimeInMinutes; lifecycle stages, traffic shift, bake and clean-up; rollback with "
        "stop-service-deployment and the circuit breaker; the deployment panel",
    ),
)


#: Other notebooks that ``make notebooks`` executes too (not lessons: no exercises).
EXTRAS: tuple[str, ...] = ("gallery.ipynb", "dashboards/eni_explorer.ipynb")


def notebooks_dir() -> Path:
    """The repository's notebooks/ folder (the instructor copies)."""
    return Path(__file__).resolve().parents[1] / "notebooks"


class Results:
    """A lesson's key results: readable text in the notebook, JSON for tests.

    Not a dict subclass on purpose: IPython would print it with its dict printer."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = json.loads(json.dumps(values, default=str))

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def _repr_mimebundle_(self, **_: Any) -> dict:
        text = "\n".join(f"{k}: {v!r}" for k, v in self.values.items())
        return {"text/plain": text, RESULTS_MIME: self.values}


def record(**values: Any) -> Results:
    """Show and tag a lesson's key results (values must be JSON-friendly)."""
    return Results(values)


def results_of(nb) -> dict:
    """Every :func:`record` output of an executed notebook, merged in order."""
    out: dict = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if RESULTS_MIME in data:
                out.update(data[RESULTS_MIME])
    return out


_SHOWN = re.compile(
    r"\baws (ecs|ec2|ecr|iam|ssm|elbv2|logs|cloudwatch|application-autoscaling|autoscaling) "
    r"(wait [a-z-]+|(?!wait\b)[a-z-]+)"
)
_RUN = re.compile(r'lab\.aws\(\[?"(?:aws )?([\w-]+)"?,? ?"?([a-z-]+)(?:"?,? ?"?([a-z-]+))?')


def aws_commands(nb) -> dict[str, set[str]]:
    """The ``aws`` commands a lesson teaches, as ``"ecs create-service"`` / ``"ecs wait
    services-stable"``: ``shown`` is every ``aws <service> <operation>`` in any cell (markdown
    code blocks, ``!aws`` lines, lab.aws calls written as text), ``run`` the ones its code cells
    execute (``!aws`` lines and ``lab.aws(...)`` calls)."""
    shown: set[str] = set()
    run: set[str] = set()
    for cell in nb.cells:
        found = {" ".join(m) for m in _SHOWN.findall(cell.source)}
        shown |= found
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if line.lstrip().startswith("!"):
                run |= {" ".join(m) for m in _SHOWN.findall(line)}
        for service, op, waiter in _RUN.findall(cell.source):
            run.add(f"{service} {op} {waiter}" if op == "wait" and waiter else f"{service} {op}")
    shown |= run
    return {"shown": shown, "run": run}


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean(nb) -> Any:
    """Drop what changes between identical runs: papermill timings, execution timestamps, saved
    widget state and the widget views that point at it (random model ids). A panel's output then
    keeps only its text ("... run the cell to use it") until the learner runs the cell."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)
        if "outputs" in cell:
            cell["outputs"] = _coalesce_streams(cell["outputs"])
    return nb


def _coalesce_streams(outputs: list) -> list:
    """Join adjacent stdout/stderr chunks: how the kernel splits one print into stream messages
    depends on timing, so the committed text would otherwise differ between identical runs."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def execute(
    source: str | Path,
    output: str | Path | None = None,
    parameters: dict[str, Any] | None = None,
    kernel: str = "python3",
) -> tuple[Any, float]:
    """Run a lesson with papermill (``output`` defaults to in place); returns (notebook, seconds).

    The kernel is the ``python3`` kernelspec (``make venv`` installs the venv's own under that
    name); it starts in the notebook's folder."""
    import nbformat
    import papermill as pm

    source = Path(source)
    output = Path(output) if output is not None else source
    started = time.perf_counter()
    pm.execute_notebook(
        str(source),
        str(output),
        parameters=parameters or {},
        kernel_name=kernel,
        cwd=str(source.parent),
        progress_bar=False,
        log_output=False,
    )
    seconds = time.perf_counter() - started
    nb = clean(nbformat.read(str(output), as_version=4))
    nbformat.write(nb, str(output))
    return nb, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.lessons")
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="re-execute lessons in place with papermill")
    run.add_argument("names", nargs="*", help="lesson files (default: all)")
    sub.add_parser("list", help="list the lessons in order")
    sub.add_parser("commands", help="the aws commands each lesson runs (*) or shows")
    args = parser.parse_args(argv)
    folder = notebooks_dir()
    if args.cmd == "commands":
        import nbformat

        for lesson in LESSONS:
            found = aws_commands(nbformat.read(str(folder / lesson.file), as_version=4))
            marked = [f"{c} *" if c in found["run"] else c for c in sorted(found["shown"])]
            print(f"{lesson.file}: " + ", ".join(marked))
        return 0
    if args.cmd == "list":
        for lesson in LESSONS:
            print(f"{lesson.file}  {lesson.title}: {lesson.topics}")
        return 0
    names = args.names or [lesson.file for lesson in LESSONS] + list(EXTRAS)
    total = 0.0
    for name in names:
        path = Path(name) if Path(name).exists() else folder / name
        _, seconds = execute(path)
        total += seconds
        print(f"{path.name}: {seconds:.1f} s")
    print(f"all: {total:.1f} s (target for the lessons: 150 s in total)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
