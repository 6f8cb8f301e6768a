"""A lab is its event table: same seed + calls -> same everything; save/load replays it."""

import json

import pytest

from ecslab import Lab, ReplayMismatch


def scenario(lab):
    ecs = lab.client("ecs")
    ecs.create_cluster(clusterName="MyCluster", tags=[{"key": "env", "value": "dev"}])
    ecs.create_cluster()
    lab.advance("90s")
    ecs.create_cluster(
        clusterName="tmp", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ecs.update_cluster_settings(
        cluster="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    arn = ecs.describe_clusters(clusters=["tmp"])["clusters"][0]["clusterArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "b"}])
    ecs.untag_resource(resourceArn=arn, tagKeys=["a"])
    lab.advance("5m")
    ecs.delete_cluster(cluster="tmp")
    try:
        ecs.delete_cluster(cluster="tmp")
    except ecs.exceptions.ClusterNotFoundException:
        pass
    return ecs


def answers(lab):
    """Every describe/list answer the lab can give, without ResponseMetadata."""
    ecs = lab.client("ecs")
    out = {}
    arns = ecs.list_clusters()["clusterArns"]
    out["list"] = arns
    names = ["MyCluster", "default", "tmp", "never"]
    out["describe"] = ecs.describe_clusters(
        clusters=names, include=["SETTINGS", "TAGS", "STATISTICS"]
    )
    out["tags"] = {a: ecs.list_tags_for_resource(resourceArn=a)["tags"] for a in arns}
    out["now"] = lab.now.isoformat()
    for v in out.values():
        if isinstance(v, dict):
            v.pop("ResponseMetadata", None)
    return out


def test_same_seed_same_calls_identical_events_and_answers():
    a, b = Lab(seed=3), Lab(seed=3)
    scenario(a)
    scenario(b)
    assert [e.to_json() for e in a.log] == [e.to_json() for e in b.log]
    assert answers(a) == answers(b)
    ra, rb = a.client("ecs").list_clusters(), b.client("ecs").list_clusters()
    assert ra["ResponseMetadata"]["RequestId"] == rb["ResponseMetadata"]["RequestId"]
    assert ra["ResponseMetadata"]["HTTPHeaders"]["date"] == "Mon, 06 Jan 2025 09:06:30 GMT"


def test_random_draws_depend_only_on_seed_and_history():
    a, b, c = Lab(seed=1), Lab(seed=1), Lab(seed=2)
    assert a.random.hex() == b.random.hex()
    assert len(a.random.hex()) == 32 and int(a.random.hex(), 16) >= 0
    assert Lab(seed=1).random.hex() != c.random.hex()
    # A failed call between two labs' histories does not shift later draws.
    a.client("ecs").create_cluster(clusterName="x")
    b.client("ecs").create_cluster(clusterName="x")
    try:
        b.client("ecs").delete_cluster(cluster="missing")
    except Exception:
        pass
    a.random.reset(len(a.log))
    b.random.reset(len(b.log))
    assert a.random.hex() == b.random.hex()


def test_draws_from_the_reused_philox_equal_fresh_generators():
    # hex/integers/random reuse one Philox; ids must stay what a fresh generator() gives.
    import numpy as np

    from ecslab.core.rng import LabRandom

    fast, slow = LabRandom(7), LabRandom(7)
    for position in (0, 1, 12345, 2**40):
        fast.reset(position)
        slow.reset(position)
        for n in (1, 8, 17, 24, 32, 40, 64):
            words = slow.generator().integers(0, 2**32, size=(n + 7) // 8, dtype=np.uint64)
            assert fast.hex(n) == "".join(f"{w:08x}" for w in words.tolist())[:n]
        assert fast.integers(1, 255, size=2).tolist() == (
            slow.generator().integers(1, 255, size=2).tolist()
        )
        assert fast.random(3).tolist() == slow.generator().random(3).tolist()
        assert fast.integers(0, 10) == slow.generator().integers(0, 10)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_save_load_replays_to_equal_answers(tmp_path, suffix):
    lab = Lab(seed=11)
    scenario(lab)
    path = lab.save(tmp_path / f"lab{suffix}")
    loaded = Lab.load(path)
    assert answers(loaded) == answers(lab)
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]
    assert loaded.events.equals(lab.events)
    # The loaded lab carries on exactly like the original.
    for x in (lab, loaded):
        x.client("ecs").create_cluster(clusterName="after")
        x.advance("1m")
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in lab.log]


def test_load_until_restores_an_earlier_moment(tmp_path):
    lab = Lab()
    scenario(lab)
    path = lab.save(tmp_path / "lab.jsonl")
    mid = Lab.load(path, until=lab.start)
    assert mid.now == lab.start
    names = [a.rsplit("/", 1)[1] for a in mid.client("ecs").list_clusters()["clusterArns"]]
    assert names == ["MyCluster", "default"]


def test_tampered_table_is_detected(tmp_path):
    lab = Lab()
    scenario(lab)
    path = lab.save(tmp_path / "lab.jsonl")
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        row = json.loads(line)
        if row.get("kind") == "ClusterCreated":
            row["resource"] = row["resource"] + "-tampered"
            lines[i] = json.dumps(row)
            break
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReplayMismatch, match="differs on replay"):
        Lab.load(path)


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    lab = Lab()
    scenario(lab)
    lab.save(tmp_path / "lab.jsonl")
    lab.save(tmp_path / "lab.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab.jsonl"]


def test_sdk_idempotency_tokens_do_not_break_determinism(tmp_path):
    """boto3 fills ClientToken with uuid4; the lab records a token derived from seed and position."""

    def run():
        lab = Lab(seed=5)
        ec2, ssm = lab.client("ec2"), lab.client("ssm")
        ami = ssm.get_parameter(
            Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
        )["Parameter"]["Value"]
        ec2.run_instances(ImageId=ami, InstanceType="m5.large", MinCount=1, MaxCount=1)
        return lab

    a, b = run(), run()
    assert [e.to_json() for e in a.log] == [e.to_json() for e in b.log]
    token = a.events.query("kind == 'ApiCalled'")["detail"].iloc[0]["params"]["ClientToken"]
    assert token.startswith("ecslab-") and len(token) == 36
    loaded = Lab.load(a.save(tmp_path / "lab.jsonl"))
    assert [e.to_json() for e in loaded.log] == [e.to_json() for e in a.log]
    # A token the caller chose is kept as given.
    ec2 = a.client("ec2")
    ami = a.client("ssm").get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
    )["Parameter"]["Value"]
    ec2.run_instances(
        ImageId=ami, InstanceType="m5.large", MinCount=1, MaxCount=1, ClientToken="my-launch-1"
    )
    assert (
        a.events.query("kind == 'ApiCalled'")["detail"].iloc[-1]["params"]["ClientToken"]
        == "my-launch-1"
    )
