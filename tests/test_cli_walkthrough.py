"""The whole walkthrough against ``ecslab serve`` (a real subprocess on a free port):

* with the real ``aws`` CLI (and skopeo) as subprocesses: ``tests/cli_walkthrough.sh``, one bash
  script that prints a ``=== step`` marker before each step's output, run once and parsed here
  (one shell for ~60 CLI calls instead of one pytest subprocess per call);
* the same steps through boto3 clients that find the endpoint only through ``AWS_ENDPOINT_URL``
  (and the rest of ``ecslab env``'s environment), pushing the image with ECR's layer API.

The notebook path (``lab.serve()`` + ``!aws``) is lesson 11 (notebooks/11_capstone.ipynb).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from ecslab import examples
from ecslab.registry import build_image

SCRIPT = Path(__file__).with_name("cli_walkthrough.sh")
BIN = Path(sys.executable).parent
ECSLAB = [sys.executable, "-m", "ecslab.adapters.cli"]
ACCOUNT = "123456789012"
ECS = f"arn:aws:ecs:ap-east-1:{ACCOUNT}:"
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended"
SCALED = "The service cannot be stopped while it is scaled above 0."
PAGE = build_image(
    "FROM httpd:2.4\nCOPY index.html /usr/local/apache2/htdocs/",
    files={"index.html": "<h1>walkthrough</h1>"},
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def serve():
    """Start ``ecslab serve --seed 7`` subprocesses (each its own lab); all stopped at the end."""
    procs: list[subprocess.Popen] = []

    def start() -> int:
        port = free_port()
        proc = subprocess.Popen(
            [*ECSLAB, "serve", "--port", str(port), "--seed", "7"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        for line in proc.stdout:  # the banner ends with the AWS_PAGER export
            if line.startswith("export AWS_PAGER="):
                return port
        raise AssertionError("ecslab serve died: " + proc.stderr.read())

    yield start
    for proc in procs:
        proc.terminate()
        proc.communicate(timeout=20)


def sections(stdout: str) -> dict[str, str]:
    """``=== name`` markers -> the text printed after each, stripped."""
    out: dict[str, str] = {}
    name = None
    for line in stdout.splitlines():
        if line.startswith("=== "):
            name = line[4:].strip()
            out[name] = ""
        elif name is not None:
            out[name] += line + "\n"
    return {k: v.strip() for k, v in out.items()}


def skopeo_or_none() -> str | None:
    found = shutil.which("skopeo")
    if found is None and os.environ.get("ECSLAB_CI"):
        pytest.fail("skopeo is required in CI (.ci/run installs it)")
    return found


# -- the aws CLI ------------------------------------------------------------------------------------


def test_walkthrough_with_the_aws_cli(serve, tmp_path):
    port = serve()
    skopeo = skopeo_or_none()
    PAGE.write_oci_layout(tmp_path / "web-oci", "v1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PORT=str(port),
        PYTHON=sys.executable,
        WORK=str(tmp_path),
        SKOPEO=skopeo or "",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",  # the venv's aws, as `make` sets it up
    )
    t0 = time.monotonic()
    run = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=600
    )
    seconds = time.monotonic() - t0
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    assert "Traceback" not in run.stderr
    out = sections(run.stdout)
    j = {k: json.loads(v) for k, v in out.items() if v.startswith(("{", "["))}
    calls = len(re.findall(r"(?:^|\$\(|[|;] )\s*aws [a-z0-9]+ ", SCRIPT.read_text(), re.M))
    print(f"\nCLI walkthrough: {len(out)} steps, about {calls} aws commands, {seconds:.1f} s")

    # Clusters.
    assert j["create-cluster-default"]["cluster"]["clusterArn"] == ECS + "cluster/default"
    assert j["create-cluster"]["cluster"]["clusterArn"] == ECS + "cluster/MyCluster"
    assert j["create-cluster"]["cluster"]["status"] == "ACTIVE"
    assert j["list-clusters"] == {
        "clusterArns": [ECS + "cluster/default", ECS + "cluster/MyCluster"]
    }

    # The AMI from SSM, three instances with user data and the instance profile, joined.
    [param] = j["get-parameters"]["Parameters"]
    assert param["Name"] == AMI_PARAMETER and j["get-parameters"]["InvalidParameters"] == []
    recommended = json.loads(param["Value"])
    ami = recommended["image_id"]
    assert recommended["image_name"] == "amzn2-ami-ecs-hvm-2.0.20241217-x86_64-ebs"
    launched = j["run-instances"]["Instances"]
    assert len(launched) == 3
    for i in launched:
        assert i["ImageId"] == ami and i["InstanceType"] == "m5.large"
        assert i["State"]["Name"] == "pending"
        assert i["IamInstanceProfile"]["Arn"].endswith(":instance-profile/ecsInstanceRole")
    assert out["advance"] == "2025-01-06T09:02:00+00:00"
    cis = j["list-container-instances"]["containerInstanceArns"]
    assert len(cis) == 3 and all(a.startswith(ECS + "container-instance/MyCluster/") for a in cis)
    [ci] = j["describe-container-instances"]["containerInstances"]
    assert ci["containerInstanceArn"] == cis[0] and ci["status"] == "ACTIVE"
    assert ci["agentConnected"] is True
    assert ci["ec2InstanceId"] in {i["InstanceId"] for i in launched}
    registered = {r["name"]: r.get("integerValue") for r in ci["registeredResources"]}
    assert (registered["CPU"], registered["MEMORY"]) == (2048, 7985)
    assert sorted(j["describe-instances"]) == sorted(
        [i["InstanceId"], "running", i["IamInstanceProfile"]["Arn"]] for i in launched
    )

    # Task definitions: a bare family cannot be deregistered; revision numbers are never reused.
    td = j["register-task-definition"]["taskDefinition"]
    assert td["taskDefinitionArn"] == ECS + "task-definition/sleep360:1"
    assert td["containerDefinitions"][0]["command"] == ["sleep", "360"]
    assert j["list-task-definitions"]["taskDefinitionArns"] == [td["taskDefinitionArn"]]
    assert out["deregister-family"] == (
        "exit 255\n\nAn error occurred (ClientException) when calling the "
        "DeregisterTaskDefinition operation: Revision is missing."
    )
    assert j["deregister-revision"]["taskDefinition"]["status"] == "INACTIVE"
    assert j["register-again"]["taskDefinition"]["revision"] == 2

    # A task: PENDING, RUNNING ten seconds later, exited 0 after its 360 s.
    [task] = j["run-task"]["tasks"]
    assert j["run-task"]["failures"] == [] and task["lastStatus"] == "PENDING"
    assert task["taskDefinitionArn"] == ECS + "task-definition/sleep360:2"
    assert task["containerInstanceArn"] in cis
    assert j["list-tasks"] == {"taskArns": [task["taskArn"]]}
    [running] = j["describe-tasks"]["tasks"]
    assert (
        running["lastStatus"] == "RUNNING" and running["containers"][0]["lastStatus"] == "RUNNING"
    )
    assert out["sleep360-exited"].splitlines()[0].split() == [
        "STOPPED",
        "EssentialContainerExited",
        "0",
    ]

    # The service behind an ALB: create, scale, force a deployment, a new revision, delete.
    assert out["create-load-balancer"].startswith(
        f"arn:aws:elasticloadbalancing:ap-east-1:{ACCOUNT}:loadbalancer/app/web-alb/"
    )
    tg = out["create-target-group"]
    assert tg.startswith(f"arn:aws:elasticloadbalancing:ap-east-1:{ACCOUNT}:targetgroup/web-tg/")
    assert out["create-listener"].split() == ["HTTP", "80"]
    svc = j["create-service"]["service"]
    assert svc["serviceArn"] == ECS + "service/MyCluster/web" and svc["status"] == "ACTIVE"
    assert svc["loadBalancers"] == [
        {"targetGroupArn": tg, "containerName": "simple-app", "containerPort": 80}
    ]
    assert svc["taskDefinition"] == ECS + "task-definition/sample-app:1"
    assert j["list-services"] == {"serviceArns": [svc["serviceArn"]]}
    before, after = out["wait-created"].split()
    assert before == "2025-01-06T09:05:10+00:00"  # the ALB became active at +3 min
    assert after > before  # the waiter's polls moved the simulated clock (15 s each)
    assert out["scale-to-2"].split() == ["2", ECS + "task-definition/sample-app:1", "1"]
    assert out["force-new-deployment"].split() == [
        "PRIMARY",
        ECS + "task-definition/sample-app:1",
        "ACTIVE",
        ECS + "task-definition/sample-app:1",
    ]
    assert out["new-revision"].split() == [
        ECS + "task-definition/sample-app:2",
        "PRIMARY",
        ECS + "task-definition/sample-app:2",
        "ACTIVE",
        ECS + "task-definition/sample-app:1",
    ]
    assert out["wait-new-revision"].split() == ["2", ECS + "task-definition/sample-app:2", "1"]
    assert out["delete-service-refused"] == (
        "exit 255\n\nAn error occurred (InvalidParameterException) when calling the "
        f"DeleteService operation: {SCALED}"
    )
    assert out["scale-to-0"] == "0"
    assert out["delete-service"] == '"DRAINING"'
    assert j["list-services-after"] == {"serviceArns": []}

    # ECR.
    repo = j["create-repository"]["repository"]
    uri = f"{ACCOUNT}.dkr.ecr.ap-east-1.amazonaws.com/web"
    assert repo["repositoryUri"] == uri
    assert [r["repositoryUri"] for r in j["describe-repositories"]["repositories"]] == [uri]
    if skopeo is None:
        assert "skopeo-missing" in out
        pytest.skip(
            "skopeo not installed: the login and push steps did not run (apt-get install skopeo)"
        )
    assert out["login"] == "Login Succeeded!"
    assert out["push"] == ""  # skopeo --quiet
    assert j["list-images"] == {"imageIds": [{"imageDigest": PAGE.digest, "imageTag": "latest"}]}
    assert j["retag"] == {"imageDigest": PAGE.digest, "imageTag": "v1"}
    assert j["batch-delete-image"] == {
        "imageIds": [{"imageDigest": PAGE.digest, "imageTag": "latest"}],
        "failures": [],
    }
    assert j["list-images-after"] == {"imageIds": [{"imageDigest": PAGE.digest, "imageTag": "v1"}]}


# -- boto3 via AWS_ENDPOINT_URL ---------------------------------------------------------------------


def test_walkthrough_with_boto3_via_aws_endpoint_url(serve, monkeypatch):
    port = serve()
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    exports = subprocess.run(
        [*ECSLAB, "env", "--port", str(port)], capture_output=True, text=True, check=True
    ).stdout
    for line in exports.splitlines():
        if line.startswith("export "):
            key, value = line[len("export ") :].split("=", 1)
            monkeypatch.setenv(key, shlex.split(value)[0] if value else "")
    assert os.environ["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}"
    session = boto3.Session()  # nothing but the environment points it at the lab
    ecs, ec2, ssm, elb, ecr = (session.client(s) for s in ("ecs", "ec2", "ssm", "elbv2", "ecr"))
    assert ecs.meta.endpoint_url == os.environ["AWS_ENDPOINT_URL"]

    def advance(by: str) -> str:
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/_ecslab/advance", data=json.dumps({"by": by}).encode()
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as resp:
            return json.loads(resp.read())["now"]

    assert ecs.create_cluster()["cluster"]["clusterArn"] == ECS + "cluster/default"
    ecs.create_cluster(clusterName="MyCluster")
    assert ecs.list_clusters()["clusterArns"] == [
        ECS + "cluster/default",
        ECS + "cluster/MyCluster",
    ]
    [param] = ssm.get_parameters(Names=[AMI_PARAMETER])["Parameters"]
    ami = json.loads(param["Value"])["image_id"]
    launched = ec2.run_instances(
        ImageId=ami,
        InstanceType="m5.large",
        MinCount=3,
        MaxCount=3,
        IamInstanceProfile={"Name": "ecsInstanceRole"},
        UserData="#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config\n",
    )["Instances"]
    assert advance("2m") == "2025-01-06T09:02:00+00:00"
    cis = ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
    described = ecs.describe_container_instances(cluster="MyCluster", containerInstances=cis)
    assert {c["ec2InstanceId"] for c in described["containerInstances"]} == {
        i["InstanceId"] for i in launched
    }
    states = ec2.describe_instances(InstanceIds=[i["InstanceId"] for i in launched])
    assert {i["State"]["Name"] for r in states["Reservations"] for i in r["Instances"]} == {
        "running"
    }

    sleep360 = examples.taskdef("sleep360")  # what --cli-input-json file://sleep360.json sends
    ecs.register_task_definition(**sleep360)
    assert ecs.list_task_definitions()["taskDefinitionArns"] == [ECS + "task-definition/sleep360:1"]
    with pytest.raises(ClientError) as ei:
        ecs.deregister_task_definition(taskDefinition="sleep360")
    assert ei.value.response["Error"] == {
        "Code": "ClientException",
        "Message": "Revision is missing.",
    }
    ecs.deregister_task_definition(taskDefinition="sleep360:1")
    ecs.register_task_definition(**sleep360)
    arn = ecs.run_task(cluster="MyCluster", taskDefinition="sleep360", count=1)["tasks"][0][
        "taskArn"
    ]
    assert ecs.list_tasks(cluster="MyCluster")["taskArns"] == [arn]
    advance("10s")
    assert (
        ecs.describe_tasks(cluster="MyCluster", tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING"
    )

    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    lb = elb.create_load_balancer(Name="web-alb", Subnets=subnets)["LoadBalancers"][0]
    tg = elb.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc)
    tg = tg["TargetGroups"][0]["TargetGroupArn"]
    elb.modify_target_group_attributes(
        TargetGroupArn=tg,
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
    )
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    t0 = time.monotonic()
    elb.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]])
    ecs.register_task_definition(**examples.taskdef("sample-app"))
    lbs = [{"targetGroupArn": tg, "containerName": "simple-app", "containerPort": 80}]
    ecs.create_service(
        cluster="MyCluster",
        serviceName="web",
        taskDefinition="sample-app",
        desiredCount=1,
        loadBalancers=lbs,
    )
    assert ecs.list_services(cluster="MyCluster")["serviceArns"] == [ECS + "service/MyCluster/web"]
    stable = ecs.get_waiter("services_stable")
    stable.wait(cluster="MyCluster", services=["web"])
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=2)
    stable.wait(cluster="MyCluster", services=["web"])
    forced = ecs.update_service(cluster="MyCluster", service="web", forceNewDeployment=True)
    assert len(forced["service"]["deployments"]) == 2
    stable.wait(cluster="MyCluster", services=["web"])
    ecs.register_task_definition(**examples.taskdef("sample-app"))
    ecs.update_service(cluster="MyCluster", service="web", taskDefinition="sample-app:2")
    stable.wait(cluster="MyCluster", services=["web"])
    # ecslab env's AWS_DATA_PATH sets boto3's waiter delays to 0 too: polls move simulated time.
    assert time.monotonic() - t0 < 30
    [svc] = ecs.describe_services(cluster="MyCluster", services=["web"])["services"]
    assert (svc["runningCount"], svc["taskDefinition"]) == (2, ECS + "task-definition/sample-app:2")
    with pytest.raises(ClientError) as ei:
        ecs.delete_service(cluster="MyCluster", service="web")
    assert ei.value.response["Error"] == {"Code": "InvalidParameterException", "Message": SCALED}
    ecs.update_service(cluster="MyCluster", service="web", desiredCount=0)
    stable.wait(cluster="MyCluster", services=["web"])
    assert ecs.delete_service(cluster="MyCluster", service="web")["service"]["status"] == "DRAINING"

    # ECR: the registry login a docker/skopeo client would do, then a push with ECR's layer API.
    uri = ecr.create_repository(repositoryName="web")["repository"]["repositoryUri"]
    assert [r["repositoryUri"] for r in ecr.describe_repositories()["repositories"]] == [uri]
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    user, password = base64.b64decode(token).decode().split(":", 1)
    assert user == "AWS" and len(password) > 100
    login = urllib.request.Request(
        f"http://127.0.0.1:{port}/v2/", headers={"Authorization": f"Basic {token}"}
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(login) as resp:
        assert resp.status == 200
    for digest, blob in PAGE.blobs():
        upload = ecr.initiate_layer_upload(repositoryName="web")["uploadId"]
        ecr.upload_layer_part(
            repositoryName="web",
            uploadId=upload,
            partFirstByte=0,
            partLastByte=len(blob) - 1,
            layerPartBlob=blob,
        )
        done = ecr.complete_layer_upload(
            repositoryName="web", uploadId=upload, layerDigests=[digest]
        )
        assert done["layerDigest"] == digest
    pushed = ecr.put_image(
        repositoryName="web", imageTag="latest", imageManifest=PAGE.manifest.decode()
    )
    assert pushed["image"]["imageId"] == {"imageDigest": PAGE.digest, "imageTag": "latest"}
    assert ecr.list_images(repositoryName="web")["imageIds"] == [
        {"imageDigest": PAGE.digest, "imageTag": "latest"}
    ]
    manifest = ecr.batch_get_image(repositoryName="web", imageIds=[{"imageTag": "latest"}])
    retag = ecr.put_image(
        repositoryName="web", imageTag="v1", imageManifest=manifest["images"][0]["imageManifest"]
    )
    assert retag["image"]["imageId"] == {"imageDigest": PAGE.digest, "imageTag": "v1"}
    deleted = ecr.batch_delete_image(repositoryName="web", imageIds=[{"imageTag": "latest"}])
    assert deleted["imageIds"] == [{"imageDigest": PAGE.digest, "imageTag": "latest"}]
    assert ecr.list_images(repositoryName="web")["imageIds"] == [
        {"imageDigest": PAGE.digest, "imageTag": "v1"}
    ]
