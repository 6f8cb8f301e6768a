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


def test_default_run_reproduces_the_committed_results(run_lesson):
    """The committed notebooks' recorded results equal a fresh run's (deterministic lessons)."""
    from _lesson_helpers import load

    for name in lesson_ids():
        assert results_of(run_lesson(name, {})) == results_of(load(name)), name
