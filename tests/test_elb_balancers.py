"""ELBv2 load balancers, listeners and target groups through the real boto3 elbv2 client."""

import pytest
from botocore.exceptions import ClientError

from ecslab.domain.elb import PROVISIONING_SECONDS


@pytest.fixture
def elb(lab):
    return lab.client("elbv2")


@pytest.fixture
def net(ec2):
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    return {
        "vpc": subnets[0]["VpcId"],
        "subnets": [s["SubnetId"] for s in subnets],
        "sg": ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"],
    }


def error(ei):
    e = ei.value.response["Error"]
    return e["Code"], e["Message"]


def test_create_describe_and_activate_load_balancer(lab, elb, net):
    lb = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    assert lb["State"] == {"Code": "provisioning"}
    assert lb["Type"] == "application" and lb["Scheme"] == "internet-facing"
    assert lb["LoadBalancerArn"].startswith(
        "arn:aws:elasticloadbalancing:ap-east-1:123456789012:loadbalancer/app/web/"
    )
    name, number = lb["DNSName"].split(".", 1)[0].rsplit("-", 1)
    assert name == "web" and len(number) == 10 and number.isdigit()
    assert lb["DNSName"].endswith(".ap-east-1.elb.amazonaws.com")
    assert lb["CanonicalHostedZoneId"] == "Z3DQVH9N71FHZ0"
    assert [z["ZoneName"] for z in lb["AvailabilityZones"]] == ["ap-east-1a", "ap-east-1b"]
    assert lb["SecurityGroups"] == [net["sg"]] and lb["VpcId"] == net["vpc"]
    lab.advance(PROVISIONING_SECONDS - 1)
    assert elb.describe_load_balancers(Names=["web"])["LoadBalancers"][0]["State"]["Code"] == (
        "provisioning"
    )
    lab.advance(1)
    got = elb.describe_load_balancers(LoadBalancerArns=[lb["LoadBalancerArn"]])["LoadBalancers"]
    assert got[0]["State"]["Code"] == "active"
    internal = elb.create_load_balancer(
        Name="api", Subnets=net["subnets"], Scheme="internal", SecurityGroups=[net["sg"]]
    )["LoadBalancers"][0]
    assert internal["DNSName"].startswith("internal-api-")
    assert len(internal["AvailabilityZones"]) == 3
    kinds = [k for k in lab.events["kind"] if k.startswith("LoadBalancer")]
    assert kinds == ["LoadBalancerCreated", "LoadBalancerActive", "LoadBalancerCreated"]


def test_create_is_idempotent_and_duplicate_names_with_other_settings_fail(elb, net):
    a = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    b = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    assert a["LoadBalancerArn"] == b["LoadBalancerArn"]
    with pytest.raises(ClientError) as ei:
        elb.create_load_balancer(Name="web", Subnets=net["subnets"])
    assert error(ei) == (
        "DuplicateLoadBalancerName",
        "A load balancer with the same name 'web' exists, but with different settings",
    )
    assert len(elb.describe_load_balancers()["LoadBalancers"]) == 1


@pytest.mark.parametrize(
    "kwargs,code,message",
    [
        (
            {"Name": "one", "subnets": 1},
            "ValidationError",
            "At least two subnets in two different Availability Zones must be specified",
        ),
        (
            {"Name": "none", "subnets": 0},
            "ValidationError",
            "At least two subnets in two different Availability Zones must be specified",
        ),
        (
            {"Name": "bad_name", "subnets": 2},
            "ValidationError",
            "Load balancer name 'bad_name' can only contain characters that are alphanumeric "
            "characters or hyphens(-)",
        ),
        (
            {"Name": "internal-x", "subnets": 2},
            "ValidationError",
            "Load balancer name 'internal-x' cannot begin with 'internal-'",
        ),
        (
            {"Name": "x" * 33, "subnets": 2},
            "ValidationError",
            f"Load balancer name '{'x' * 33}' cannot be longer than '32' characters",
        ),
    ],
)
def test_create_load_balancer_validation(lab, elb, net, kwargs, code, message):
    before = len(lab.events)
    with pytest.raises(ClientError) as ei:
        elb.create_load_balancer(Name=kwargs["Name"], Subnets=net["subnets"][: kwargs["subnets"]])
    assert error(ei) == (code, message)
    assert len(lab.events) == before  # nothing recorded for a refused call


