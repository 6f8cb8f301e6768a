"""The walkthrough step checks (instances, task definitions, images): each fails with a hint in
plain words until the lab state is right, then passes; and the step charts' data."""

import pytest

from ecslab.registry import build_image
from workbook import charts, checks
from workbook.views import instances


def launch(lab, itype="m5.large", cluster="MyCluster", **kw):
    kw.setdefault("IamInstanceProfile", {"Name": "ecsInstanceRole"})
    resp = lab.client("ec2").run_instances(
        ImageId=instances.ami_id(lab, instances.arch_of(itype)),
        InstanceType=itype,
        MinCount=1,
        MaxCount=1,
        UserData=instances.user_data_for(cluster),
        **kw,
    )
    return resp["Instances"][0]["InstanceId"]


def test_instance_registered_hints_follow_the_lab(lab, ecs):
    r = checks.instance_registered(lab, "Batch", instance_type="c5.large")
    assert not r and r.message == "there is no active cluster named Batch"
    ecs.create_cluster(clusterName="Batch")
    r = checks.instance_registered(lab, "Batch", instance_type="c5.large")
    assert "no launched instance is waiting to join" in r.message
    assert "ECS_CLUSTER=Batch" in r.hint and "ecsInstanceRole" in r.hint
    iid = launch(lab, "c5.large", "Batch", IamInstanceProfile={})
    r = checks.instance_registered(lab, "Batch", instance_type="c5.large")
    assert r.message == "1 launched instance(s) have not registered yet"
    assert "lab.advance('1m')" in r.hint
    lab.advance("1m")
    r = checks.instance_registered(lab, "Batch", instance_type="c5.large")
    assert r.message == "1 launched instance(s) are running but not registered"
    assert r.hint == (
        "i-… is not registered: the instance has no IAM instance profile. Terminate it and launch "
        "again with IamInstanceProfile={'Name': 'ecsInstanceRole'}."
    )
    lab.client("ec2").terminate_instances(InstanceIds=[iid])
    launch(lab, "m5.large", "Batch")  # the wrong type does not count
    lab.advance("1m")
    assert not checks.instance_registered(lab, "Batch", instance_type="c5.large")
    assert checks.instance_registered(lab, "Batch")  # any type
    launch(lab, "c5.large", "Batch")
    lab.advance("1m")
    r = checks.instance_registered(lab, "Batch", instance_type="c5.large")
    assert r and str(r) == (
        "[PASSED] 1 x c5.large registered in cluster Batch: 1 ACTIVE container instance(s) match"
    )
    assert not checks.instance_registered(lab, "Batch", count=3)


def test_instance_registered_by_id_uses_the_diagnosis(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    private = lab.network.add_private_subnet()
    iid = launch(lab, SubnetId=private)
    lab.advance("2m")
    r = checks.instance_registered(lab, "MyCluster", instance_id=iid)
    assert r.title == "i-… registered in cluster MyCluster"
    assert "subnet subnet-… is private" in r.hint and "add_ecs_vpc_endpoint" in r.hint
    n = len(lab.events)
    checks.instance_registered(lab, "MyCluster", instance_id=iid)
    assert len(lab.events) == n  # checks never change the lab
    lab.network.add_ecs_vpc_endpoint()
    lab.advance("10m")
    assert checks.instance_registered(lab, "MyCluster", instance_id=iid).require()


def test_taskdef_checks(lab, ecs):
    r = checks.taskdef_registered(lab, "api", compatible_with="FARGATE")
    assert not r and r.message == "there is no ACTIVE revision of api"
    body = {
        "family": "api",
        "containerDefinitions": [{"name": "a", "image": "nginx", "memory": 512}],
    }
    ecs.register_task_definition(**body)
    r = checks.taskdef_registered(lab, "api", compatible_with="FARGATE")
    assert r.message == "api:1 is compatible with EXTERNAL, EC2, not FARGATE"
    assert "networkMode awsvpc" in r.hint
    ecs.register_task_definition(**body, networkMode="awsvpc", cpu="256", memory="512")
    r = checks.taskdef_registered(lab, "api", compatible_with="FARGATE", network_mode="awsvpc")
    assert r and r.message == "api:2 is ACTIVE (EC2, FARGATE; awsvpc)"
    assert not checks.taskdef_registered(lab, "api", min_revision=3)
    r = checks.taskdef_deregistered(lab, "api:1")
    assert not r and 'deregister_task_definition(taskDefinition="api:1")' in r.hint
    ecs.deregister_task_definition(taskDefinition="api:1")
    assert checks.taskdef_deregistered(lab, "api:1").message == "api:1 is INACTIVE"
    assert checks.taskdef_deregistered(lab, "api:7").message == "api:7 does not exist"
    with pytest.raises(ValueError):
        checks.taskdef_deregistered(lab, "api")


def test_image_checks(lab):
    ecr = lab.client("ecr")
    assert checks.image_tagged(lab, "web", "v1").message == "there is no repository named web"
    ecr.create_repository(repositoryName="web")
    v1 = build_image("FROM busybox\nCOPY a /a", files={"a": "1"}).push(lab, "web", "latest")
    r = checks.image_tagged(lab, "web", "v1", same_as="latest")
    assert r.message == "no image in web has the tag v1 (tags: latest)" and "put_image" in r.hint
    build_image("FROM busybox\nCOPY a /a", files={"a": "2"}).push(lab, "web", "v1")
    r = checks.image_tagged(lab, "web", "v1", same_as="latest")
    assert r.message == "v1 and latest point at different images"
    assert checks.image_tagged(lab, "web", "v1")  # without same_as, any image will do
    r = checks.no_untagged_images(lab, "web")
    assert r and r.message == "2 tagged image(s), none untagged"
    build_image("FROM busybox\nCOPY a /a", files={"a": "3"}).push(lab, "web", "latest")
    r = checks.no_untagged_images(lab, "web")
    assert r.message == "1 untagged image(s) left" and "tagStatus" in r.hint
    ecr.batch_delete_image(repositoryName="web", imageIds=[{"imageDigest": v1}])
    assert checks.no_untagged_images(lab, "web")
    r = checks.image_tagged(lab, "web", "latest")
    assert r and r.message.startswith("latest -> sha256:")


def test_step_charts():
    fig = charts.registered_memory_figure(["m5.large", "c5.large"])
    assert list(fig.data[0].y) == [8192, 4096] and list(fig.data[1].y) == [7985, 3992]
    assert list(fig.data[1].text) == ["-207", "-104"]
    assert fig.layout.yaxis.title.text == "memory (MiB)"
    fig = charts.fargate_sizes_figure(highlight=(256, 4096))
    assert len(fig.data[0].x) == 74 and fig.data[1].name.endswith("(not a Fargate size)")
    assert charts.fargate_sizes_figure(highlight=(1024, 2048)).data[1].marker.symbol == "star"


def test_repository_images_chart(lab):
    lab.client("ecr").create_repository(repositoryName="web")
    for page in ("1", "2"):
        build_image("FROM busybox\nCOPY a /a", files={"a": page}).push(lab, "web", "latest")
    fig = charts.repository_images_figure(lab, "web")
    tagged, untagged = fig.data
    assert len(tagged.x) == 1 and tagged.x[0].endswith("<br>latest")
    assert len(untagged.x) == 1 and untagged.x[0].endswith("<br>(untagged)")
    assert fig.layout.title.text == "Images in repository web: 2 image(s), 1 untagged"
