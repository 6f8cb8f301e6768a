"""A service's history recomputed from the lab's event table: tasks per deployment over time,
deployments as bands, a target group's health changes. Pure queries over ``lab.events`` (and so
drawable "as of" an earlier time with ``until=``); the charts in :mod:`workbook.charts.services`
draw them.

Facts used: ``TaskCreated`` (its ``started_by`` names the deployment), ``TaskStatusChanged`` /
``TaskRunning`` / ``TaskStopped`` (the lifecycle), ``ServiceCreated`` / ``ServiceUpdated`` /
``ServiceDeleted`` (the desired count), ``DeploymentStarted`` / ``DeploymentCompleted`` /
``DeploymentFailed`` / ``ServiceInactive``, and ``TargetHealthChanged``.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from .instances import _name_tags

__all__ = ["deployment_bands", "service_history", "target_health_history"]


def _service_arn(lab, cluster: str, service: str) -> str:
    return f"arn:aws:ecs:{lab.region}:{lab.account_id}:service/{cluster}/{service}"


def _created(lab, cluster: str, service: str) -> pd.DataFrame:
    """TaskCreated facts of the service's tasks, in order (task arn, time, deployment, az)."""
    ev = lab.events
    ev = ev[(ev["kind"] == "TaskCreated") & (ev["cluster"] == cluster)]
    mine = pd.Series([d.get("service") == service for d in ev["detail"]], index=ev.index)
    ev = ev[mine.astype(bool)]
    return pd.DataFrame(
        {
            "task": ev["resource"].astype(str).to_numpy(),
            "time": ev["time"].to_numpy(),
            "deployment": [d.get("started_by", "") for d in ev["detail"]],
            "az": [d.get("az", "") for d in ev["detail"]],
            "revision": [f"{d.get('family')}:{d.get('revision')}" for d in ev["detail"]],
        }
    )


#: Lifecycle states grouped the way the console counts them.
PENDING = ("PROVISIONING", "PENDING", "ACTIVATING")
STOPPING = ("DEACTIVATING", "STOPPING", "DEPROVISIONING")


def service_history(lab, cluster: str, service: str, until: datetime | None = None) -> pd.DataFrame:
    """Tasks per deployment over simulated time: one row per moment something changed, columns
    time, deployment, pending, running, stopping (counts of that deployment's tasks), and the
    service's desired count then (``desired``; None for a DAEMON service, whose desired count
    follows its instances)."""
    ev = lab.events
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    created = _created(lab, cluster, service)
    created = created[created["time"] <= ev["time"].max()] if len(ev) else created.iloc[:0]
    dep_of = dict(zip(created["task"], created["deployment"], strict=True))
    moves = ev[ev["resource"].isin(list(dep_of)) & ev["kind"].isin(_STATUS_KINDS)]
    status = [d.get("status") for d in moves["detail"]]
    tr = pd.DataFrame(
        {
            "time": moves["time"].to_numpy(),
            "task": moves["resource"].astype(str).to_numpy(),
            "status": status,
        }
    ).dropna()
    tr["state"] = tr["status"].map(_category)
    tr = tr[tr["state"].notna()]
    tr = tr[tr["state"] != tr.groupby("task")["state"].shift()]  # only real moves
    tr["deployment"] = tr["task"].map(dep_of)
    prev = tr.groupby("task")["state"].shift()
    plus = tr.assign(delta=1)
    minus = tr.assign(state=prev, delta=-1).dropna(subset=["state"])
    steps = pd.concat([plus, minus])
    steps = steps[steps["state"] != "stopped"]
    cols = ["time", "deployment", "pending", "running", "stopping", "desired"]
    if steps.empty:
        return pd.DataFrame(columns=cols)
    grid = steps.pivot_table(
        index=["time", "deployment"], columns="state", values="delta", aggfunc="sum", fill_value=0
    )
    for c in ("pending", "running", "stopping"):
        if c not in grid:
            grid[c] = 0
    grid = grid[["pending", "running", "stopping"]].unstack("deployment", fill_value=0).cumsum()
    out = grid.stack("deployment", future_stack=True).reset_index()
    first = steps.groupby("deployment")["time"].min()
    out = out[out["time"] >= out["deployment"].map(first)]  # a deployment's rows from its start
    out = out.sort_values(["time", "deployment"], kind="stable")
    desired = _desired_over_time(ev, _service_arn(lab, cluster, service))
    if desired.empty:
        out["desired"] = None
    else:
        out = pd.merge_asof(out, desired, on="time", direction="backward")
    for c in ("pending", "running", "stopping"):
        out[c] = out[c].astype(int)
    return out[cols].reset_index(drop=True)


