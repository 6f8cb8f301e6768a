"""Rolling deployments: minimumHealthyPercent (rounded up) / maximumPercent (rounded down) observed
second by second, the "cannot make progress" event, and the circuit breaker with and without
rollback."""

from __future__ import annotations

import pytest
from servicekit import messages, service, task_arns
from taskkit import cluster, taskdef

from ecslab.domain.services.model import breaker_threshold, max_tasks, min_healthy

SLEEP = ("sleep", "infinity")


@pytest.mark.parametrize(
    ("desired", "percent", "lo", "hi"),
    [
        (4, (100, 200), 4, 8),
        (4, (50, 100), 2, 4),
        (3, (50, 150), 2, 4),
        (5, (0, 100), 0, 5),
        (1, (100, 200), 1, 2),
        (7, (75, 125), 6, 8),
    ],
)
def test_min_max_arithmetic(desired, percent, lo, hi):
    assert min_healthy(desired, percent[0]) == lo  # ceil
    assert max_tasks(desired, percent[1]) == hi  # floor


def test_breaker_threshold():
    assert [breaker_threshold(d) for d in (0, 1, 20, 25, 100, 400, 1000)] == [
        10,
        10,
        10,
        13,
        50,
        200,
        200,
    ]


def _watch(lab, seconds: int, step: float = 1.0) -> list[tuple[int, int]]:
    """(live tasks, healthy tasks) of service web, every ``step`` seconds."""
    svc = lab.services.find("MyCluster", "web")
    out = []
    for _ in range(int(seconds / step)):
        lab.advance(step)
        live = svc.live()
        out.append((len(live), sum(1 for st in live if st.healthy)))
    return out


@pytest.mark.parametrize(
    ("desired", "lo_pct", "hi_pct"), [(4, 100, 200), (4, 50, 100), (3, 50, 150), (5, 0, 100)]
)
def test_rolling_deployment_stays_within_min_and_max(lab, ecs, desired, lo_pct, hi_pct):
    cluster(lab, 2)
    td1 = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td1,
        desiredCount=desired,
        deploymentConfiguration={"minimumHealthyPercent": lo_pct, "maximumPercent": hi_pct},
    )
    lab.advance("2m")
    assert service(lab)["deployments"][0]["rolloutState"] == "COMPLETED"
    td2 = taskdef(lab, "web", command=SLEEP)
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=td2)
    seen = _watch(lab, 240)
    lo, hi = min_healthy(desired, lo_pct), max_tasks(desired, hi_pct)
    assert max(live for live, _ in seen) == hi  # uses all the room it has
    assert min(healthy for _, healthy in seen) == lo  # and never dips below the minimum
    s = service(lab)
    assert len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED"
    assert s["runningCount"] == desired and s["taskDefinition"].endswith("web:2")


def test_a_deployment_that_cannot_make_progress_says_so(lab, ecs):
    cluster(lab, 1)
    td1 = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td1,
        desiredCount=2,
        deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 100},
    )
    lab.advance("2m")
    ecs.update_service(
        cluster="MyCluster", service="web", taskDefinition=taskdef(lab, "web", command=SLEEP)
    )
    lab.advance("2m")
    assert messages(lab)[-1] == (
        "(service web) was unable to stop or start tasks during a deployment because of the "
        "service deployment configuration. Update the minimumHealthyPercent or maximumPercent "
        "value and try again."
    )
    s = service(lab)
    assert [d["rolloutState"] for d in s["deployments"]] == ["IN_PROGRESS", "COMPLETED"]
    # Loosening the minimum lets it proceed.
    ecs.update_service(
        cluster="MyCluster", service="web", deploymentConfiguration={"minimumHealthyPercent": 50}
    )
    lab.advance("5m")
    s = service(lab)
    assert len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED"


def _failing_update(lab, ecs, rollback: bool) -> tuple[str, str]:
    cluster(lab, 1)
    td1 = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=td1,
        desiredCount=1,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": rollback}
        },
    )
    lab.advance("2m")
    good = service(lab)["deployments"][0]["id"]
    bad_td = taskdef(lab, "web", command=("sh", "-c", "exit 1"))
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=bad_td)
    bad = service(lab)["deployments"][0]["id"]
    return good, bad


def test_circuit_breaker_without_rollback(lab, ecs):
    good, bad = _failing_update(lab, ecs, rollback=False)
    lab.advance("2h")
    s = service(lab)
    deps = {d["id"]: d for d in s["deployments"]}
    assert deps[bad]["status"] == "PRIMARY" and deps[bad]["rolloutState"] == "FAILED"
    assert (
        deps[bad]["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    )
    assert deps[bad]["failedTasks"] == 10  # threshold for desired 1
    assert deps[good]["status"] == "ACTIVE" and deps[good]["runningCount"] == 1
    msgs = messages(lab)
    assert "(service web) is unable to consistently start tasks successfully." in msgs
    assert msgs[-1] == f"(service web) (deployment {bad}) deployment failed: tasks failed to start."
    stopped = lab.events.query("kind == 'TaskStopped'")
    assert sum(d["stop_code"] == "EssentialContainerExited" for d in stopped["detail"]) == 10
    assert lab.events.query("kind == 'DeploymentFailed'")["detail"].iloc[0]["rollback"] is False


def test_circuit_breaker_with_rollback(lab, ecs):
    good, bad = _failing_update(lab, ecs, rollback=True)
    lab.advance("2h")
    s = service(lab)
    [dep] = s["deployments"]
    assert dep["id"] not in (good, bad) and dep["rolloutState"] == "COMPLETED"
    assert dep["taskDefinition"].endswith("web:1") and s["taskDefinition"].endswith("web:1")
    assert s["runningCount"] == 1
    msgs = messages(lab)
    i = msgs.index(f"(service web) (deployment {bad}) deployment failed: tasks failed to start.")
    assert msgs[i + 1] == f"(service web) rolling back to deployment {good}."
    assert msgs[-1] == "(service web) has reached a steady state."
    rolled = lab.events.query("kind == 'DeploymentRolledBack'")["detail"].iloc[0]
    assert (rolled["failed"], rolled["to"]) == (bad, good)
    assert len(task_arns(lab)) == 1
