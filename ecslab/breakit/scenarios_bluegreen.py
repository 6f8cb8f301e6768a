"""Scenario 15: a blue/green deployment that always rolls back.

Service ``bg-web`` in ``bg-lab`` uses the native BLUE_GREEN strategy (bake time 2 minutes)
behind an ALB: production target group ``bg-blue``, alternate ``bg-green``, a production listener
rule on :80 and a test rule on :8080. A lifecycle hook calls the Lambda function
``bg-smoke-test`` at POST_TEST_TRAFFIC_SHIFT, once the test rule forwards to green. Release 2 was
deployed; the green tasks started and took the test traffic, then the deployment rolled back and
the service is on release 1 again. Variants: the smoke test answers FAILED (a ``Lifecycle hook
... FAILED`` rollback), or it never answers (IN_PROGRESS each time it is called) and the hook's
timeout, 3 minutes with action ROLLBACK, rolls it back.

[M] There is no Lambda in the lab: what the function answers is a recorded lab action,
``lab.services.history.set_hook_outcome(arn, outcome)``, the stand-in for fixing (or breaking)
its code. The check passes when the newest service deployment is BLUE_GREEN, SUCCESSFUL, on a
release-2 revision, and the production rule sends all traffic to the service's target group.
"""

from __future__ import annotations

from ..core.checks import CheckResult
from .kit import client, launch, role_arn
from .model import Scenario
from .svckit import alb, service, vpc_id
from .text import F_, N_, joined

__all__ = ["BLUEGREEN_ROLLS_BACK", "bg_revision", "HOOK_NAME"]

CLUSTER, NAME, DESIRED, BAKE = "bg-lab", "bg-web", 2, 2
HOOK_NAME = "bg-smoke-test"
HEALTH = {"HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 2}


def hook_arn(lab) -> str:
    return f"arn:aws:lambda:{lab.region}:{lab.account_id}:function:{HOOK_NAME}"


def bg_revision(lab, version: str) -> str:
    """Register a bg-web revision of release ``version`` (httpd, dynamic host port); its ARN."""
    td = client(lab, "ecs").register_task_definition(
        family=NAME,
        containerDefinitions=[
            {
                "name": "web",
                "image": "httpd:2.4",
                "cpu": 256,
                "memory": 256,
                "essential": True,
                "portMappings": [{"containerPort": 80, "hostPort": 0}],
                "environment": [{"name": "VERSION", "value": version}],
            }
        ],
    )
    return td["taskDefinition"]["taskDefinitionArn"]


def _hook(lab, variant: str) -> dict:
    hook = {
        "hookTargetArn": hook_arn(lab),
        "roleArn": role_arn(lab, "ecsLifecycleHookRole"),
        "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
    }
    if variant == "hook-times-out":
        hook["timeoutConfiguration"] = {"timeoutInMinutes": 3, "action": "ROLLBACK"}
    return hook


def _stack(lab) -> dict[str, str]:
    elb = client(lab, "elbv2")
    net = alb(lab, "bg-alb", "bg-blue", **HEALTH)
    green = elb.create_target_group(
        Name="bg-green", Protocol="HTTP", Port=80, VpcId=vpc_id(lab), **HEALTH
    )["TargetGroups"][0]["TargetGroupArn"]
    forward = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [
                {"TargetGroupArn": net["tg"], "Weight": 100},
                {"TargetGroupArn": green, "Weight": 0},
            ]
        },
    }
    rules = {}
    listeners = elb.describe_listeners(LoadBalancerArn=net["lb"])["Listeners"]
    test_listener = elb.create_listener(
        LoadBalancerArn=net["lb"],
        Protocol="HTTP",
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": net["tg"]}],
    )["Listeners"][0]["ListenerArn"]
    for key, listener in (("production", listeners[0]["ListenerArn"]), ("test", test_listener)):
        rules[key] = elb.create_rule(
            ListenerArn=listener,
            Priority=1,
            Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
            Actions=[forward],
        )["Rules"][0]["RuleArn"]
    return {"blue": net["tg"], "green": green, **rules}