def test_same_zone_subnets_unknown_subnet_and_security_group(lab, elb, net):
    private = lab.network.add_private_subnet(az="ap-east-1a")
    with pytest.raises(ClientError) as ei:
        elb.create_load_balancer(Name="x", Subnets=[net["subnets"][0], private])
    assert error(ei) == (
        "InvalidConfigurationRequest",
        "A load balancer cannot be attached to multiple subnets in the same Availability Zone",
    )
    with pytest.raises(ClientError) as ei:
        elb.create_load_balancer(Name="x", Subnets=[net["subnets"][0], "subnet-0123456789abcdef0"])
    assert error(ei)[0] == "SubnetNotFound"
    with pytest.raises(elb.exceptions.InvalidSecurityGroupException):
        elb.create_load_balancer(Name="x", Subnets=net["subnets"][:2], SecurityGroups=["sg-1"])


def test_describe_unknown_and_delete_is_idempotent(lab, elb, net):
    with pytest.raises(ClientError) as ei:
        elb.describe_load_balancers(Names=["nope"])
    assert error(ei) == ("LoadBalancerNotFound", "Load balancers '[nope]' not found")
    lb = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    arn = lb["LoadBalancerArn"]
    elb.delete_load_balancer(LoadBalancerArn=arn)
    elb.delete_load_balancer(LoadBalancerArn=arn)  # AWS: deleting a deleted one succeeds
    with pytest.raises(elb.exceptions.LoadBalancerNotFoundException) as ei:
        elb.describe_load_balancers(LoadBalancerArns=[arn])
    assert error(ei)[1] == "One or more load balancers not found"
    with pytest.raises(ClientError) as ei:
        elb.delete_load_balancer(LoadBalancerArn="web")
    assert error(ei) == ("ValidationError", "'web' is not a valid load balancer ARN")
    lab.advance(PROVISIONING_SECONDS)  # the provisioning timer died with it
    assert "LoadBalancerActive" not in set(lab.events["kind"])


def test_paging_with_marker(elb, net):
    for i in range(5):
        elb.create_load_balancer(Name=f"lb{i}", Subnets=net["subnets"][:2])
    first = elb.describe_load_balancers(PageSize=2)
    assert [x["LoadBalancerName"] for x in first["LoadBalancers"]] == ["lb0", "lb1"]
    names = [
        x["LoadBalancerName"]
        for page in elb.get_paginator("describe_load_balancers").paginate(
            PaginationConfig={"PageSize": 2}
        )
        for x in page["LoadBalancers"]
    ]
    assert names == [f"lb{i}" for i in range(5)]


