"""ECS task operations: RunTask, StartTask, StopTask, ListTasks, DescribeTasks, ExecuteCommand."""

from __future__ import annotations

from functools import cache

from ..core.errors import InvalidParameterException
from .ecs_common import tags_in
from .ecs_tasks_out import task_out
from .paging import page
from .registry import handler
from .shape_case import shape, to_snake


@cache
def _shape(name: str):
    return shape("ecs", name)  # one Shape object, so botocore's cached members are reused


def _request(p, shape_name: str) -> dict:
    spec = to_snake(_shape(shape_name), p)
    spec["tags"] = tags_in(spec.get("tags"))
    return spec


def _failures(failures) -> list[dict]:
    return [{"arn": f["arn"], "reason": f["reason"]} for f in failures]


@handler("ecs", "RunTask")
def run_task(lab, p):
    tasks, failures = lab.tasks.run(p.get("cluster"), _request(p, "RunTaskRequest"))
    return {"tasks": [task_out(lab, t) for t in tasks], "failures": _failures(failures)}


@handler("ecs", "StartTask")
def start_task(lab, p):
    tasks, failures = lab.tasks.start(p.get("cluster"), _request(p, "StartTaskRequest"))
    return {"tasks": [task_out(lab, t) for t in tasks], "failures": _failures(failures)}


@handler("ecs", "StopTask")
def stop_task(lab, p):
    task = lab.tasks.stop(p.get("cluster"), p["task"], p.get("reason"))
    return {"task": task_out(lab, task)}


@handler("ecs", "ListTasks")
def list_tasks(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    ci_arn = None
    if p.get("containerInstance"):
        ci = lab.container_instances.find(cluster.name, p["containerInstance"])
        if ci is None:
            return {"taskArns": [], "nextToken": None}
        ci_arn = ci.arn
    arns = lab.tasks.list(
        cluster.name,
        container_instance=ci_arn,
        family=p.get("family"),
        service_name=p.get("serviceName"),
        started_by=p.get("startedBy"),
        desired_status=p.get("desiredStatus"),
        launch_type=p.get("launchType"),
    )
    chunk, token = page(arns, p)
    return {"taskArns": chunk, "nextToken": token}


@handler("ecs", "DescribeTasks")
def describe_tasks(lab, p):
    cluster = lab.clusters.get(p.get("cluster"))
    refs = p["tasks"]
    if len(refs) > 100:
        raise InvalidParameterException("tasks can have at most 100 items.")
    include = p.get("include") or []
    for inc in include:
        if inc != "TAGS":
            raise InvalidParameterException(f"Invalid include value '{inc}'.")
    tags = "TAGS" in include
    found, failures = [], []
    for ref in refs:
        task = lab.tasks.find(cluster.name, ref)
        if task is None:
            arn = ref if ref.startswith("arn:") else lab.tasks.arn_for(cluster.name, ref)
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(task_out(lab, task, tags))
    return {"tasks": found, "failures": failures}


@handler("ecs", "ExecuteCommand")
def execute_command(lab, p):
    task, c, s = lab.tasks.execute_command(
        p.get("cluster"), p["task"], p.get("container"), p["command"], bool(p["interactive"])
    )
    return {
        "clusterArn": task.cluster_arn,
        "containerArn": c.arn,
        "containerName": c.name,
        "interactive": True,
        "session": {
            "sessionId": s["session_id"],
            "streamUrl": s["stream_url"],
            "tokenValue": s["token_value"],
        },
        "taskArn": task.arn,
    }
