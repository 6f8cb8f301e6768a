"""Target registration and health on the simulated clock, through the real elbv2 client.

Responders are real lab-level objects: servers declared with ``lab.elb.declare_server`` (a
recorded lab action) and a plug-in domain standing where the services code will stand."""

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from ecslab import Lab, lab_action
from ecslab.core.errors import InvalidParameterException
from ecslab.domain.elb import PROVISIONING_SECONDS
from ecslab.domain.elb.model import TargetSpec
from ecslab.domain.web import Site


@pytest.fixture
def elb(lab):
    return lab.client("elbv2")


@pytest.fixture
def setup(lab, ec2, elb):
    """An ALB in zones a and b, an ip target group (interval 10, timeout 5, healthy 3,
    unhealthy 2) and a listener; returns a dict of ARNs and ids."""
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    vpc = subnets[0]["VpcId"]
    lb = elb.create_load_balancer(Name="web", Subnets=[s["SubnetId"] for s in subnets[:2]])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]

    def group(name, ttype="ip", **kw):
        kw = {
            "HealthCheckIntervalSeconds": 10,
            "HealthCheckTimeoutSeconds": 5,
            "HealthyThresholdCount": 3,
            "UnhealthyThresholdCount": 2,
            **kw,
        }
        return elb.create_target_group(
            Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType=ttype, **kw
        )["TargetGroups"][0]["TargetGroupArn"]

    tg = group("web")
    listener = elb.create_listener(
        LoadBalancerArn=lb_arn, Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}]
    )["Listeners"][0]["ListenerArn"]
    return {"lb": lb_arn, "tg": tg, "vpc": vpc, "listener": listener, "group": group}


def health(elb, tg):
    return {
        d["Target"]["Id"]: (
            d["TargetHealth"]["State"],
            d["TargetHealth"].get("Reason"),
            d["TargetHealth"].get("Description"),
        )
        for d in elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    }


def changes(lab, since):
    """[(seconds after `since`, target, from, to, reason)] from the TargetHealthChanged facts."""
    ev = lab.events
    ev = ev[(ev["kind"] == "TargetHealthChanged") & (ev["time"] >= since)]
    return [
        ((row.time - since).total_seconds(), d["target"], d["from"], d["to"], d["reason"])
        for row, d in zip(ev.itertuples(), ev["detail"], strict=True)
    ]