def test_listener_forwarding_to_a_target_group(lab, elb, net):
    lb = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=net["vpc"])[
        "TargetGroups"
    ][0]
    assert tg["LoadBalancerArns"] == []
    action = [{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}]
    li = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=action
    )["Listeners"][0]
    assert li["Port"] == 80 and li["Protocol"] == "HTTP"
    assert li["DefaultActions"] == action
    assert ":listener/app/web/" in li["ListenerArn"]
    tg = elb.describe_target_groups(Names=["web"])["TargetGroups"][0]
    assert tg["LoadBalancerArns"] == [lb["LoadBalancerArn"]]
    by_lb = elb.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]
    assert [t["TargetGroupName"] for t in by_lb] == ["web"]
    listed = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert [x["ListenerArn"] for x in listed] == [li["ListenerArn"]]

    with pytest.raises(ClientError) as ei:
        elb.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=action
        )
    assert error(ei)[0] == "DuplicateListener"
    with pytest.raises(ClientError) as ei:
        elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
    assert error(ei) == (
        "ResourceInUse",
        f"Target group '{tg['TargetGroupArn']}' is currently in use by a listener or a rule",
    )
    missing = tg["TargetGroupArn"][:-4] + "0000"
    with pytest.raises(ClientError) as ei:
        elb.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Port=8080,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": missing}],
        )
    assert error(ei) == ("TargetGroupNotFound", f"Target group '{missing}' not found")

    elb.delete_listener(ListenerArn=li["ListenerArn"])
    with pytest.raises(elb.exceptions.ListenerNotFoundException):
        elb.describe_listeners(ListenerArns=[li["ListenerArn"]])
    elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
    with pytest.raises(ClientError) as ei:
        elb.describe_target_groups(Names=["web"])
    assert error(ei) == ("TargetGroupNotFound", "One or more target groups not found")


def test_deleting_the_load_balancer_deletes_its_listeners(lab, elb, net):
    lb = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=net["vpc"])[
        "TargetGroups"
    ][0]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )
    elb.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    assert lab.events["kind"].tolist()[-2:] == ["ListenerDeleted", "LoadBalancerDeleted"]
    elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])  # no longer in use


def test_target_group_defaults_per_type(elb, net):
    http = elb.create_target_group(Name="http", Protocol="HTTP", Port=80, VpcId=net["vpc"])[
        "TargetGroups"
    ][0]
    assert {
        k: http[k]
        for k in http
        if k.startswith(("Health", "Healthy", "Unhealthy", "Matcher", "TargetType"))
    } == {
        "HealthCheckProtocol": "HTTP",
        "HealthCheckPort": "traffic-port",
        "HealthCheckEnabled": True,
        "HealthCheckIntervalSeconds": 30,
        "HealthCheckTimeoutSeconds": 5,
        "HealthyThresholdCount": 5,
        "UnhealthyThresholdCount": 2,
        "HealthCheckPath": "/",
        "Matcher": {"HttpCode": "200"},
        "TargetType": "instance",
    }
    tcp = elb.create_target_group(
        Name="tcp", Protocol="TCP", Port=80, VpcId=net["vpc"], TargetType="ip"
    )["TargetGroups"][0]
    assert (tcp["HealthCheckProtocol"], tcp["HealthCheckTimeoutSeconds"]) == ("TCP", 10)
    assert "HealthCheckPath" not in tcp and "Matcher" not in tcp
    lam = elb.create_target_group(Name="fn", TargetType="lambda")["TargetGroups"][0]
    assert lam["HealthCheckEnabled"] is False
    assert (lam["HealthCheckIntervalSeconds"], lam["HealthCheckTimeoutSeconds"]) == (35, 30)
    assert "VpcId" not in lam and "Port" not in lam
    again = elb.create_target_group(Name="http", Protocol="HTTP", Port=80, VpcId=net["vpc"])
    assert again["TargetGroups"][0]["TargetGroupArn"] == http["TargetGroupArn"]
    with pytest.raises(ClientError) as ei:
        elb.create_target_group(Name="http", Protocol="HTTP", Port=8080, VpcId=net["vpc"])
    assert error(ei) == (
        "DuplicateTargetGroupName",
        "A target group with the same name 'http' exists, but with different settings",
    )


