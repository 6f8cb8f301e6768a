"""Task definitions for the editor panel and lesson 03: a small form <-> the JSON ECS takes, and
the revision list. Validation is ECS's own: the editor shows the error RegisterTaskDefinition
returns (code and message), never a rule of its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from ..aws import Outcome, attempt, client

__all__ = ["TaskDefForm", "TaskDefEditor", "fargate_sizes", "revisions_table"]

NETWORK_MODES = ("bridge", "awsvpc", "host", "none")


@dataclass(frozen=True)
class TaskDefForm:
    """The fields the editor's form offers (0 or "" means "leave it out")."""

    family: str = "web"
    container: str = "web"
    image: str = "httpd:2.4"
    essential: bool = True
    container_cpu: int = 0
    memory: int = 512  # hard limit (MiB): the container is killed above it
    memory_reservation: int = 0  # soft limit (MiB): what the scheduler reserves
    network_mode: str = "bridge"
    container_port: int = 80
    host_port: int | None = None  # None: leave it out (bridge: dynamic; awsvpc/host: the same)
    launch_type: str = "EC2"  # requiresCompatibilities
    task_cpu: str = ""
    task_memory: str = ""

    def with_(self, **changes: Any) -> TaskDefForm:
        return replace(self, **changes)

    def body(self) -> dict:
        """The RegisterTaskDefinition request this form means."""
        c: dict[str, Any] = {
            "name": self.container,
            "image": self.image,
            "essential": self.essential,
        }
        if self.container_cpu:
            c["cpu"] = int(self.container_cpu)
        if self.memory:
            c["memory"] = int(self.memory)
        if self.memory_reservation:
            c["memoryReservation"] = int(self.memory_reservation)
        if self.container_port:
            pm: dict[str, Any] = {"containerPort": int(self.container_port)}
            if self.host_port is not None:
                pm["hostPort"] = int(self.host_port)
            c["portMappings"] = [pm]
        out: dict[str, Any] = {
            "family": self.family,
            "networkMode": self.network_mode,
            "requiresCompatibilities": [self.launch_type],
            "containerDefinitions": [c],
        }
        if self.task_cpu:
            out["cpu"] = str(self.task_cpu)
        if self.task_memory:
            out["memory"] = str(self.task_memory)
        return out

    def as_dict(self) -> dict:
        return asdict(self)


def revisions_table(lab, family: str) -> pd.DataFrame:
    """Every revision of ``family`` (ACTIVE, INACTIVE, DELETE_IN_PROGRESS): status, compatibilities, network mode,
    task cpu/memory and the first container's image and limits."""
    ecs = client(lab, "ecs")
    arns = []
    for status in ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"):
        pages = ecs.get_paginator("list_task_definitions").paginate(
            familyPrefix=family, status=status
        )
        arns += [a for p in pages for a in p["taskDefinitionArns"]]
    rows = []
    for arn in arns:
        td = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        c = td["containerDefinitions"][0]
        rows.append(
            {
                "revision": td["revision"],
                "status": td["status"],
                "compatibilities": ", ".join(td["compatibilities"]),
                "networkMode": td.get("networkMode", "bridge (default)"),
                "cpu": td.get("cpu", ""),
                "memory": td.get("memory", ""),
                "image": c["image"],
                "container_memory": c.get("memory", ""),
                "memoryReservation": c.get("memoryReservation", ""),
            }
        )
    cols = [
        "revision",
        "status",
        "compatibilities",
        "networkMode",
        "cpu",
        "memory",
        "image",
        "container_memory",
        "memoryReservation",
    ]
    return pd.DataFrame(rows, columns=cols).sort_values("revision").set_index("revision")


def fargate_sizes() -> pd.DataFrame:
    """The valid Fargate task sizes (cpu units, vCPU, memory MiB/GiB), from ecslab's data file."""
    from importlib import resources

    path = resources.files("ecslab").joinpath("data/fargate_task_sizes.csv")
    with path.open() as f:
        df = pd.read_csv(f, comment="#")
    return df[["cpu_units", "vcpu", "memory_mib", "memory_gib"]]


class TaskDefEditor:
    """The editor panel's logic: register a body (or JSON text), deregister, list revisions."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self.ecs = client(lab, "ecs")

    @staticmethod
    def parse(text: str) -> tuple[dict | None, str]:
        """(body, "") or (None, what is wrong with the JSON)."""
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            return (
                None,
                f"the JSON does not parse: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            )
        if not isinstance(body, dict):
            return (
                None,
                'the JSON must be an object: {"family": ..., "containerDefinitions": [...]}',
            )
        return body, ""

    def register(self, body: dict | str) -> Outcome:
        if isinstance(body, str):
            parsed, problem = self.parse(body)
            if parsed is None:
                return Outcome(False, problem)
            body = parsed

        def said(resp: dict) -> str:
            td = resp["taskDefinition"]
            return (
                f"registered {td['family']}:{td['revision']} "
                f"(compatible with {', '.join(td['compatibilities'])})"
            )

        return attempt(lambda: self.ecs.register_task_definition(**body), said)

    def deregister(self, ref: str) -> Outcome:
        def said(resp: dict) -> str:
            td = resp["taskDefinition"]
            return f"{td['family']}:{td['revision']} is {td['status']}"

        return attempt(lambda: self.ecs.deregister_task_definition(taskDefinition=ref), said)

    def revisions(self, family: str) -> pd.DataFrame:
        return revisions_table(self.lab, family)