def _setup(lab, variant: str) -> None:
    ecs = client(lab, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    for i in (1, 2):
        launch(lab, f"bg-{i}", CLUSTER)
    stack = _stack(lab)
    lab.advance("3m")  # instances registered, ALB active
    lab.act(
        "set_hook_outcome",
        function_arn=hook_arn(lab),
        outcome="FAILED" if variant == "hook-fails" else "IN_PROGRESS",
    )
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=NAME,
        taskDefinition=bg_revision(lab, "1"),
        desiredCount=DESIRED,
        deploymentConfiguration={
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": BAKE,
            "lifecycleHooks": [_hook(lab, variant)],
        },
        loadBalancers=[
            {
                "targetGroupArn": stack["blue"],
                "containerName": "web",
                "containerPort": 80,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": stack["green"],
                    "productionListenerRule": stack["production"],
                    "testListenerRule": stack["test"],
                    "roleArn": role_arn(lab, "ecsInfrastructureRoleForLoadBalancers"),
                },
            }
        ],
    )
    lab.advance("2m")  # release 1 runs (the first deployment has no traffic shift, no hooks)
    ecs.update_service(cluster=CLUSTER, service=NAME, taskDefinition=bg_revision(lab, "2"))
    lab.advance("12m")  # test shift, the hook, the rollback and the green targets' draining


def _newest(lab) -> dict | None:
    ecs = client(lab, "ecs")
    try:
        got = ecs.list_service_deployments(cluster=CLUSTER, service=NAME, maxResults=1)
    except Exception:  # noqa: BLE001  (no cluster / service: the check says so)
        return None
    if not got["serviceDeployments"]:
        return None
    arn = got["serviceDeployments"][0]["serviceDeploymentArn"]
    return ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]


def _td(lab, revision_arn: str) -> str:
    return client(lab, "ecs").describe_service_revisions(serviceRevisionArns=[revision_arn])[
        "serviceRevisions"
    ][0]["taskDefinition"]


def _version(lab, td_arn: str) -> str | None:
    td = client(lab, "ecs").describe_task_definition(taskDefinition=td_arn)["taskDefinition"]
    for c in td["containerDefinitions"]:
        for e in c.get("environment", []):
            if e["name"] == "VERSION":
                return e["value"]
    return None


def _weights(lab, rule_arn: str) -> dict[str, int]:
    rule = client(lab, "elbv2").describe_rules(RuleArns=[rule_arn])["Rules"][0]
    groups = rule["Actions"][0].get("ForwardConfig", {}).get("TargetGroups", [])
    return {g["TargetGroupArn"]: g.get("Weight", 1) for g in groups}


def _tg(arn: str) -> str:
    return arn.split(":targetgroup/", 1)[-1].split("/", 1)[0]


def _observe(lab, variant: str) -> str:
    svc = service(lab, CLUSTER, NAME)
    sd = _newest(lab)
    if svc is None or sd is None:
        return F_("service {name} does not exist", name=NAME)
    rev = _td(lab, sd["targetServiceRevision"]["arn"]).rsplit("/", 1)[-1]
    lines = [
        F_(
            "service deployment to {revision}: {status} (stage {stage})",
            revision=rev,
            status=sd["status"],
            stage=sd.get("lifecycleStage", "-"),
        ),
        f"statusReason: {sd.get('statusReason', '')}",  # AWS's words only
    ]
    for h in sd.get("lifecycleHookDetails", []):
        lines.append(
            F_(
                "lifecycle hook {target}: {status}",
                target=h.get("targetArn", h["targetType"]),
                status=h["status"],
            )
        )
    lb = svc["loadBalancers"][0]
    rule = lb.get("advancedConfiguration", {}).get("productionListenerRule")
    if rule:
        weights = ", ".join(f"{_tg(k)} {v}" for k, v in _weights(lab, rule).items())
        lines.append(F_("production listener rule: {weights}", weights=weights))
    lines.append(
        F_("the service runs {revision}", revision=svc["taskDefinition"].rsplit("/", 1)[-1])
    )
    return joined("\n", lines)


