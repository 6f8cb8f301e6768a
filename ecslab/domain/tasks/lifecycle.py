"""A task's life on the simulated clock: one timer at a time moves it to its next state.

PROVISIONING (awsvpc) -> PENDING (pull) -> ACTIVATING -> RUNNING -> DEACTIVATING -> STOPPING ->
DEPROVISIONING (awsvpc) -> STOPPED -> forgotten an hour later. Durations: :mod:`.timings`.
Every transition is a fact (``TaskStatusChanged`` unless a named fact says it: TaskPullStarted,
TaskPullStopped, TaskRunning, TaskStopping, TaskStopped; ``ContainerExited`` per container).

What a container does comes from its command (``ecslab.domain.process``): ``sleep N`` exits 0
after N s, ``exit K`` exits K at once, servers and unknown programs run until stopped. An
essential container's exit stops the task (EssentialContainerExited, "Essential container in
task exited"); a non-essential one's does not. Stopping sends each running container its stop
signal: a server exits within ``GRACEFUL_EXIT_S`` (code 0), anything else is PID 1 ignoring
SIGTERM and is killed after ``STOP_TIMEOUT_S`` (code 137).
"""

from __future__ import annotations

import re

from ..process import SERVERS, model_process
from . import timings as T
from .launch import image_argv
from .model import PRE_RUNNING, Task
from .startup import init_error, log_error, resolve_images

__all__ = ["begin", "begin_stop", "kill", "GRACEFUL_PROGRAMS"]

#: Programs that exit promptly on their stop signal (httpd: SIGWINCH, nginx: SIGQUIT, others
#: SIGTERM) -- modelled; everything else takes the full stop timeout (see the module docstring).
GRACEFUL_PROGRAMS = SERVERS - {"flask", "top", "yes", "cat"}
_WORD = re.compile(r"[\w.\-/]+")


def _later(dom, task: Task, seconds: float, fn, label: str) -> None:
    task.timer = dom.lab.clock.after(seconds, fn, label, (dom, task))


def begin(dom, task: Task) -> None:
    """Start the clockwork of a task just created (PROVISIONING or PENDING)."""
    if task.last_status == "PROVISIONING":
        if task.fargate:
            secs = T.FARGATE_PROVISION_S
        else:
            ci = dom.lab.container_instances.get(task.container_instance_arn)
            trunk = ci is not None and ci.trunk_eni_id is not None
            secs = T.EC2_BRANCH_ENI_PROVISION_S if trunk else T.EC2_ENI_PROVISION_S
        _later(dom, task, secs, _provisioned, "task-provisioned")
    else:
        _later(dom, task, T.EC2_DISPATCH_S, _start_pull, "task-dispatched")


def _provisioned(dom, task: Task) -> None:
    task.eni.status = "ATTACHED"
    task.connectivity, task.connectivity_at = "CONNECTED", dom.lab.now
    dom.status(task, "PENDING")
    if task.fargate:
        reason = init_error(dom.lab, task)
        if reason is not None:
            task.timer = dom.lab.clock.after(
                T.FARGATE_INIT_FAIL_S,
                lambda: begin_stop(dom, task, "TaskFailedToStart", reason),
                "task-init-failed",
            )
            return
    _start_pull(dom, task)


def _start_pull(dom, task: Task) -> None:
    lab = dom.lab
    if task.connectivity is None:
        task.connectivity, task.connectivity_at = "CONNECTED", lab.now
    reason = None if task.fargate else init_error(lab, task)
    if reason is not None:  # EC2: secrets are fetched before any image is pulled
        task.timer = lab.clock.after(
            T.EC2_PULL_FAIL_S,
            lambda: begin_stop(dom, task, "TaskFailedToStart", reason),
            "task-init-failed",
        )
        return
    got = resolve_images(lab, task)
    task.pull_started_at = lab.now
    dom.fact("TaskPullStarted", task, **task.billing_detail())
    if isinstance(got, str):
        secs = T.FARGATE_PULL_FAIL_S if task.fargate else T.EC2_PULL_FAIL_S
        task.timer = lab.clock.after(
            secs, lambda: begin_stop(dom, task, "TaskFailedToStart", got), "pull-failed"
        )
        return
    task.images = got
    cache = dom.image_cache.get(task.container_instance_arn or "", set())
    todo = {img.digest: img.size_bytes for img in got.values() if img.digest not in cache}
    secs = T.pull_seconds(sum(todo.values()), task.fargate, all_cached=not todo)
    _later(dom, task, secs, _pulled, "pull-done")


def _pulled(dom, task: Task) -> None:
    task.pull_stopped_at = dom.lab.now
    for c in task.containers:
        c.image_digest = task.images[c.name].digest
    if task.container_instance_arn:
        dom.image_cache.setdefault(task.container_instance_arn, set()).update(
            img.digest for img in task.images.values()
        )
    dom.fact(
        "TaskPullStopped",
        task,
        seconds=round((task.pull_stopped_at - task.pull_started_at).total_seconds(), 3),
        images={n: i.digest for n, i in task.images.items()},
    )
    dom.status(task, "ACTIVATING")
    _later(dom, task, T.ACTIVATING_S, _running, "task-started")


def _graceful(argv: list[str]) -> bool:
    words = {w.rsplit("/", 1)[-1] for a in argv for w in _WORD.findall(a)}
    return bool(words & GRACEFUL_PROGRAMS)


