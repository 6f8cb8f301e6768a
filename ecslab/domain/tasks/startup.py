"""What can stop a task from starting: network path, images, secrets, log groups, roles.

Each check returns None (fine) or the ``stoppedReason`` ECS gives, and changes nothing except
where noted (``awslogs-create-group`` creates the group). Sources of the texts:

* [V3] Fargate logger: "ResourceInitializationError: failed to validate logger args: create
  stream has been retried 1 times: failed to create Cloudwatch log stream:
  ResourceNotFoundException: The specified log group does not exist. : exit status 1" and the
  "connection issue between the task and Amazon CloudWatch" variant (public reports);
* [V3] EC2 (Docker's awslogs driver): "CannotStartContainerError: Error response from daemon:
  failed to initialize logging driver: failed to create Cloudwatch log stream:
  ResourceNotFoundException: The specified log group does not exist.";
* [V3] Fargate without a route to ECR: "ResourceInitializationError: unable to pull secrets or
  registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth:
  service call has been retried 3 time(s): RequestError: send request failed caused by: Post
  "https://api.ecr.<region>.amazonaws.com/": dial tcp <ip>:443: i/o timeout. Please check your
  task network configuration." (the IP is a stand-in);
* image pull failures come from ``lab.images.resolve`` (see ecslab/domain/registry/resolve.py).

Network path (modelled): EC2 images are pulled by the instance's Docker daemon, so the
*instance's* subnet and public IP decide; a Fargate task pulls through its own ENI (its subnet and
``assignPublicIp``). A public subnet plus a public IP reaches everything; otherwise the VPC's ECS
interface endpoint (``lab.network.add_ecs_vpc_endpoint()``, which ecslab lets stand for the
ecs/ecr.api/ecr.dkr/logs/secretsmanager endpoint set) reaches AWS services but not Docker Hub.
"""

from __future__ import annotations

from ...core.errors import AwsError
from ..iam import STANDARD_ROLES
from .model import Task

__all__ = ["internet", "aws_endpoint", "resolve_images", "init_error", "log_error"]

_ARCH = {"x86_64": "amd64", "arm64": "arm64"}


def internet(lab, task: Task) -> bool:
    """Can the puller reach the internet (see the module docstring)?"""
    if task.fargate:
        if task.eni is None:
            return False
        return lab.network.subnets[task.eni.subnet_id].public and task.eni.public_ip
    inst = lab.instances._by_id.get(task.ec2_instance_id or "")
    if inst is None:
        return False
    return lab.network.subnets[inst.subnet_id].public and inst.public_ip is not None


def aws_endpoint(lab, task: Task) -> bool:
    if task.fargate:
        vpc = lab.network.subnets[task.eni.subnet_id].vpc_id if task.eni else None
    else:
        inst = lab.instances._by_id.get(task.ec2_instance_id or "")
        vpc = inst.vpc_id if inst is not None else None
    return vpc is not None and lab.network.ecs_endpoint(vpc) is not None


def _execution_role_problem(lab, arn: str | None) -> str | None:
    """None if ECS can assume ``arn`` as the task execution role, else the AccessDenied text.

    ecslab models the standard roles; another role name is assumed to exist and be right. A
    standard role must exist and trust ecs-tasks.amazonaws.com: ``ecsInstanceRole`` (trusted by
    ec2.amazonaws.com) is the classic mix-up. The "unable to assume" wording is ECS's RunTask /
    CreateService text for a role without the trust relationship ([V3], public reports); that it
    also ends the execution-role fetch this way is modelled."""
    if not arn:
        return "the task definition has no executionRoleArn"
    name = arn.rsplit("/", 1)[-1]
    if name not in STANDARD_ROLES:
        return None
    role = lab.iam.roles.get(name)
    if role is None:
        return f"the task execution role {arn} cannot be assumed (it does not exist)"
    if '"ecs-tasks.amazonaws.com"' not in role.trust_policy:
        return (
            f"ECS was unable to assume the role '{arn}' that was provided for this task. Please "
            "verify that the role being passed has the proper trust relationship and permissions "
            "and that your IAM user has permissions to pass this role."
        )
    return None


def _execution_role_ok(lab, arn: str | None) -> bool:
    return _execution_role_problem(lab, arn) is None


def _is_ecr(image: str) -> bool:
    host = image.split("/", 1)[0]
    return ".dkr.ecr." in host and host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


