"""Task sets (EXTERNAL deployment controller) through real boto3: CreateTaskSet, DescribeTaskSets,
UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet, and what DescribeServices shows.
Every response is walked against botocore's output shape (tests/conftest.py)."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError
from servicekit import alb, describe_tasks, messages, sample_app, service, task_arns
from taskkit import cluster, fargate_def, subnets, taskdef

from ecslab import Lab
from ecslab.domain.services.tasksets import NOT_EXTERNAL

SLEEP = ("sleep", "infinity")
C, S = "MyCluster", "web"


def _external(lab, ecs, desired: int = 4, n: int = 2) -> tuple[str, str]:
    cluster(lab, n)
    td1 = taskdef(lab, "web", command=SLEEP)
    td2 = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster=C,
        serviceName=S,
        desiredCount=desired,
        deploymentController={"type": "EXTERNAL"},
    )
    return td1, td2


def _create(ecs, td: str, value: float, **kw) -> dict:
    return ecs.create_task_set(
        cluster=C, service=S, taskDefinition=td, scale={"value": value, "unit": "PERCENT"}, **kw
    )["taskSet"]


def _sets(ecs, **kw) -> dict[str, dict]:
    return {t["id"]: t for t in ecs.describe_task_sets(cluster=C, service=S, **kw)["taskSets"]}


def _code(exc: pytest.ExceptionInfo) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


def _state(lab, ecs) -> tuple:
    """What a failed call must leave unchanged: the event table and the answers."""
    svc = service(lab)
    svc.pop("ResponseMetadata", None)
    return len(lab.events), svc, ecs.describe_task_sets(cluster=C, service=S)["taskSets"]


def test_an_external_service_runs_nothing_until_a_task_set_exists(lab, ecs):
    _external(lab, ecs)
    lab.advance("2m")
    s = service(lab)
    assert s["deploymentController"] == {"type": "EXTERNAL"}
    assert s["desiredCount"] == 4 and s["runningCount"] == 0 and s["pendingCount"] == 0
    assert s["taskSets"] == [] and s["deployments"] == []
    # No primary task set: the task-set fields are absent (null), as the guide says.
    assert "taskDefinition" not in s and "launchType" not in s
    assert task_arns(lab) == []
    created = lab.events.query("kind == 'ServiceCreated'")["detail"].iloc[0]
    assert created["deployment_controller"] == "EXTERNAL" and created["task_definition"] is None


@pytest.mark.parametrize(
    ("desired", "scale", "computed"),
    [(4, 100, 4), (4, 50, 2), (3, 50, 2), (5, 10, 1), (4, 0, 0), (3, 33.4, 2)],
)
def test_a_task_set_keeps_ceil_desired_times_scale_tasks(lab, ecs, desired, scale, computed):
    td1, _ = _external(lab, ecs, desired)
    ts = _create(ecs, td1, scale, externalId="blue")
    assert re.fullmatch(r"ecs-svc/\d{19}", ts["id"])
    assert ts["taskSetArn"] == (
        f"arn:aws:ecs:{lab.region}:{lab.account_id}:task-set/{C}/{S}/{ts['id']}"
    )
    assert (ts["status"], ts["computedDesiredCount"]) == ("ACTIVE", computed)
    assert (ts["runningCount"], ts["pendingCount"]) == (0, 0)
    assert ts["stabilityStatus"] == "STABILIZING" and ts["externalId"] == "blue"
    assert ts["scale"] == {"value": float(scale), "unit": "PERCENT"}
    assert ts["launchType"] == "EC2" and ts["taskDefinition"].endswith("task-definition/web:1")
    lab.advance("2m")
    got = _sets(ecs)[ts["id"]]
    assert (got["runningCount"], got["pendingCount"]) == (computed, 0)
    assert got["stabilityStatus"] == "STEADY_STATE"
    tasks = describe_tasks(lab, task_arns(lab))
    assert len(tasks) == computed
    assert {t["startedBy"] for t in tasks} <= {ts["id"]}
    assert {t["group"] for t in tasks} <= {f"service:{S}"}
    assert service(lab)["runningCount"] == computed


def test_scale_defaults_to_zero_percent(lab, ecs):
    td1, _ = _external(lab, ecs)
    ts = ecs.create_task_set(cluster=C, service=S, taskDefinition=td1)["taskSet"]
    assert ts["scale"] == {"value": 0.0, "unit": "PERCENT"} and ts["computedDesiredCount"] == 0
    lab.advance("1m")
    assert task_arns(lab) == [] and _sets(ecs)[ts["id"]]["stabilityStatus"] == "STEADY_STATE"


def test_primary_task_set_moves_its_settings_to_the_service(lab, ecs):
    td1, td2 = _external(lab, ecs)
    blue = _create(ecs, td1, 100)
    green = _create(ecs, td2, 50)
    out = ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=blue["id"])
    assert out["taskSet"]["status"] == "PRIMARY"
    s = service(lab)
    assert s["taskDefinition"].endswith("web:1") and s["launchType"] == "EC2"
    lab.advance("2m")
    sets = _sets(ecs)
    assert [sets[blue["id"]]["runningCount"], sets[green["id"]]["runningCount"]] == [4, 2]
    assert service(lab)["runningCount"] == 6
    # Switch: green becomes PRIMARY and blue ACTIVE; the service shows green's definition.
    out = ecs.update_service_primary_task_set(
        cluster=C, service=S, primaryTaskSet=green["taskSetArn"]
    )["taskSet"]
    assert out["id"] == green["id"] and out["status"] == "PRIMARY"
    sets = _sets(ecs)
    assert (sets[blue["id"]]["status"], sets[green["id"]]["status"]) == ("ACTIVE", "PRIMARY")
    s = service(lab)
    assert s["taskDefinition"].endswith("web:2")
    assert {t["id"]: t["status"] for t in s["taskSets"]} == {
        blue["id"]: "ACTIVE",
        green["id"]: "PRIMARY",
    }
    made = lab.events.query("kind == 'TaskSetMadePrimary'")["detail"]
    assert [d["previous"] for d in made] == [None, blue["id"]]


def test_update_task_set_scales_out_and_in(lab, ecs):
    td1, _ = _external(lab, ecs, desired=4)
    ts = _create(ecs, td1, 25)
    lab.advance("2m")
    assert _sets(ecs)[ts["id"]]["runningCount"] == 1
    out = ecs.update_task_set(
        cluster=C, service=S, taskSet=ts["id"], scale={"value": 100, "unit": "PERCENT"}
    )["taskSet"]
    assert out["computedDesiredCount"] == 4 and out["stabilityStatus"] == "STABILIZING"
    assert out["updatedAt"] == out["stabilityStatusAt"]
    lab.advance("2m")
    got = _sets(ecs)[ts["id"]]
    assert got["runningCount"] == 4 and got["stabilityStatus"] == "STEADY_STATE"
    ecs.update_task_set(
        cluster=C, service=S, taskSet=ts["taskSetArn"], scale={"value": 50, "unit": "PERCENT"}
    )
    lab.advance("2m")
    assert len(task_arns(lab)) == 2 and _sets(ecs)[ts["id"]]["runningCount"] == 2
    # UpdateService's desiredCount changes every task set's computed count.
    ecs.update_service(cluster=C, service=S, desiredCount=6)
    lab.advance("2m")
    got = _sets(ecs)[ts["id"]]
    assert (got["computedDesiredCount"], got["runningCount"]) == (3, 3)
    stopped = lab.events.query("kind == 'TaskStopped'")["detail"]
    assert len(stopped) == 2


def test_delete_task_set_drains_it_and_then_it_is_gone(lab, ecs):
    td1, td2 = _external(lab, ecs)
    blue = _create(ecs, td1, 100)
    green = _create(ecs, td2, 100)
    lab.advance("2m")
    before = _state(lab, ecs)
    with pytest.raises(ClientError) as exc:
        ecs.delete_task_set(cluster=C, service=S, taskSet=blue["id"])
    assert _code(exc)[0] == "InvalidParameterException" and "force" in _code(exc)[1]
    assert _state(lab, ecs) == before
    out = ecs.delete_task_set(cluster=C, service=S, taskSet=blue["id"], force=True)["taskSet"]
    assert out["status"] == "DRAINING" and out["computedDesiredCount"] == 0
    assert out["stabilityStatus"] == "STABILIZING"
    lab.advance("2m")
    got = ecs.describe_task_sets(cluster=C, service=S, taskSets=[blue["id"], green["id"]])
    assert [t["id"] for t in got["taskSets"]] == [green["id"]]
    assert got["failures"] == [{"arn": blue["taskSetArn"], "reason": "MISSING"}]
    assert len(task_arns(lab)) == 4
    assert len(lab.events.query("kind == 'TaskSetDrained'")) == 1
    assert messages(lab)[-1] == f"(service {S}) has reached a steady state."
    # A task set scaled to 0 is deleted without force.
    ecs.update_task_set(
        cluster=C, service=S, taskSet=green["id"], scale={"value": 0, "unit": "PERCENT"}
    )
    assert ecs.delete_task_set(cluster=C, service=S, taskSet=green["id"])["taskSet"]["status"] == (
        "DRAINING"
    )
    lab.advance("2m")
    assert task_arns(lab) == [] and _sets(ecs) == {}


def test_describe_task_sets_filters_and_tags(lab, ecs):
    td1, td2 = _external(lab, ecs)
    a = _create(ecs, td1, 50, tags=[{"key": "team", "value": "blue"}])
    b = _create(ecs, td2, 50)
    assert a["tags"] == [{"key": "team", "value": "blue"}]
    assert list(_sets(ecs)) == [a["id"], b["id"]]
    by_arn = _sets(ecs, taskSets=[b["taskSetArn"]])
    assert list(by_arn) == [b["id"]] and "tags" not in by_arn[b["id"]]
    tagged = _sets(ecs, taskSets=[a["id"]], include=["TAGS"])
    assert tagged[a["id"]]["tags"] == [{"key": "team", "value": "blue"}]
    missing = "ecs-svc/1234567890123456789"
    got = ecs.describe_task_sets(cluster=C, service=S, taskSets=[missing, a["id"]])
    assert [t["id"] for t in got["taskSets"]] == [a["id"]]
    assert got["failures"] == [
        {
            "arn": f"arn:aws:ecs:{lab.region}:{lab.account_id}:task-set/{C}/{S}/{missing}",
            "reason": "MISSING",
        }
    ]
    with pytest.raises(ClientError) as exc:
        ecs.describe_task_sets(cluster=C, service=S, taskSets=["not-a-task-set"])
    assert _code(exc) == ("InvalidParameterException", "Task Set Identifier is invalid")
    # The task set is a taggable resource.
    ecs.tag_resource(resourceArn=b["taskSetArn"], tags=[{"key": "k", "value": "v"}])
    assert ecs.list_tags_for_resource(resourceArn=b["taskSetArn"])["tags"] == [
        {"key": "k", "value": "v"}
    ]


def test_task_set_with_a_load_balancer_registers_its_targets(lab, ecs):
    cluster(lab, 2)
    a = alb(lab)
    lab.advance("3m")  # the ALB is active
    td = sample_app(lab)
    ecs.create_service(
        cluster=C, serviceName=S, desiredCount=2, deploymentController={"type": "EXTERNAL"}
    )
    lb = [{"targetGroupArn": a["tg"], "containerName": "simple-app", "containerPort": 80}]
    ts = _create(ecs, td, 100, loadBalancers=lb)
    assert ts["loadBalancers"] == lb
    lab.advance("3m")
    health = lab.client("elbv2").describe_target_health(TargetGroupArn=a["tg"])
    states = [d["TargetHealth"]["State"] for d in health["TargetHealthDescriptions"]]
    assert states == ["healthy", "healthy"]
    assert _sets(ecs)[ts["id"]]["stabilityStatus"] == "STEADY_STATE"
    ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=ts["id"])
    assert service(lab)["loadBalancers"] == lb


def test_fargate_task_set(lab, ecs):
    ecs.create_cluster(clusterName=C)
    td = fargate_def(lab, "web", command=list(SLEEP))
    ecs.create_service(
        cluster=C, serviceName=S, desiredCount=2, deploymentController={"type": "EXTERNAL"}
    )
    net = {"awsvpcConfiguration": {"subnets": subnets(lab)[:2], "assignPublicIp": "ENABLED"}}
    before = len(lab.events)
    with pytest.raises(ClientError) as exc:  # awsvpc needs a network configuration
        _create(ecs, td, 100, launchType="FARGATE")
    assert _code(exc)[0] == "InvalidParameterException" and len(lab.events) == before
    ts = _create(ecs, td, 100, launchType="FARGATE", networkConfiguration=net)
    assert ts["launchType"] == "FARGATE" and ts["platformVersion"] == "LATEST"
    assert ts["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == subnets(lab)[:2]
    lab.advance("3m")
    assert _sets(ecs)[ts["id"]]["runningCount"] == 2
    assert {t["launchType"] for t in describe_tasks(lab, task_arns(lab))} == {"FARGATE"}


def test_delete_service_stops_every_task_set(lab, ecs):
    td1, td2 = _external(lab, ecs, desired=2)
    _create(ecs, td1, 100)
    _create(ecs, td2, 100)
    lab.advance("2m")
    assert len(task_arns(lab)) == 4
    ecs.delete_service(cluster=C, service=S, force=True)
    lab.advance("3m")
    assert task_arns(lab) == [] and service(lab)["status"] == "INACTIVE"


# -- errors: the AWS code, and nothing changed ----------------------------------------------------


def test_task_sets_on_a_rolling_update_service_are_refused(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(cluster=C, serviceName=S, taskDefinition=td, desiredCount=1)
    lab.advance("1m")
    before = len(lab.events), service(lab)["deployments"]
    calls = [
        lambda: _create(ecs, td, 100),
        lambda: ecs.describe_task_sets(cluster=C, service=S),
        lambda: ecs.update_task_set(
            cluster=C,
            service=S,
            taskSet="ecs-svc/1234567890123456789",
            scale={"value": 1, "unit": "PERCENT"},
        ),
        lambda: ecs.delete_task_set(cluster=C, service=S, taskSet="ecs-svc/1234567890123456789"),
        lambda: ecs.update_service_primary_task_set(
            cluster=C, service=S, primaryTaskSet="ecs-svc/1234567890123456789"
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert _code(exc) == ("InvalidParameterException", NOT_EXTERNAL)
    assert (len(lab.events), service(lab)["deployments"]) == before
    # A rolling-update service's fact is as it was before task sets (saved labs replay).
    created = lab.events.query("kind == 'ServiceCreated'")["detail"].iloc[0]
    assert "deployment_controller" not in created


def test_unknown_service_and_unknown_task_set(lab, ecs):
    td1, _ = _external(lab, ecs)
    ts = _create(ecs, td1, 50)
    lab.advance("1m")
    before = _state(lab, ecs)
    with pytest.raises(ClientError) as exc:
        ecs.create_task_set(cluster=C, service="nope", taskDefinition=td1)
    assert _code(exc)[0] == "ServiceNotFoundException"
    with pytest.raises(ClientError) as exc:
        ecs.describe_task_sets(cluster=C, service="nope")
    assert _code(exc)[0] == "ServiceNotFoundException"
    ghost = "ecs-svc/1234567890123456789"
    for call in (
        lambda: ecs.update_task_set(
            cluster=C, service=S, taskSet=ghost, scale={"value": 1, "unit": "PERCENT"}
        ),
        lambda: ecs.delete_task_set(cluster=C, service=S, taskSet=ghost, force=True),
        lambda: ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=ghost),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert _code(exc)[0] == "TaskSetNotFoundException"
    assert _state(lab, ecs) == before
    assert _sets(ecs)[ts["id"]]["status"] == "ACTIVE"


@pytest.mark.parametrize("value", [150, -1, 100.5])
def test_bad_scale_is_refused_and_changes_nothing(lab, ecs, value):
    td1, _ = _external(lab, ecs)
    ts = _create(ecs, td1, 50)
    lab.advance("1m")
    before = _state(lab, ecs)
    with pytest.raises(ClientError) as exc:
        _create(ecs, td1, value)
    assert _code(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        ecs.update_task_set(
            cluster=C, service=S, taskSet=ts["id"], scale={"value": value, "unit": "PERCENT"}
        )
    assert _code(exc)[0] == "InvalidParameterException"
    assert _state(lab, ecs) == before


def test_at_most_five_task_sets(lab, ecs):
    td1, _ = _external(lab, ecs)
    for _ in range(5):
        _create(ecs, td1, 0)
    before = _state(lab, ecs)
    with pytest.raises(ClientError) as exc:
        _create(ecs, td1, 0)
    assert _code(exc) == (
        "InvalidParameterException",
        "5 deployments exist on the service. Unable to create new TaskSet since this exceeds "
        "the maximum limit.",
    )
    assert _state(lab, ecs) == before


def test_service_settings_that_belong_to_task_sets_are_refused(lab, ecs):
    cluster(lab, 1)
    td = taskdef(lab, "web", command=SLEEP)
    ext = {"type": "EXTERNAL"}
    before = len(lab.events)
    for kw in (
        {"taskDefinition": td},
        {"launchType": "EC2"},
        {"schedulingStrategy": "DAEMON"},
    ):
        with pytest.raises(ClientError) as exc:
            ecs.create_service(
                cluster=C,
                serviceName=S,
                deploymentController=ext,
                **kw,
                **({} if kw.get("schedulingStrategy") else {"desiredCount": 1}),
            )
        assert _code(exc)[0] == "InvalidParameterException"
    assert len(lab.events) == before
    with pytest.raises(ClientError) as exc:
        ecs.create_service(
            cluster=C, serviceName=S, desiredCount=1, deploymentController={"type": "CODE_DEPLOY"}
        )
    assert _code(exc)[0] == "InvalidParameterException"
    ecs.create_service(cluster=C, serviceName=S, desiredCount=1, deploymentController=ext)
    before = _state(lab, ecs)
    with pytest.raises(ClientError) as exc:
        ecs.update_service(cluster=C, service=S, taskDefinition=td)
    assert _code(exc)[0] == "InvalidParameterException" and "taskDefinition" in _code(exc)[1]
    assert _state(lab, ecs) == before


def test_draining_task_set_cannot_be_updated_or_made_primary(lab, ecs):
    td1, _ = _external(lab, ecs)
    ts = _create(ecs, td1, 100)
    lab.advance("1m")
    ecs.delete_task_set(cluster=C, service=S, taskSet=ts["id"], force=True)
    before = _state(lab, ecs)
    with pytest.raises(ClientError) as exc:
        ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=ts["id"])
    assert _code(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        ecs.update_task_set(
            cluster=C, service=S, taskSet=ts["id"], scale={"value": 1, "unit": "PERCENT"}
        )
    assert _code(exc)[0] == "InvalidParameterException"
    assert _state(lab, ecs) == before


# -- replay and determinism ------------------------------------------------------------------------


def scenario(lab: Lab) -> None:
    ecs = lab.client("ecs")
    cluster(lab, 2)
    td1 = taskdef(lab, "web", command=SLEEP)
    td2 = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster=C, serviceName=S, desiredCount=3, deploymentController={"type": "EXTERNAL"}
    )
    blue = _create(ecs, td1, 100, externalId="blue", tags=[{"key": "color", "value": "blue"}])
    ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=blue["id"])
    lab.advance("2m")
    green = _create(ecs, td2, 34, externalId="green")
    lab.advance("1m")
    ecs.update_task_set(
        cluster=C, service=S, taskSet=green["id"], scale={"value": 100, "unit": "PERCENT"}
    )
    ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=green["taskSetArn"])
    lab.advance("1m")
    ecs.delete_task_set(cluster=C, service=S, taskSet=blue["id"], force=True)
    lab.advance("2m")


def answers(lab: Lab) -> dict:
    ecs = lab.client("ecs")
    return {
        "sets": ecs.describe_task_sets(cluster=C, service=S, include=["TAGS"])["taskSets"],
        "service": ecs.describe_services(cluster=C, services=[S])["services"],
        "tasks": sorted(task_arns(lab)),
    }


def test_replay_reproduces_task_sets(tmp_path):
    lab = Lab(seed=11)
    scenario(lab)
    before = answers(lab)
    assert [t["externalId"] for t in before["sets"]] == ["green"]
    assert before["sets"][0]["status"] == "PRIMARY" and len(before["tasks"]) == 3
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert answers(loaded) == before
    assert loaded.events.equals(lab.events)
    for x in (lab, loaded):
        x.client("ecs").update_task_set(
            cluster=C,
            service=S,
            taskSet=before["sets"][0]["id"],
            scale={"value": 50, "unit": "PERCENT"},
        )
        x.advance("3m")
    assert answers(loaded) == answers(lab)
    assert len(answers(lab)["tasks"]) == 2


def test_same_seed_same_task_sets():
    a, b = Lab(seed=3), Lab(seed=3)
    scenario(a)
    scenario(b)
    assert answers(a) == answers(b)
    kinds = ["TaskSetCreated", "TaskSetMadePrimary", "TaskSetUpdated", "TaskSetDeleted"]
    for kind in kinds + ["TaskSetDrained", "TaskSetSteadyState"]:
        assert len(a.events.query(f"kind == '{kind}'")) >= 1, kind
    c = Lab(seed=4)
    scenario(c)
    assert answers(c)["sets"][0]["id"] != answers(a)["sets"][0]["id"]


def test_service_auto_scaling_moves_the_computed_counts(lab, ecs):
    """Application Auto Scaling sets the service's desiredCount; each task set follows it
    (computedDesiredCount), with or without a primary task set."""
    from test_appscaling import _register, _tracking

    from workbook.views.deploy import service_summary

    cluster(lab, 3)
    td = taskdef(lab, "web", command=["httpd", "-f"], cpu=256, memory=256)
    ecs.create_service(
        cluster=C, serviceName=S, desiredCount=1, deploymentController={"type": "EXTERNAL"}
    )
    ts = _create(ecs, td, 100)
    assert service_summary(lab, C, S)["task_definition"] == ""  # no primary task set yet
    aas = lab.client("application-autoscaling")
    _register(aas, 1, 6)
    _tracking(aas)
    lab.act("set_load", cluster=C, service=S, points=[[0, 100]])
    lab.advance("20m")
    desired = service(lab)["desiredCount"]
    assert desired > 1
    got = _sets(ecs)[ts["id"]]
    assert got["computedDesiredCount"] == desired and got["runningCount"] == desired
    # Scale-in (Application Auto Scaling checks for an ECS deployment in progress first).
    lab.act("set_load", cluster=C, service=S, points=[[0, 5]])
    lab.advance("40m")
    after = service(lab)["desiredCount"]
    assert after < desired
    assert _sets(ecs)[ts["id"]]["runningCount"] == after


def test_failing_task_set_tasks_are_replaced_with_back_off(lab, ecs):
    cluster(lab, 1)
    bad = taskdef(lab, "bad", command=("sh", "-c", "exit 1"))
    ecs.create_service(
        cluster=C, serviceName=S, desiredCount=1, deploymentController={"type": "EXTERNAL"}
    )
    ts = _create(ecs, bad, 100)
    lab.advance("5m")
    assert f"(service {S}) is unable to consistently start tasks successfully." in messages(lab)
    stopped = lab.events.query("kind == 'TaskStopped'")["detail"]
    assert len(stopped) >= 3
    assert {d["stop_code"] for d in stopped} == {"EssentialContainerExited"}
    assert _sets(ecs)[ts["id"]]["stabilityStatus"] == "STABILIZING"


def test_tasks_on_a_draining_instance_move(lab, ecs):
    td1, _ = _external(lab, ecs, desired=2, n=3)
    ts = _create(ecs, td1, 100)
    lab.advance("2m")
    first = describe_tasks(lab, task_arns(lab))
    ci = first[0]["containerInstanceArn"]
    ecs.update_container_instances_state(cluster=C, containerInstances=[ci], status="DRAINING")
    lab.advance("3m")
    now = describe_tasks(lab, task_arns(lab))
    assert len(now) == 2 and ci not in {t["containerInstanceArn"] for t in now}
    got = _sets(ecs)[ts["id"]]
    assert (got["runningCount"], got["stabilityStatus"]) == (2, "STEADY_STATE")


def test_updated_at_follows_the_stability_status(lab, ecs):
    td1, _ = _external(lab, ecs, desired=2)
    ts = _create(ecs, td1, 100)
    assert ts["createdAt"] == ts["updatedAt"] == ts["stabilityStatusAt"]
    lab.advance("2m")
    got = _sets(ecs)[ts["id"]]
    assert got["stabilityStatus"] == "STEADY_STATE"
    assert got["updatedAt"] == got["stabilityStatusAt"] > got["createdAt"]
    primary = ecs.update_service_primary_task_set(cluster=C, service=S, primaryTaskSet=ts["id"])
    out = primary["taskSet"]
    assert out["updatedAt"] > out["stabilityStatusAt"]  # a new primary is not a new state