def test_probe_outcomes_and_their_reason_codes(lab, elb, setup):
    tg = setup["tg"]
    lab.elb.declare_server("172.31.0.10", 80, paths=["/"])
    lab.elb.declare_server("172.31.0.11", 80, paths={"/other": 200})  # "/" is a 404
    lab.elb.declare_server("172.31.0.12", 80, reply="timeout")
    lab.elb.declare_server("172.31.0.13", 80, reply="refuse")
    elb.register_targets(
        TargetGroupArn=tg, Targets=[{"Id": f"172.31.0.{i}"} for i in range(10, 14)]
    )
    assert set(health(elb, tg).values()) == {
        ("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
    }
    lab.advance(PROVISIONING_SECONDS)  # no probe while the load balancer is provisioning
    active = lab.now
    assert set(health(elb, tg).values()) == {
        ("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
    }
    lab.advance("30s")
    # Probes at +10 and +20; a timed-out probe fails 5 s later. One pass makes a new target
    # healthy; 2 failures (UnhealthyThresholdCount) make it unhealthy.
    assert changes(lab, active) == [
        (10, "172.31.0.10", "initial", "healthy", None),
        (10, "172.31.0.11", "initial", "initial", "Elb.InitialHealthChecking"),
        (10, "172.31.0.13", "initial", "initial", "Elb.InitialHealthChecking"),
        (15, "172.31.0.12", "initial", "initial", "Elb.InitialHealthChecking"),
        (20, "172.31.0.11", "initial", "unhealthy", "Target.ResponseCodeMismatch"),
        (20, "172.31.0.13", "initial", "unhealthy", "Target.FailedHealthChecks"),
        (25, "172.31.0.12", "initial", "unhealthy", "Target.Timeout"),
    ]
    assert health(elb, tg) == {
        "172.31.0.10": ("healthy", None, None),
        "172.31.0.11": (
            "unhealthy",
            "Target.ResponseCodeMismatch",
            "Health checks failed with these codes: [404]",
        ),
        "172.31.0.12": ("unhealthy", "Target.Timeout", "Request timed out"),
        "172.31.0.13": ("unhealthy", "Target.FailedHealthChecks", "Health checks failed"),
    }
    table = lab.elb.target_health(tg)
    assert list(table.columns) == ["target", "port", "az", "state", "reason", "description"]
    assert table["az"].tolist() == ["ap-east-1a"] * 4
    assert table["state"].tolist() == ["healthy", "unhealthy", "unhealthy", "unhealthy"]


def test_thresholds_back_to_healthy_and_down_again(lab, elb, setup):
    tg = setup["tg"]
    lab.advance(PROVISIONING_SECONDS)
    lab.elb.declare_server("172.31.16.20", 80, reply="refuse")
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.16.20"}])
    t0 = lab.now
    lab.advance("25s")  # probes at 10, 20: unhealthy at 20
    lab.elb.declare_server("172.31.16.20", 80, paths=["/"])  # the app comes up at 25
    lab.advance("30s")  # passes at 30, 40, 50: HealthyThresholdCount 3 -> healthy at 50
    lab.elb.declare_server("172.31.16.20", 80, paths=["/elsewhere"])  # breaks at 55
    lab.advance("30s")  # fails at 60, 70 -> unhealthy at 70
    assert [(t, old, new) for t, _, old, new, _ in changes(lab, t0)] == [
        (0, "unused", "initial"),
        (10, "initial", "initial"),
        (20, "initial", "unhealthy"),
        (50, "unhealthy", "healthy"),
        (70, "healthy", "unhealthy"),
    ]


def test_unused_until_a_listener_and_outside_the_enabled_zones(lab, elb, setup):
    other = setup["group"]("other")
    elb.register_targets(TargetGroupArn=other, Targets=[{"Id": "172.31.0.30", "Port": 8080}])
    assert health(elb, other) == {
        "172.31.0.30": (
            "unused",
            "Target.NotInUse",
            "Target group is not configured to receive traffic from the load balancer",
        )
    }
    # A target in ap-east-1c, which the load balancer (zones a and b) does not serve.
    elb.register_targets(TargetGroupArn=setup["tg"], Targets=[{"Id": "172.31.32.5"}])
    assert health(elb, setup["tg"])["172.31.32.5"] == (
        "unused",
        "Target.NotInUse",
        "Target is in an Availability Zone that is not enabled for the load balancer",
    )
    li = elb.create_listener(
        LoadBalancerArn=setup["lb"],
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": other}],
    )["Listeners"][0]["ListenerArn"]
    assert health(elb, other)["172.31.0.30"][:2] == ("initial", "Elb.RegistrationInProgress")
    lab.advance(PROVISIONING_SECONDS)
    lab.advance("30s")  # nothing answers 172.31.0.30: probes at +10, +20 time out 5 s later
    assert health(elb, other)["172.31.0.30"][:2] == ("unhealthy", "Target.Timeout")
    elb.delete_listener(ListenerArn=li)
    assert health(elb, other)["172.31.0.30"][:2] == ("unused", "Target.NotInUse")
    n = len(lab.events)
    lab.advance("5m")  # no probes for an unused target
    assert lab.events["kind"].tolist()[n:] == ["ClockAdvanced"]


def test_deregistration_drains_for_the_delay(lab, elb, setup):
    tg = setup["tg"]
    lab.advance(PROVISIONING_SECONDS)
    lab.elb.declare_server("172.31.0.40", 80, paths=["/"])
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.40"}, {"Id": "172.31.0.41"}])
    lab.advance("10s")
    elb.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.40"}])
    assert health(elb, tg)["172.31.0.40"] == (
        "draining",
        "Target.DeregistrationInProgress",
        "Target deregistration is in progress",
    )
    t0 = lab.now
    lab.advance(299)
    assert "172.31.0.40" in health(elb, tg)
    lab.advance(1)
    assert "172.31.0.40" not in health(elb, tg)
    last = lab.events[lab.events["kind"] == "TargetDeregistered"].iloc[-1]
    assert last["time"] - t0 == timedelta(seconds=300) and last["detail"]["target"] == "172.31.0.40"
    gone = elb.describe_target_health(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.40"}])
    assert gone["TargetHealthDescriptions"][0]["TargetHealth"] == {
        "State": "unused",
        "Reason": "Target.NotRegistered",
        "Description": "Target is not registered to the target group",
    }
    elb.modify_target_group_attributes(
        TargetGroupArn=tg,
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
    )
    elb.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.41"}])
    lab.advance(30)
    assert health(elb, tg) == {}
    with pytest.raises(elb.exceptions.InvalidTargetException):
        elb.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.41"}])


def test_instance_targets(lab, elb, setup, launch):
    itg = setup["group"]("inst", ttype="instance")
    iid = launch()
    with pytest.raises(ClientError) as ei:
        elb.register_targets(TargetGroupArn=itg, Targets=[{"Id": iid}])
    assert ei.value.response["Error"] == {
        "Type": "Sender",
        "Code": "InvalidTarget",
        "Message": f"The following targets are not in a running state and cannot be registered: '{iid}'",
    }
    with pytest.raises(ClientError) as ei:
        elb.register_targets(TargetGroupArn=itg, Targets=[{"Id": "10.0.0.1"}])
    assert ei.value.response["Error"]["Message"] == "Instance ID '10.0.0.1' is not valid"
    lab.advance(PROVISIONING_SECONDS)
    elb.create_listener(
        LoadBalancerArn=setup["lb"],
        Port=81,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": itg}],
    )
    # Same instance, two ports: nothing listens on 32768 (refused), a server on 32769.
    lab.elb.declare_server(iid, 32769, paths=["/"])
    elb.register_targets(
        TargetGroupArn=itg, Targets=[{"Id": iid, "Port": 32768}, {"Id": iid, "Port": 32769}]
    )
    lab.advance("20s")
    got = elb.describe_target_health(TargetGroupArn=itg)["TargetHealthDescriptions"]
    assert [
        (d["Target"]["Port"], d["HealthCheckPort"], d["TargetHealth"]["State"]) for d in got
    ] == [
        (32768, "32768", "unhealthy"),
        (32769, "32769", "healthy"),
    ]
    lab.client("ec2").terminate_instances(InstanceIds=[iid])
    assert {
        d["TargetHealth"]["Description"]
        for d in elb.describe_target_health(TargetGroupArn=itg)["TargetHealthDescriptions"]
    } == {"Target is in the terminated state"}


@pytest.mark.parametrize(
    "target,message",
    [
        (
            {"Id": "10.9.9.9"},
            "The Availability Zone is required for IP address '10.9.9.9' because it is not in the VPC",
        ),
        (
            {"Id": "172.31.0.9", "AvailabilityZone": "all"},
            "The IP address '172.31.0.9' is within the VPC, and cannot have its Availability Zone overridden to 'all' from 'ap-east-1a'",
        ),
        (
            {"Id": "i-0123456789abcdef0"},
            "The IP address 'i-0123456789abcdef0' is not a valid IPv4 address",
        ),
    ],
)
def test_ip_target_validation(lab, elb, setup, target, message):
    n = len(lab.events)
    with pytest.raises(ClientError) as ei:
        elb.register_targets(TargetGroupArn=setup["tg"], Targets=[{"Id": "172.31.0.8"}, target])
    assert ei.value.response["Error"]["Code"] == "ValidationError"
    assert ei.value.response["Error"]["Message"] == message
    assert len(lab.events) == n and health(elb, setup["tg"]) == {}  # all or nothing


class TaskWeb:
    """Where the services code will plug in: answers for the addresses it runs tasks on, and
    hears every target health change."""

    def __init__(self):
        self.sites = {"172.31.16.50": Site.serving({"/": 200, "/health": 503}, None)}
        self.heard = []

    def health_responder(self, tg, target):
        return self.sites.get(target.id)

    def on_target_health_changed(self, tg, target, old):
        self.heard.append((target.id, old, target.state))


def test_responder_hook_and_health_change_hook(lab, elb, setup):
    plug = TaskWeb()
    lab.domains.append(plug)
    tg = setup["tg"]
    elb.modify_target_group(
        TargetGroupArn=tg, HealthCheckPath="/health", Matcher={"HttpCode": "200-299"}
    )
    lab.advance(PROVISIONING_SECONDS)
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.16.50"}])
    lab.advance("20s")
    assert health(elb, tg)["172.31.16.50"][2] == "Health checks failed with these codes: [503]"
    elb.modify_target_group(TargetGroupArn=tg, HealthCheckPath="/")
    lab.advance("30s")
    assert plug.heard == [
        ("172.31.16.50", "unused", "initial"),
        ("172.31.16.50", "initial", "initial"),
        ("172.31.16.50", "initial", "unhealthy"),
        ("172.31.16.50", "unhealthy", "healthy"),
    ]


def test_ecs_rule_for_a_service_target_group(lab, elb, setup):
    ip_tg = setup["tg"]
    inst_tg = setup["group"]("inst", ttype="instance")
    with pytest.raises(InvalidParameterException) as ei:
        lab.elb.check_service_target_group(inst_tg, "awsvpc")
    assert ei.value.message == (
        f"The target group with targetGroupArn {inst_tg} does not have an associated load balancer."
    )
    elb.create_listener(
        LoadBalancerArn=setup["lb"],
        Port=81,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": inst_tg}],
    )
    with pytest.raises(InvalidParameterException) as ei:
        lab.elb.check_service_target_group(inst_tg, "awsvpc")
    assert ei.value.message == (
        f"The provided target group {inst_tg} has target type instance, which is incompatible "
        "with the awsvpc network mode specified in the task definition."
    )
    with pytest.raises(InvalidParameterException) as ei:
        lab.elb.check_service_target_group(ip_tg, "bridge")
    assert (
        "has target type ip, which is incompatible with the bridge network mode" in ei.value.message
    )
    assert lab.elb.check_service_target_group(ip_tg, "awsvpc").arn == ip_tg
    assert lab.elb.check_service_target_group(inst_tg, "bridge").arn == inst_tg


@lab_action
def _test_register_with_responder(lab, tg_arn: str, ip: str) -> None:
    """How the service scheduler registers a task: from inside a recorded command, passing the
    task's responder (here: serves "/" only)."""
    lab.elb.register_targets(tg_arn, [TargetSpec(ip)], responder=Site(port=None))


def test_responder_given_at_registration_wins_and_replays(lab, elb, setup, tmp_path):
    tg = setup["tg"]
    lab.elb.declare_server("172.31.0.60", 80, reply="refuse")  # overridden by the task's own
    lab.advance(PROVISIONING_SECONDS)
    lab.act("_test_register_with_responder", tg_arn=tg, ip="172.31.0.60")
    lab.advance("10s")
    assert health(elb, tg)["172.31.0.60"] == ("healthy", None, None)
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl"))
    assert loaded.elb.target_health(tg).equals(lab.elb.target_health(tg))
