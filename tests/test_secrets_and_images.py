"""Secrets Manager subset, the public-image catalog, and image resolution at task launch."""

import json
import re

import pytest

from ecslab import Lab
from ecslab.domain.registry.resolve import ImageRecord, process_keeps_running
from ecslab.registry import BuildError, build_image

URI = "123456789012.dkr.ecr.ap-east-1.amazonaws.com"


@pytest.fixture
def sm(lab):
    return lab.client("secretsmanager")


def test_secret_lifecycle(lab, sm):
    created = sm.create_secret(
        Name="dockerhub/creds", SecretString=json.dumps({"username": "u", "password": "p"})
    )
    assert re.fullmatch(
        r"arn:aws:secretsmanager:ap-east-1:123456789012:secret:dockerhub/creds-[A-Za-z0-9]{6}",
        created["ARN"],
    )
    again = (
        Lab(seed=7).client("secretsmanager").create_secret(Name="dockerhub/creds", SecretString="x")
    )
    assert (again["ARN"], again["VersionId"]) == (created["ARN"], created["VersionId"])
    with pytest.raises(sm.exceptions.ResourceExistsException) as e:
        sm.create_secret(Name="dockerhub/creds", SecretString="x")
    assert "The operation failed because the secret dockerhub/creds already exists." in str(e.value)
    value = sm.get_secret_value(SecretId=created["ARN"])
    assert json.loads(value["SecretString"]) == {"username": "u", "password": "p"}
    assert value["VersionStages"] == ["AWSCURRENT"] and value["VersionId"] == created["VersionId"]
    partial = created["ARN"][:-7]  # an ARN without the random suffix finds it too
    assert sm.describe_secret(SecretId=partial)["Name"] == "dockerhub/creds"
    out = sm.delete_secret(SecretId="dockerhub/creds", RecoveryWindowInDays=7)
    assert (out["DeletionDate"] - lab.now).days == 7
    with pytest.raises(sm.exceptions.InvalidRequestException, match="marked for deletion"):
        sm.get_secret_value(SecretId="dockerhub/creds")
    assert "DeletedDate" in sm.describe_secret(SecretId="dockerhub/creds")
    lab.advance("7d")
    with pytest.raises(sm.exceptions.ResourceNotFoundException) as e:
        sm.describe_secret(SecretId="dockerhub/creds")
    assert (
        e.value.response["Error"]["Message"] == "Secrets Manager can't find the specified secret."
    )
    assert list(lab.events.kind[lab.events.origin == "fact"]) == [
        "SecretCreated",
        "SecretDeletionScheduled",
        "SecretDeleted",
    ]
    sm.create_secret(Name="tmp", SecretString="x")
    with pytest.raises(sm.exceptions.InvalidParameterException, match="conjunction"):
        sm.delete_secret(SecretId="tmp", ForceDeleteWithoutRecovery=True, RecoveryWindowInDays=7)
    sm.delete_secret(SecretId="tmp", ForceDeleteWithoutRecovery=True)
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.get_secret_value(SecretId="tmp")


def resolve(lab, ref, launch="FARGATE", *, pull=True, creds=None, net=True):
    return lab.images.resolve(
        ref,
        launch_type=launch,
        execution_role_can_pull_ecr=pull,
        repository_credentials=creds,
        network_path=net,
    )


def test_public_catalog_images(lab):
    for ref in (
        "busybox",
        "docker.io/library/busybox:latest",
        "public.ecr.aws/docker/library/busybox",
    ):
        rec = resolve(lab, ref)
        assert isinstance(rec, ImageRecord)
        assert rec.source == "public" and rec.command == ("sh",) and rec.keeps_running is False
    httpd = resolve(lab, "httpd:2.4", "EC2")
    assert httpd.command == ("httpd-foreground",) and httpd.keeps_running
    assert httpd.exposed_ports == (80,) and httpd.size_bytes > 10_000_000
    nginx = resolve(lab, "nginx")
    assert nginx.tag == "latest" and nginx.entrypoint == ("/docker-entrypoint.sh",)
    assert nginx.keeps_running and nginx.stop_signal == "SIGQUIT"
    sample = resolve(lab, "amazon/amazon-ecs-sample")
    assert sample.keeps_running and sample.architectures == ("amd64",)
    assert resolve(lab, "nginx").digest == resolve(Lab(seed=1), "nginx:latest").digest


