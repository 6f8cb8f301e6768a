"""Step 2 of the walkthrough: an EC2 instance's agent joins a cluster -- or says why it can't."""

import pytest

from ecslab.core import catalog


@pytest.fixture
def cluster(ecs):
    ecs.create_cluster(clusterName="MyCluster")
    return "MyCluster"


def registered(ecs, cluster="MyCluster"):
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    if not arns:
        return []
    return ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
        "containerInstances"
    ]


def resources(ci, key="registeredResources"):
    return {r["name"]: r for r in ci[key]}


@pytest.mark.parametrize(
    "itype,arm,cpu,memory",
    [
        ("m5.large", False, 2048, 7985),
        ("m7g.xlarge", True, 4096, 15970),
        ("c5.2xlarge", False, 8192, 15970),
    ],
)
def test_instance_registers_with_resources_matching_its_type(
    lab, ecs, ec2, launch, cluster, itype, arm, cpu, memory
):
    iid = launch(itype, arm=arm)
    lab.advance("20s")
    assert (
        ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"][
            "Name"
        ]
        == "running"
    )
    assert registered(ecs) == []  # the agent is still starting
    lab.advance("30s")
    [ci] = registered(ecs)
    assert ci["ec2InstanceId"] == iid
    res = resources(ci)
    assert res["CPU"]["integerValue"] == cpu == catalog.instance_type(itype)["registered_cpu"]
    assert res["MEMORY"]["integerValue"] == memory
    assert res["PORTS"]["stringSetValue"] == ["22", "2375", "2376", "51678", "51679"]
    assert res["PORTS_UDP"]["stringSetValue"] == []
    assert resources(ci, "remainingResources")["CPU"]["integerValue"] == cpu
    assert ci["status"] == "ACTIVE" and ci["agentConnected"] is True
    assert ci["runningTasksCount"] == ci["pendingTasksCount"] == 0
    assert ci["versionInfo"]["agentVersion"] == "1.89.2"
    attrs = {a["name"]: a.get("value") for a in ci["attributes"]}
    assert attrs["ecs.instance-type"] == itype
    assert attrs["ecs.cpu-architecture"] == ("arm64" if arm else "x86_64")
    assert attrs["ecs.os-type"] == "linux"
    assert attrs["ecs.availability-zone"] == "ap-east-1a"
    assert attrs["ecs.subnet-id"].startswith("subnet-") and attrs["ecs.vpc-id"].startswith("vpc-")
    assert attrs["ecs.ami-id"].startswith("ami-")
    assert "ecs.capability.task-eni" in attrs and attrs["ecs.capability.task-eni"] is None
    assert "com.amazonaws.ecs.capability.task-iam-role" in attrs
    c = ecs.describe_clusters(clusters=["MyCluster"])["clusters"][0]
    assert c["registeredContainerInstancesCount"] == 1
    kinds = lab.events["kind"].tolist()
    assert kinds.index("InstanceRunning") < kinds.index("ContainerInstanceRegistered")


@pytest.mark.parametrize(
    "user_data",
    [
        "#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config",
        "#!/bin/bash\necho 'ECS_CLUSTER=MyCluster' >> /etc/ecs/ecs.config\nyum -y update",
        "#!/bin/bash\ncat <<EOF >> /etc/ecs/ecs.config\nECS_CLUSTER=MyCluster\nECS_RESERVED_MEMORY=256\nEOF\n",
        "ECS_CLUSTER=MyCluster\nECS_RESERVED_MEMORY=256",
    ],
)
def test_user_data_forms(lab, ecs, launch, cluster, user_data):
    iid = launch(user_data=user_data)
    lab.advance("1m")
    [ci] = registered(ecs)
    memory = resources(ci)["MEMORY"]["integerValue"]
    assert memory == (7985 - 256 if "RESERVED" in user_data else 7985)
    log = "\n".join(lab.agent_log(iid))
    assert "Registration completed successfully" in log
    assert ("no '#!' line" in log) == (not user_data.startswith("#!"))