def _check(lab, variant: str) -> CheckResult:
    svc = service(lab, CLUSTER, NAME)
    sd = _newest(lab)
    if svc is None or svc["status"] != "ACTIVE" or sd is None:
        return CheckResult(
            "",
            False,
            F_("service {name} is not ACTIVE", name=NAME),
            N_("Fix the deployment of the existing service, do not delete it."),
        )
    config = sd["deploymentConfiguration"]
    if config.get("strategy") != "BLUE_GREEN":
        return CheckResult(
            "",
            False,
            F_(
                "the newest deployment used the {strategy} strategy",
                strategy=config.get("strategy"),
            ),
            N_(
                "Switching to ROLLING only skips the smoke test: keep BLUE_GREEN and make the "
                "deployment pass its lifecycle hook."
            ),
        )
    version = _version(lab, _td(lab, sd["targetServiceRevision"]["arn"]))
    if version != "2":
        return CheckResult(
            "",
            False,
            F_("the newest deployment rolls out release {version}", version=version),
            N_("The service must end on a revision of release 2 (environment VERSION=2)."),
        )
    if sd["status"] != "SUCCESSFUL":
        reason = sd.get("statusReason", "")
        why = (
            F_(
                "The hook's function {function} never answers (IN_PROGRESS), so the hook times "
                "out after 3 minutes, and its timeout action is ROLLBACK.",
                function=HOOK_NAME,
            )
            if variant == "hook-times-out"
            else F_(
                "The hook's function {function} answers FAILED at POST_TEST_TRAFFIC_SHIFT.",
                function=HOOK_NAME,
            )
        )
        hint = F_(
            "{why} Deploying again changes nothing while the hook fails. Fix the function (in "
            "the lab: lab.services.history.set_hook_outcome('{hook}', 'SUCCEEDED')) or remove "
            "the hook (update-service --deployment-configuration with lifecycleHooks []), then "
            "deploy release 2 again and let it bake.",
            why=why,
            hook=hook_arn(lab),
        )
        return CheckResult(
            "",
            False,
            F_(
                "the newest deployment of release 2 is {status} ({reason})",
                status=sd["status"],
                reason=reason,
            ),
            hint,
        )
    lb = svc["loadBalancers"][0]
    rule = lb.get("advancedConfiguration", {}).get("productionListenerRule")
    weights = _weights(lab, rule) if rule else {}
    if weights and weights.get(lb["targetGroupArn"], 0) != sum(weights.values()):
        return CheckResult(
            "",
            False,
            N_("the production rule does not send all traffic to the service's target group"),
            N_("Leave the listener rules to ECS: it moves them during a blue/green deployment."),
        )
    return CheckResult(
        "",
        True,
        F_(
            "release 2 deployed blue/green: SUCCESSFUL, production on {target_group}, "
            "{running} tasks running",
            target_group=_tg(lb["targetGroupArn"]),
            running=svc["runningCount"],
        ),
    )


def _fix(lab, variant: str) -> None:
    lab.services.history.set_hook_outcome(hook_arn(lab), "SUCCEEDED")
    client(lab, "ecs").update_service(
        cluster=CLUSTER, service=NAME, taskDefinition=bg_revision(lab, "2")
    )
    lab.advance("12m")


BLUEGREEN_ROLLS_BACK = Scenario(
    number=15,
    slug="bluegreen-always-rolls-back",
    title=N_("blue/green deployment always rolls back"),
    cluster=CLUSTER,
    variants=("hook-fails", "hook-times-out"),
    brief=N_(
        "Service bg-web in bg-lab deploys blue/green behind an ALB. Release 2 was deployed: "
        "its tasks started and took the test traffic, then the deployment rolled back and the "
        "service is on release 1 again. Deploying again does the same. Get release 2 live, "
        "still blue/green."
    ),
    questions=(
        N_(
            "What do list-service-deployments and describe-service-deployments say: status, "
            "statusReason, lifecycleStage?"
        ),
        N_(
            "Which lifecycle hooks does the deployment configuration have, at which stage, and "
            "what did each answer (lifecycleHookDetails)?"
        ),
        N_(
            "Where was production traffic during the deployment, and where is it now "
            "(elbv2 describe-rules)?"
        ),
        N_("What would switching the service to the ROLLING strategy hide?"),
    ),
    fix=N_(
        "Make the lifecycle hook pass: fix the smoke-test function (in the lab, set its answer "
        "to SUCCEEDED) or remove the hook from the deployment configuration, then deploy "
        "release 2 again and let it bake."
    ),
    hints=(
        N_(
            "describe-service-deployments: the statusReason names a lifecycle hook and the stage "
            "it answered at."
        ),
        N_(
            "lab.services.history.set_hook_outcome('<bg-smoke-test ARN>', 'SUCCEEDED') (or "
            "update-service with lifecycleHooks []), then update-service to release 2 again and "
            "advance 12 minutes."
        ),
    ),
    setup=_setup,
    observe=_observe,
    checker=_check,
    fixer=_fix,
    variant_notes={
        "hook-fails": "the smoke test answers FAILED",
        "hook-times-out": "the smoke test never answers; the hook times out (ROLLBACK)",
    },
)
