"""Break-it scenarios: each starts with the real symptom and message, a wrong fix leaves its
check failing with a hint, the documented fix makes it pass; all through public calls."""

from __future__ import annotations

import dataclasses

import pytest

from ecslab import Lab, breakit
from ecslab.breakit.kit import public_subnets
from ecslab.breakit.scenarios_health import health_revision

SUBNET_RUN = {"launchType": "FARGATE"}


def fargate_run(lab, cluster, family, subnet, public_ip=False):
    lab.client("ecs").run_task(
        cluster=cluster,
        taskDefinition=family,
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [subnet],
                "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
            }
        },
        **SUBNET_RUN,
    )
    lab.advance("2m")


def private_subnet(lab):
    subnets = lab.client("ec2").describe_subnets()["Subnets"]
    return next(s["SubnetId"] for s in subnets if not s["MapPublicIpOnLaunch"])


# -- wrong fixes: plausible, public, and not enough ---------------------------------------------------


def wrong_no_route(lab, variant):
    if variant == "private-subnet":
        lab.network.add_ecs_vpc_endpoint()  # reaches AWS services, not Docker Hub
        fargate_run(lab, "pull-lab", "pull-web", private_subnet(lab))
    elif variant == "ecr-private-subnet":
        fargate_run(lab, "pull-lab", "pull-web", public_subnets(lab)[0], public_ip=False)
    else:
        fargate_run(lab, "pull-lab", "pull-web", public_subnets(lab)[0], public_ip=False)


def wrong_placement(lab, variant):
    ecs = lab.client("ecs")
    if variant == "service":
        ecs.register_task_definition(
            family="place-app",
            containerDefinitions=[
                {"name": "web", "image": "httpd:2.4", "cpu": 3072, "memory": 512}
            ],
        )
        ecs.update_service(cluster="place-lab", service="place-app", taskDefinition="place-app")
        # Running the small task by hand does not fix the service.
        ecs.register_task_definition(
            family="place-app",
            containerDefinitions=[{"name": "web", "image": "httpd:2.4", "cpu": 256, "memory": 512}],
        )
        assert ecs.run_task(cluster="place-lab", taskDefinition="place-app")["tasks"]
    elif variant == "ports":
        [arn] = ecs.list_tasks(cluster="place-lab", family="place-app")["taskArns"]
        ecs.stop_task(cluster="place-lab", task=arn)
        lab.advance("1m")
        ecs.run_task(cluster="place-lab", taskDefinition="place-app")
    else:
        cpu, memory = (3072, 512) if variant == "cpu" else (256, 8192)  # 8192 > 7985 registered
        ecs.register_task_definition(
            family="place-app",
            containerDefinitions=[
                {"name": "web", "image": "httpd:2.4", "cpu": cpu, "memory": memory}
            ],
        )
        resp = ecs.run_task(cluster="place-lab", taskDefinition="place-app")
        assert resp["failures"][0]["reason"] == f"RESOURCE:{variant.upper()}"
    lab.advance("1m")


def wrong_join(lab, variant):
    if variant == "wrong-cluster-name":
        lab.client("ecs").create_cluster(clusterName="join_lab")  # it joins the misspelt one
    elif variant == "no-route":
        breakit.get(3)  # launching again in the same private subnet changes nothing
        lab.client("ec2").run_instances(
            ImageId=lab.client("ssm").get_parameter(
                Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
            )["Parameter"]["Value"],
            InstanceType="m5.large",
            MinCount=1,
            MaxCount=1,
            SubnetId=private_subnet(lab),
            IamInstanceProfile={"Name": "ecsInstanceRole"},
            UserData="#!/bin/bash\necho ECS_CLUSTER=join-lab >> /etc/ecs/ecs.config\n",
        )
    else:
        lab.iam.add_role("ecsInstanceRole")  # it already exists; the instance has no profile
    lab.advance("10m")


def wrong_logs(lab, variant):
    lab.client("logs").create_log_group(logGroupName="/ecs/logs")
    if variant == "fargate":
        fargate_run(lab, "logs-lab", "logs-app", public_subnets(lab)[0], public_ip=True)
    else:
        lab.client("ecs").run_task(cluster="logs-lab", taskDefinition="logs-app")
        lab.advance("2m")


