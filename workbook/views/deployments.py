"""Deployment strategies (lesson 15): a blue/green-ready load balancer, a service's deployment
history read from ListServiceDeployments / DescribeServiceDeployments / DescribeServiceRevisions,
and the same history over simulated time (tasks per revision, the production listener rule's
traffic per revision, the lifecycle stages) for the chart in :mod:`workbook.charts.deployments`.

Everything is read through the ECS / ELBv2 APIs and the event table. Service deployments are
named by the first 8 characters of their id, revisions by their task definition
(``family:revision``), target groups by name.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..aws import client
from .service_history import deployment_bands, service_history
from .services import load_balancer, start_cluster

__all__ = [
    "ROLE_ARN",
    "advance_until",
    "bluegreen_load_balancers",
    "bluegreen_stack",
    "deployment_history",
    "release",
    "revisions_table",
    "rule_weights",
    "service_deployments",
    "stage_history",
    "tasks_per_revision",
    "traffic_history",
]

#: The infrastructure role ECS uses to change the listener rules (advancedConfiguration.roleArn).
ROLE_ARN = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"

_HEALTH = {
    "HealthCheckIntervalSeconds": 10,
    "HealthCheckTimeoutSeconds": 5,
    "HealthyThresholdCount": 2,
    "UnhealthyThresholdCount": 2,
}


def release(lab, family: str, version: str, command: list[str] | None = None) -> str:
    """Register release ``version`` of ``family``: httpd on port 80 (dynamic host port), 256 CPU
    units and 256 MiB, environment ``VERSION=<version>``; ``command`` replaces httpd's (a
    broken release: ``["false"]``). Returns ``family:revision``."""
    container: dict[str, Any] = {
        "name": "web",
        "image": "httpd:2.4",
        "cpu": 256,
        "memory": 256,
        "essential": True,
        "portMappings": [{"containerPort": 80, "hostPort": 0}],
        "environment": [{"name": "VERSION", "value": str(version)}],
    }
    if command is not None:
        container["command"] = list(command)
    td = client(lab, "ecs").register_task_definition(
        family=family, containerDefinitions=[container]
    )["taskDefinition"]
    return f"{td['family']}:{td['revision']}"


def bluegreen_stack(
    lab,
    cluster: str = "MyCluster",
    instances: int = 3,
    instance_type: str = "m5.large",
    name: str = "web",
) -> dict[str, str]:
    """A cluster of ``instances`` and an ALB ready for blue/green: the production target group
    ``<name>-tg`` (blue) behind the HTTP:80 listener, an alternate group ``<name>-green``, a
    production listener rule on :80 and a test listener on :8080 with a test rule, both rules
    forwarding 100 % to blue and 0 % to green. Returns the ARNs (``lb``, ``blue``, ``green``,
    ``production_rule``, ``test_rule``, ``listener``, ``test_listener``) and ``dns``."""
    start_cluster(lab, cluster, instances, instance_type)
    net = load_balancer(lab, name, **_HEALTH)
    elb = client(lab, "elbv2")
    vpc = elb.describe_target_groups(TargetGroupArns=[net["tg"]])["TargetGroups"][0]["VpcId"]
    green = elb.create_target_group(
        Name=f"{name}-green", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance", **_HEALTH
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
    everything = [{"Field": "path-pattern", "Values": ["/*"]}]
    listener = elb.describe_listeners(LoadBalancerArn=net["lb"])["Listeners"][0]["ListenerArn"]
    production = elb.create_rule(
        ListenerArn=listener, Priority=1, Conditions=everything, Actions=[forward]
    )["Rules"][0]["RuleArn"]
    test_listener = elb.create_listener(
        LoadBalancerArn=net["lb"],
        Protocol="HTTP",
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": net["tg"]}],
    )["Listeners"][0]["ListenerArn"]
    test = elb.create_rule(
        ListenerArn=test_listener, Priority=1, Conditions=everything, Actions=[forward]
    )["Rules"][0]["RuleArn"]
    return {
        "lb": net["lb"],
        "dns": net["dns"],
        "blue": net["tg"],
        "green": green,
        "listener": listener,
        "test_listener": test_listener,
        "production_rule": production,
        "test_rule": test,
    }


def bluegreen_load_balancers(
    stack: dict[str, str], container: str = "web", port: int = 80, test_rule: bool = True
) -> list[dict[str, Any]]:
    """CreateService's ``loadBalancers`` for a BLUE_GREEN service on ``stack``: the production
    group, and in ``advancedConfiguration`` the alternate group, the two rules and the role."""
    advanced = {
        "alternateTargetGroupArn": stack["green"],
        "productionListenerRule": stack["production_rule"],
        "roleArn": ROLE_ARN,
    }
    if test_rule:
        advanced["testListenerRule"] = stack["test_rule"]
    return [
        {
            "targetGroupArn": stack["blue"],
            "containerName": container,
            "containerPort": port,
            "advancedConfiguration": advanced,
        }
    ]


# -- the history, from the API ----------------------------------------------------------------


def service_deployments(lab, cluster: str, service: str) -> list[dict]:
    """Every service deployment of ``service``, described, newest first
    (ListServiceDeployments, every page, then DescribeServiceDeployments 20 at a time)."""
    ecs = client(lab, "ecs")
    arns: list[str] = []
    kwargs: dict[str, Any] = {"cluster": cluster, "service": service}
    while True:
        page = ecs.list_service_deployments(**kwargs)
        arns += [d["serviceDeploymentArn"] for d in page["serviceDeployments"]]
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    out: list[dict] = []
    for i in range(0, len(arns), 20):
        out += ecs.describe_service_deployments(serviceDeploymentArns=arns[i : i + 20])[
            "serviceDeployments"
        ]
    return out


def _revisions(lab, arns) -> dict[str, dict]:
    arns = list(dict.fromkeys(a for a in arns if a))
    out: dict[str, dict] = {}
    for i in range(0, len(arns), 20):
        got = client(lab, "ecs").describe_service_revisions(serviceRevisionArns=arns[i : i + 20])
        out.update({r["serviceRevisionArn"]: r for r in got["serviceRevisions"]})
    return out


def _td(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def deployment_history(lab, cluster: str, service: str) -> pd.DataFrame:
    """One row per service deployment, newest first: id (8 characters), strategy, status,
    lifecycle stage, target and source revisions (task definitions), the target's running
    count, start and finish (simulated time, HH:MM:SS) and the status reason."""
    sds = service_deployments(lab, cluster, service)
    revs = _revisions(
        lab,
        [d["targetServiceRevision"]["arn"] for d in sds]
        + [s["arn"] for d in sds for s in d["sourceServiceRevisions"]],
    )
    rows = []
    for d in sds:
        target = revs.get(d["targetServiceRevision"]["arn"], {})
        sources = [revs.get(s["arn"], {}) for s in d["sourceServiceRevisions"]]
        rows.append(
            {
                "id": d["serviceDeploymentArn"].rsplit("/", 1)[-1][:8],
                "strategy": d["deploymentConfiguration"]["strategy"],
                "status": d["status"],
                "stage": d.get("lifecycleStage", ""),
                "target": _td(target.get("taskDefinition", "?")),
                "sources": ", ".join(_td(s.get("taskDefinition", "?")) for s in sources),
                "running": d["targetServiceRevision"]["runningTaskCount"],
                "started": f"{d['startedAt']:%H:%M:%S}",
                "finished": f"{d['finishedAt']:%H:%M:%S}" if "finishedAt" in d else "",
                "reason": d.get("statusReason", ""),
            }
        )
    cols = [
        "id",
        "strategy",
        "status",
        "stage",
        "target",
        "sources",
        "running",
        "started",
        "finished",
        "reason",
    ]
    return pd.DataFrame(rows, columns=cols)


def revisions_table(lab, arns) -> pd.DataFrame:
    """DescribeServiceRevisions of ``arns``: revision id, task definition, launch type, the
    images with their digests (shortened) and the load balancers' target groups (by name)."""
    revs = _revisions(lab, arns)
    rows = []
    for arn in dict.fromkeys(arns):
        r = revs.get(arn)
        if r is None:
            continue
        images = ", ".join(
            f"{i['image']}" + (f"@{i['imageDigest'][:19]}…" if i.get("imageDigest") else "")
            for i in r["containerImages"]
        )
        groups = []
        for lb in r["loadBalancers"]:
            text = _tg_name(lb["targetGroupArn"])
            alt = lb.get("advancedConfiguration", {}).get("alternateTargetGroupArn")
            if alt:
                text += f" (alternate {_tg_name(alt)})"
            groups.append(text)
        rows.append(
            {
                "revision": arn.rsplit("/", 1)[-1],
                "taskDefinition": _td(r["taskDefinition"]),
                "launchType": r["launchType"],
                "images": images,
                "targetGroups": ", ".join(groups),
            }
        )
    return pd.DataFrame(
        rows, columns=["revision", "taskDefinition", "launchType", "images", "targetGroups"]
    )


