"""Service event messages (DescribeServices ``events``), newest first.

Texts: [V] S-ECSDOC service-event-messages.md ("has reached a steady state.", "was unable to
place a task because no container instance met all of its requirements. The closest matching
container-instance <id> has insufficient CPU units available." and the port / AGENT variants,
"is unable to consistently start tasks successfully.", the minimumHealthyPercent /
maximumPercent message); [V3] the "(service name) ..." prefix, "has started N tasks: (task id)
...", "has stopped N running tasks: ...", "registered N targets in (target-group arn)",
"(deployment ecs-svc/...) deployment completed." as consoles and CLI output show them; [U] the
"insufficient memory available" variant (by analogy), the circuit-breaker and unhealthy-target
wordings.

Deduplication (modelled, kept simple): a message identical to the newest event and less than
6 hours old is not added again (ECS documents a 6-hour de-duplication window). ECS also keeps
only the last 100 events; so does ecslab.
"""

from __future__ import annotations

from datetime import timedelta

from .model import Service, ServiceEvent

__all__ = ["add_event", "placement_message", "MAX_EVENTS", "DEDUP"]

MAX_EVENTS = 100
DEDUP = timedelta(hours=6)

_CLOSEST = {
    "RESOURCE:CPU": "has insufficient CPU units available.",
    "RESOURCE:MEMORY": "has insufficient memory available.",
    "RESOURCE:PORTS": "is already using a port required by your task.",
    "RESOURCE:PORTS_UDP": "is already using a port required by your task.",
    "AGENT": 'encountered error "AGENT".',
}


def add_event(lab, svc: Service, message: str) -> bool:
    """Add ``(service name) message`` unless it repeats the newest event within 6 h."""
    text = f"(service {svc.name}) {message}"
    newest = svc.events[0] if svc.events else None
    if newest is not None and newest.message == text and lab.now - newest.created_at < DEDUP:
        return False
    h = lab.random.hex(32)
    eid = f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
    svc.events.insert(0, ServiceEvent(eid, lab.now, text))
    del svc.events[MAX_EVENTS:]
    lab.emit("ServiceEventAdded", "ecs", cluster=svc.cluster, resource=svc.arn, message=text)
    return True


def placement_message(failure: dict | None) -> str:
    """The 'unable to place a task' message for the first placement failure (None: no
    container instances at all)."""
    head = "was unable to place a task because no container instance met all of its requirements."
    if failure is None:
        return f"{head} Reason: No Container Instances were found in your cluster."
    tail = _CLOSEST.get(failure["reason"])
    if tail is None:
        return head
    ci_id = failure["arn"].rsplit("/", 1)[-1]
    return f"{head} The closest matching container-instance {ci_id} {tail}"


def started(tasks) -> str:
    ids = " ".join(f"(task {t.id})" for t in tasks)
    return f"has started {len(tasks)} tasks: {ids}."


def stopped(tasks) -> str:
    ids = " ".join(f"(task {t.id})" for t in tasks)
    return f"has stopped {len(tasks)} running tasks: {ids}."


def registered(n: int, tg_arn: str) -> str:
    return f"registered {n} targets in (target-group {tg_arn})"


def deregistered(n: int, tg_arn: str) -> str:
    return f"deregistered {n} targets in (target-group {tg_arn})"


STEADY = "has reached a steady state."
INCONSISTENT = "is unable to consistently start tasks successfully."
NO_PROGRESS = (
    "was unable to stop or start tasks during a deployment because of the service deployment "
    "configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
)


def completed(deployment_id: str) -> str:
    return f"(deployment {deployment_id}) deployment completed."


def failed(deployment_id: str) -> str:
    return f"(deployment {deployment_id}) deployment failed: tasks failed to start."


def rolling_back(to_id: str) -> str:
    return f"rolling back to deployment {to_id}."


def unhealthy_target(task, target_id: str, port: int, tg_arn: str, why: str) -> str:
    where = f"(instance {target_id})" if target_id.startswith("i-") else f"(task {task.id})"
    return f"{where} (port {port}) is unhealthy in (target-group {tg_arn}) due to (reason {why})."


def unhealthy_container(task) -> str:
    return f"(task {task.id}) failed container health checks."