def wrong_roles(lab, variant):
    ecs = lab.client("ecs")
    td = ecs.describe_task_definition(taskDefinition="roles-app")["taskDefinition"]
    role = f"arn:aws:iam::{lab.account_id}:role/"
    ecs.register_task_definition(
        family="roles-app",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=td["containerDefinitions"],
        taskRoleArn=role + "ecsTaskExecutionRole",
        executionRoleArn=role + "ecsInstanceRole",  # still the instance role
    )
    fargate_run(lab, "roles-lab", "roles-app", public_subnets(lab)[0], public_ip=True)


def wrong_eni(lab, variant):
    ecs = lab.client("ecs")
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    if variant == "t3-unsupported":
        from ecslab.breakit.kit import launch

        launch(lab, "eni-more", "eni-lab", "t3.medium")  # more ENIs, still no trunk
        lab.advance("1m")
    ecs.run_task(
        cluster="eni-lab",
        taskDefinition="eni-app",
        count=2,
        networkConfiguration={"awsvpcConfiguration": {"subnets": public_subnets(lab)}},
    )
    lab.advance("1m")


def wrong_health(lab, variant):
    ecs = lab.client("ecs")
    if variant in ("wrong-health-path", "no-grace-period"):
        # More grace does not make a wrong path right; 60 s is shorter than the app's start-up.
        grace = 120 if variant == "wrong-health-path" else 60
        ecs.update_service(
            cluster="health-lab", service="health-web", healthCheckGracePeriodSeconds=grace
        )
    else:
        # More retries: 5 x 10 s is still shorter than the 90 s start-up; a start period does
        # not make /health exist.
        change = {"retries": 5} if variant == "short-start-period" else {"startPeriod": 60}
        arn = health_revision(lab, variant, **change)
        ecs.update_service(cluster="health-lab", service="health-web", taskDefinition=arn)
    lab.advance("8m")


def wrong_rollout(lab, variant):
    lab.client("ecs").update_service(
        cluster="deploy-lab",
        service="deploy-web",
        deploymentConfiguration={"maximumPercent": 100},  # less room, not more
    )
    lab.advance("3m")


def wrong_alb(lab, variant):
    vpc = lab.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    lab.client("elbv2").create_target_group(
        Name="alb-web-ip", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
    )  # right type, but no listener forwards to it


def wrong_size(lab, variant):
    td = breakit.broken_size_definition(lab, variant)
    td["cpu"], td["memory"] = "256", "512"  # valid for Fargate, too small for the app
    lab.client("ecs").register_task_definition(**td)


WRONG = {
    1: wrong_no_route,
    2: wrong_placement,
    3: wrong_join,
    4: wrong_health,
    5: wrong_logs,
    6: wrong_roles,
    7: wrong_eni,
    8: wrong_rollout,
    9: wrong_alb,
    10: wrong_size,
}

