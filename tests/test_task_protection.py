"""Task scale-in protection: Get/UpdateTaskProtection, honoured by service scale-in, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from servicekit import task_arns
from taskkit import instances, taskdef

SLEEP = ("sleep", "infinity")


def _service(lab, ecs, n=3):
    ecs.create_cluster(clusterName="MyCluster")
    instances(lab, 2, "m5.large")
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=n)
    lab.advance("1m")
    return sorted(task_arns(lab))


def test_protect_get_and_unknown_tasks(lab, ecs):
    arns = _service(lab, ecs)
    out = ecs.update_task_protection(
        cluster="MyCluster", tasks=[arns[0], "0123abcd"], protectionEnabled=True
    )
    (p,) = out["protectedTasks"]
    assert p["taskArn"] == arns[0] and p["protectionEnabled"] is True
    assert p["expirationDate"] - lab.now == timedelta(minutes=120)
    assert out["failures"][0]["reason"] == "MISSING"
    got = ecs.get_task_protection(cluster="MyCluster", tasks=arns[:2])["protectedTasks"]
    assert [g["protectionEnabled"] for g in got] == [True, False]
    ecs.update_task_protection(
        cluster="MyCluster", tasks=[arns[0]], protectionEnabled=True, expiresInMinutes=2880
    )
    got = ecs.get_task_protection(cluster="MyCluster", tasks=[arns[0]])["protectedTasks"][0]
    assert got["expirationDate"] - lab.now == timedelta(minutes=2880)
    ecs.update_task_protection(cluster="MyCluster", tasks=[arns[0]], protectionEnabled=False)
    got = ecs.get_task_protection(cluster="MyCluster", tasks=[arns[0]])["protectedTasks"][0]
    assert got == {"taskArn": arns[0], "protectionEnabled": False}


def test_standalone_task_is_not_valid(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    instances(lab, 1, "m5.large")
    td = taskdef(lab, "one", command=SLEEP)
    arn = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]["taskArn"]
    out = ecs.update_task_protection(cluster="MyCluster", tasks=[arn], protectionEnabled=True)
    assert out["protectedTasks"] == []
    assert out["failures"] == [{"arn": arn, "reason": "TASK_NOT_VALID"}]


@pytest.mark.parametrize(
    "kw,code",
    [
        ({"cluster": "nope"}, "ClusterNotFoundException"),
        ({"expiresInMinutes": 2881}, "InvalidParameterException"),
        ({"expiresInMinutes": 0}, "InvalidParameterException"),
    ],
)
def test_bad_input_changes_nothing(lab, ecs, kw, code):
    arns = _service(lab, ecs, 1)
    before = len(lab.events)
    args = {"cluster": "MyCluster", "tasks": arns, "protectionEnabled": True, **kw}
    with pytest.raises(ClientError) as ei:
        ecs.update_task_protection(**args)
    assert ei.value.response["Error"]["Code"] == code
    assert len(lab.events) == before
    got = ecs.get_task_protection(cluster="MyCluster", tasks=arns)["protectedTasks"]
    assert got == [{"taskArn": arns[0], "protectionEnabled": False}]


def test_scale_in_skips_protected_tasks_until_expiry(lab, ecs):
    arns = _service(lab, ecs, 3)
    ecs.update_task_protection(
        cluster="MyCluster", tasks=arns[:2], protectionEnabled=True, expiresInMinutes=30
    )
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    lab.advance("5m")
    assert sorted(task_arns(lab)) == arns[:2]  # only the unprotected one stopped
    lab.advance("30m")
    assert task_arns(lab) == []  # protection expired; the scale-in finished
    kinds = list(lab.events["kind"])
    assert kinds.count("TaskProtectionExpired") == 2