@pytest.mark.parametrize(
    "extra,message",
    [
        (
            {"HealthCheckIntervalSeconds": 301},
            "HealthCheckIntervalSeconds must be between 5 and 300, not 301",
        ),
        ({"HealthyThresholdCount": 11}, "HealthyThresholdCount must be between 2 and 10, not 11"),
        (
            {"HealthCheckTimeoutSeconds": 30},
            "Health check timeout '30' must be smaller than the interval '30'",
        ),
        (
            {"Matcher": {"HttpCode": "500"}},
            "Health check matcher HTTP code '500' must be within '200-499'",
        ),
        ({"HealthCheckPath": "health"}, "Health check path 'health' must begin with '/'"),
        (
            {"HealthCheckEnabled": False},
            "Health checks cannot be disabled for target groups with target type 'instance'",
        ),
        ({"Name": "-x"}, "Target group name '-x' cannot begin or end with '-'"),
    ],
)
def test_target_group_validation(elb, net, extra, message):
    kw = {"Name": "tg", "Protocol": "HTTP", "Port": 80, "VpcId": net["vpc"], **extra}
    with pytest.raises(ClientError) as ei:
        elb.create_target_group(**kw)
    assert error(ei) == ("ValidationError", message)


def test_modify_target_group_and_attributes(lab, elb, net):
    tg = elb.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=net["vpc"])[
        "TargetGroups"
    ][0]
    arn = tg["TargetGroupArn"]
    out = elb.modify_target_group(
        TargetGroupArn=arn,
        HealthCheckPath="/health",
        HealthCheckIntervalSeconds=10,
        HealthyThresholdCount=2,
        Matcher={"HttpCode": "200-299"},
    )["TargetGroups"][0]
    assert (out["HealthCheckPath"], out["HealthCheckIntervalSeconds"]) == ("/health", 10)
    assert out["Matcher"] == {"HttpCode": "200-299"} and out["HealthyThresholdCount"] == 2
    attrs = {
        a["Key"]: a["Value"]
        for a in elb.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    }
    assert attrs["deregistration_delay.timeout_seconds"] == "300"
    attrs = elb.modify_target_group_attributes(
        TargetGroupArn=arn,
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
    )["Attributes"]
    assert {"Key": "deregistration_delay.timeout_seconds", "Value": "30"} in attrs
    with pytest.raises(ClientError) as ei:
        elb.modify_target_group_attributes(
            TargetGroupArn=arn,
            Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "4000"}],
        )
    assert error(ei)[0] == "ValidationError"
    with pytest.raises(ClientError) as ei:
        elb.modify_target_group(TargetGroupArn=arn, HealthCheckTimeoutSeconds=10)
    assert error(ei) == (
        "ValidationError",
        "Health check timeout '10' must be smaller than the interval '10'",
    )
    kinds = lab.events["kind"].tolist()
    assert (
        kinds.count("TargetGroupModified") == 1
        and kinds.count("TargetGroupAttributesModified") == 1
    )


def test_waiters_move_the_simulated_clock(lab, elb, net):
    """botocore's elbv2 waiters poll every 15 s: each repeat poll advances the lab's clock."""
    lb = elb.create_load_balancer(Name="web", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    start = lab.now
    elb.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]])
    waited = (lab.now - start).total_seconds()
    assert PROVISIONING_SECONDS <= waited < PROVISIONING_SECONDS + 15
    tg = elb.create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=net["vpc"], TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    lab.elb.declare_server("172.31.0.7", 80, paths=["/"])
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.7"}])
    elb.get_waiter("target_in_service").wait(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.7"}])
    assert lab.elb.target_health(tg)["state"].tolist() == ["healthy"]


def test_through_the_aws_cli(lab, net):
    from ecslab.adapters.aws_cli import AwsCliError

    server = lab.serve()  # stopped below, so the process environment is restored
    try:
        out = lab.aws(
            ["elbv2", "create-load-balancer", "--name", "cli", "--subnets", *net["subnets"]]
        )
        assert out["LoadBalancers"][0]["State"] == {"Code": "provisioning"}
        with pytest.raises(AwsCliError) as ei:
            lab.aws(
                ["elbv2", "create-load-balancer", "--name", "x", "--subnets", net["subnets"][0]]
            )
        assert ei.value.code == "ValidationError"
        assert "At least two subnets in two different Availability Zones" in ei.value.stderr
    finally:
        server.stop()