def resolve_images(lab, task: Task) -> dict | str:
    """{container name: ImageRecord} or the first pull-failure reason."""
    web, aws = internet(lab, task), aws_endpoint(lab, task)
    can_pull = True if not task.fargate else _execution_role_ok(lab, task.execution_role_arn)
    out = {}
    for c in task.containers:
        path = web or (aws and _is_ecr(c.image))
        got = lab.images.resolve(
            c.image,
            launch_type=task.launch_type,
            execution_role_can_pull_ecr=can_pull,
            repository_credentials=c.repository_credentials,
            network_path=path,
        )
        if isinstance(got, str):
            return got
        want = _ARCH.get(task.arch, task.arch)
        if want not in got.architectures:
            # [M] the wording of Docker's / containerd's platform mismatch
            if task.fargate:
                return (
                    f"CannotPullContainerError: image Manifest does not contain descriptor "
                    f"matching platform 'linux/{want}'"
                )
            return (
                "CannotPullContainerError: Error response from daemon: no matching manifest for "
                f"linux/{want}{'/v8' if want == 'arm64' else ''} in the manifest list entries"
            )
        out[c.name] = got
    return out


def init_error(lab, task: Task) -> str | None:
    """Resource initialisation before the pull: registry auth path, execution role, secrets."""
    web, aws = internet(lab, task), aws_endpoint(lab, task)
    ecr = any(_is_ecr(c.image) for c in task.containers)
    if task.fargate and ecr and not (web or aws):
        ip = _stand_in_ip(lab.region)
        return (
            "ResourceInitializationError: unable to pull secrets or registry auth: execution "
            "resource retrieval failed: unable to retrieve ecr registry auth: service call has "
            "been retried 3 time(s): RequestError: send request failed caused by: Post "
            f'"https://api.ecr.{lab.region}.amazonaws.com/": dial tcp {ip}:443: i/o timeout. '
            "Please check your task network configuration."
        )
    needs_role = ecr or any(c.secrets for c in task.containers)
    problem = _execution_role_problem(lab, task.execution_role_arn) if task.fargate else None
    if needs_role and problem is not None:
        what = "ecr registry auth" if ecr else "secret from asm"
        return (
            "ResourceInitializationError: unable to pull secrets or registry auth: execution "
            f"resource retrieval failed: unable to retrieve {what}: service call has "
            f"been retried 1 time(s): AccessDeniedException: {problem}"
        )  # [M]
    for c in task.containers:
        for ref in c.secrets.values():
            if ref.startswith("arn:aws:secretsmanager:") and lab.secrets.readable(ref) is None:
                return (
                    "ResourceInitializationError: unable to pull secrets or registry auth: "
                    "execution resource retrieval failed: unable to retrieve secret from asm: "
                    "service call has been retried 1 time(s): failed to fetch secret "
                    f"{ref} from secrets manager: ResourceNotFoundException: Secrets Manager "
                    "can't find the specified secret."
                )  # same wording as image resolution's repositoryCredentials failure
    if task.fargate:
        return log_error(lab, task)
    return None


def log_error(lab, task: Task) -> str | None:
    """awslogs: the group must exist unless ``awslogs-create-group`` is "true" (then it is
    created here). Fargate validates at initialisation, EC2's Docker driver at container start."""
    for c in task.containers:
        if c.log is None:
            continue
        group = c.log["group"]
        if task.fargate and not (internet(lab, task) or aws_endpoint(lab, task)):
            return (
                "ResourceInitializationError: failed to validate logger args: The task cannot "
                "find the Amazon CloudWatch log group defined in the task definition. There is a "
                "connection issue between the task and Amazon CloudWatch. Check your network "
                "configuration. : signal: killed"
            )
        if group in lab.logs.groups:
            continue
        if c.log["create"]:
            # ecslab does not model the logs:CreateLogGroup permission the role needs for this.
            try:
                lab.logs.create_group(group)
            except AwsError as e:
                return f"ResourceInitializationError: failed to validate logger args: {e.message}"
            continue
        if task.fargate:
            return (
                "ResourceInitializationError: failed to validate logger args: create stream has "
                "been retried 1 times: failed to create Cloudwatch log stream: "
                "ResourceNotFoundException: The specified log group does not exist. : exit status 1"
            )
        return (
            "CannotStartContainerError: Error response from daemon: failed to initialize logging "
            "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
            "specified log group does not exist."
        )
    return None


def _stand_in_ip(region: str) -> str:
    h = sum(region.encode())
    return f"52.94.{h % 256}.{(h * 7) % 256}"