def _running(dom, task: Task) -> None:
    lab = dom.lab
    reason = None if task.fargate else log_error(lab, task)
    if reason is not None:
        for c in task.containers:
            c.reason = reason
        begin_stop(dom, task, "TaskFailedToStart", reason)
        return
    task.started_at = lab.now
    task.timer = None
    if task.container_instance_arn:
        lab.container_instances.count_tasks(task.container_instance_arn, pending=-1, running=1)
    for c in task.containers:
        image = task.images.get(c.name)
        argv = image_argv(c, image)
        proc = model_process(argv)
        if not argv and image is not None and image.keeps_running:
            proc = model_process(["ecslab-unknown-server"])  # a private image the lab cannot see
        c.process, c.graceful_stop = proc, _graceful(argv)
        c.last_status, c.started_at = "RUNNING", lab.now
        if c.log is not None:
            lines = [f"[ecslab] container {c.name} started: {' '.join(argv) or '(no command)'}"]
            lab.logs.write(c.log["group"], c.log["stream"], lines + list(proc.log_lines))
    dom.status(task, "RUNNING", fact="TaskRunning", **task.running_detail())
    for c in task.containers:
        if not c.process.runs_forever:
            code = c.process.exit_code
            c.timer = lab.clock.after(
                c.process.seconds,
                lambda c=c, code=code: container_exited(dom, task, c, code),
                "container-exit",
            )


def container_exited(dom, task: Task, c, code: int | None, reason: str | None = None) -> None:
    if c.last_status == "STOPPED":
        return
    c.timer = None
    c.last_status, c.exit_code = "STOPPED", code
    if reason:
        c.reason = reason
    if c.log is not None:
        dom.lab.logs.write(
            c.log["group"],
            c.log["stream"],
            [f"[ecslab] container {c.name} exited with code {code}"],
        )
    dom.fact("ContainerExited", task, container=c.name, exit_code=code, essential=c.essential)
    if task.desired_status == "STOPPED":
        _maybe_finished(dom, task)
    elif c.essential:
        begin_stop(dom, task, "EssentialContainerExited", "Essential container in task exited")


def begin_stop(dom, task: Task, code: str, reason: str, deactivate_s: float = 0.0) -> bool:
    """Set desiredStatus STOPPED and walk the task down. False if it was already stopping.
    ``deactivate_s``: how long the task stays DEACTIVATING before its containers get their stop
    signal (a service task draining from its load balancers' target groups)."""
    if task.desired_status == "STOPPED":
        return False
    lab = dom.lab
    lab.clock.cancel(task.timer)
    task.timer = None
    task.desired_status, task.stop_code, task.stopped_reason = "STOPPED", code, reason
    task.stopping_at = lab.now
    dom.fact("TaskStopping", task, stop_code=code, reason=reason, status=task.last_status)
    if task.last_status in PRE_RUNNING:
        # Nothing started: the containers go straight to STOPPED, without exit codes.
        for c in task.containers:
            c.last_status = "STOPPED"
            if code == "TaskFailedToStart" and c.reason is None:
                c.reason = reason
        _execution_stopped(dom, task)
        return True
    dom.status(task, "DEACTIVATING")
    if deactivate_s > 0:
        _later(dom, task, deactivate_s, _deactivated, "task-deactivated")
    else:
        _deactivated(dom, task)
    return True


def _deactivated(dom, task: Task) -> None:
    if task.last_status != "DEACTIVATING":
        return  # its containers all exited meanwhile
    task.timer = None
    lab = dom.lab
    dom.status(task, "STOPPING")
    for c in task.containers:
        if c.last_status != "RUNNING":
            continue
        lab.clock.cancel(c.timer)
        if c.graceful_stop:
            secs, exit_code = T.GRACEFUL_EXIT_S, 0
        else:
            secs, exit_code = T.STOP_TIMEOUT_S, T.KILLED_EXIT_CODE
        c.timer = lab.clock.after(
            secs,
            lambda c=c, exit_code=exit_code: container_exited(dom, task, c, exit_code),
            "container-stop",
        )
    _maybe_finished(dom, task)


def kill(dom, task: Task, code: str, reason: str) -> None:
    """The host went away: every container dies at once (SIGKILL), no stop timeout."""
    if task.desired_status != "STOPPED":
        begin_stop(dom, task, code, reason)
    for c in task.containers:
        if c.last_status == "RUNNING":
            dom.lab.clock.cancel(c.timer)
            container_exited(dom, task, c, T.KILLED_EXIT_CODE)


def _maybe_finished(dom, task: Task) -> None:
    if task.execution_stopped_at is None and all(
        c.last_status == "STOPPED" for c in task.containers
    ):
        _execution_stopped(dom, task)


def _execution_stopped(dom, task: Task) -> None:
    dom.lab.clock.cancel(task.timer)  # a pending DEACTIVATING timer, if any
    task.execution_stopped_at = dom.lab.now
    if task.eni is not None:
        dom.status(task, "DEPROVISIONING")
        task.eni.status = "DETACHED"
        secs = T.FARGATE_DEPROVISION_S if task.fargate else T.EC2_ENI_DEPROVISION_S
    else:
        secs = T.EC2_STOP_REPORT_S
    _later(dom, task, secs, _stopped, "task-stopped")


def _stopped(dom, task: Task) -> None:
    lab = dom.lab
    task.timer = None
    task.stopped_at = lab.now
    if task.eni is not None:
        task.eni.status = "DELETED"
    if task.placement is not None:
        dom.placement.release(task.arn, task.placement)
        if task.started_at is not None:
            lab.container_instances.count_tasks(task.container_instance_arn, running=-1)
        else:
            lab.container_instances.count_tasks(task.container_instance_arn, pending=-1)
    dom.status(
        task,
        "STOPPED",
        fact="TaskStopped",
        stop_code=task.stop_code,
        reason=task.stopped_reason,
        exit_codes={c.name: c.exit_code for c in task.containers},
        service=task.service,
        family=task.family,
    )
    task.timer = lab.clock.after(T.STOPPED_VISIBLE_S, lambda: dom.forget(task), "task-forgotten")
