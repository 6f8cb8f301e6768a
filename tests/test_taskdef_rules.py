"""One valid and one invalid RegisterTaskDefinition per validation rule, through a real boto3 client.

Each row: (rule, valid request, invalid request, error code, error message). The valid request
must register; the invalid one must fail with exactly that code and message and leave no trace.
"""

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
ECR = "123456789012.dkr.ecr.ap-east-1.amazonaws.com/web:1"
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}


def c(name="app", **over):
    """A container definition (nginx, memory 128) with overrides; None deletes a key."""
    out = {"name": name, "image": "nginx", "memory": 128}
    out.update(over)
    return {k: v for k, v in out.items() if v is not None}


def td(*containers, **over):
    out = {"family": "web", "containerDefinitions": list(containers) or [c()]}
    out.update(over)
    return out


def fargate(*containers, **over):
    base = {
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
    }
    base.update(over)
    return td(*containers, **base)


CE, IPE = "ClientException", "InvalidParameterException"

CASES = [
    # -- essential containers (essential defaults to true) --
    (
        "essential",
        td(c("a", essential=False), c("b")),
        td(c("a", essential=False), c("b", essential=False)),
        CE,
        "Task definition doesn't have any essential container.",
    ),
    # -- container memory without task memory --
    (
        "memory_required",
        td(c(memory=None, memoryReservation=64)),
        td(c(memory=None)),
        CE,
        "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    ),
    (
        "memory_non_zero",
        td(c(memory=None), memory="512"),
        td(c(memory=0)),
        CE,
        "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    ),
    (
        "memory_reservation_le_memory",
        td(c(memory=128, memoryReservation=128)),
        td(c(memory=128, memoryReservation=256)),
        CE,
        "Invalid setting for container 'app'. 'memoryReservation' (256 MiB) must be less than or equal to 'memory' (128 MiB).",
    ),
    (
        "container_memory_fits_task",
        td(c(memory=512), memory="512"),
        td(c(memory=1024), memory="512"),
        CE,
        "The 'memory' setting for container 'app' is greater than for the task.",
    ),
    (
        "reservations_fit_task",
        td(
            c("a", memory=None, memoryReservation=256),
            c("b", memory=None, memoryReservation=256),
            memory="0.5GB",
        ),
        td(
            c("a", memory=None, memoryReservation=300),
            c("b", memory=None, memoryReservation=300),
            memory="0.5GB",
        ),
        CE,
        "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.",
    ),
    (
        "container_cpu_fits_task",
        td(c(cpu=256), cpu="256"),
        td(c(cpu=512), cpu="256"),
        CE,
        "The 'cpu' setting for container 'app' is greater than for the task.",
    ),
    (
        "container_cpu_sum_fits_task",
        td(c("a", cpu=128), c("b", cpu=128), cpu=".25 vcpu"),
        td(c("a", cpu=200), c("b", cpu=200), cpu=".25 vcpu"),
        CE,
        "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.",
    ),
    (
        "task_cpu_form",
        td(cpu="1 vCPU"),
        td(cpu="lots"),
        IPE,
        "Invalid 'cpu' setting for task. Use CPU units such as '1024' or vCPUs such as '1 vCPU', between 128 (0.125 vCPU) and 196608 (192 vCPU).",
    ),
    (
        "task_cpu_range",
        td(cpu="128"),
        td(cpu="64"),
        IPE,
        "Invalid 'cpu' setting for task. Use CPU units such as '1024' or vCPUs such as '1 vCPU', between 128 (0.125 vCPU) and 196608 (192 vCPU).",
    ),
    (
        "task_memory_form",
        td(memory="2 GB"),
        td(memory="2 TB"),
        IPE,
        "Invalid 'memory' setting for task. Use MiB such as '512' or GB such as '0.5GB'.",
    ),
    # -- FARGATE compatibility --
    (
        "fargate_awsvpc",
        fargate(),
        fargate(networkMode="bridge"),
        CE,
        "Fargate only supports network mode \u2018awsvpc\u2019.",
    ),
    (
        "fargate_cpu_required",
        fargate(),
        fargate(cpu=None),
        CE,
        "Fargate requires that 'cpu' be defined at the task level.",
    ),
    (
        "fargate_memory_required",
        fargate(c(memory=None, memoryReservation=None)),
        fargate(memory=None),
        CE,
        "Fargate requires that 'memory' be defined at the task level.",
    ),
    (
        "fargate_valid_pair",
        fargate(c(memory=None), cpu="1 vCPU", memory="2GB"),
        fargate(cpu="256", memory="4096"),
        CE,
        "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.",
    ),
    (
        "fargate_host_port_equals_container_port",
        fargate(c(portMappings=[{"containerPort": 80, "hostPort": 80}])),
        fargate(c(portMappings=[{"containerPort": 80, "hostPort": 8080}])),
        CE,
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.",
    ),
    (
        "fargate_no_links",
        fargate(c("a"), c("b")),
        fargate(c("a", links=["b"]), c("b")),
        CE,
        "Links are not supported when networkMode=awsvpc.",
    ),
    (
        "fargate_no_privileged",
        fargate(c(privileged=False)),
        fargate(c(privileged=True)),
        CE,
        "Tasks using the Fargate launch type do not support privileged containers (container 'app').",
    ),
    # -- network modes and ports --
    (
        "awsvpc_host_port",
        td(c(portMappings=[{"containerPort": 80}]), networkMode="awsvpc"),
        td(c(portMappings=[{"containerPort": 80, "hostPort": 81}]), networkMode="awsvpc"),
        CE,
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.",
    ),
    (
        "host_mode_host_port",
        td(c(portMappings=[{"containerPort": 80, "hostPort": 80}]), networkMode="host"),
        td(c(portMappings=[{"containerPort": 80, "hostPort": 0}]), networkMode="host"),
        CE,
        "When networkMode=host, the host ports and container ports in port mappings must match.",
    ),
    (
        "bridge_links_known_container",
        td(c("a", links=["b:db"]), c("b")),
        td(c("a", links=["nope"]), c("b")),
        CE,
        "Invalid link 'nope' in container 'a': no container of that name in the task definition.",
    ),
    (
        "none_mode_no_ports",
        td(networkMode="none"),
        td(c(portMappings=[{"containerPort": 80}]), networkMode="none"),
        CE,
        "Port mappings are not supported when networkMode=none (container 'app').",
    ),
    (
        "container_port_range",
        td(c(portMappings=[{"containerPort": 65535}])),
        td(c(portMappings=[{"containerPort": 70000}])),
        CE,
        "Invalid 'containerPort' setting for container 'app'.",
    ),
    (
        "host_port_range",
        td(c(portMappings=[{"containerPort": 80, "hostPort": 0}])),
        td(c(portMappings=[{"containerPort": 80, "hostPort": 65536}])),
        CE,
        "Invalid 'hostPort' setting for container 'app'.",
    ),
    (
        "protocol",
        td(c(portMappings=[{"containerPort": 53, "protocol": "udp"}])),
        td(c(portMappings=[{"containerPort": 53, "protocol": "sctp"}])),
        CE,
        "Invalid 'protocol' setting for container 'app'. Valid values are tcp and udp.",
    ),
    # -- names --
    (
        "unique_container_names",
        td(c("a"), c("b")),
        td(c("a"), c("a")),
        CE,
        "Container names must be unique within a Task Definition.",
    ),
    (
        "family_characters",
        td(family="My_family-1"),
        td(family="sleep 360"),
        CE,
        "Family contains invalid characters.",
    ),
    ("family_blank", td(family="f"), td(family=""), CE, "Family can not be blank."),
    (
        "container_name_characters",
        td(c("web_1-a")),
        td(c("web.1")),
        CE,
        "Container.name contains invalid characters.",
    ),
    (
        "container_image_required",
        td(c(image="busybox")),
        td(c(image="")),
        CE,
        "Container.image should not be null or empty.",
    ),
    # -- health checks --
    *[
        (
            f"health_{key}_{edge}",
            td(c(healthCheck={"command": ["CMD", "true"], key: ok})),
            td(c(healthCheck={"command": ["CMD", "true"], key: bad})),
            CE,
            f"Health check {key} must be {word} the {kind} allowed value {limit} for container 'app'",
        )
        for key, edge, ok, bad, word, kind, limit in [
            ("interval", "min", 5, 4, "greater than or equal to", "minimum", 5),
            ("interval", "max", 300, 301, "less than or equal to", "maximum", 300),
            ("timeout", "min", 2, 1, "greater than or equal to", "minimum", 2),
            ("timeout", "max", 120, 121, "less than or equal to", "maximum", 120),
            ("retries", "min", 1, 0, "greater than or equal to", "minimum", 1),
            ("retries", "max", 10, 11, "less than or equal to", "maximum", 10),
            ("startPeriod", "max", 300, 301, "less than or equal to", "maximum", 300),
        ]
    ],
    (
        "health_command_form",
        td(c(healthCheck={"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]})),
        td(c(healthCheck={"command": ["curl -f http://localhost/"]})),
        CE,
        "Invalid 'healthCheck' setting for container 'app'. The command must start with CMD (run the arguments directly) or CMD-SHELL (run them with the container's shell).",
    ),
    # -- execution role --
    (
        "secrets_need_execution_role",
        td(c(secrets=[{"name": "PW", "valueFrom": "/prod/pw"}]), executionRoleArn=ROLE),
        td(c(secrets=[{"name": "PW", "valueFrom": "/prod/pw"}])),
        CE,
        "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
    ),
    (
        "repository_credentials_need_execution_role",
        td(
            c(
                repositoryCredentials={
                    "credentialsParameter": "arn:aws:secretsmanager:ap-east-1:123456789012:secret:hub"
                }
            ),
            executionRoleArn=ROLE,
        ),
        td(
            c(
                repositoryCredentials={
                    "credentialsParameter": "arn:aws:secretsmanager:ap-east-1:123456789012:secret:hub"
                }
            )
        ),
        CE,
        "Private repository authentication requires that the task definition specify a value for executionRoleArn.",
    ),
    (
        "fargate_awslogs_needs_execution_role",
        fargate(c(logConfiguration=AWSLOGS), executionRoleArn=ROLE),
        fargate(c(logConfiguration=AWSLOGS)),
        CE,
        "Fargate requires task definition to have execution role ARN to support log driver awslogs.",
    ),
    (
        "fargate_ecr_needs_execution_role",
        fargate(c(image=ECR), executionRoleArn=ROLE),
        fargate(c(image=ECR)),
        CE,
        "Fargate requires task definition to have execution role ARN to support ECR images.",
    ),
    # -- container list, enums --
    (
        "container_list_not_empty",
        td(c()),
        {"family": "web", "containerDefinitions": []},
        CE,
        "Container list cannot be empty.",
    ),
    (
        "container_list_at_most_10",
        td(*[c(f"c{i}", memory=6) for i in range(10)]),
        td(*[c(f"c{i}", memory=6) for i in range(11)]),
        CE,
        "Too many containers.",
    ),
    (
        "network_mode_value",
        td(networkMode="bridge"),
        td(networkMode="nat"),
        CE,
        "Invalid networkMode 'nat'. Valid values are bridge, host, awsvpc and none.",
    ),
    (
        "launch_type_values",
        td(requiresCompatibilities=["EC2", "EXTERNAL"]),
        td(requiresCompatibilities=["EC3"]),
        CE,
        "Invalid requiresCompatibilities value 'EC3'. Valid values are EC2, FARGATE, EXTERNAL and MANAGED_INSTANCES.",
    ),
    (
        "external_not_awsvpc",
        td(requiresCompatibilities=["EXTERNAL"], networkMode="host"),
        td(requiresCompatibilities=["EXTERNAL"], networkMode="awsvpc"),
        CE,
        "Tasks using the External launch type do not support network mode awsvpc; use bridge, host or none.",
    ),
    # -- placement, dependencies, storage --
    (
        "placement_member_of_only",
        td(
            placementConstraints=[
                {"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}
            ]
        ),
        td(placementConstraints=[{"type": "distinctInstance"}]),
        CE,
        "Invalid placement constraint type 'distinctInstance'. Task definitions accept only memberOf (distinctInstance belongs on RunTask or CreateService).",
    ),
    (
        "depends_on_success_not_essential",
        td(
            c("app", dependsOn=[{"containerName": "init", "condition": "SUCCESS"}]),
            c("init", essential=False),
        ),
        td(c("app", dependsOn=[{"containerName": "init", "condition": "SUCCESS"}]), c("init")),
        CE,
        "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container",
    ),
    (
        "ephemeral_storage_bounds",
        fargate(ephemeralStorage={"sizeInGiB": 21}),
        fargate(ephemeralStorage={"sizeInGiB": 201}),
        CE,
        "Invalid ephemeralStorage sizeInGiB 201. The minimum supported value is 21 GiB and the maximum supported value is 200 GiB.",
    ),
]


@pytest.mark.parametrize(
    "valid,invalid,code,message", [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_rule(ecs, lab, valid, invalid, code, message):
    valid = {k: v for k, v in valid.items() if v is not None}
    invalid = {k: v for k, v in invalid.items() if v is not None}
    n = len(lab.events)
    with pytest.raises(ClientError) as ei:
        ecs.register_task_definition(**invalid)
    err = ei.value.response["Error"]
    assert (err["Code"], err["Message"]) == (code, message)
    assert len(lab.events) == n  # validate, then mutate: a refused definition leaves no trace
    got = ecs.register_task_definition(**valid)["taskDefinition"]
    assert got["revision"] == 1 and got["status"] == "ACTIVE"


#: rule function -> the case ids that exercise it (every rule must have at least one).
COVERS = {
    "family_name": ["family_characters", "family_blank"],
    "container_count": ["container_list_not_empty", "container_list_at_most_10"],
    "container_name_and_image": ["container_name_characters", "container_image_required"],
    "unique_container_names": ["unique_container_names"],
    "essential_container": ["essential"],
    "task_size": ["task_cpu_form", "task_cpu_range", "task_memory_form"],
    "network_mode_value": ["network_mode_value"],
    "launch_type_values": ["launch_type_values"],
    "container_memory_present": ["memory_required", "memory_non_zero"],
    "reservation_within_limit": ["memory_reservation_le_memory"],
    "containers_fit_task_memory": ["container_memory_fits_task", "reservations_fit_task"],
    "containers_fit_task_cpu": ["container_cpu_fits_task", "container_cpu_sum_fits_task"],
    "port_mappings": [
        "awsvpc_host_port",
        "host_mode_host_port",
        "none_mode_no_ports",
        "container_port_range",
        "host_port_range",
        "protocol",
    ],
    "links": ["fargate_no_links", "bridge_links_known_container"],
    "health_check": ["health_command_form", "health_interval_min", "health_timeout_max"],
    "depends_on": ["depends_on_success_not_essential"],
    "secrets_need_execution_role": [
        "secrets_need_execution_role",
        "repository_credentials_need_execution_role",
    ],
    "placement_constraints": ["placement_member_of_only"],
    "ephemeral_storage": ["ephemeral_storage_bounds"],
    "external_launch_type": ["external_not_awsvpc"],
    "fargate_network_mode": ["fargate_awsvpc"],
    "fargate_task_size": ["fargate_cpu_required", "fargate_memory_required", "fargate_valid_pair"],
    "fargate_no_privileged": ["fargate_no_privileged"],
    "fargate_execution_role": [
        "fargate_awslogs_needs_execution_role",
        "fargate_ecr_needs_execution_role",
    ],
}


def test_every_rule_has_a_case():
    from ecslab.domain.taskdef_fargate import FARGATE_RULES, RULES

    ids = {case[0] for case in CASES}
    assert sorted(COVERS) == sorted(r.__name__ for r in RULES + FARGATE_RULES)
    for rule, cases in COVERS.items():
        assert cases and set(cases) <= ids, rule
