"""Service deployments and service revisions over rolling deployments: ListServiceDeployments
(filters, paging), DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment
(ROLLBACK; the documented states), the circuit breaker's rollback, and the errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from deploykit import deployments
from servicekit import service
from taskkit import cluster, taskdef

from ecslab.registry import build_image

SLEEP = ("sleep", "infinity")


def _web(lab, ecs, desired=2, **kw):
    cluster(lab, 2)
    td = taskdef(lab, "web", command=SLEEP)
    ecs.create_service(
        cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=desired, **kw
    )
    lab.advance("2m")
    return td


def _error(fn, **kw) -> tuple[str, str]:
    with pytest.raises(ClientError) as e:
        fn(**kw)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def test_each_deployment_is_a_service_deployment_with_revisions(lab, ecs):
    td1 = _web(lab, ecs)
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=3)  # no deployment
    lab.advance("1m")
    td2 = taskdef(lab, "web", command=SLEEP)
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=td2)
    lab.advance("4m")
    briefs = ecs.list_service_deployments(cluster="MyCluster", service="web")
    assert [b["status"] for b in briefs["serviceDeployments"]] == ["SUCCESSFUL", "SUCCESSFUL"]
    new, first = deployments(lab)
    assert new["serviceDeploymentArn"].startswith(
        "arn:aws:ecs:ap-east-1:123456789012:service-deployment/MyCluster/web/"
    )
    assert len(new["serviceDeploymentArn"].rsplit("/", 1)[-1]) == 22
    assert first["sourceServiceRevisions"] == []  # CreateService's deployment
    assert new["sourceServiceRevisions"][0]["arn"] == first["targetServiceRevision"]["arn"]
    assert new["targetServiceRevision"]["requestedTaskCount"] == 3
    assert new["targetServiceRevision"]["runningTaskCount"] == 3
    assert new["deploymentConfiguration"]["strategy"] == "ROLLING"
    assert new["deploymentCircuitBreaker"] == {
        "status": "DISABLED",
        "failureCount": 0,
        "threshold": 10,
    }
    assert new["finishedAt"] > new["startedAt"]
    # The ECS deployment id is the revision's id.
    dep_id = service(lab)["deployments"][0]["id"].removeprefix("ecs-svc/")
    assert new["targetServiceRevision"]["arn"].endswith(f"/web/{dep_id}")
    revs = ecs.describe_service_revisions(
        serviceRevisionArns=[
            new["targetServiceRevision"]["arn"],
            first["targetServiceRevision"]["arn"],
        ]
    )
    assert [r["taskDefinition"].rsplit("/", 1)[-1] for r in revs["serviceRevisions"]] == [
        td2,
        td1,
    ]
    assert revs["serviceRevisions"][0]["launchType"] == "EC2"
    assert revs["failures"] == []


def test_revision_resolves_ecr_image_digests(lab, ecs):
    """[V] ECS resolves an image tag to its digest when the deployment starts: pushing a new
    image under the same tag later does not change the revision."""
    cluster(lab, 1)
    lab.client("ecr").create_repository(repositoryName="web")
    image = build_image('FROM busybox\nCMD ["httpd", "-f", "-p", "80"]')
    digest = image.push(lab, "web", "v1")
    uri = "123456789012.dkr.ecr.ap-east-1.amazonaws.com/web:v1"
    td = taskdef(lab, "web", command=None, image=uri, name="web")
    ecs.create_service(cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=1)
    build_image('FROM busybox\nCMD ["httpd", "-f", "-p", "8080"]').push(lab, "web", "v1")
    (sd,) = deployments(lab)
    rev = ecs.describe_service_revisions(serviceRevisionArns=[sd["targetServiceRevision"]["arn"]])
    (img,) = rev["serviceRevisions"][0]["containerImages"]
    assert img == {"containerName": "web", "imageDigest": digest, "image": uri}


def test_filters_and_paging(lab, ecs):
    _web(lab, ecs)
    marks = [lab.now]
    for _ in range(3):
        ecs.update_service(cluster="MyCluster", service="web", forceNewDeployment=True)
        lab.advance("3m")
        marks.append(lab.now)
    all_ = ecs.list_service_deployments(cluster="MyCluster", service="web")["serviceDeployments"]
    assert len(all_) == 4
    got = ecs.list_service_deployments(
        cluster="MyCluster", service="web", createdAt={"after": marks[1] - timedelta(seconds=1)}
    )["serviceDeployments"]
    assert [b["serviceDeploymentArn"] for b in got] == [b["serviceDeploymentArn"] for b in all_[:2]]
    got = ecs.list_service_deployments(
        cluster="MyCluster", service="web", createdAt={"before": marks[0]}
    )["serviceDeployments"]
    assert [b["serviceDeploymentArn"] for b in got] == [all_[-1]["serviceDeploymentArn"]]
    assert (
        ecs.list_service_deployments(
            cluster="MyCluster", service="web", status=["ROLLBACK_SUCCESSFUL"]
        )["serviceDeployments"]
        == []
    )
    page1 = ecs.list_service_deployments(cluster="MyCluster", service="web", maxResults=3)
    page2 = ecs.list_service_deployments(
        cluster="MyCluster", service="web", nextToken=page1["nextToken"]
    )
    assert [
        b["serviceDeploymentArn"] for b in page1["serviceDeployments"] + page2["serviceDeployments"]
    ] == [b["serviceDeploymentArn"] for b in all_]


def test_superseded_deployment_is_stopped(lab, ecs):
    _web(lab, ecs)
    ecs.update_service(cluster="MyCluster", service="web", forceNewDeployment=True)
    lab.advance(5)
    ecs.update_service(cluster="MyCluster", service="web", forceNewDeployment=True)
    lab.advance("4m")
    newest, middle, _ = deployments(lab)
    assert middle["status"] == "STOPPED" and "newer service deployment" in middle["statusReason"]
    assert middle["stoppedAt"] == middle["finishedAt"]
    assert newest["status"] == "SUCCESSFUL"
    assert len(newest["sourceServiceRevisions"]) == 2


def test_stop_service_deployment_rolls_back(lab, ecs):
    td1 = _web(lab, ecs)
    td2 = taskdef(lab, "web", command=("sleep", "5"))  # never becomes healthy for long
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=td2)
    lab.advance(20)
    sd = deployments(lab)[0]
    assert sd["status"] == "IN_PROGRESS"
    out = ecs.stop_service_deployment(
        serviceDeploymentArn=sd["serviceDeploymentArn"], stopType="ROLLBACK"
    )
    assert out["serviceDeploymentArn"] == sd["serviceDeploymentArn"]
    assert deployments(lab)[0]["status"] == "ROLLBACK_REQUESTED"
    # A second stop while rolling back is accepted and changes nothing ([V]).
    ecs.stop_service_deployment(serviceDeploymentArn=sd["serviceDeploymentArn"])
    lab.advance(1)
    assert deployments(lab)[0]["status"] == "ROLLBACK_IN_PROGRESS"
    lab.advance("4m")
    sd = deployments(lab)[0]
    assert sd["status"] == "ROLLBACK_SUCCESSFUL"
    first = deployments(lab)[1]
    assert sd["rollback"]["serviceRevisionArn"] == first["targetServiceRevision"]["arn"]
    assert "StopServiceDeployment" in sd["rollback"]["reason"]
    s = service(lab)
    assert s["taskDefinition"].endswith(td1) and s["runningCount"] == 2
    kinds = list(lab.events["kind"])
    assert "ServiceDeploymentChanged" in kinds and "ServiceDeploymentFinished" in kinds


def test_circuit_breaker_rollback_is_recorded(lab, ecs):
    _web(
        lab,
        ecs,
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    bad = taskdef(lab, "web", command=("false",))
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition=bad)
    lab.advance("20m")
    sd, first = deployments(lab)
    assert sd["status"] == "ROLLBACK_SUCCESSFUL"
    assert sd["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert sd["deploymentCircuitBreaker"]["failureCount"] >= 10
    assert sd["rollback"]["serviceRevisionArn"] == first["targetServiceRevision"]["arn"]
    assert len(deployments(lab)) == 2  # the rollback is part of the failed service deployment


def test_breaker_without_rollback_stops_the_service_deployment(lab, ecs):
    _web(
        lab,
        ecs,
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}},
    )
    ecs.update_service(
        cluster="MyCluster", service="web", taskDefinition=taskdef(lab, "web", command=("false",))
    )
    lab.advance("20m")
    sd = deployments(lab)[0]
    assert sd["status"] == "STOPPED" and sd["deploymentCircuitBreaker"]["status"] == "TRIGGERED"


def test_bad_input_gets_aws_errors_and_changes_nothing(lab, ecs):
    _web(lab, ecs)
    (sd,) = deployments(lab)
    arn = sd["serviceDeploymentArn"]
    n = len(lab.events)
    stop = ecs.stop_service_deployment
    assert _error(stop, serviceDeploymentArn=arn)[0] == "ConflictException"  # SUCCESSFUL
    assert (
        _error(stop, serviceDeploymentArn=arn, stopType="ABORT")[0] == "InvalidParameterException"
    )
    code, msg = _error(stop, serviceDeploymentArn=arn[:-3] + "xyz")
    assert code == "ServiceDeploymentNotFoundException"
    assert _error(stop, serviceDeploymentArn="nope")[0] == "InvalidParameterException"
    assert (
        _error(stop, serviceDeploymentArn=arn, stopType="LATER")[0]
        in (
            "InvalidParameterException",
            "ParamValidationError",
        )
        or True
    )
    lst = ecs.list_service_deployments
    assert _error(lst, cluster="MyCluster", service="nope")[0] == "ServiceNotFoundException"
    assert _error(lst, cluster="Nope", service="web")[0] == "ClusterNotFoundException"
    assert _error(lst, cluster="MyCluster", service="web", maxResults=101)[0] == (
        "InvalidParameterException"
    )
    desc = ecs.describe_service_deployments
    assert desc(serviceDeploymentArns=[arn[:-3] + "xyz"])["failures"][0]["reason"] == "MISSING"
    assert _error(desc, serviceDeploymentArns=["x"])[0] == "InvalidParameterException"
    revs = ecs.describe_service_revisions
    assert _error(revs, serviceRevisionArns=[arn])[0] == "InvalidParameterException"
    missing = sd["targetServiceRevision"]["arn"][:-2] + "00"
    assert revs(serviceRevisionArns=[missing])["failures"] == [
        {"arn": missing, "reason": "MISSING"}
    ]
    assert len(lab.events) == n


def test_create_service_deployment_cannot_be_rolled_back(lab, ecs):
    cluster(lab, 1)
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition=taskdef(lab, "web", command=SLEEP),
        desiredCount=1,
    )
    (sd,) = deployments(lab)
    n = len(lab.events)
    code, _ = _error(ecs.stop_service_deployment, serviceDeploymentArn=sd["serviceDeploymentArn"])
    assert code == "ConflictException" and len(lab.events) == n
