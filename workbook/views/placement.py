"""Where tasks are, read from the lab's event table (no plotly here).

The placement map and the task timeline draw what these tables hold. They are computed from the
facts alone (``ContainerInstanceRegistered``, ``TaskCreated``, ``TaskStopped`` ...), so the same
function gives the lab *as of* any past time: keep the events up to that time (see
:mod:`workbook.views.scrub`). The tests check the tables against DescribeContainerInstances'
remainingResources, so the two views never disagree.

A task holds its instance's CPU, memory (and, for ``awsvpc``, one ENI slot) from ``TaskCreated``
until ``TaskStopped``, as the scheduler counts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

__all__ = [
    "STATES",
    "PlacementView",
    "colour_key",
    "events_until",
    "placement_view",
    "task_states",
    "unsteady",
]

#: A task's lastStatus values in the order a task goes through them.
STATES = (
    "PROVISIONING",
    "PENDING",
    "ACTIVATING",
    "RUNNING",
    "DEACTIVATING",
    "STOPPING",
    "DEPROVISIONING",
    "STOPPED",
)

_INSTANCE_KINDS = (
    "ContainerInstanceRegistered",
    "ContainerInstanceStatusChanged",
    "ContainerInstanceDeregistered",
)
_STATUS_KINDS = ("TaskCreated", "TaskStatusChanged", "TaskRunning", "TaskStopped")
_EC2_KINDS = ("InstanceLaunched", "AgentRegistrationFailed", "InstanceTerminated")
_TASK_KINDS = _STATUS_KINDS + ("TaskExpired", "TaskPlacementFailed")

INSTANCE_COLUMNS = [
    "label",
    "instance_id",
    "type",
    "az",
    "status",
    "cpu",
    "memory",
    "eni_capacity",
    "cpu_reserved",
    "memory_reserved",
    "eni_used",
    "tasks",
]
TASK_COLUMNS = [
    "label",
    "task_id",
    "container_instance",
    "instance",
    "az",
    "family",
    "revision",
    "service",
    "group",
    "key",
    "cpu",
    "memory",
    "status",
    "awsvpc",
    "launch_type",
    "created",
]
FAILURE_COLUMNS = ["time", "family", "count", "reason", "container_instance", "instance"]


def events_until(source, until: datetime | None = None) -> pd.DataFrame:
    """The event table of a Lab (``lab.events``) or a DataFrame, cut at ``until`` (inclusive)."""
    ev = source.events if hasattr(source, "events") else source
    if until is not None:
        ev = ev[ev["time"] <= pd.Timestamp(until)]
    return ev


def colour_key(service: str | None, family: str) -> str:
    """What colours a task: its service (``service web``) when it has one, else its family."""
    return f"service {service}" if service else family


@dataclass
class PlacementView:
    """One cluster's placement as of ``as_of``: container instances (index: container-instance
    ARN, in AZ then registration order), the tasks holding resources on them (index: task ARN),
    the last placement failure (one row per failed task and instance) and the colour keys in the
    order they first appeared (so colours never move as tasks come and go)."""

    cluster: str
    as_of: datetime | None
    instances: pd.DataFrame
    tasks: pd.DataFrame
    failures: pd.DataFrame
    keys: list[str]

    @property
    def failure_summary(self) -> str:
        """``"09:05:00 sleep360 x3: RESOURCE:MEMORY on web-1, web-2"`` or ``""``."""
        f = self.failures
        if f.empty:
            return ""
        first = f.iloc[0]
        reasons = "; ".join(
            f"{reason} on {', '.join(dict.fromkeys(part['instance']))}"
            if part["instance"].any()
            else reason
            for reason, part in f.groupby("reason", sort=True)
        )
        return f"{first['time']:%H:%M:%S} {first['family']} x{first['count']}: {reasons}"


def _details(ev: pd.DataFrame) -> list[dict]:
    return ev["detail"].tolist()


def placement_view(
    source,
    cluster: str = "default",
    until: datetime | None = None,
    names: dict[str, str] | None = None,
) -> PlacementView:
    """The placement of ``cluster`` from the event table of ``source`` (a Lab or an event
    DataFrame), as of ``until`` (default: everything). ``names`` maps EC2 instance ids to labels
    (a Lab gives its instances' Name tags); unnamed instances show their id."""
    if names is None and hasattr(source, "client"):
        from .instances import name_tags

        names = name_tags(source)
    names = names or {}
    ev = events_until(source, until)
    facts = ev[ev["origin"] == "fact"]
    kinds = facts["kind"].astype(str)
    mine = facts[(facts["cluster"] == cluster).fillna(False).astype(bool)]
    mkinds = mine["kind"].astype(str)

    # -- container instances -----------------------------------------------------------------------
    inst: dict[str, dict] = {}
    part = mine[mkinds.isin(_INSTANCE_KINDS)]
    for kind, arn, d in zip(
        part["kind"].astype(str), part["resource"], _details(part), strict=True
    ):
        if kind == "ContainerInstanceRegistered":
            iid = d["ec2_instance_id"]
            inst[arn] = {
                "label": names.get(iid, iid),
                "instance_id": iid,
                "type": d["instance_type"],
                "az": d["az"],
                "status": d["status"],
                "cpu": int(d["cpu"]),
                "memory": int(d["memory"]),
                "eni_capacity": int(d.get("eni_capacity", 0)),
            }
        elif arn in inst:
            inst[arn]["status"] = "INACTIVE" if kind.endswith("Deregistered") else d["status"]

    # -- task definitions' network modes (facts without a cluster) -------------------------------
    tds = facts[kinds == "TaskDefinitionRegistered"]
    awsvpc = {
        arn
        for arn, d in zip(tds["resource"], _details(tds), strict=True)
        if d.get("network_mode") == "awsvpc"
    }

    # -- tasks ------------------------------------------------------------------------------------------
    part = mine[mkinds.isin(_TASK_KINDS)]
    tasks: dict[str, dict] = {}
    keys: dict[str, None] = {}
    last_failure: tuple | None = None
    for kind, arn, t, d in zip(
        part["kind"].astype(str), part["resource"], part["time"], _details(part), strict=True
    ):
        if kind == "TaskCreated":
            key = colour_key(d.get("service"), d["family"])
            keys.setdefault(key)
            tasks[arn] = {
                "task_id": arn.rsplit("/", 1)[-1],
                "container_instance": d.get("container_instance"),
                "instance_id": d.get("instance_id"),
                "az": d.get("az"),
                "family": d["family"],
                "revision": d.get("revision"),
                "service": d.get("service"),
                "group": d.get("group"),
                "key": key,
                "cpu": int(d.get("cpu") or 0),
                "memory": int(d.get("memory") or 0),
                "status": d.get("status"),
                "awsvpc": d.get("task_definition") in awsvpc,
                "launch_type": d.get("launch_type"),
                "created": t,
            }
        elif kind == "TaskPlacementFailed":
            last_failure = (t, d)
        elif kind == "TaskExpired":
            tasks.pop(arn, None)
        elif arn in tasks and "status" in d:
            tasks[arn]["status"] = d["status"]

    # Tasks holding resources on a known, registered instance (EC2 launch type, not STOPPED).
    held = [
        (arn, row)
        for arn, row in tasks.items()
        if row["status"] != "STOPPED" and row["container_instance"] in inst
    ]
    # Per family: #1, #2 ... in creation order (stable whatever the seed; ids are not).
    seen: dict[str, int] = {}
    numbers = {}
    for arn, row in tasks.items():
        seen[row["family"]] = seen.get(row["family"], 0) + 1
        numbers[arn] = seen[row["family"]]
    task_rows = []
    for arn, row in held:
        ci = inst[row["container_instance"]]
        task_rows.append(
            {
                **{k: row[k] for k in TASK_COLUMNS if k in row},
                "label": f"{row['family']} #{numbers[arn]}",
                "instance": ci["label"],
            }
        )
    task_df = pd.DataFrame(task_rows, columns=TASK_COLUMNS, index=[a for a, _ in held])

    live = {a: r for a, r in inst.items() if r["status"] != "INACTIVE"}
    inst_df = pd.DataFrame.from_dict(live, orient="index")
    if inst_df.empty:
        inst_df = pd.DataFrame(columns=INSTANCE_COLUMNS)
    else:
        sums = task_df.groupby("container_instance")[["cpu", "memory"]].sum()
        inst_df["cpu_reserved"] = sums["cpu"].reindex(inst_df.index).fillna(0).astype(int)
        inst_df["memory_reserved"] = sums["memory"].reindex(inst_df.index).fillna(0).astype(int)
        eni = task_df[task_df["awsvpc"].astype(bool)].groupby("container_instance").size()
        inst_df["eni_used"] = eni.reindex(inst_df.index).fillna(0).astype(int)
        counts = task_df.groupby("container_instance").size()
        inst_df["tasks"] = counts.reindex(inst_df.index).fillna(0).astype(int)
        # Zones in name order, instances in registration order within a zone (a stable sort).
        inst_df = inst_df.sort_values("az", kind="stable")[INSTANCE_COLUMNS]
    task_df = task_df[task_df["container_instance"].isin(inst_df.index)]

    failures = []
    if last_failure is not None:
        t, d = last_failure
        for f in d.get("failures", []):
            ci = inst.get(f.get("arn", ""))
            failures.append(
                {
                    "time": t,
                    "family": d.get("family", ""),
                    "count": int(d.get("count", 0)),
                    "reason": f.get("reason", ""),
                    "container_instance": f.get("arn", ""),
                    "instance": ci["label"] if ci else "",
                }
            )
    if last_failure is not None and until is None and hasattr(source, "why_not_placed"):
        failures = _why_rows(source, cluster, last_failure, tasks, inst) or failures
    as_of = pd.Timestamp(until).to_pydatetime() if until is not None else None
    return PlacementView(
        cluster,
        as_of,
        inst_df,
        task_df,
        pd.DataFrame(failures, columns=FAILURE_COLUMNS),
        list(keys),
    )


def _why_rows(lab, cluster: str, last_failure: tuple, tasks: dict, inst: dict) -> list[dict]:
    """The failure as ``lab.why_not_placed`` explains it (every instance and the check that
    removed it), if the failed call is still the family's last placement."""
    t, d = last_failure
    family = d.get("family", "")
    if any(r["family"] == family and r["created"] > t for r in tasks.values()):
        return []  # a later RunTask of the family placed tasks: its explanation is another one
    why = lab.why_not_placed(cluster, family)
    by_id = {r["instance_id"]: r["label"] for r in inst.values()}
    return [
        {
            "time": t,
            "family": family,
            "count": int(d.get("count", 0)),
            "reason": r["reason"],
            "container_instance": r["arn"],
            "instance": by_id.get(r["ec2_instance_id"], r["ec2_instance_id"]),
        }
        for r in why.to_dict("records")
    ]


def task_states(
    source,
    cluster: str | None = None,
    until: datetime | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every task's lifecycle as (segments, marks), from the event table.

    ``segments``: one row per (task, state) with label (``family #n``), task_id, family, key,
    state, start, end (the next state's start, else ``until`` or the last event's time) and
    open (True while the task is still in that state). ``marks``: stops and exits worth marking,
    with time, label, kind (``stopped``, ``container exited``, ``placement failed``), text and
    fault (True for a failure: non-zero exit, TaskFailedToStart, a failed placement ...)."""
    ev = events_until(source, until)
    facts = ev[ev["origin"] == "fact"]
    if cluster is not None:
        facts = facts[(facts["cluster"] == cluster).fillna(False).astype(bool)]
    kinds = facts["kind"].astype(str)
    part = facts[
        kinds.isin(_STATUS_KINDS + ("TaskStopping", "ContainerExited", "TaskPlacementFailed"))
    ]
    end_of_time = (
        pd.Timestamp(until) if until is not None else (ev["time"].max() if len(ev) else None)
    )
    info: dict[str, dict] = {}
    changes: list[tuple] = []
    marks: list[dict] = []
    seen: dict[str, int] = {}
    for kind, arn, t, d in zip(
        part["kind"].astype(str), part["resource"], part["time"], _details(part), strict=True
    ):
        if kind == "TaskCreated":
            seen[d["family"]] = seen.get(d["family"], 0) + 1
            info[arn] = {
                "label": f"{d['family']} #{seen[d['family']]}",
                "task_id": arn.rsplit("/", 1)[-1],
                "family": d["family"],
                "key": colour_key(d.get("service"), d["family"]),
            }
        if kind == "TaskPlacementFailed":
            reasons = sorted({f.get("reason", "") for f in d.get("failures", [])})
            n = len(d.get("failures", []))
            marks.append(
                {
                    "time": t,
                    "label": "placement failed",
                    "kind": "placement failed",
                    "text": f"{d.get('family')}: {n} of {d.get('count')} task(s) not placed "
                    f"({', '.join(reasons)})",
                    "fault": True,
                }
            )
            continue
        if arn not in info:
            continue
        label = info[arn]["label"]
        if kind == "TaskStopping":
            code = d.get("stop_code", "")
            marks.append(
                {
                    "time": t,
                    "label": label,
                    "kind": "stopping",
                    "text": f"{label} stopping: {code}: {d.get('reason', '')}",
                    "fault": code
                    not in (
                        "UserInitiated",
                        "EssentialContainerExited",
                        "ServiceSchedulerInitiated",
                    ),
                }
            )
        elif kind == "ContainerExited":
            code = d.get("exit_code")
            marks.append(
                {
                    "time": t,
                    "label": label,
                    "kind": "container exited",
                    "text": f"{label}: container {d.get('container')} exited with code {code}"
                    + ("" if d.get("essential", True) else " (not essential)"),
                    "fault": code not in (0, None),
                }
            )
        elif "status" in d and (not changes or changes[-1][:2] != (arn, d["status"])):
            changes.append((arn, d["status"], t))
    rows = []
    last: dict[str, int] = {}
    for arn, state, t in changes:
        if arn in last:
            rows[last[arn]]["end"] = t
            rows[last[arn]]["open"] = False
        if state == "STOPPED":
            last.pop(arn, None)
            continue
        last[arn] = len(rows)
        rows.append({**info[arn], "state": state, "start": t, "end": end_of_time, "open": True})
    seg = pd.DataFrame(
        rows, columns=["label", "task_id", "family", "key", "state", "start", "end", "open"]
    )
    mk = pd.DataFrame(marks, columns=["time", "label", "kind", "text", "fault"])
    return seg, mk


def unsteady(source) -> list[str]:
    """Resources between states (from the event table): tasks whose last status is not RUNNING
    or STOPPED, container instances REGISTERING or DEREGISTERING, and EC2 instances launched
    whose agent has neither registered nor failed yet. Empty means steady."""
    ev = events_until(source)
    facts = ev[ev["origin"] == "fact"]
    kinds = facts["kind"].astype(str)
    part = facts[kinds.isin(_STATUS_KINDS + _INSTANCE_KINDS + _EC2_KINDS + ("TaskExpired",))]
    last: dict[str, str] = {}
    for kind, arn, d in zip(
        part["kind"].astype(str), part["resource"], _details(part), strict=True
    ):
        if kind == "InstanceLaunched":
            last[arn] = "launching"
        elif kind in ("AgentRegistrationFailed", "InstanceTerminated"):
            last[arn] = "STOPPED"
        elif kind in ("TaskExpired", "ContainerInstanceDeregistered"):
            last[arn] = "STOPPED"
        elif "status" in d:
            last[arn] = d["status"]
            if kind == "ContainerInstanceRegistered":
                last[d["ec2_instance_id"]] = "ACTIVE"
    return [
        arn
        for arn, status in last.items()
        if status not in ("RUNNING", "STOPPED", "ACTIVE", "INACTIVE", "DRAINING")
    ]
