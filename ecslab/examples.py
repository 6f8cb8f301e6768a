"""The walkthrough's example task definitions, shipped as package data.

Each file is exactly the JSON a learner passes to ``register_task_definition(**json)`` or to
``aws ecs register-task-definition --cli-input-json file://<path>``::

    from ecslab import Lab, examples
    ecs = Lab().client("ecs")
    ecs.register_task_definition(**examples.taskdef("sleep360"))
    print(examples.taskdef_uri("sample-app"))   # file:///.../ecslab/data/taskdefs/sample-app.json

* ``sleep360``: busybox running ``sleep 360`` (the aws-cli register-task-definition example).
* ``sample-app``: the console's classic httpd:2.4 "Amazon ECS Sample App" web page on port 80.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["TASKDEFS", "taskdef", "taskdef_path", "taskdef_uri"]

TASKDEFS = ("sleep360", "sample-app")


def taskdef_path(name: str) -> Path:
    """Filesystem path of an example task definition JSON file."""
    if name not in TASKDEFS:
        raise ValueError(f"unknown example task definition {name!r}; known: {', '.join(TASKDEFS)}")
    return Path(str(resources.files("ecslab").joinpath(f"data/taskdefs/{name}.json")))


def taskdef_uri(name: str) -> str:
    """``file://`` URI for ``aws ecs register-task-definition --cli-input-json``."""
    return taskdef_path(name).resolve().as_uri()


def taskdef(name: str) -> dict[str, Any]:
    """A fresh dict of the example (safe to modify)."""
    return json.loads(taskdef_path(name).read_text())
