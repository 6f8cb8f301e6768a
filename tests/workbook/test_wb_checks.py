"""Exercise checks: pass/fail with hints, plain text and HTML, and require() for graded cells."""

import pytest

from workbook import checks


def test_cluster_exists_fails_with_hints_until_it_is_right(lab, ecs):
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled", tags={"team": "a"})
    assert not r and r.message == "there is no cluster named MyCluster in this lab (ap-east-1)"
    assert 'ecs.create_cluster(clusterName="MyCluster")' in r.hint
    ecs.create_cluster(clusterName="mycluster")
    r = checks.cluster_exists(lab, "MyCluster")
    assert "Names are case-sensitive: the lab has mycluster." in r.hint
    ecs.create_cluster(clusterName="MyCluster")
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled")
    assert r.message == "containerInsights is disabled, the exercise wants enabled"
    assert "update_cluster_settings" in r.hint
    ecs.update_cluster_settings(
        cluster="MyCluster", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled", tags={"team": "a"})
    assert r.message == "the cluster lacks the tag(s) team=a"
    arn = ecs.describe_clusters(clusters=["MyCluster"])["clusters"][0]["clusterArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "a"}])
    r = checks.cluster_exists(lab, "MyCluster", container_insights="enabled", tags={"team": "a"})
    assert r and r.message == "ACTIVE with containerInsights=enabled; tags team=a"
    assert r.require() is r


def test_checks_do_not_change_the_lab(lab, ecs):
    ecs.create_cluster(clusterName="a")
    n = len(lab.events)
    checks.cluster_exists(lab, "a")
    checks.cluster_deleted(lab, "a")
    assert len(lab.events) == n


def test_cluster_deleted(lab, ecs):
    assert "never had a cluster" in checks.cluster_deleted(lab, "x").message
    ecs.create_cluster(clusterName="x")
    r = checks.cluster_deleted(lab, "x")
    assert not r and 'ecs.delete_cluster(cluster="x")' in r.hint
    ecs.delete_cluster(cluster="x")
    assert checks.cluster_deleted(lab, "x").message == "cluster x is INACTIVE"
    r = checks.cluster_exists(lab, "x")
    assert r.message == "cluster x exists but is INACTIVE (it was deleted)"


def test_rendering_and_require(lab):
    r = checks.cluster_exists(lab, "Team-A")
    text = str(r)
    assert text.startswith("[NOT YET] cluster Team-A exists: there is no cluster")
    assert "\n  hint: Create it with" in text
    html = r._repr_html_()
    assert "✗ cluster Team-A exists" in html and "<b>Hint:</b>" in html
    assert "&quot;Team-A&quot;" in html  # escaped
    with pytest.raises(checks.CheckFailed, match="hint: Create it") as ei:
        r.require()
    assert isinstance(ei.value, AssertionError)  # nbgrader counts a failed graded cell


def test_fargate_task_price():
    assert checks.fargate_task_price(0.04048 + 2 * 0.004445)
    r = checks.fargate_task_price(0.05)
    assert not r and "$0.04048/vCPU-hour" in r.hint
    assert checks.fargate_task_price("0.05").message == "the answer should be a number, got '0.05'"
