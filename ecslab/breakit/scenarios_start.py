"""Scenarios where a task stops before it starts, or its definition is refused:
1 no network path to the registry, 5 awslogs log group missing, 6 roles mixed up."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..core.checks import CheckResult
from .kit import (
    client,
    latest_task,
    launch,
    public_subnets,
    role_arn,
    running,
    started_at,
)
from .model import Scenario
from .text import F_, N_

__all__ = ["NO_ROUTE", "LOGS", "ROLES", "WEB_IMAGE"]

WEB_IMAGE = "httpd:2.4"  # a server from the public catalog: it keeps running


def _ecr_uri(lab, repo: str, tag: str = "v1") -> str:
    return f"{lab.account_id}.dkr.ecr.{lab.region}.amazonaws.com/{repo}:{tag}"


def _push_image(lab, repo: str) -> str:
    """Create ``repo`` and push a small deterministic web image to it (tag v1)."""
    from ..registry.builder import build_image

    client(lab, "ecr").create_repository(repositoryName=repo)
    build_image(
        "FROM httpd:2.4\nCOPY index.html /usr/local/apache2/htdocs/index.html",
        files={"index.html": f"<h1>{repo}</h1>\n"},
    ).push(lab, repo, "v1")
    return _ecr_uri(lab, repo)


def _fargate_def(lab, family: str, image: str, **extra) -> dict:
    container = {"name": "web", "image": image, "essential": True}
    container.update(extra.pop("container", {}))
    return client(lab, "ecs").register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu=extra.pop("cpu", "256"),
        memory=extra.pop("memory", "512"),
        containerDefinitions=[container],
        **extra,
    )["taskDefinition"]


def _run_fargate(lab, cluster: str, family: str, subnet: str, public_ip: bool) -> None:
    client(lab, "ecs").run_task(
        cluster=cluster,
        taskDefinition=family,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [subnet],
                "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
            }
        },
    )


def _private_subnet(lab) -> str | None:
    subnets = client(lab, "ec2").describe_subnets()["Subnets"]
    return next((s["SubnetId"] for s in subnets if not s.get("MapPublicIpOnLaunch")), None)


def _stopped_text(task: dict | None) -> str:
    if task is None:
        return N_("no task of this family has run since the scenario started")
    if task["lastStatus"] == "STOPPED":
        return F_(
            "the latest task STOPPED ({code}): {reason}",
            code=task.get("stopCode", ""),
            reason=task.get("stoppedReason", ""),
        )
    return F_("the latest task is {status}", status=task["lastStatus"])


def _task_running_check(lab, slug: str, cluster: str, family: str, hint: str) -> CheckResult:
    """Pass when a task of ``family`` created since the start is RUNNING."""
    since = started_at(lab, slug)
    ok = [t for t in running(lab, cluster, family) if t["createdAt"] >= since]
    if ok:
        rev = ok[-1]["taskDefinitionArn"].rsplit("/", 1)[-1]
        return CheckResult(
            "",
            True,
            F_("a {revision} task is RUNNING in cluster {cluster}", revision=rev, cluster=cluster),
        )
    return CheckResult("", False, _stopped_text(latest_task(lab, cluster, family, since)), hint)


# -- 1: no network path to the registry --------------------------------------------------------------


def _no_route_setup(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    ecs.create_cluster(clusterName="pull-lab")
    image = _push_image(lab, "pull-web") if variant == "ecr-private-subnet" else WEB_IMAGE
    _fargate_def(lab, "pull-web", image, executionRoleArn=role_arn(lab, "ecsTaskExecutionRole"))
    if variant == "no-public-ip":
        subnet = public_subnets(lab)[0]
    else:
        subnet = _private_subnet(lab) or lab.network.add_private_subnet(name="private-a")
    _run_fargate(lab, "pull-lab", "pull-web", subnet, public_ip=False)
    lab.advance("2m")


def _no_route_observe(lab, variant: str) -> str:
    return _stopped_text(
        latest_task(lab, "pull-lab", "pull-web", started_at(lab, "no-route-to-registry"))
    )


def _no_route_check(lab, variant: str) -> CheckResult:
    endpoint = bool((lab.events["kind"] == "VpcEndpointCreated").any())
    if variant == "ecr-private-subnet":
        hint = N_(
            "A task in a private subnet reaches ECR only through a NAT gateway or VPC endpoints "
            "(lab.network.add_ecs_vpc_endpoint() adds the set ecslab models); then run the task "
            "again: a fix applies to new tasks."
        )
    elif endpoint:
        hint = F_(
            "The VPC endpoint reaches AWS services (ECR, CloudWatch Logs ...) but not Docker Hub, "
            "where {image} lives. Run the task in a public subnet with assignPublicIp ENABLED (or "
            "behind a NAT gateway), or push the image to ECR.",
            image=WEB_IMAGE,
        )
    else:
        hint = F_(
            "{image} comes from Docker Hub over the internet: the task's ENI needs a public subnet "
            "and a public IP (assignPublicIp ENABLED) or a NAT gateway. Run it again.",
            image=WEB_IMAGE,
        )
    return _task_running_check(lab, "no-route-to-registry", "pull-lab", "pull-web", hint)


def _no_route_fix(lab, variant: str) -> None:
    if variant == "ecr-private-subnet":
        lab.network.add_ecs_vpc_endpoint()
        _run_fargate(lab, "pull-lab", "pull-web", _private_subnet(lab), public_ip=False)
    else:
        _run_fargate(lab, "pull-lab", "pull-web", public_subnets(lab)[0], public_ip=True)
    lab.advance("2m")


NO_ROUTE = Scenario(
    number=1,
    slug="no-route-to-registry",
    title=N_("no network path to the registry"),
    cluster="pull-lab",
    variants=("private-subnet", "ecr-private-subnet", "no-public-ip"),
    brief=(
        N_(
            "Run the web app (task definition family pull-web) on Fargate in cluster pull-lab. Its "
            "task stops before its container starts. Find out why and get a pull-web task RUNNING."
        )
    ),
    questions=(
        N_("What is the task's stopCode and stoppedReason (describe-tasks)?"),
        N_("Where does the image come from: ECR or Docker Hub?"),
        N_("Which subnet is the task's ENI in; does its route table reach an internet gateway?"),
        N_(
            "Did the task get a public IP (assignPublicIp)? Is there a NAT gateway or VPC endpoint?"
        ),
    ),
    fix=(
        N_(
            "Give the task a network path to its registry: a public subnet with assignPublicIp "
            "ENABLED (or a NAT gateway) for Docker Hub; for ECR, that or the ECR/S3 (and Logs) VPC "
            "endpoints. Then run a new task."
        )
    ),
    hints=(
        N_(
            "The stopped reason ends in 'i/o timeout': the task could not reach the registry at all. "
            "Look at the task's subnet and whether it had a public IP."
        ),
        N_(
            "Fargate pulls through the task's own ENI. Run the task again in a public subnet with "
            "networkConfiguration.awsvpcConfiguration.assignPublicIp='ENABLED' (Docker Hub), or add "
            "lab.network.add_ecs_vpc_endpoint() for an ECR image in a private subnet."
        ),
    ),
    setup=_no_route_setup,
    observe=_no_route_observe,
    checker=_no_route_check,
    fixer=_no_route_fix,
)


# -- 5: awslogs log group missing ---------------------------------------------------------------------

LOG_GROUP = "/ecs/logs-app"


def _logs_container() -> dict:
    return {
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": LOG_GROUP,
                "awslogs-region": "REGION",
                "awslogs-stream-prefix": "web",
            },
        }
    }


def _logs_run(lab, variant: str) -> None:
    if variant == "fargate":
        _run_fargate(lab, "logs-lab", "logs-app", public_subnets(lab)[0], public_ip=True)
    else:
        client(lab, "ecs").run_task(cluster="logs-lab", taskDefinition="logs-app")
    lab.advance("2m")


def _logs_setup(lab, variant: str) -> None:
    client(lab, "ecs").create_cluster(clusterName="logs-lab")
    container = _logs_container()
    container["logConfiguration"]["options"]["awslogs-region"] = lab.region
    if variant == "fargate":
        _fargate_def(
            lab,
            "logs-app",
            WEB_IMAGE,
            container=container,
            executionRoleArn=role_arn(lab, "ecsTaskExecutionRole"),
        )
    else:
        launch(lab, "logs-1", "logs-lab")
        lab.advance("1m")
        client(lab, "ecs").register_task_definition(
            family="logs-app",
            containerDefinitions=[
                {"name": "web", "image": WEB_IMAGE, "cpu": 256, "memory": 512, **container}
            ],
        )
    _logs_run(lab, variant)


def _logs_observe(lab, variant: str) -> str:
    return _stopped_text(
        latest_task(lab, "logs-lab", "logs-app", started_at(lab, "awslogs-group-missing"))
    )


def _logs_check(lab, variant: str) -> CheckResult:
    groups = client(lab, "logs").describe_log_groups(logGroupNamePrefix="/")["logGroups"]
    names = [g["logGroupName"] for g in groups]
    got = _task_running_check(
        lab,
        "awslogs-group-missing",
        "logs-lab",
        "logs-app",
        N_("The log group exists now: run the task again (a fix applies to new tasks).")
        if LOG_GROUP in names
        else F_(
            "The task definition sends logs to {group}. Log groups in the lab: {groups}. Create "
            "exactly that group (logs create-log-group), or register a revision with the option "
            "awslogs-create-group=true, then run a new task.",
            group=LOG_GROUP,
            groups=", ".join(names) or F_("none"),
        ),
    )
    if got.passed and LOG_GROUP not in names:
        return CheckResult(
            "", False, F_("{group} does not exist", group=LOG_GROUP), N_("Create the log group.")
        )
    return got


def _logs_fix(lab, variant: str) -> None:
    client(lab, "logs").create_log_group(logGroupName=LOG_GROUP)
    _logs_run(lab, variant)


LOGS = Scenario(
    number=5,
    slug="awslogs-group-missing",
    title=N_("awslogs log group missing"),
    cluster="logs-lab",
    variants=("fargate", "ec2"),
    brief=(
        N_(
            "The logs-app task in cluster logs-lab sends its output to CloudWatch Logs with the "
            "awslogs driver. It never starts. Get a logs-app task RUNNING with its logs going to "
            "/ecs/logs-app."
        )
    ),
    questions=(
        N_("What does the stoppedReason say does not exist?"),
        N_("Which log group does the container's logConfiguration name?"),
        N_("Does that group exist (logs describe-log-groups)? Is awslogs-create-group set?"),
    ),
    fix=(
        N_(
            "Create the log group /ecs/logs-app (aws logs create-log-group), or add the option "
            "awslogs-create-group=true (its role then needs logs:CreateLogGroup); run a new task."
        )
    ),
    hints=(
        N_(
            "The awslogs driver does not create the log group unless told to: read the "
            "logConfiguration options of the task definition."
        ),
        N_(
            "lab.client('logs').create_log_group(logGroupName='/ecs/logs-app') and run the task "
            "again."
        ),
    ),
    setup=_logs_setup,
    observe=_logs_observe,
    checker=_logs_check,
    fixer=_logs_fix,
)


# -- 6: execution role vs task role vs instance role ------------------------------------------------

SECRET = "roles-app/db-password"


def _roles_register(lab, variant: str, execution: str, task_role: str | None) -> None:
    extra = {"executionRoleArn": role_arn(lab, execution)}
    if task_role:
        extra["taskRoleArn"] = role_arn(lab, task_role)
    if variant == "ecr-pull":
        _fargate_def(lab, "roles-app", _ecr_uri(lab, "roles-app"), **extra)
    else:
        arn = client(lab, "secretsmanager").describe_secret(SecretId=SECRET)["ARN"]
        container = {"secrets": [{"name": "DB_PASSWORD", "valueFrom": arn}]}
        _fargate_def(lab, "roles-app", WEB_IMAGE, container=container, **extra)


def _roles_setup(lab, variant: str) -> None:
    client(lab, "ecs").create_cluster(clusterName="roles-lab")
    if variant == "ecr-pull":
        _push_image(lab, "roles-app")
    else:
        client(lab, "secretsmanager").create_secret(Name=SECRET, SecretString="s3cr3t-for-the-lab")
    # The mix-up: the instance role as the execution role, the execution role as the task role.
    _roles_register(lab, variant, "ecsInstanceRole", "ecsTaskExecutionRole")
    _run_fargate(lab, "roles-lab", "roles-app", public_subnets(lab)[0], public_ip=True)
    lab.advance("2m")


def _roles_observe(lab, variant: str) -> str:
    return _stopped_text(
        latest_task(lab, "roles-lab", "roles-app", started_at(lab, "roles-mixed-up"))
    )


def _trusts_ecs_tasks(lab, arn: str | None) -> bool:
    if not arn:
        return False
    try:
        role = client(lab, "iam").get_role(RoleName=arn.rsplit("/", 1)[-1])["Role"]
    except ClientError:
        return False
    doc = role["AssumeRolePolicyDocument"]
    text = doc if isinstance(doc, str) else str(doc)
    return "ecs-tasks.amazonaws.com" in text


def _roles_check(lab, variant: str) -> CheckResult:
    td = client(lab, "ecs").describe_task_definition(taskDefinition="roles-app")["taskDefinition"]
    what = F_("pull the image from ECR") if variant == "ecr-pull" else F_("read the secret")
    execution = td.get("executionRoleArn")
    if not _trusts_ecs_tasks(lab, execution):
        hint = F_(
            "ECS uses the task *execution* role to {what} before the container starts. The "
            "latest revision's executionRoleArn is {execution}: it must be a role that "
            "ecs-tasks.amazonaws.com can assume (ecsTaskExecutionRole). The task role "
            "(taskRoleArn) is for the application's own AWS calls; ecsInstanceRole is for the "
            "EC2 instance's agent.",
            what=what,
            execution=execution or F_("missing"),
        )
    else:
        hint = N_(
            "The latest revision looks right: run a task from it (a fix applies to new tasks)."
        )
    return _task_running_check(lab, "roles-mixed-up", "roles-lab", "roles-app", hint)


def _roles_fix(lab, variant: str) -> None:
    _roles_register(lab, variant, "ecsTaskExecutionRole", None)
    _run_fargate(lab, "roles-lab", "roles-app", public_subnets(lab)[0], public_ip=True)
    lab.advance("2m")


ROLES = Scenario(
    number=6,
    slug="roles-mixed-up",
    title=N_("execution role vs task role vs instance role"),
    cluster="roles-lab",
    variants=("ecr-pull", "secret-read"),
    brief=(
        N_(
            "The roles-app task (Fargate, cluster roles-lab) stops before its container starts. A "
            "colleague 'set up the roles' in its task definition. Get a roles-app task RUNNING."
        )
    ),
    questions=(
        N_("What is the stoppedReason? Which AWS call was denied, and to whom?"),
        N_("Which roles does the task definition name as executionRoleArn and taskRoleArn?"),
        N_("Which service does each role trust (iam get-role: AssumeRolePolicyDocument)?"),
        N_(
            "Who pulls the image / fetches the secret: the task execution role, the task role, or "
            "the instance role?"
        ),
    ),
    fix=(
        N_(
            "Set executionRoleArn to a role trusted by ecs-tasks.amazonaws.com with "
            "AmazonECSTaskExecutionRolePolicy (ecsTaskExecutionRole; for secrets also "
            "secretsmanager:GetSecretValue), keep taskRoleArn for the app's own calls, register a "
            "new revision and run it."
        )
    ),
    hints=(
        N_(
            "Three roles, three jobs: the instance role (the EC2 agent), the task execution role "
            "(ECS pulling images, fetching secrets, writing logs for the task) and the task role "
            "(your code's AWS calls). Which one failed here?"
        ),
        N_(
            "Register a new revision with executionRoleArn=arn:aws:iam::<account>:role/"
            "ecsTaskExecutionRole (not ecsInstanceRole) and run it."
        ),
    ),
    setup=_roles_setup,
    observe=_roles_observe,
    checker=_roles_check,
    fixer=_roles_fix,
)