ROLE = "arn:aws:iam::123456789012:role/ecsInstanceRole"
SYMPTOMS = {
    (1, "private-subnet"): [
        "STOPPED (TaskFailedToStart): CannotPullContainerError: pull image manifest has been "
        "retried 5 time(s): failed to resolve ref docker.io/library/httpd:2.4: failed to do "
        'request: Head "https://registry-1.docker.io/v2/library/httpd/manifests/2.4": dial tcp: '
        "i/o timeout"
    ],
    (1, "ecr-private-subnet"): [
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
        "retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 "
        'time(s): RequestError: send request failed caused by: Post "https://api.ecr.ap-east-1.'
        'amazonaws.com/"',
        "i/o timeout. Please check your task network configuration.",
    ],
    (1, "no-public-ip"): ["CannotPullContainerError:", "dial tcp: i/o timeout"],
    (2, "cpu"): ["RunTask failures: 1 x RESOURCE:CPU"],
    (2, "memory"): ["RunTask failures: 1 x RESOURCE:MEMORY"],
    (2, "ports"): ["RunTask failures: 1 x RESOURCE:PORTS"],
    (2, "service"): [
        "runningCount 0 of 1; newest event: (service place-app) was unable to place a task "
        "because no container instance met all of its requirements. The closest matching "
        "container-instance ",
        " has insufficient CPU units available.",
    ],
    (3, "no-ecs-cluster"): ["Registration completed successfully.", "in cluster 'default'"],
    (3, "wrong-cluster-name"): [
        "Unable to register as a container instance with ECS: ClientException: Cluster not found."
    ],
    (3, "no-instance-role"): ["NoCredentialProviders: no valid providers in chain."],
    (3, "no-route"): [
        'RequestError: send request failed caused by: Post "https://ecs.ap-east-1.amazonaws.com/": '
        "dial tcp: i/o timeout"
    ],
    (4, "wrong-health-path"): [
        "health-web tasks stopped by the service for failed health checks",
        "last stoppedReason: Task failed ELB health checks in (target-group "
        "arn:aws:elasticloadbalancing:ap-east-1:123456789012:targetgroup/health-web/",
        ") due to (reason Health checks failed with these codes: [404]).",
        "target health reason: Target.ResponseCodeMismatch (Health checks failed with these "
        "codes: [404])",
    ],
    (4, "no-grace-period"): [
        "last stoppedReason: Task failed ELB health checks in (target-group",
        "due to (reason Health checks failed).",
        "target health reason: Target.FailedHealthChecks",
    ],
    (4, "short-start-period"): [
        "last stoppedReason: Task failed container health checks",
        "service event: (service health-web) (task ",
        ") failed container health checks.",
    ],
    (4, "failing-health-command"): ["last stoppedReason: Task failed container health checks"],
    (5, "fargate"): [
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
        "specified log group does not exist. : exit status 1"
    ],
    (5, "ec2"): [
        "CannotStartContainerError: Error response from daemon: failed to initialize logging "
        "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified "
        "log group does not exist."
    ],
    (6, "ecr-pull"): [
        "unable to retrieve ecr registry auth",
        f"AccessDeniedException: ECS was unable to assume the role '{ROLE}' that was provided for "
        "this task. Please verify that the role being passed has the proper trust relationship",
    ],
    (6, "secret-read"): ["unable to retrieve secret from asm", f"assume the role '{ROLE}'"],
    (7, "no-trunking"): ["2 of 4 eni-app tasks RUNNING; RunTask failures: 2 x RESOURCE:ENI"],
    (7, "predates-setting"): ["2 of 4 eni-app tasks RUNNING; RunTask failures: 2 x RESOURCE:ENI"],
    (7, "t3-unsupported"): ["2 of 4 eni-app tasks RUNNING; RunTask failures: 2 x RESOURCE:ENI"],
    (8, "static-port-maximum-200"): [
        "deployments: PRIMARY deploy-web:2 IN_PROGRESS (running 0, pending 0, desired 2); "
        "ACTIVE deploy-web:1 COMPLETED (running 2, pending 0, desired 2)",
        "service event: (service deploy-web) was unable to place a task because no container "
        "instance met all of its requirements. The closest matching container-instance ",
        " is already using a port required by your task.",
    ],
    (9, "fargate"): [
        "InvalidParameterException: The provided target group arn:aws:elasticloadbalancing:",
        "has target type instance, which is incompatible with the awsvpc network mode specified "
        "in the task definition.",
    ],
    (10, "memory-too-big"): [
        "ClientException: No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
        "See the Amazon ECS documentation for the valid values."
    ],
    (10, "memory-too-small"): ["given values: 1024 CPU, 512 memory."],
}

CLASSIC = set(range(1, 11))  # the ten classic failures; newer ones have their own test files
CASES = [(s.number, v) for s in breakit.available() for v in s.variants if s.number in CLASSIC]


def test_every_implemented_scenario_and_variant_is_tested():
    assert sorted(SYMPTOMS) == sorted(CASES)
    assert {s.number for s in breakit.available()} >= CLASSIC


