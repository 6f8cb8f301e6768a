"""Named checkpoints: restore rebuilds the lab as it was (describe answers equal), forward jumps
work in-process, and saved labs keep their checkpoints."""

from __future__ import annotations

import pytest
from taskkit import cluster, describe, taskdef

from ecslab import Lab


def answers(lab) -> dict:
    """What a learner can ask: clusters, instances, tasks, the clock."""
    ecs = lab.client("ecs")
    clusters = ecs.list_clusters()["clusterArns"]
    out = {"now": lab.now.isoformat(), "clusters": ecs.describe_clusters(clusters=clusters)}
    for arn in clusters:
        name = arn.rsplit("/", 1)[-1]
        cis = ecs.list_container_instances(cluster=name)["containerInstanceArns"]
        out[name + "/ci"] = (
            ecs.describe_container_instances(cluster=name, containerInstances=cis) if cis else None
        )
        tasks = ecs.list_tasks(cluster=name)["taskArns"]
        out[name + "/tasks"] = ecs.describe_tasks(cluster=name, tasks=tasks) if tasks else None
    for v in out.values():
        if isinstance(v, dict):
            v.pop("ResponseMetadata", None)
    return out


def test_restore_equals_the_lab_at_the_checkpoint_and_jumps_forward(lab):
    ecs = lab.client("ecs")
    cluster(lab)
    td = taskdef(lab, "app")
    lab.checkpoint("ready")
    at_ready = answers(lab)
    arn = ecs.run_task(cluster="MyCluster", taskDefinition=td)["tasks"][0]["taskArn"]
    lab.advance("2m")
    lab.checkpoint("running")
    at_running = answers(lab)
    assert describe(lab, arn)["lastStatus"] == "RUNNING"
    ecs.stop_task(cluster="MyCluster", task=arn)
    lab.advance("1m")
    assert describe(lab, arn)["lastStatus"] == "STOPPED"

    assert lab.restore("ready") is lab  # retry the step: the task never ran
    assert answers(lab) == at_ready
    assert ecs.list_tasks(cluster="MyCluster")["taskArns"] == []  # the old client still works
    assert list(lab.checkpoints["name"]) == ["ready", "running"]
    lab.restore("running")  # skip forward past the step
    assert answers(lab) == at_running
    assert describe(lab, arn)["lastStatus"] == "RUNNING"
    # Timers came back too: the running task stops by itself after its sleep 360.
    lab.advance("10m")
    assert describe(lab, arn)["lastStatus"] == "STOPPED"


def test_restore_then_diverge_and_unknown_names(lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="a")
    lab.checkpoint("one")
    ecs.create_cluster(clusterName="b")
    lab.restore("one")
    ecs.create_cluster(clusterName="c")
    names = sorted(a.rsplit("/", 1)[-1] for a in ecs.list_clusters()["clusterArns"])
    assert names == ["a", "c"]
    with pytest.raises(KeyError, match="no checkpoint named 'two'"):
        lab.restore("two")
    with pytest.raises(ValueError):
        lab.checkpoint(" ")


def test_saved_lab_keeps_checkpoints(tmp_path, lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="a")
    cp = lab.checkpoint("one")
    at_one = answers(lab)
    ecs.create_cluster(clusterName="b")
    lab.advance("5m")
    path = lab.save(tmp_path / "lab.jsonl")
    full = Lab.load(path)
    assert answers(full) == answers(lab)
    assert list(full.checkpoints["events"]) == [cp.events]
    back = Lab.load(path, checkpoint="one")
    assert answers(back) == at_one and len(back.events) == cp.events
    assert back.restore("one") is back and answers(back) == at_one
    with pytest.raises(KeyError):
        Lab.load(path, checkpoint="zzz")
    facts = lab.events.query("kind == 'CheckpointSaved'")
    assert facts["detail"].iloc[0] == {"events": cp.events} and facts["resource"].iloc[0] == "one"
