"""Every lesson executed by papermill with its defaults and with another parameter set; the key
results each lesson records (workbook.lessons.record) are asserted, not just "no exception"."""

from __future__ import annotations

import pytest
from _lesson_helpers import PARAMETER_SETS, lesson_ids

from workbook.lessons import results_of


def test_every_lesson_has_two_parameter_sets():
    assert sorted(PARAMETER_SETS) == sorted(lesson_ids())
    assert all(len(sets) >= 2 and sets[0] == {} for sets in PARAMETER_SETS.values())


def errors(nb) -> list[str]:
    return [
        f"{o['ename']}: {o['evalue']}"
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def test_00_defaults(run_lesson):
    nb = run_lesson("00_overview_and_pricing.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "ap-east-1"
    assert r["fargate_usd_per_task_hour"] == 0.012343  # 0.25 x 0.04048 + 0.5 x 0.004445
    assert r["tasks_fit"]["m5.large"] == 8 and r["tasks_fit"]["t3.medium"] == 7
    assert r["usd_per_task_hour_when_full"]["m5.large"] == 0.012
    assert set(r["awsvpc_binding"].values()) == {"ENI"}  # 2 ENIs' worth of tasks, not trunked
    assert "ships no ap-east-1 price" in r["price_note"]
    assert r["exercise_passed"] is True


def test_00_arm64_in_us_east_1(run_lesson):
    nb = run_lesson("00_overview_and_pricing.ipynb", PARAMETER_SETS["00_overview_and_pricing.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1"
    assert r["fargate_usd_per_task_hour"] == pytest.approx(0.03238 + 2 * 0.00356)
    # 1 vCPU / 2048 MiB: m7g.large has 2 vCPU (2 tasks); c7g.large 4 GiB -> 3992 MiB (1 task).
    assert r["tasks_fit"] == {"m6g.large": 2, "m7g.large": 2, "c7g.large": 1}
    assert r["usd_per_task_hour_when_full"]["c7g.large"] == 0.0725
    assert r["price_note"].endswith("the lab's own region.")


def test_01_defaults(run_lesson):
    nb = run_lesson("01_clusters.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["default_arn"] == "arn:aws:ecs:ap-east-1:123456789012:cluster/default"
    assert r["cluster_arn"] == "arn:aws:ecs:ap-east-1:123456789012:cluster/MyCluster"
    assert r["cluster_settings"] == {"containerInsights": "enabled"}
    assert r["active_clusters"] == ["MyCluster", "Team-A", "default"]
    assert r["scratch_status"] == "INACTIVE"
    assert r["exercise_passed"] is True
    assert r["facts"] == {
        "ClusterCreated": 5,
        "ClusterDeleted": 2,
        "ClusterSettingsUpdated": 1,
        "ResourceTagged": 3,
    }


def test_01_other_region_and_names(run_lesson):
    nb = run_lesson("01_clusters.ipynb", PARAMETER_SETS["01_clusters.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1"
    assert r["cluster_arn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/WebCluster"
    assert r["cluster_settings"] == {"containerInsights": "disabled"}
    assert r["active_clusters"] == ["Team-B", "WebCluster", "default"]
    assert r["exercise_passed"] is True
    # Same steps, same facts: the parameters change names, not the story.
    assert r["facts"]["ClusterCreated"] == 5


def test_02_defaults(run_lesson):
    nb = run_lesson("02_container_instances.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["arch"] == "x86_64" and r["ami_name"] == "amzn2-ami-ecs-hvm-2.0.20241217-x86_64-ebs"
    assert r["registered"] == {"cpu": 2048, "memory": 7985}  # m5.large: 2 x 1024; 8192 MiB -> 7985
    # The four classic failures never join; the private one joins once an endpoint exists.
    assert r["not_joined"] == {
        "no-role": "not registered",
        "plain-ami": "not registered",
        "typo": "not registered",
    }
    assert r["joined"] == ["burst", "private", "web-1", "web-2"]
    # Trunking: only the instance launched after the setting, and never a t3.
    assert r["trunk_eni"] == {"web-1": False, "web-2": True, "burst": False, "private": False}
    assert r["effective_capacity"] == {"m5.large": 8}  # 0.25 vCPU tasks: CPU binds before 10 ENIs
    assert r["exercise_passed"] == [True, True]
    assert r["cli_commands"] == ["aws ssm get-parameters", "aws ecs list-container-instances"]


def test_02_arm64_in_us_east_1(run_lesson):
    nb = run_lesson("02_container_instances.ipynb", PARAMETER_SETS["02_container_instances.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["arch"] == "arm64"
    assert r["ami_name"] == "amzn2-ami-ecs-hvm-2.0.20241217-arm64-ebs"
    assert r["registered"] == {"cpu": 2048, "memory": 7985}
    assert r["trunk_eni"]["web-2"] is True and r["trunk_eni"]["burst"] is False
    assert r["effective_capacity"] == {"m7g.large": 2}  # 1 vCPU tasks on 2 vCPUs
    assert r["exercise_passed"] == [True, True]


def test_03_defaults(run_lesson):
    nb = run_lesson("03_task_definitions.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["sleep360_arn"] == "arn:aws:ecs:ap-east-1:123456789012:task-definition/sleep360:1"
    assert r["families"] == ["sleep360", "web", "editor-demo", "api"]
    # web:1 deregistered then deleted; web:2 refused (still ACTIVE); refused calls made no revision.
    assert r["web_revisions"] == {
        "1": "DELETE_IN_PROGRESS",
        "2": "ACTIVE",
        "3": "ACTIVE",
        "4": "ACTIVE",
        "5": "ACTIVE",
        "6": "ACTIVE",
    }
    assert r["fargate_compatibilities"] == ["EC2", "FARGATE"]
    assert r["exercise"] == "api:1 is ACTIVE (EC2, FARGATE; awsvpc)"
    assert r["exercise_passed"] == [True, True]


def test_03_fargate_in_us_east_1(run_lesson):
    nb = run_lesson("03_task_definitions.ipynb", PARAMETER_SETS["03_task_definitions.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["sleep360_arn"].startswith("arn:aws:ecs:us-east-1:123456789012:task-definition/")
    assert r["families"] == ["sleep360", "shop", "editor-demo", "checkout"]
    assert r["exercise"] == "checkout:1 is ACTIVE (EC2, FARGATE; awsvpc)"
    assert r["exercise_passed"] == [True, True]
    # The broken definition is refused (first by a container rule) and made no revision.
    text = "\n".join(
        o.get("text", "") for c in nb.cells if "broken = {" in c.source for o in c.outputs
    )
    assert text.startswith("ClientException: Invalid setting for container 'app'.")


def test_04_defaults(run_lesson):
    nb = run_lesson("04_ecr.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["repository_uri"] == "123456789012.dkr.ecr.ap-east-1.amazonaws.com/web"
    assert r["digests_differ"] is True and r["untagged_after_second_push"] == 1
    assert r["tags"] == ["latest", "v3"] and r["images_left"] == 1
    assert r["exercise_passed"] == [True, True]
    assert r["cli_commands"] == ["aws ecr get-login-password", "aws ecr list-images"]


def test_04_arm64_nginx_in_us_east_1(run_lesson):
    nb = run_lesson("04_ecr.ipynb", PARAMETER_SETS["04_ecr.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["repository_uri"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/shop"
    assert r["architecture"] == "arm64"
    assert r["tags"] == ["latest", "v3"] and r["exercise_passed"] == [True, True]
    # Another base image and architecture: other digests than the default run's.
    default = run_lesson("04_ecr.ipynb", {})
    assert len(_digests(nb)) == 3 and _digests(nb).isdisjoint(_digests(default))
    assert results_of(default)["images_left"] == r["images_left"]


def _digests(nb) -> set[str]:
    import re

    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) for c in nb.cells for o in c.get("outputs", []))
    return set(re.findall(r"sha256:[0-9a-f]{12}", text))


def test_06_defaults(run_lesson):
    nb = run_lesson("06_services.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["service_arn"] == "arn:aws:ecs:ap-east-1:123456789012:service/MyCluster/web"
    assert r["default_deployment_configuration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    # Three tasks in three AZs; the new revision ran before the old one stopped.
    assert r["scaled_zones"] == ["ap-east-1a", "ap-east-1b", "ap-east-1c"]
    assert r["new_before_old"] is True
    assert r["rolling_bounds"] == {"100/200": 3, "50/200": 2, "0/100": 0}  # ceil(3 x 50 %) = 2
    assert r["daemon_tasks"] == 3  # one per instance
    assert r["services"] == ["api", "log-agent", "panel-demo"] and r["web_status"] == "INACTIVE"
    assert r["exercise_passed"] == [True, True]
    assert r["cli_commands"] == ["aws ecs list-services", "aws ecs wait", "aws ecs update-service"]
    text = "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "The service cannot be stopped while it is scaled above 0." in text
    assert "The daemon scheduling strategy does not support a desired count for services." in text


def test_06_arm64_six_tasks_in_us_east_1(run_lesson):
    nb = run_lesson("06_services.ipynb", PARAMETER_SETS["06_services.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["service_arn"] == "arn:aws:ecs:us-east-1:123456789012:service/MyCluster/web"
    assert r["scaled_zones"] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert r["rolling_bounds"] == {"100/200": 6, "50/200": 3, "0/100": 0}
    assert r["new_before_old"] is True and r["daemon_tasks"] == 3
    assert r["exercise_passed"] == [True, True]  # 4 tasks over 3 AZs; 25 % minimum healthy


def test_08_defaults(run_lesson):
    nb = run_lesson("08_health_checks_and_load_balancing.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    # Only the task definition's healthCheck counts; a bad one is replaced by the service.
    assert r["container_health"] == {
        "no-check": "UNKNOWN",
        "good-check": "HEALTHY",
        "bad-check": "UNHEALTHY",
    }
    assert r["target_type_refused"] == (
        "InvalidParameterException: The provided target group <web-instance ARN> has target type "
        "instance, which is incompatible with the awsvpc network mode specified in the task "
        "definition."
    )
    assert r["faults"] == ["crash_container", "fail_health_check", "terminate_instance", "az_down"]
    assert r["stopped_reasons"] == [
        "Essential container in task exited",
        "Host EC2",
        "Scaling activity initiated by",
        "Task failed ELB health checks in",
    ]
    assert r["exercise_passed"] == [True, True]
    assert r["cli_commands"] == ["aws elbv2 describe-target-health"]
    text = "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    shown = str([o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", [])])
    assert "due to (reason Health checks failed with these codes: [404])." in shown
    assert "EssentialContainerExited" in text


def test_08_arm64_other_path_in_us_east_1(run_lesson):
    nb = run_lesson(
        "08_health_checks_and_load_balancing.ipynb",
        PARAMETER_SETS["08_health_checks_and_load_balancing.ipynb"][1],
    )
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["arch"] == "arm64"
    assert r["container_health"]["bad-check"] == "UNHEALTHY"
    assert r["faults"] == ["crash_container", "fail_health_check", "terminate_instance", "az_down"]
    assert r["exercise_passed"] == [True, True]
    shown = str([o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", [])])
    assert "due to (reason Health checks failed with these codes: [404])." in shown  # /status


def test_09_defaults(run_lesson):
    nb = run_lesson("09_cost_fargate_vs_ec2.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert "ships no ap-east-1 prices" in r["price_note"]
    # Two m5.large from 09:00:20 to 12:00:50 (3.0083 h x $0.096), oops billed its 60 s minimum.
    # Container Insights is on but no task runs: no metrics are sent, so they cost nothing.
    assert r["lab_bill_usd"] == {"<oops>": 0.0, "<web-1>": 0.29, "<web-2>": 0.29}
    assert r["oops_billed_seconds"] == 60
    assert r["ec2_usd"] == round(2 * (3 * 3600 + 30) / 3600 * 0.096 + 60 / 3600 * 0.096, 2)
    # Host port 80: one sample-app task per instance; 16 trunked web tasks: EC2 m5.large wins.
    assert r["sample_app_per_instance"] == 1
    assert r["workloads_cheaper"]["web service, 16 tasks, trunking / m5.large"] == "EC2"
    assert r["workloads_cheaper"]["sample-app, port 80 / m5.large"] == "Fargate"
    # 0.5 vCPU / 1 GB awsvpc: 2 per .large without trunking (ENIs), 4 per m5.large with (CPU).
    assert r["tasks_per_instance"] == {
        "plain": {"m5.large": 2, "c5.large": 2, "t3.medium": 2},
        "trunking": {"m5.large": 4, "c5.large": 3, "t3.medium": 2},
    }
    assert r["break_even_count"] == {
        "plain": {"m5.large": None, "c5.large": None, "t3.medium": 2},
        "trunking": {"m5.large": 4, "c5.large": None, "t3.medium": 2},
    }
    per_task = 0.5 * 0.04048 + 1 * 0.004445
    assert r["break_even_utilization"]["m5.large"] == round(2 * 0.096 / (8 * per_task), 4)
    assert r["fargate_usd_per_task_hour"] == {
        "x86_64": round(per_task, 6),
        "arm64": round(0.5 * 0.03238 + 0.00356, 6),
        "x86_64 Spot": round(0.5 * 0.01334053 + 0.00146489, 6),
    }
    assert r["loaded_price_note"].startswith("prices for ap-east-1 from the loaded price table")
    assert r["exercise_passed"] == [True, True]


def test_09_arm64_in_us_east_1(run_lesson):
    nb = run_lesson("09_cost_fargate_vs_ec2.ipynb", PARAMETER_SETS["09_cost_fargate_vs_ec2.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["price_note"] == "" and r["loaded_price_note"] == ""
    assert r["lab_bill_usd"]["<web-1>"] == round((3 * 3600 + 30) / 3600 * 0.0816, 2)  # m7g.large
    # 1 vCPU / 2 GB tasks on 2-vCPU types: CPU binds (2 per instance; c7g.large 3992 MiB: 1).
    assert r["tasks_per_instance"]["trunking"] == {"m6g.large": 2, "m7g.large": 2, "c7g.large": 1}
    assert r["break_even_count"]["trunking"] == {"m6g.large": 2, "m7g.large": None, "c7g.large": None}
    assert r["fargate_usd_per_task_hour"]["arm64"] == round(0.03238 + 2 * 0.00356, 6)
    assert r["exercise_passed"] == [True, True]
    default = results_of(run_lesson("09_cost_fargate_vs_ec2.ipynb", {}))
    assert r["oops_billed_seconds"] == default["oops_billed_seconds"] == 60


def test_10_defaults(run_lesson):
    nb = run_lesson("10_container_insights.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    # MyCluster took the account default at creation; Legacy existed before it.
    assert r["insights_settings"] == {"Legacy": "disabled", "MyCluster": "enabled"}
    assert set(r["listed"].values()) == {"MyCluster"} and len(r["listed"]) == 11
    assert "RunningTaskCount / ClusterName" not in r["listed"]
    # Three tasks RUNNING 09:01:03 .. 10:01:04: samples 09:02 .. 10:01 in 10-minute periods.
    assert r["task_count_samples"] == [8, 10, 10, 10, 10, 10, 2]
    assert set(r["task_count_max"]) == {3}
    assert r["cpu_reserved_per_hour"] == [768, 768] and r["memory_reserved_cli"] == [1536, 1536]
    assert 0.3 * 0.6 <= r["cpu_share"] <= 0.3 * 1.4
    assert r["running_per_cluster"] == []
    assert r["metrics_while_running"] == 8 + 6 * 3
    hours = (3600 + 1) / 3600
    assert r["insights_usd"] == r["by_hand_usd"] == round(26 * hours / 730 * 0.30, 6)
    assert r["exercise_passed"] == [True]


def test_10_fargate_in_us_east_1(run_lesson):
    params = PARAMETER_SETS["10_container_insights.ipynb"][1]
    nb = run_lesson("10_container_insights.ipynb", params)
    assert errors(nb) == []
    r = results_of(nb)
    assert r["launch_type"] == "FARGATE" and r["region"] == "us-east-1"
    assert r["insights_settings"] == {"Old": "disabled", "Shop": "enabled"}
    # A Fargate-only cluster still reports ContainerInstanceCount (0) with the others.
    assert len(r["listed"]) == 11 and set(r["listed"].values()) == {"Shop"}
    assert r["cpu_reserved_per_hour"][0] == 1024 and set(r["task_count_max"]) == {2}
    assert 0.5 * 0.6 <= r["cpu_share"] <= 0.5 * 1.4
    assert r["metrics_while_running"] == 8 + 6 * 2
    assert r["insights_usd"] == r["by_hand_usd"] > 0
    assert r["exercise_passed"] == [True]


def test_default_run_reproduces_the_committed_results(run_lesson):
    """The committed notebooks' recorded results equal a fresh run's (deterministic lessons)."""
    from _lesson_helpers import load

    for name in lesson_ids():
        assert results_of(run_lesson(name, {})) == results_of(load(name)), name


def test_11_defaults(run_lesson):
    nb = run_lesson("11_capstone.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["image_uri"] == "123456789012.dkr.ecr.ap-east-1.amazonaws.com/web:v1"
    assert r["task_definition"] == "web:2"  # version 2 rolled out with the CLI
    assert r["service"] == {
        "status": "ACTIVE",
        "desired": 3,
        "running": 3,
        "pending": 0,
        "task_definition": "web:2",
        "deployments": ["PRIMARY web:2 COMPLETED"],
    }
    # web-a terminated, ap-east-1b down: the learner's new instance in 1a and web-c carry it.
    assert r["down_az"] == "ap-east-1b" and r["azs"] == ["ap-east-1a", "ap-east-1c"]
    assert r["faults"] == ["crash_container", "terminate_instance", "az_down"]
    assert r["tasks_per_instance"] == {"plain": 2, "trunking": 8}  # ENIs, then CPU (8 x 256)
    assert r["cheaper"] == ["Fargate"] and r["break_even_count"] == 8
    assert set(r["bill_usd"]) == {"ec2-instance", "ecr-repository"}
    assert 0.5 < r["bill_usd"]["ec2-instance"] < 1.5
    assert r["exercise_passed"] == [True, True, True]
    # The !aws cell: the real CLI in the kernel's environment, against the same lab.
    (cli,) = [c for c in nb.cells if c.source.startswith("!aws ecs wait services-stable")]
    assert cli.outputs[0]["text"].split() == ["web", "ACTIVE", "3", "3"]
    events = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if "az_down" in c.source
        for o in c.outputs
    )
    assert "was unable to place a task because no container instance met all of its requirements" in (
        events
    )


def test_11_graviton_in_us_east_1(run_lesson):
    nb = run_lesson("11_capstone.ipynb", PARAMETER_SETS["11_capstone.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["arch"] == "arm64"
    assert r["image_uri"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:v1"
    assert r["service"]["desired"] == r["service"]["running"] == 4
    assert len(r["azs"]) >= 2 and r["down_az"] not in r["azs"]
    assert r["exercise_passed"] == [True, True, True]
    # Same story, other figures: m6g.large is cheaper than m5.large per hour.
    default = results_of(run_lesson("11_capstone.ipynb", {}))
    assert r["bill_usd"]["ec2-instance"] < default["bill_usd"]["ec2-instance"]
    assert "price_note" not in r


def test_12_defaults(run_lesson):
    nb = run_lesson("12_break_it_labs.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["placement_variant"] == "ports" and r["placement_reason"] == ["RESOURCE:PORTS"]
    assert r["roles_symptom_role"] == "ecsInstanceRole"
    assert r["checkpoints"] == ["placement-broken"]
    assert r["grades"] == {
        "no-instance-met-requirements": "solved",
        "health-checks-kill-healthy-tasks": "solved",
        "roles-mixed-up": "solved",
        "invalid-fargate-size": "skipped",
    }
    assert r["health_variant"] == "wrong-health-path"
    assert r["health_stopped_reason"] == "Task failed ELB health checks in"
    assert r["hints"] == 1 and r["exercise_passed"] == [True, True, True]
    # The last cell carries the lab: the class report grades the notebook itself.
    import pathlib
    import tempfile

    import nbformat

    from ecslab import breakit
    from ecslab.breakit.report import load_submission

    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "me.ipynb"
        nbformat.write(nb, str(path))
        lab = load_submission(path)
    assert all(breakit.get(n).check(lab).passed for n in (2, 4, 6))


def test_12_other_variants_in_us_east_1(run_lesson):
    nb = run_lesson("12_break_it_labs.ipynb", PARAMETER_SETS["12_break_it_labs.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1"
    assert r["placement_variant"] == "cpu" and r["placement_reason"] == ["RESOURCE:CPU"]
    assert r["health_variant"] == "short-start-period"
    assert r["health_stopped_reason"] == "Task failed container health checks"
    assert r["exercise_passed"] == [True, True, True]
    text = "\n".join(
        o.get("text", "") for c in nb.cells if "roles.start" in c.source for o in c.outputs
    )
    assert "unable to retrieve secret from asm" in text
    assert "given values: 1024 CPU, 512 memory." in "\n".join(
        o.get("text", "") for c in nb.cells if "size.start" in c.source for o in c.outputs
    )
def test_05_defaults(run_lesson):
    nb = run_lesson("05_running_tasks.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    # Walkthrough step 4: PENDING at run-task, RUNNING 10 s later, STOPPED (exit 0) after 360 s.
    assert r["step4"] == {
        "run": "PENDING",
        "after_10s": "RUNNING",
        "after_370s": "STOPPED",
        "exit_code": 0,
        "stop_code": "EssentialContainerExited",
    }
    assert r["lifecycle_seconds"]["startedAt"] == 3.055
    assert r["lifecycle_seconds"]["executionStoppedAt"] - r["lifecycle_seconds"]["startedAt"] == 360
    # binpack: one instance; static host port 80: one per instance (6 of 8, RESOURCE:PORTS).
    assert r["instances_used"]["binpack-demo"] == 1 and r["instances_used"]["sample-app"] == 6
    assert r["placed"] == {"big": 1, "sample-app": 6}
    assert r["failures"] == {"big": ["RESOURCE:MEMORY"], "sample-app": ["RESOURCE:PORTS"]}
    # The non-essential container exited 1 without stopping the task; the essential one's exit did.
    assert r["two_containers"] == {"stop_code": "EssentialContainerExited", "exit_codes": [0, 1]}
    assert r["exercise_passed"] == [True, True]
    assert r["cli_commands"] == [
        "aws ecs run-task",
        "aws ecs list-tasks",
        "aws ecs describe-tasks",
        "aws ecs stop-task",
    ]


def test_05_arm64_three_instances_in_us_east_1(run_lesson):
    nb = run_lesson("05_running_tasks.ipynb", PARAMETER_SETS["05_running_tasks.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["step4"]["exit_code"] == 0
    assert r["placed"] == {"big": 0, "sample-app": 3}  # 3 instances, one port 80 each
    assert r["instances_used"]["binpack-demo"] == 1
    assert r["exercise_passed"] == [True, True]  # 3 tasks, one per zone


def test_07_defaults(run_lesson):
    nb = run_lesson("07_networking_and_eni_trunking.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["static80_placed"] == 1 and r["static80_failures"] == ["RESOURCE:PORTS"]
    assert r["dynamic_ports_in_range"] is True and r["dynamic_ports"] == 3
    assert r["hostnet_failures"] == ["RESOURCE:PORTS"]
    # 2 ENI slots on the untrunked m5.large; after the setting, 10 on a new one, 2 on the t3.
    assert r["api_placed"] == [2, 10] and r["api_failures"] == ["RESOURCE:ENI"]
    assert r["eni_capacity"] == {"web-1": 2, "web-2": 10, "burst": 2}
    assert r["trunk_eni"] == {"web-1": False, "web-2": True, "burst": False, "dense": True}
    assert r["effective_capacity"]["m5.large"] == 8 and r["effective_capacity"]["t3.medium"] == 2
    assert r["exercise_passed"] == [True, True]


def test_07_c5_and_t3a_in_us_east_1(run_lesson):
    nb = run_lesson(
        "07_networking_and_eni_trunking.ipynb",
        PARAMETER_SETS["07_networking_and_eni_trunking.ipynb"][1],
    )
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1"
    assert r["eni_capacity"] == {"web-1": 2, "web-2": 10, "burst": 2}  # c5.large, t3a unsupported
    # 1 vCPU / 2 GiB tasks: CPU or memory binds before the ENIs on the .large types.
    assert r["effective_capacity"] == {
        "t3.medium": 1,
        "m5.large": 2,
        "m5.xlarge": 4,
        "c5.large": 1,
        "m7g.large": 2,
    }
    assert r["exercise_passed"] == [True, True]


def test_13_defaults(run_lesson):
    nb = run_lesson("13_capacity_providers.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["first_reservation"] == 200.0  # the first scale-out from zero
    assert r["peak_instances"] >= 3 and r["spot_stop_code"] == "SpotInterruption"
    # 6 tasks waited for the first instances, 4 more when the panel asked for 8
    assert r["facts"]["TaskPlaced"] == 10 and r["facts"]["TaskSpotInterruptionWarned"] == 1
    assert r["exercise_passed"] == [True, True]


def test_13_bigger_instances_other_region(run_lesson):
    nb = run_lesson("13_capacity_providers.ipynb", PARAMETER_SETS["13_capacity_providers.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["first_reservation"] == 200.0
    # 8 tasks of 1 vCPU / 2 GiB: four fit on an m5.xlarge, so two instances at target 100
    assert r["peak_instances"] >= 2
    assert r["exercise_passed"] == [True, True]


def test_14_defaults(run_lesson):
    nb = run_lesson("14_service_auto_scaling.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["role_arn"].endswith(
        ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
        "AWSServiceRoleForApplicationAutoScaling_ECSService"
    )
    assert r["alarm_kinds"] == ["AlarmHigh", "AlarmLow"]
    # 150 requests/s at 50 % of 25 requests/s a task: 12 tasks (rounded up, noise on top).
    assert 12 <= r["peak_desired"] <= 14 and r["final_desired"] <= 3
    assert r["scale_outs"] >= 4 and r["scale_ins"] >= 4
    assert r["facts"]["LoadCurveSet"] == 4 and r["facts"]["MetricAlarmPut"] == 4
    assert r["exercise_passed"] == [True, True]


def test_14_lower_target_other_region(run_lesson):
    nb = run_lesson("14_service_auto_scaling.ipynb", PARAMETER_SETS["14_service_auto_scaling.ipynb"][1])
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1"
    # 120 requests/s at 40 % of 25: 12 tasks again, from a lower peak and a lower target.
    assert 11 <= r["peak_desired"] <= 14
    assert r["exercise_passed"] == [True, True]


def test_15_defaults(run_lesson):
    nb = run_lesson("15_deployment_strategies.ipynb", {})
    assert errors(nb) == []
    r = results_of(nb)
    assert r["rolling_statuses"] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert r["rolling_revisions"] == ["shop:2", "shop:1"]
    assert r["bg_stages"] == [
        "PRE_SCALE_UP",
        "SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
        "CLEAN_UP",
    ]  # no RECONCILE_SERVICE: one source revision
    assert r["bake_minutes"] == 5.0 and r["swapped_production_group"] == "web-green"
    assert r["rollback_status"] == "ROLLBACK_SUCCESSFUL" and r["rolled_back_to"] == "web:2"
    # newest first: exercise 1, the panel's release 4, the rollback of 3, release 2, CreateService
    assert r["web_history"] == [
        "SUCCESSFUL",
        "SUCCESSFUL",
        "ROLLBACK_SUCCESSFUL",
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]
    assert r["shop_history"] == ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"]
    assert r["facts"]["ServiceDeploymentFinished"] == 4
    assert r["exercise_passed"] == [True, True]


def test_15_longer_bake_more_tasks_other_region(run_lesson):
    params = PARAMETER_SETS["15_deployment_strategies.ipynb"][1]
    nb = run_lesson("15_deployment_strategies.ipynb", params)
    assert errors(nb) == []
    r = results_of(nb)
    assert r["region"] == "us-east-1" and r["bake_minutes"] == 10.0
    assert r["rollback_status"] == "ROLLBACK_SUCCESSFUL"
    assert r["exercise_passed"] == [True, True]
