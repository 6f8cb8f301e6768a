"""The instance launch panel driven through its methods and buttons against a real lab; the
instance helpers it uses (AMI from SSM, user data, tables, readable ids)."""

import pytest

from workbook.panels import InstanceLaunchPanel
from workbook.views import instances


@pytest.fixture
def panel(lab, ecs):
    ecs.create_cluster(clusterName="MyCluster")
    return InstanceLaunchPanel(lab, cluster="MyCluster")


def registered(ecs, cluster="MyCluster"):
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    if not arns:
        return []
    described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns)
    return [c["ec2InstanceId"] for c in described["containerInstances"]]


def test_form_defaults_come_from_the_catalog_and_the_cluster(panel):
    assert (
        panel.user_data.value == "#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config\n"
    )
    labels = dict((v, k) for k, v in panel.instance_type.options)
    assert labels["m5.large"] == "m5.large: 2 vCPU, 8 GiB, 3 ENIs (x86_64)"
    assert labels["m7g.xlarge"] == "m7g.xlarge: 4 vCPU, 16 GiB, 4 ENIs (arm64)"
    assert panel.profile.value is True and panel.ami.value is True
    assert [label for label, _ in panel.subnet.options] == [
        "ap-east-1a public",
        "ap-east-1b public",
        "ap-east-1c public",
    ]
    assert "No instances launched" in panel.results_html.value


def test_launch_then_advance_shows_registration(lab, ecs, panel):
    out = panel.launch("m7g.large", name="arm-1")  # arm64: the panel picks the arm64 ECS AMI
    assert out.ok and out.message.endswith(
        "(arm-1): m7g.large is pending; advance the clock to let its agent register"
    )
    [iid] = panel.launcher.launched
    ec2 = lab.client("ec2")
    inst = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert inst["ImageId"] == instances.ami_id(lab, "arm64")
    assert inst["IamInstanceProfile"]["Arn"].endswith("instance-profile/ecsInstanceRole")
    assert registered(ecs) == []
    rows = panel.advance("1m")
    assert registered(ecs) == [iid]
    assert (
        rows.loc["arm-1", "ecs_status"] == "ACTIVE" and rows.loc["arm-1", "cluster"] == "MyCluster"
    )
    assert rows.loc["arm-1", "diagnosis"].startswith(
        "<arm-1> is registered in cluster MyCluster as"
    )
    assert panel.status_text == "✓ now 09:01:00 UTC: 1 of 1 launched instance(s) registered"
    table = instances.container_instances_table(lab, "MyCluster")
    assert table.loc["arm-1", ["cpu", "memory_mib", "arch"]].tolist() == [2048, 7985, "arm64"]


def test_the_classic_failures_get_their_diagnosis(lab, ecs, panel):
    private = lab.network.add_private_subnet(name="private")
    panel.refresh()
    assert panel.subnet.options[-1] == ("ap-east-1a private (private)", private)
    panel.launch(name="no-role", instance_profile=False)
    panel.launch(name="private", instance_profile=True, subnet_id=private)
    panel.launch(name="plain", ecs_optimized=False, subnet_id=panel.subnet.options[0][1])
    panel.launch(name="typo", ecs_optimized=True, user_data=instances.user_data_for("mycluster"))
    panel.launch(name="no-ip", public_ip=False, user_data=instances.user_data_for("MyCluster"))
    rows = panel.advance("5m")
    assert registered(ecs) == []
    why = rows["diagnosis"].to_dict()
    assert "has no IAM instance profile" in why["no-role"]
    assert "subnet subnet-… is private" in why["private"]
    assert "is not the ECS-optimized AMI" in why["plain"]
    assert "ECS_CLUSTER=mycluster names a cluster that does not exist" in why["typo"]
    assert "has no public IP address" in why["no-ip"]
    assert (rows["state"] == "running").all()
    # The buttons run the same methods with the form's values.
    panel.name.value = "button"
    panel.user_data.value = instances.user_data_for("MyCluster")
    panel.profile.value = True
    panel.ami.value = True
    panel.subnet.value = panel.subnet.options[0][1]
    panel.public_ip.value = None
    panel.launch_button.click()
    panel.advance_buttons["+1 m and check"].click()
    assert panel.results.loc["button", "ecs_status"] == "ACTIVE"
    assert len(registered(ecs)) == 1


def test_errors_in_aws_words_and_no_trace(lab, panel):
    n = len(lab.events)
    assert panel.launch("m5.huge").message == "m5.huge is not in the catalog"
    lab.iam.remove_role("ecsInstanceRole")
    n = len(lab.events)
    out = panel.launch("m5.large")
    assert not out.ok
    assert out.message == (
        "InvalidParameterValue: Value (ecsInstanceRole) for parameter iamInstanceProfile.name is "
        "invalid. Invalid IAM Instance Profile name"
    )
    assert len(lab.events) == n and panel.launcher.launched == []
    panel.advance(-1)
    assert panel.status_text.startswith("✗ ")


def test_readable_hides_ids_but_keeps_names(lab, panel):
    panel.launch(name="web-1")
    panel.launch(name="")  # the form keeps its fields between launches: clear the name
    a, b = panel.launcher.launched
    text = f"{a} and {b} in subnet-0123456789abcdef0 as {'ab' * 16}"
    assert instances.readable(lab, text) == "<web-1> and i-… in subnet-… as …"
    assert instances.registration_status(lab, a)["registered"] is False
    lab.advance("1m")
    st = instances.registration_status(lab, a)
    assert (st["state"], st["cluster"], st["status"], st["registered"]) == (
        "running",
        "MyCluster",
        "ACTIVE",
        True,
    )


def test_registered_memory_table():
    t = instances.registered_memory_table(["m5.large", "c5.large", "m5.xlarge"])
    assert t.loc["m5.large"].tolist() == [2, 2048, 8192, 7985, 207]
    assert t.loc["c5.large", "registered_mib"] == 3992
    assert t.loc["m5.xlarge", "registered_cpu"] == 4096