def test_no_ecs_cluster_registers_into_default_created_if_missing(lab, ecs, launch):
    launch(user_data=None)
    lab.advance("1m")
    [ci] = registered(ecs, "default")
    assert ci["containerInstanceArn"].startswith(
        "arn:aws:ecs:ap-east-1:123456789012:container-instance/default/"
    )
    assert "ClusterCreated" in lab.events["kind"].tolist()


def assert_never_registers(lab, ecs, iid, error_text, reason_text):
    lab.advance("10m")
    assert registered(ecs) == []
    log = lab.agent_log(iid)
    assert any(error_text in line and line.startswith("level=error") for line in log), log
    why = lab.diagnose_instance(iid)
    assert reason_text in why, why
    failed = lab.events[lab.events["kind"] == "AgentRegistrationFailed"]
    assert failed["resource"].tolist() == [iid]  # one fact, however many retries


def test_without_instance_profile(lab, ecs, launch, cluster):
    iid = launch(IamInstanceProfile={})
    assert_never_registers(
        lab, ecs, iid, "NoCredentialProviders", "the instance has no IAM instance profile"
    )
    assert "IamInstanceProfile" in lab.diagnose_instance(iid)


def test_role_removed_before_launch_is_rejected_by_ec2(lab, ec2, launch, cluster):
    lab.iam.remove_role("ecsInstanceRole")
    with pytest.raises(ec2.exceptions.ClientError) as ei:
        launch()
    assert ei.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert ei.value.response["Error"]["Message"] == (
        "Value (ecsInstanceRole) for parameter iamInstanceProfile.name is invalid. "
        "Invalid IAM Instance Profile name"
    )
    lab.iam.add_role("ecsInstanceRole")
    assert launch().startswith("i-")


def test_role_removed_after_launch(lab, ecs, launch, cluster):
    iid = launch()
    lab.iam.remove_role("ecsInstanceRole")
    assert_never_registers(lab, ecs, iid, "NoCredentialProviders", "no longer exists")


def test_private_subnet_has_no_route(lab, ecs, launch, cluster):
    private = lab.network.add_private_subnet(az="ap-east-1b", name="private-b")
    iid = launch(SubnetId=private)
    assert_never_registers(lab, ecs, iid, "dial tcp: i/o timeout", "is private")
    assert "add_ecs_vpc_endpoint" in lab.diagnose_instance(iid)


def test_no_public_ip_in_public_subnet(lab, ecs, launch, cluster):
    iid = launch(NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": False}])
    assert_never_registers(lab, ecs, iid, "i/o timeout", "has no public IP address")


def test_vpc_endpoint_fixes_the_route_and_the_agent_retries(lab, ecs, launch, cluster):
    private = lab.network.add_private_subnet()
    iid = launch(SubnetId=private)
    lab.advance("2m")
    assert registered(ecs) == []
    lab.network.add_ecs_vpc_endpoint()
    lab.advance("10m")
    [ci] = registered(ecs)
    assert ci["ec2InstanceId"] == iid
    assert "registered in cluster MyCluster" in lab.diagnose_instance(iid)


def test_plain_amazon_linux_ami_has_no_agent(lab, ecs, ec2, ssm, launch, cluster):
    ami = ssm.get_parameter(
        Name="/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2"
    )["Parameter"]["Value"]
    iid = launch(ImageId=ami)
    lab.advance("10m")
    assert registered(ecs) == []
    [line] = lab.agent_log(iid)
    assert "not an ECS-optimized AMI" in line
    why = lab.diagnose_instance(iid)
    assert "not the ECS-optimized AMI" in why and "recommended/image_id" in why


def test_missing_cluster_then_created(lab, ecs, launch):
    iid = launch(user_data="#!/bin/bash\necho ECS_CLUSTER=Later >> /etc/ecs/ecs.config")
    lab.advance("2m")
    assert any("ClientException: Cluster not found." in line for line in lab.agent_log(iid))
    assert "ECS_CLUSTER=Later names a cluster that does not exist" in lab.diagnose_instance(iid)
    ecs.create_cluster(clusterName="Later")
    lab.advance("10m")
    assert [c["ec2InstanceId"] for c in registered(ecs, "Later")] == [iid]


def test_pending_instance_diagnosis(lab, launch, cluster):
    iid = launch()
    assert "pending; its agent has not tried to register yet" in lab.diagnose_instance(iid)
