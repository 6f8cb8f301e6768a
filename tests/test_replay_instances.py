"""Save/load replays EC2 launches, agent registration, lab actions and settings exactly."""

from ecslab import Lab


def scenario(lab):
    ssm, ec2, ecs = lab.client("ssm"), lab.client("ec2"), lab.client("ecs")
    ami = ssm.get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
    )["Parameter"]["Value"]
    ecs.create_cluster(clusterName="MyCluster")
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    private = lab.network.add_private_subnet(az="ap-east-1b")
    run = dict(ImageId=ami, MinCount=1, MaxCount=2, IamInstanceProfile={"Name": "ecsInstanceRole"})
    ec2.run_instances(InstanceType="m5.large", UserData="ECS_CLUSTER=MyCluster", **run)
    stuck = ec2.run_instances(InstanceType="t3.medium", SubnetId=private, **run)["Instances"]
    lab.advance("3m")
    lab.network.add_ecs_vpc_endpoint()
    lab.iam.remove_role("ecsTaskExecutionRole")
    lab.advance("10m")
    arns = ecs.list_container_instances(cluster="default")["containerInstanceArns"]
    ecs.update_container_instances_state(
        cluster="default", containerInstances=arns[:1], status="DRAINING"
    )
    ecs.put_attributes(
        cluster="MyCluster",
        attributes=[
            {"name": "stack", "value": "prod", "targetId": a}
            for a in ecs.list_container_instances(cluster="MyCluster")["containerInstanceArns"]
        ],
    )
    ec2.terminate_instances(InstanceIds=[stuck[1]["InstanceId"]])
    lab.advance("1m")


def answers(lab):
    ec2, ecs = lab.client("ec2"), lab.client("ecs")
    out = {"instances": ec2.describe_instances()["Reservations"]}
    out["subnets"] = ec2.describe_subnets()["Subnets"]
    for c in ("MyCluster", "default"):
        arns = ecs.list_container_instances(cluster=c)["containerInstanceArns"]
        out[c] = ecs.describe_container_instances(cluster=c, containerInstances=arns or ["x"])
        out[c].pop("ResponseMetadata")
    out["table"] = lab.container_instances.table().to_dict("list")
    out["logs"] = {
        i["InstanceId"]: lab.agent_log(i["InstanceId"])
        for r in out["instances"]
        for i in r["Instances"]
    }
    out["settings"] = ecs.list_account_settings()["settings"]
    return out


def test_save_load_replays_instances(tmp_path):
    lab = Lab(seed=5)
    scenario(lab)
    kinds = set(lab.events["kind"])
    assert {"ContainerInstanceRegistered", "AgentRegistrationFailed", "InstanceTerminated"} <= kinds
    loaded = Lab.load(lab.save(tmp_path / "lab.jsonl.gz"))
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    assert answers(loaded) == answers(lab)
    for x in (lab, loaded):
        x.advance("2h")
    assert answers(loaded) == answers(lab)
