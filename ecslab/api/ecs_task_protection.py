"""GetTaskProtection / UpdateTaskProtection (task scale-in protection)."""

from __future__ import annotations

from .registry import handler


def _out(lab, rows):
    protected, failures = [], []
    for ref, task, reason in rows:
        if reason is not None:
            failures.append({"arn": task.arn if task else ref, "reason": reason})
            continue
        until = lab.task_protection.expiry(task.arn)
        item = {"taskArn": task.arn, "protectionEnabled": until is not None}
        if until is not None:
            item["expirationDate"] = until
        protected.append(item)
    return {"protectedTasks": protected, "failures": failures}


@handler("ecs", "GetTaskProtection")
def get_task_protection(lab, p):
    return _out(lab, lab.task_protection.get(p["cluster"], list(p.get("tasks") or [])))


@handler("ecs", "UpdateTaskProtection")
def update_task_protection(lab, p):
    rows = lab.task_protection.update(
        p["cluster"], list(p["tasks"]), p["protectionEnabled"], p.get("expiresInMinutes")
    )
    return _out(lab, rows)