def _tg_name(arn: str) -> str:
    return arn.split(":targetgroup/", 1)[-1].split("/", 1)[0]


def rule_weights(lab, rule_arn: str) -> dict[str, int]:
    """DescribeRules: the rule's forward weights by target-group name."""
    rule = client(lab, "elbv2").describe_rules(RuleArns=[rule_arn])["Rules"][0]
    out: dict[str, int] = {}
    for action in rule["Actions"]:
        if action["Type"] != "forward":
            continue
        groups = action.get("ForwardConfig", {}).get("TargetGroups") or [
            {"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}
        ]
        for g in groups:
            out[_tg_name(g["TargetGroupArn"])] = g.get("Weight", 1)
    return out


def advance_until(
    lab,
    cluster: str,
    service: str,
    stage: str | None = None,
    status: str | None = None,
    step: float = 5.0,
    limit: str | float = "60m",
) -> dict:
    """Move the clock ``step`` seconds at a time until the newest service deployment of
    ``service`` is in lifecycle ``stage`` (and/or has ``status``), at most ``limit``; returns
    that deployment (described)."""
    end = lab.now + pd.Timedelta(limit if isinstance(limit, str) else f"{limit}s")
    while True:
        sd = service_deployments(lab, cluster, service)[0]
        if (stage is None or sd.get("lifecycleStage") == stage) and (
            status is None or sd["status"] == status
        ):
            return sd
        if lab.now >= end:
            raise TimeoutError(
                f"after {limit}: service deployment is {sd['status']} "
                f"{sd.get('lifecycleStage', '')}, not {status or ''} {stage or ''}".strip()
            )
        lab.advance(step)


# -- the history over simulated time, from the event table ------------------------------------


def _service_arn(lab, cluster: str, service: str) -> str:
    return f"arn:aws:ecs:{lab.region}:{lab.account_id}:service/{cluster}/{service}"


def tasks_per_revision(lab, cluster: str, service: str) -> pd.DataFrame:
    """Running tasks of each revision (task definition) over time: columns time, revision,
    running (a revision deployed twice, e.g. by a rollback, is counted together)."""
    hist = service_history(lab, cluster, service)
    cols = ["time", "revision", "running"]
    if hist.empty:
        return pd.DataFrame(columns=cols)
    bands = deployment_bands(lab, cluster, service)
    rev_of = dict(zip(bands["deployment"], bands["revision"], strict=True))
    hist = hist.assign(revision=hist["deployment"].map(rev_of).fillna("?"))
    wide = hist.pivot_table(
        index="time", columns="deployment", values="running", aggfunc="last"
    ).ffill()
    wide = wide.fillna(0)
    per_rev = wide.T.groupby(wide.columns.map(rev_of).fillna("?")).sum().T
    out = per_rev.stack().rename("running").reset_index()
    out.columns = cols
    out["running"] = out["running"].astype(int)
    return out.sort_values(["time", "revision"], kind="stable").reset_index(drop=True)


def _started(lab, cluster: str, service: str) -> dict[str, dict]:
    """Service deployment arn -> its DeploymentStarted detail (task definition, revision)."""
    ev = lab.events
    mine = ev[
        (ev["kind"] == "DeploymentStarted")
        & (ev["resource"] == _service_arn(lab, cluster, service))
    ]
    return {d["service_deployment"]: d for d in mine["detail"] if d.get("service_deployment")}


def traffic_history(lab, cluster: str, service: str, rule_arn: str) -> pd.DataFrame:
    """The share of ``rule_arn``'s traffic each revision gets over time: columns time, revision,
    share (%). Before the first change by ECS the rule's groups serve the service's first
    revision; each change by a blue/green deployment (RuleModified ``by`` its ARN) gives the
    weight of that deployment's alternate group to its target revision and the rest to its
    source revision."""
    ev = lab.events
    started = _started(lab, cluster, service)
    sds = {d["serviceDeploymentArn"]: d for d in service_deployments(lab, cluster, service)}
    revs = _revisions(
        lab,
        [d["targetServiceRevision"]["arn"] for d in sds.values()]
        + [s["arn"] for d in sds.values() for s in d["sourceServiceRevisions"]],
    )
    moments: list[tuple[Any, dict[str, float]]] = []
    first = next(iter(started.values()), None)
    created = ev[(ev["kind"] == "RuleCreated") & (ev["resource"] == rule_arn)]
    mine = ev[ev["resource"] == _service_arn(lab, cluster, service)]
    if first is not None and len(created) and len(mine):
        t0 = max(created["time"].iloc[0], mine["time"].iloc[0])
        moments.append((t0, {_td(first["task_definition"]): 100.0}))
    changes = ev[(ev["kind"] == "RuleModified") & (ev["resource"] == rule_arn)]
    for t, d in zip(changes["time"], changes["detail"], strict=True):
        sd = sds.get(str(d.get("by", "")).removeprefix("ecs:"))
        if sd is None or not sd["sourceServiceRevisions"]:
            continue
        target = revs.get(sd["targetServiceRevision"]["arn"], {})
        source = revs.get(sd["sourceServiceRevisions"][0]["arn"], {})
        alt = next(
            (
                lb.get("advancedConfiguration", {}).get("alternateTargetGroupArn")
                for lb in target.get("loadBalancers", [])
            ),
            None,
        )
        total = sum(d["weights"].values()) or 1
        green = 100.0 * d["weights"].get(alt, 0) / total
        share = {_td(source.get("taskDefinition", "?")): 100.0 - green}
        share[_td(target.get("taskDefinition", "?"))] = green
        moments.append((t, share))
    names = list(dict.fromkeys(r for _t, share in moments for r in share))
    rows = [(t, r, share.get(r, 0.0)) for t, share in moments for r in names]
    out = pd.DataFrame(rows, columns=["time", "revision", "share"])
    # Several changes at one moment: the last one holds.
    out = out.drop_duplicates(["time", "revision"], keep="last")
    return out.sort_values(["time", "revision"], kind="stable").reset_index(drop=True)


def stage_history(lab, cluster: str, service: str) -> pd.DataFrame:
    """Each status or lifecycle-stage change of the service's deployments (the
    ServiceDeploymentChanged / ServiceDeploymentFinished facts, and the rolling path's
    DeploymentStarted / DeploymentCompleted): time, deployment (8 characters), status, stage."""
    ev = lab.events
    svc = _service_arn(lab, cluster, service)
    rows = []
    for t, k, r, d in zip(
        ev["time"], ev["kind"].astype(str), ev["resource"], ev["detail"], strict=True
    ):
        if (
            k in ("ServiceDeploymentChanged", "ServiceDeploymentFinished")
            and d.get("service") == svc
        ):
            rows.append((t, str(r).rsplit("/", 1)[-1][:8], d["status"], d.get("stage") or ""))
        elif (
            k in ("DeploymentStarted", "DeploymentCompleted")
            and r == svc
            and d.get("service_deployment")
        ):
            status = "IN_PROGRESS" if k == "DeploymentStarted" else d.get("status", "SUCCESSFUL")
            rows.append((t, d["service_deployment"].rsplit("/", 1)[-1][:8], status, ""))
    return pd.DataFrame(rows, columns=["time", "deployment", "status", "stage"])
