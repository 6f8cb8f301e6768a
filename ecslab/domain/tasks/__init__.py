"""ECS tasks: RunTask / StartTask / StopTask, the lifecycle on the simulated clock, ECS Exec.

* :mod:`.domain` -- :class:`Tasks` (``lab.tasks``): run, start, stop, list, lookups, cluster
  hooks, and the facts billing and Container Insights read;
* :mod:`.launch` -- request validation and task construction;
* :mod:`.placement` -- the per-cluster scheduler table, kept in step with container instances;
* :mod:`.lifecycle` -- the state machine (timers); :mod:`.timings` -- every modelled duration;
* :mod:`.startup` -- what stops a task from starting (network path, images, logs, secrets);
* :mod:`.shell` -- ExecuteCommand's checks and the simulated shell behind ``lab.exec``.
"""

from .domain import Tasks
from .model import Container, Eni, Task

__all__ = ["Tasks", "Task", "Container", "Eni"]
