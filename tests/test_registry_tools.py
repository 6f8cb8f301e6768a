"""Real tools against the lab's registry: skopeo, podman and the aws CLI.

A tool that is absent skips its test with one line, unless ECSLAB_CI is set (``.ci/run`` sets it
and installs the tools), where absence is a failure.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ecslab.registry import build_image, serve_registry


def need(tool: str) -> str:
    path = shutil.which(tool) or (
        str(Path(sys.executable).parent / tool)
        if (Path(sys.executable).parent / tool).exists()
        else None
    )
    if path is None:
        if os.environ.get("ECSLAB_CI"):
            pytest.fail(f"{tool} is required in CI (.ci/run installs it)")
        pytest.skip(f"{tool} not installed (apt-get install {tool}); CI requires it")
    return path


def run(*args, input=None, env=None) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [str(a) for a in args], input=input, capture_output=True, text=True, timeout=120, env=env
    )
    assert r.returncode == 0, f"{args[:3]} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


@pytest.fixture
def served(lab):
    lab.client("ecr").create_repository(repositoryName="web")
    server, host = serve_registry(lab)
    yield lab, host
    server.shutdown()
    server.server_close()


def password(lab) -> str:
    # What `aws ecr get-login-password` prints: the token decoded, minus "AWS:".
    token = lab.client("ecr").get_authorization_token()["authorizationData"][0]
    return base64.b64decode(token["authorizationToken"]).decode().split(":", 1)[1]


def test_skopeo_login_copy_and_pull_back(served, tmp_path):
    skopeo = need("skopeo")
    lab, host = served
    authfile = ["--authfile", tmp_path / "auth.json"]
    image = build_image(
        "FROM httpd:2.4\nCOPY index.html /usr/local/apache2/htdocs/",
        files={"index.html": "<h1>hi</h1>"},
    )
    image.write_oci_layout(tmp_path / "oci", "v1")
    out = run(
        skopeo,
        "login",
        *authfile,
        "--username",
        "AWS",
        "--password-stdin",
        "--tls-verify=false",
        host,
        input=password(lab),
    )
    assert "Login Succeeded" in out.stdout
    dest = f"docker://{host}/web:v1"
    run(skopeo, "copy", *authfile, f"oci:{tmp_path / 'oci'}:v1", dest, "--dest-tls-verify=false")
    ecr = lab.client("ecr")
    pushed = ecr.describe_images(repositoryName="web")["imageDetails"][0]
    assert pushed["imageDigest"] == image.digest and pushed["imageTags"] == ["v1"]
    # A second push finds every blob with HEAD and uploads nothing.
    rows = len(lab.log)
    again = run(
        skopeo,
        "--debug",
        "copy",
        *authfile,
        f"oci:{tmp_path / 'oci'}:v1",
        dest,
        "--dest-tls-verify=false",
    )
    assert "already present" in again.stderr and "already exists" in again.stderr
    assert len(lab.log) == rows
    # Pull it back: the digest is ECR's imageDigest.
    run(skopeo, "copy", *authfile, "--src-tls-verify=false", dest, f"oci:{tmp_path / 'pulled'}:v1")
    index = json.loads((tmp_path / "pulled" / "index.json").read_text())
    assert index["manifests"][0]["digest"] == pushed["imageDigest"]
    inspect = json.loads(run(skopeo, "inspect", *authfile, "--tls-verify=false", dest).stdout)
    assert inspect["Digest"] == pushed["imageDigest"]
    assert inspect["Labels"] == {"ecslab.base-image": "httpd:2.4"}
    # A push to a repository that does not exist fails with ECR's words.
    r = subprocess.run(
        [
            skopeo,
            "copy",
            *map(str, authfile),
            f"oci:{tmp_path / 'oci'}:v1",
            f"docker://{host}/nope:v1",
            "--dest-tls-verify=false",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0
    assert "name unknown: The repository with name 'nope' does not exist" in r.stderr


def test_podman_login_build_push(served, tmp_path, request):
    podman = need("podman")
    lab, host = served
    short = Path(tempfile.mkdtemp(prefix="ecslab-p", dir="/tmp"))  # podman: runroot < 50 chars
    request.addfinalizer(lambda: shutil.rmtree(short, ignore_errors=True))
    store = ["--root", tmp_path / "root", "--runroot", short, "--storage-driver", "vfs"]
    authfile = ["--authfile", tmp_path / "auth.json"]
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "hello.txt").write_text("hello from podman\n")
    (ctx / "Containerfile").write_text('FROM scratch\nCOPY hello.txt /hello.txt\nCMD ["/hello"]\n')
    run(podman, *store, "build", "-t", "localhost/web:v1", ctx)
    out = run(
        podman,
        *store,
        "login",
        *authfile,
        "--username",
        "AWS",
        "--password-stdin",
        "--tls-verify=false",
        host,
        input=password(lab),
    )
    assert "Login Succeeded" in out.stdout
    digest_file = tmp_path / "digest"
    run(
        podman,
        *store,
        "push",
        *authfile,
        "--tls-verify=false",
        "--digestfile",
        digest_file,
        "localhost/web:v1",
        f"docker://{host}/web:v1",
    )
    ecr = lab.client("ecr")
    detail = ecr.describe_images(repositoryName="web", imageIds=[{"imageTag": "v1"}])[
        "imageDetails"
    ][0]
    assert digest_file.read_text().strip() == detail["imageDigest"]
    rec = lab.images.resolve(
        "123456789012.dkr.ecr.ap-east-1.amazonaws.com/web:v1",
        launch_type="FARGATE",
        execution_role_can_pull_ecr=True,
        repository_credentials=None,
        network_path=True,
    )
    assert rec.digest == detail["imageDigest"] and rec.command == ("/hello",)
    rows = len(lab.log)
    run(
        podman,
        *store,
        "push",
        *authfile,
        "--tls-verify=false",
        "localhost/web:v1",
        f"docker://{host}/web:v1",
    )
    assert len(lab.log) == rows  # nothing new: blobs found by HEAD, same manifest and tag
    run(podman, *store, "pull", *authfile, "--tls-verify=false", f"{host}/web:v1")


def test_aws_cli_walkthrough(served, tmp_path):
    aws = need("aws")
    skopeo = need("skopeo")
    lab, host = served
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": lab.region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
        "NO_PROXY": "127.0.0.1,localhost",
        "AWS_ENDPOINT_URL": f"http://{host}",
    }
    created = json.loads(
        run(aws, "ecr", "create-repository", "--repository-name", "app", env=env).stdout
    )
    assert (
        created["repository"]["repositoryUri"] == "123456789012.dkr.ecr.ap-east-1.amazonaws.com/app"
    )
    pw = run(aws, "ecr", "get-login-password", env=env).stdout.strip()
    authfile = ["--authfile", tmp_path / "auth.json"]
    run(
        skopeo,
        "login",
        *authfile,
        "--username",
        "AWS",
        "--password-stdin",
        "--tls-verify=false",
        host,
        input=pw,
    )
    v1 = build_image("FROM nginx\nCOPY i /usr/share/nginx/html/index.html", files={"i": "v1"})
    v1.write_oci_layout(tmp_path / "v1", "latest")
    run(
        skopeo,
        "copy",
        *authfile,
        f"oci:{tmp_path / 'v1'}:latest",
        f"docker://{host}/app:latest",
        "--dest-tls-verify=false",
    )
    v2 = build_image("FROM nginx\nCOPY i /usr/share/nginx/html/index.html", files={"i": "v2"}).push(
        lab, "app", "latest"
    )
    untagged = run(
        aws,
        "ecr",
        "list-images",
        "--repository-name",
        "app",
        "--filter",
        "tagStatus=UNTAGGED",
        "--query",
        "imageIds[].imageDigest",
        "--output",
        "text",
        env=env,
    )
    assert untagged.stdout.split() == [v1.digest]
    manifest = run(
        aws,
        "ecr",
        "batch-get-image",
        "--repository-name",
        "app",
        "--image-ids",
        "imageTag=latest",
        "--query",
        "images[].imageManifest",
        "--output",
        "text",
        env=env,
    ).stdout.strip()
    put = json.loads(
        run(
            aws,
            "ecr",
            "put-image",
            "--repository-name",
            "app",
            "--image-tag",
            "v2",
            "--image-manifest",
            manifest,
            env=env,
        ).stdout
    )
    assert put["image"]["imageId"] == {"imageDigest": v2, "imageTag": "v2"}
    deleted = json.loads(
        run(
            aws,
            "ecr",
            "batch-delete-image",
            "--repository-name",
            "app",
            "--image-ids",
            "imageTag=latest",
            "imageTag=v2",
            env=env,
        ).stdout
    )
    assert sorted(i["imageTag"] for i in deleted["imageIds"]) == ["latest", "v2"]
    assert lab.client("ecr").list_images(repositoryName="app")["imageIds"] == [
        {"imageDigest": v1.digest}
    ]
