"""The placement map, the task timeline, the time scrubber, the run task panel and the clock's
"until steady" / play, driven through their methods against a real lab (no browser)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from taskkit import instances, taskdef

from ecslab import Lab
from workbook import charts
from workbook.panels import ClockPanel, RunTaskPanel, TimeScrubber
from workbook.views.placement import placement_view, task_states, unsteady
from workbook.views.scrub import lab_as_of, moments


def named_cluster(lab, n_per_az=1, itype="m5.large", cluster="MyCluster"):
    """Instances web-1.. in every AZ (subnet order), registered."""
    lab.client("ecs").create_cluster(clusterName=cluster)
    subnets = [s["SubnetId"] for s in lab.client("ec2").describe_subnets()["Subnets"]]
    k = 0
    for _ in range(n_per_az):
        for s in subnets:
            k += 1
            tags = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"web-{k}"}]}]
            instances(lab, 1, itype, cluster, SubnetId=s, TagSpecifications=tags)


def engine_placement(lab, cluster="MyCluster"):
    """task ARN -> instance Name, as DescribeTasks + DescribeInstances say."""
    ecs, ec2 = lab.client("ecs"), lab.client("ec2")
    arns = ecs.list_tasks(cluster=cluster)["taskArns"]
    if not arns:
        return {}
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
    cis = ecs.describe_container_instances(
        cluster=cluster, containerInstances=sorted({t["containerInstanceArn"] for t in tasks})
    )["containerInstances"]
    iid = {c["containerInstanceArn"]: c["ec2InstanceId"] for c in cis}
    names = {
        i["InstanceId"]: {t["Key"]: t["Value"] for t in i["Tags"]}["Name"]
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
    }
    return {t["taskArn"]: names[iid[t["containerInstanceArn"]]] for t in tasks}


def figure_placement(fig) -> dict[str, str]:
    """task id -> instance label, read from the placement figure's CPU task traces."""
    out = {}
    for tr in fig.data:
        if tr.type == "bar" and tr.yaxis == "y" and tr.customdata is not None:
            if tr.name.startswith("unreserved"):
                continue
            out.update(dict(zip(tr.customdata, tr.x[1], strict=True)))
    return out


@pytest.fixture
def lab3():
    lab = Lab(seed=7)
    named_cluster(lab)
    taskdef(lab, "sleep360", memory=3000)
    return lab


def test_run_3_tasks_the_figure_has_them_on_the_engines_instances(lab3):
    panel = RunTaskPanel(lab3, "MyCluster", "sleep360")
    panel.add_strategy("spread", "attribute:ecs.availability-zone")
    out = panel.run(count=3)
    assert out.ok and out.message.startswith("started 3 of 3 task(s) of sleep360:1 on ")
    engine = engine_placement(lab3)
    assert len(engine) == 3 and sorted(engine.values()) == ["web-1", "web-2", "web-3"]  # 1 per AZ
    shown = figure_placement(panel.figure)
    assert shown == {arn.rsplit("/", 1)[1]: name for arn, name in engine.items()}
    # The request the form means, and the map's zones in order with one instance each.
    assert panel.request()["placementStrategy"] == [
        {"type": "spread", "field": "attribute:ecs.availability-zone"}
    ]
    assert list(panel.figure.data[0].x[0]) == ["ap-east-1a", "ap-east-1b", "ap-east-1c"]
    assert panel.figure.layout.title.text.startswith(
        "Placement in MyCluster: 3 task(s) on 3 container instance(s)"
    )


def test_view_agrees_with_describe_container_instances(lab3):
    ecs = lab3.client("ecs")
    ecs.run_task(cluster="MyCluster", taskDefinition="sleep360", count=4)
    taskdef(lab3, "api", networkMode="awsvpc", cpu=512, memory=700)
    subnets = [s["SubnetId"] for s in lab3.client("ec2").describe_subnets()["Subnets"]]
    ecs.run_task(
        cluster="MyCluster",
        taskDefinition="api",
        count=2,
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets}},
    )
    lab3.advance("30s")
    view = placement_view(lab3, "MyCluster")
    cis = ecs.describe_container_instances(
        cluster="MyCluster", containerInstances=list(view.instances.index)
    )["containerInstances"]
    for ci in cis:
        row = view.instances.loc[ci["containerInstanceArn"]]
        reg = {r["name"]: r.get("integerValue") for r in ci["registeredResources"]}
        rem = {r["name"]: r.get("integerValue") for r in ci["remainingResources"]}
        assert (row["cpu"], row["memory"]) == (reg["CPU"], reg["MEMORY"])
        assert row["cpu"] - row["cpu_reserved"] == rem["CPU"]
        assert row["memory"] - row["memory_reserved"] == rem["MEMORY"]
        assert row["tasks"] == ci["runningTasksCount"] + ci["pendingTasksCount"]
        assert row["eni_capacity"] == 2  # m5.large without trunking: 3 ENIs - the primary
    assert view.instances["eni_used"].sum() == 2
    fig = charts.placement_figure(view)
    free_eni = next(t for t in fig.data if t.name == "ENI slots free")
    assert sum(free_eni.y) == 3 * 2 - 2