def test_ecr_resolution_and_pull_failures(lab):
    lab.client("ecr").create_repository(repositoryName="web")
    digest = build_image(
        'FROM busybox\nCOPY app.sh /app.sh\nCMD ["httpd", "-f", "-p", "80"]',
        files={"app.sh": "echo hi"},
    ).push(lab, "web", "v1")
    rec = resolve(lab, f"{URI}/web:v1")
    assert rec.source == "ecr" and rec.digest == digest and rec.keeps_running
    assert rec.command == ("httpd", "-f", "-p", "80")
    assert rec.size_bytes > 2_000_000  # its own layer plus the busybox base it was built FROM
    assert resolve(lab, f"{URI}/web@{digest}").digest == digest
    missing_tag = resolve(lab, f"{URI}/web:v9")
    assert missing_tag == (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        f"resolve ref {URI}/web:v9: {URI}/web:v9: not found"
    )
    assert "manifest unknown: Requested image not found" in resolve(lab, f"{URI}/web:v9", "EC2")
    assert "The repository with name 'nope' does not exist" in resolve(lab, f"{URI}/nope:v1", "EC2")
    denied = resolve(lab, f"{URI}/web:v1", pull=False)
    assert denied.startswith(
        "CannotPullContainerError: The task can’t pull the image. Check that the role"
    )
    no_route = resolve(lab, f"{URI}/web:v1", net=False)
    assert "There is a connection issue between the task and Amazon ECR" in no_route
    assert "registry-1.docker.io" in resolve(lab, "nginx", net=False)
    other = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1"  # another region: not this lab
    assert resolve(lab, other).endswith("not found")


def test_other_registries_need_repository_credentials(lab):
    ghcr = "ghcr.io/acme/app:1.0"
    assert "pull access denied" in resolve(lab, ghcr)
    assert "pull access denied" in resolve(lab, "acme/private-app:2")  # not in the catalog
    arn = "arn:aws:secretsmanager:ap-east-1:123456789012:secret:ghcr-AbCdEf"
    assert resolve(lab, ghcr, creds=arn).startswith(
        "ResourceInitializationError: unable to pull secrets"
    )
    arn = lab.client("secretsmanager").create_secret(Name="ghcr", SecretString="{}")["ARN"]
    rec = resolve(lab, ghcr, creds=arn)
    assert rec.source == "private" and rec.repository == "ghcr.io/acme/app"
    assert resolve(lab, "Not A Ref").startswith(
        "CannotPullContainerError: invalid reference format"
    )


def test_keeps_running_heuristic():
    assert not process_keeps_running(["sh"])
    assert not process_keeps_running(None)
    assert not process_keeps_running(["/bin/sh", "-c", "echo hello"])
    assert process_keeps_running(["/bin/sh", "-c", "echo start; sleep infinity"])
    assert process_keeps_running(["tail", "-f", "/dev/null"])
    assert process_keeps_running(["python", "-m", "http.server"])


def test_builder_is_deterministic_and_refuses_run(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("hi")
    lines = "FROM nginx\nCOPY site /usr/share/nginx/html/\nENV A=1\nEXPOSE 8080"
    a = build_image(lines, context=tmp_path)
    b = build_image(lines.splitlines(), context=tmp_path)
    assert a.digest == b.digest and a.manifest == b.manifest
    config = json.loads(a.config)
    assert config["config"]["Cmd"] == ["nginx", "-g", "daemon off;"]
    assert config["config"]["ExposedPorts"] == {"80/tcp": {}, "8080/tcp": {}}
    assert config["config"]["Labels"] == {"ecslab.base-image": "nginx"}
    assert build_image(lines.replace("A=1", "A=2"), context=tmp_path).digest != a.digest
    with pytest.raises(BuildError, match="RUN needs a container runtime"):
        build_image("FROM busybox\nRUN echo hi")
    with pytest.raises(BuildError, match="public catalog"):
        build_image("FROM python:3.12")


def test_secrets_replay(tmp_path):
    lab = Lab(seed=9)
    sm = lab.client("secretsmanager")
    arn = sm.create_secret(Name="a", SecretString="1", Tags=[{"Key": "k", "Value": "v"}])["ARN"]
    sm.create_secret(Name="b", SecretBinary=b"\x00\x01")
    sm.delete_secret(SecretId="a", RecoveryWindowInDays=7)
    lab.advance("3d")
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    for x in (lab, loaded):
        x.advance("5d")  # the scheduled deletion fires in both
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    assert lab.events.kind.iloc[-1] == "SecretDeleted"
    b = loaded.client("secretsmanager").get_secret_value(SecretId="b")
    assert b["SecretBinary"] == b"\x00\x01"
    assert loaded.secrets.find(arn) is None
