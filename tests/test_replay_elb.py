"""Save/load replays load balancers, target groups, target health timelines and declarations."""

from ecslab import Lab
from tests.conftest import ECS_AMI_PARAM


def scenario(lab):
    ec2, elb, ssm = lab.client("ec2"), lab.client("elbv2"), lab.client("ssm")
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    vpc = subnets[0]["VpcId"]
    lb = elb.create_load_balancer(Name="web", Subnets=[s["SubnetId"] for s in subnets])
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    ip_tg = elb.create_target_group(
        Name="ip", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip", HealthCheckPath="/health"
    )["TargetGroups"][0]["TargetGroupArn"]
    inst_tg = elb.create_target_group(Name="inst", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    for port, tg in ((80, ip_tg), (81, inst_tg)):
        elb.create_listener(
            LoadBalancerArn=lb_arn,
            Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )
    try:
        elb.delete_target_group(TargetGroupArn=ip_tg)
    except elb.exceptions.ResourceInUseException:
        pass
    lab.web.declare_image("httpd", paths={"/": 200})
    lab.elb.declare_server("172.31.0.10", 80, paths={"/health": 200})
    lab.elb.declare_server("172.31.16.10", 80, paths=["/"])  # /health is a 404
    elb.register_targets(
        TargetGroupArn=ip_tg, Targets=[{"Id": "172.31.0.10"}, {"Id": "172.31.16.10"}]
    )
    ami = ssm.get_parameter(Name=ECS_AMI_PARAM)["Parameter"]["Value"]
    iid = ec2.run_instances(ImageId=ami, InstanceType="t3.medium", MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    lab.advance("4m")
    elb.register_targets(TargetGroupArn=inst_tg, Targets=[{"Id": iid}])
    elb.modify_target_group(TargetGroupArn=ip_tg, HealthCheckIntervalSeconds=10)
    lab.advance("2m")
    elb.modify_target_group_attributes(
        TargetGroupArn=ip_tg,
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "60"}],
    )
    elb.deregister_targets(TargetGroupArn=ip_tg, Targets=[{"Id": "172.31.16.10"}])
    lab.advance("30s")
    ec2.terminate_instances(InstanceIds=[iid])
    lab.advance("1m")
    return ip_tg, inst_tg


def answers(lab, tgs):
    elb = lab.client("elbv2")
    out = {
        "lbs": elb.describe_load_balancers()["LoadBalancers"],
        "tgs": elb.describe_target_groups()["TargetGroups"],
        "health": [
            elb.describe_target_health(TargetGroupArn=t)["TargetHealthDescriptions"] for t in tgs
        ],
        "tables": [lab.elb.target_health(t).to_dict("list") for t in tgs],
        "site": lab.web.site_for_image("public.ecr.aws/docker/library/httpd:2.4"),
        "now": lab.now,
    }
    return out


def test_elb_save_load_replay(tmp_path):
    lab = Lab(seed=5)
    tgs = scenario(lab)
    kinds = set(lab.events["kind"])
    assert {"TargetHealthChanged", "TargetDeregistered", "LoadBalancerActive"} <= kinds
    loaded = Lab.load(lab.save(tmp_path / "elb.jsonl"))
    assert answers(loaded, tgs) == answers(lab, tgs)
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    for x in (lab, loaded):  # both carry on identically (timers were re-created by replay)
        x.advance("5m")
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    health = answers(lab, tgs)["health"]
    assert [d["TargetHealth"]["State"] for d in health[0]] == ["healthy"]
    assert health[1][0]["TargetHealth"]["Reason"] == "Target.InvalidState"