def test_memory_failure_is_marked_and_explained(lab3):
    panel = RunTaskPanel(lab3, "MyCluster", "sleep360")
    panel.run(count=6)  # 2 x 3000 MiB per m5.large (7985 MiB)
    out = panel.run(count=2)
    assert out.ok and out.message == (
        "started 0 of 2 task(s) of sleep360:1; 2 not placed: RESOURCE:MEMORY"
    )
    assert panel.why == [
        {"instance": f"web-{i}", "filter": "memory", "reason": "RESOURCE:MEMORY"} for i in (1, 2, 3)
    ]
    assert "Why not placed?" in panel.why_box.value and "RESOURCE:MEMORY" in panel.why_box.value
    marks = next(t for t in panel.figure.data if t.name == "last placement failure")
    assert list(marks.x[1]) == ["web-1", "web-2", "web-3"]
    assert set(marks.text) == {"RESOURCE:MEMORY"}
    assert (
        "last placement failure: 09:03:00 sleep360 x2: RESOURCE:MEMORY on web-1, web-2, web-3"
        in (panel.figure.layout.title.text)
    )


def test_static_host_port_and_eni_failures(lab3):
    ecs = lab3.client("ecs")
    taskdef(lab3, "port80", portMappings=[{"containerPort": 80, "hostPort": 80}])
    panel = RunTaskPanel(lab3, "MyCluster", "port80")
    out = panel.run(count=5)
    assert out.message.endswith("2 not placed: RESOURCE:PORTS")
    assert {r["reason"] for r in panel.why} == {"RESOURCE:PORTS"}
    taskdef(lab3, "api", networkMode="awsvpc", cpu=128, memory=128)
    panel.set_network(subnets=None)
    out = panel.run(count=8, task_definition="api")
    assert out.message.endswith("2 not placed: RESOURCE:ENI")  # 3 x 2 ENI slots
    assert panel.view.instances["eni_used"].tolist() == [2, 2, 2]
    assert "networkConfiguration" in panel.request()
    assert ecs.list_tasks(cluster="MyCluster", family="api")["taskArns"]


def test_constraints_builder_distinct_instance_and_member_of(lab3):
    taskdef(lab3, "small", memory=128)
    panel = RunTaskPanel(lab3, "MyCluster", "small")
    panel.set_constraints(distinct_instance=True)
    out = panel.run(count=4)
    assert out.message.endswith("1 not placed: DistinctInstance placement constraint unsatisfied")
    assert len(set(panel.placed_on().values())) == 3
    panel.stop_all()
    lab3.advance("2m")
    panel.set_constraints(member_of="attribute:ecs.availability-zone == ap-east-1b")
    assert panel.request()["placementConstraints"] == [
        {"type": "memberOf", "expression": "attribute:ecs.availability-zone == ap-east-1b"}
    ]
    panel.run(count=3)
    live = {a: i for a, i in panel.placed_on().items()}
    assert set(live.values()) == {"web-2"}


def test_service_tasks_are_coloured_by_service(lab3):
    lab3.client("ecs").run_task(cluster="MyCluster", taskDefinition="sleep360", count=2)
    ev = lab3.events
    first = ev.index[ev["kind"] == "TaskCreated"][0]
    ev.at[first, "detail"] = {**ev.at[first, "detail"], "service": "web"}
    fig = charts.placement_figure(ev, "MyCluster", names={})
    names = [t.name for t in fig.data if t.type == "bar" and t.yaxis == "y"]
    assert names[:2] == ["service web", "sleep360"]
    assert fig.data[2].marker.color != fig.data[5].marker.color