_STATUS_KINDS = ["TaskCreated", "TaskStatusChanged", "TaskRunning", "TaskStopped"]


def _category(status: str) -> str | None:
    if status in PENDING:
        return "pending"
    if status == "RUNNING":
        return "running"
    if status in STOPPING:
        return "stopping"
    if status == "STOPPED":
        return "stopped"
    return None


def _desired_over_time(ev: pd.DataFrame, svc_arn: str) -> pd.DataFrame:
    mine = ev[ev["resource"] == svc_arn]
    rows = []
    for t, k, d in zip(mine["time"], mine["kind"].astype(str), mine["detail"], strict=True):
        if k == "ServiceCreated":
            if d.get("scheduling_strategy") == "DAEMON":
                return pd.DataFrame(columns=["time", "desired"])
            rows.append((t, d.get("desired_count")))
        elif k == "ServiceUpdated" and "desired_count" in d.get("changes", {}):
            rows.append((t, d["changes"]["desired_count"]))
        elif k == "ServiceDeleted":
            rows.append((t, 0))
    return pd.DataFrame(rows, columns=["time", "desired"])


def deployment_bands(lab, cluster: str, service: str) -> pd.DataFrame:
    """One row per deployment: id, revision, start, completed (when its rollout completed or
    failed; NaT while in progress), end (when a newer deployment completed and replaced it, or
    the service went INACTIVE; NaT while it still runs) and outcome (its rolloutState)."""
    ev = lab.events
    mine = ev[ev["resource"] == _service_arn(lab, cluster, service)]
    deps: dict[str, dict] = {}
    for t, k, d in zip(mine["time"], mine["kind"].astype(str), mine["detail"], strict=True):
        if k == "DeploymentStarted":
            deps[d["deployment"]] = {
                "deployment": d["deployment"],
                "revision": d["task_definition"].rsplit("/", 1)[-1],
                "start": t,
                "completed": pd.NaT,
                "end": pd.NaT,
                "outcome": "IN_PROGRESS",
            }
        elif k in ("DeploymentCompleted", "DeploymentFailed") and d["deployment"] in deps:
            done = "COMPLETED" if k == "DeploymentCompleted" else "FAILED"
            deps[d["deployment"]].update(completed=t, outcome=done)
            if done == "COMPLETED":  # the older ones still running were replaced
                for other in deps.values():
                    if other["deployment"] != d["deployment"] and pd.isna(other["end"]):
                        other["end"] = t
        elif k == "ServiceInactive":
            for other in deps.values():
                if pd.isna(other["end"]):
                    other["end"] = t
    cols = ["deployment", "revision", "start", "completed", "end", "outcome"]
    return pd.DataFrame(list(deps.values()), columns=cols)


def target_health_history(
    lab, target_group_arn: str, until: datetime | None = None
) -> pd.DataFrame:
    """Every TargetHealthChanged of a target group: time, target (Name tag or IP), port, from,
    to (the new state) and the reason code."""
    ev = lab.events
    ev = ev[(ev["kind"] == "TargetHealthChanged") & (ev["resource"] == target_group_arn)]
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    names = _name_tags(lab)
    return pd.DataFrame(
        {
            "time": ev["time"].to_numpy(),
            "target": [names.get(d["target"], d["target"]) for d in ev["detail"]],
            "port": [d.get("port") for d in ev["detail"]],
            "from": [d.get("from") for d in ev["detail"]],
            "to": [d.get("to") for d in ev["detail"]],
            "reason": [d.get("reason") or "" for d in ev["detail"]],
        }
    )
