"""The console dashboard and progress feedback, driven through their methods against a real lab."""

from ecslab import Lab, examples
from workbook.panels import ConsoleDashboard
from workbook.progress import advance_with_progress
from workbook.views.console import Console

USER_DATA = "#!/bin/bash\necho ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config"


def small_lab() -> Lab:
    lab = Lab(seed=3)
    ecs, ec2, ssm = lab.client("ecs"), lab.client("ec2"), lab.client("ssm")
    ecs.create_cluster(clusterName="MyCluster")
    ecs.create_cluster(clusterName="Empty")
    ami = ssm.get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
    )["Parameter"]["Value"]
    ec2.run_instances(
        ImageId=ami,
        InstanceType="m5.large",
        MinCount=2,
        MaxCount=2,
        IamInstanceProfile={"Name": "ecsInstanceRole"},
        UserData=USER_DATA,
    )
    lab.advance("2m")
    td = examples.taskdef("sample-app")
    td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 0
    ecs.register_task_definition(**td)
    ecs.create_service(
        cluster="MyCluster", serviceName="web", taskDefinition="sample-app", desiredCount=2
    )
    lab.advance("3m")
    return lab


def test_console_tables_follow_the_lab():
    lab = small_lab()
    c = Console(lab, "MyCluster")
    assert list(c.clusters().index) == ["Empty", "MyCluster"] or set(c.clusters().index) == {
        "Empty",
        "MyCluster",
    }
    inst = c.instances()
    assert len(inst) == 2 and set(inst["status"]) == {"ACTIVE"} and inst["running"].sum() == 2
    svc = c.services()
    assert svc.to_dict("records")[0] == {
        "service": "web",
        "status": "ACTIVE",
        "desired": 2,
        "running": 2,
        "pending": 0,
        "deployments": 1,
        "launch type": "EC2",
    }
    assert len(c.tasks()) == 2
    assert any("has started 2 tasks" in m for m in c.events("web")["message"])


def test_dashboard_panel_select_refresh_and_progress():
    lab = small_lab()
    d = ConsoleDashboard(lab)
    assert d.console.cluster in {"MyCluster", "Empty"}
    out = d.select("MyCluster")
    assert out.ok and d.status_text.startswith("✓ MyCluster: 2 instance(s), 1 service(s)")
    assert "web" in d.tables["services"].value and "has started 2 tasks" in d.tables["events"].value
    assert len(d.map.data) > 0 and len(d.timeline.data) > 0
    t0 = lab.now
    d.advance("10m")
    assert (lab.now - t0).total_seconds() == 600
    assert d.progress.value == d.progress.max == 10
    assert not d.select("Nope").ok
    empty = ConsoleDashboard(Lab())
    assert empty.status_text == "✓ no clusters yet: create one to see it here"


def test_advance_with_progress_equals_one_advance_in_facts():
    a, b = small_lab(), small_lab()
    a.advance("7m30s")
    n = advance_with_progress(b, "7m30s", step="1m")
    assert n == 8 and a.now == b.now
    facts = lambda lab: [(e.kind, e.resource, e.time) for e in lab.log if e.origin == "fact"]  # noqa: E731
    assert facts(a) == facts(b)