def test_task_timeline_states_and_faults(lab3):
    ecs = lab3.client("ecs")
    ecs.run_task(cluster="MyCluster", taskDefinition="sleep360")
    taskdef(lab3, "crash", command=["sh", "-c", "exit 2"], memory=64)
    ecs.run_task(cluster="MyCluster", taskDefinition="crash")
    ecs.run_task(cluster="MyCluster", taskDefinition="sleep360", count=10)  # 5 fit
    lab3.advance("7m")
    seg, marks = task_states(lab3, "MyCluster")
    first = seg[seg["label"] == "sleep360 #1"]
    assert first["state"].tolist() == [
        "PENDING",
        "ACTIVATING",
        "RUNNING",
        "DEACTIVATING",
        "STOPPING",
    ]
    running = first[first["state"] == "RUNNING"].iloc[0]
    assert running["end"] - running["start"] == timedelta(seconds=360)
    crash = marks[marks["label"] == "crash #1"]
    assert crash[crash["kind"] == "container exited"]["fault"].tolist() == [True]
    assert "exited with code 2" in crash["text"].iloc[0]
    failed = marks[marks["kind"] == "placement failed"]
    assert failed["text"].tolist() == ["sleep360: 5 of 10 task(s) not placed (RESOURCE:MEMORY)"]
    fig = charts.task_timeline_figure(lab3, "MyCluster")
    assert fig.layout.title.text == "Task lifecycle over simulated time (7 task(s))"
    assert list(fig.layout.yaxis.categoryarray)[:2] == ["sleep360 #1", "crash #1"]
    exited = next(t for t in fig.data if t.name.startswith("container exited"))
    assert list(exited.y) == ["crash #1"]
    # As of one second after the start: everything still PENDING, nothing open past then.
    start = seg["start"].min()
    early = charts.task_timeline_figure(lab3, "MyCluster", until=start + timedelta(seconds=1))
    assert [t.name for t in early.data if t.type == "bar" and len(t.y)] == ["PENDING"]


def test_scrubber_as_of_matches_a_replayed_lab(lab3, tmp_path):
    ecs = lab3.client("ecs")
    ecs.run_task(cluster="MyCluster", taskDefinition="sleep360", count=3)
    lab3.advance("2m")
    middle = lab3.now
    lab3.advance("10s")  # "as of" includes what happened at that instant
    ecs.run_task(cluster="MyCluster", taskDefinition="sleep360", count=2)
    lab3.advance("7m")
    then = placement_view(lab3, "MyCluster", until=middle)
    replayed = lab_as_of(lab3, middle)
    assert replayed.now == middle
    again = placement_view(replayed, "MyCluster")
    assert then.tasks.index.tolist() == again.tasks.index.tolist()
    assert then.instances[["cpu_reserved", "memory_reserved"]].equals(
        again.instances[["cpu_reserved", "memory_reserved"]]
    )
    scrub = TimeScrubber(lab3, "placement", "MyCluster")
    assert "0 task(s)" in scrub.figure.layout.title.text  # now: all 5 stopped after 360 s
    seconds = (middle - lab3.start).total_seconds()
    assert seconds in [s for _, s in moments(lab3)]
    scrub.slider.value = seconds  # the observer path, as a drag does
    assert scrub.figure.layout.title.text.startswith(
        f"Placement in MyCluster as of {middle:%H:%M:%S}: 3 task(s)"
    )
    assert scrub.status_text == f"✓ as of {middle:%H:%M:%S} UTC"
    timeline = TimeScrubber(lab3, "timeline", "MyCluster")
    timeline.show_at(middle)
    assert timeline.figure.layout.title.text.endswith("(3 task(s))")


def test_clock_until_steady_and_play(lab3):
    clock = ClockPanel(lab3)
    lab3.client("ecs").run_task(cluster="MyCluster", taskDefinition="sleep360", count=2)
    assert len(unsteady(lab3)) == 2
    start = lab3.now
    out = clock.until_steady()
    assert out.message == (
        "advanced 0h 00m 03s to 09:03:03 UTC; steady: every task RUNNING or STOPPED, "
        "no instance registering"
    )
    assert lab3.now - start == timedelta(seconds=3.055)
    assert unsteady(lab3) == []
    # Nothing in between: until steady does not move (the sleep ends 6 minutes later).
    assert clock.until_steady().message.startswith("advanced 0h 00m 00s")
    clock.play("1 min/s")
    assert clock.playing
    before = lab3.now
    clock.player.value += 1  # a beat from the browser's timer
    clock.player.value += 1
    assert lab3.now - before == timedelta(minutes=2)
    clock.pause()
    clock.player.value += 1
    assert lab3.now - before == timedelta(minutes=2)
    assert clock.tick() - before == timedelta(minutes=3)


def test_until_steady_waits_for_instances_to_register():
    lab = Lab(seed=3)
    lab.client("ecs").create_cluster(clusterName="MyCluster")
    ami = lab.client("ssm").get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
    )["Parameter"]["Value"]
    lab.client("ec2").run_instances(
        ImageId=ami,
        InstanceType="m5.large",
        MinCount=1,
        MaxCount=1,
        UserData="ECS_CLUSTER=MyCluster",
        IamInstanceProfile={"Name": "ecsInstanceRole"},
    )
    out = ClockPanel(lab).until_steady()
    assert out.message.startswith("advanced 0h 00m 35s")
    assert placement_view(lab, "MyCluster").instances["status"].tolist() == ["ACTIVE"]


def test_empty_cluster_map():
    lab = Lab(seed=1)
    lab.client("ecs").create_cluster(clusterName="Empty")
    fig = charts.placement_figure(lab, "Empty")
    assert fig.layout.annotations[0].text == "no container instances in Empty"
    assert fig.layout.title.text.startswith("Placement in Empty: 0 task(s) on 0 container")
