"""Every duration the task lifecycle uses, in one place (seconds of simulated time).

Containers do not really run, so how long each step of a task's life takes is a *model*. The
figures below are chosen to be plausible and easy to reason about in a lesson; each says where it
comes from. [V] = documented by AWS, [M] = modelled (no AWS figure; a round, typical value).

Lifecycle (S-ECSDOC task-lifecycle.md, [V]):
PROVISIONING -> PENDING -> ACTIVATING -> RUNNING -> DEACTIVATING -> STOPPING -> DEPROVISIONING ->
STOPPED. PROVISIONING and DEPROVISIONING exist for tasks that need an ENI (awsvpc, so every
Fargate task); a bridge/host task on EC2 is created PENDING, as the aws-cli ``run-task`` example
shows.
"""

from __future__ import annotations

# -- before RUNNING --------------------------------------------------------------------------------

#: [M] bridge/host/none on EC2: the agent receives the task and starts pulling ~1 s after RunTask.
EC2_DISPATCH_S = 1.0
#: [M] awsvpc on EC2: PROVISIONING while the task ENI is created and attached to the instance
#: (a trunk branch ENI attaches faster than a full ENI).
EC2_ENI_PROVISION_S = 5.0
EC2_BRANCH_ENI_PROVISION_S = 2.0
#: [M] Fargate: PROVISIONING while capacity is found and the ENI attached -- typically 20-30 s.
FARGATE_PROVISION_S = 25.0

#: [M] Image pull (PENDING, pullStartedAt -> pullStoppedAt): a fixed setup (registry auth,
#: manifest) plus the compressed bytes over a bandwidth; a task's images download concurrently
#: and share it. Fargate has no image cache and pulls slower than an EC2 instance.
EC2_PULL_SETUP_S = 1.0
EC2_PULL_BYTES_PER_S = 40_000_000
FARGATE_PULL_SETUP_S = 5.0
FARGATE_PULL_BYTES_PER_S = 8_000_000  # e.g. amazon/amazon-ecs-sample (120 MB): 5 + 15 = 20 s
#: [M] An EC2 instance that pulled the same image digest before has its layers cached: the agent
#: still checks the manifest (ECS_IMAGE_PULL_BEHAVIOR=default) but downloads nothing.
CACHED_PULL_S = 0.5
#: [M] A pull that fails: the agent / Fargate retries before giving up (Fargate's messages say
#: "retried 5 time(s)"; the agent retries with back-off).
EC2_PULL_FAIL_S = 5.0
FARGATE_PULL_FAIL_S = 15.0
#: [M] Fargate resource initialisation failures (log group, registry auth, secrets) surface
#: after a few retries, before any image is pulled.
FARGATE_INIT_FAIL_S = 10.0

#: [M] ACTIVATING: containers are created and started (and, for services, registered with load
#: balancers / service discovery -- not modelled for standalone tasks).
ACTIVATING_S = 1.0

# -- stopping ------------------------------------------------------------------------------------

#: [V] ECS_CONTAINER_STOP_TIMEOUT default (amazon-ecs-agent README): StopTask sends the image's
#: STOPSIGNAL (SIGTERM by default) and SIGKILL 30 s later if the process is still running.
STOP_TIMEOUT_S = 30.0
#: [M] A server (httpd, nginx, ...) handles its stop signal and exits within about a second,
#: exit code 0. A program running as PID 1 that installs no handler (``sleep``, a shell script,
#: most one-shot tools) *ignores* SIGTERM -- the kernel does not apply default signal actions to
#: PID 1 -- so it runs until the SIGKILL after the full timeout and exits 137 (128 + 9).
GRACEFUL_EXIT_S = 1.0
KILLED_EXIT_CODE = 137
#: [M] DEACTIVATING: load balancer deregistration / service discovery clean-up. Standalone tasks
#: have none, so it passes at once (the state is still recorded as an event-table row).
DEACTIVATING_S = 0.0
#: [M] DEPROVISIONING: the task ENI is detached and deleted.
EC2_ENI_DEPROVISION_S = 5.0
FARGATE_DEPROVISION_S = 5.0
#: [M] non-awsvpc tasks: the agent reports the stopped containers ~1 s after the last one exits.
EC2_STOP_REPORT_S = 1.0

# -- after STOPPED --------------------------------------------------------------------------------

#: [V] "Stopped tasks stay visible for at least 1 hour" (S-ECSDOC stopped-task-errors.md).
#: ecslab forgets them exactly one simulated hour after stoppedAt.
STOPPED_VISIBLE_S = 3600.0


def pull_seconds(total_bytes: int, fargate: bool, all_cached: bool = False) -> float:
    """PENDING's pull time for a task whose uncached images weigh ``total_bytes``."""
    if all_cached:
        return CACHED_PULL_S
    if fargate:
        return round(FARGATE_PULL_SETUP_S + total_bytes / FARGATE_PULL_BYTES_PER_S, 3)
    return round(EC2_PULL_SETUP_S + total_bytes / EC2_PULL_BYTES_PER_S, 3)