@pytest.mark.parametrize("number,variant", CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_scenario_symptom_wrong_fix_and_fix(number, variant):
    s = breakit.get(number)
    lab = s.start(7, variant)
    assert s.variant(lab) == variant
    symptom = s.symptom(lab)
    for text in SYMPTOMS[(number, variant)]:
        assert text in symptom
    before = s.check(lab)
    assert not before.passed and before.hint and "[NOT YET]" in str(before)
    WRONG[number](lab, variant)
    wrong = s.check(lab)
    assert not wrong.passed and wrong.hint, wrong
    s.apply_fix(lab)
    after = s.check(lab)
    assert after.passed, after
    assert after.title == f"break-it {number}: {s.title}"


def test_specific_hints_after_wrong_fixes():
    s = breakit.get(1)
    lab = s.start(7, "private-subnet")
    wrong_no_route(lab, "private-subnet")
    assert "not Docker Hub" in s.check(lab).hint
    s = breakit.get(3)
    lab = s.start(7, "wrong-cluster-name")
    wrong_join(lab, "wrong-cluster-name")
    got = s.check(lab)
    assert (
        got.message
        == "no ACTIVE container instance in join-lab (join-1 registered in join_lab instead)"
    )
    s = breakit.get(7)
    lab = s.start(7, "t3-unsupported")
    wrong_eni(lab, "t3-unsupported")
    got = s.check(lab)
    assert got.message == "4 of 4 eni-app tasks RUNNING, 0 trunked instance(s)"
    assert "t3/t3a do not support trunking" in got.hint


def test_placement_failure_is_what_runtask_returns(lab):
    s = breakit.get(2)
    s.start(lab, "cpu")
    resp = lab.client("ecs").run_task(cluster="place-lab", taskDefinition="place-app")
    assert resp["tasks"] == []
    assert resp["failures"][0]["reason"] == "RESOURCE:CPU"
    assert ":container-instance/place-lab/" in resp["failures"][0]["arn"]


def test_check_before_start_and_unavailable_scenarios(lab):
    got = breakit.get(1).check(lab)
    assert not got.passed and got.message == "the scenario has not been started in this lab"
    assert "start(lab)" in got.hint
    # Every scenario can start now; one that needs a missing engine part says so.
    s = dataclasses.replace(breakit.get(4), needs="spot")
    assert not s.available
    with pytest.raises(breakit.NotAvailable, match="needs ECS spot"):
        s.start(lab)
    assert not s.check(lab).passed
    with pytest.raises(KeyError):
        breakit.get("nope")
    with pytest.raises(ValueError, match="variants"):
        breakit.get(2).start(lab, "disk")


def test_seed_picks_the_variant_and_hints_are_recorded():
    s = breakit.get(3)
    assert [s.variant(s.start(seed)) for seed in range(4)] == list(s.variants)
    lab = s.start(1)
    assert s.hint(lab, 1) == s.hints[0] and s.hint(lab, 2) == s.hints[1]
    shown = lab.events.query("kind == 'BreakItHintShown'")
    assert [d["level"] for d in shown["detail"]] == [1, 2]
    assert set(shown["resource"]) == {"instance-never-registers"}
    with pytest.raises(ValueError):
        s.hint(lab, 3)


def test_skip_records_and_applies_the_fix():
    s = breakit.get(10)
    lab = s.start(0)
    assert s.skip(lab).passed
    assert list(lab.events.query("kind == 'BreakItSkipped'")["resource"]) == [s.slug]


@pytest.mark.parametrize("number", [1, 4, 6, 7, 8])
def test_scenarios_replay(tmp_path, number):
    """A started and fixed scenario is its event table: load replays it, the check agrees."""
    s = breakit.get(number)
    lab = s.start(5)
    s.hint(lab, 1)
    s.apply_fix(lab)
    path = lab.save(tmp_path / "lab.jsonl")
    again = Lab.load(path)
    assert len(again.events) == len(lab.events)
    assert s.check(again).passed and s.check(again).message == s.check(lab).message
    early = Lab.load(path, until=lab.events.query("kind == 'BreakItHintShown'")["time"].iloc[0])
    assert not s.check(early).passed
