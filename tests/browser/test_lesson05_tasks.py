"""Lesson 05 in JupyterLab under Chromium: the placement map shows the tasks the lesson placed,
and the run task panel's button runs tasks and redraws its live map."""

from __future__ import annotations

import re

import pytest
from _browser_kit import expect, plot_legend, plot_ticks


@pytest.fixture(scope="module")
def lesson05(lab_notebook):
    return lab_notebook("05_running_tasks.ipynb")


def test_placement_map_shows_the_tasks_the_lesson_placed(lesson05):
    chart = lesson05.output("strategies_map = ").locator(".js-plotly-plot")
    # 4 binpack + 4 spread + 4 random tasks (the two sleep360 tasks had stopped) on 6 instances.
    expect(chart.locator(".gtitle")).to_contain_text(
        "Placement in MyCluster: 12 task(s) on 6 container instance(s)"
    )
    legend = plot_legend(chart)
    assert {"binpack-demo", "spread-demo", "random-demo"} <= set(legend), legend
    ticks = plot_ticks(chart, "x")
    assert {f"web-{i}" for i in range(1, 7)} <= set(ticks), ticks
    for zone in ("ap-east-1a", "ap-east-1b", "ap-east-1c"):  # the outer (zone) labels
        expect(chart.locator(".subplot.xy3 .xaxislayer-above")).to_contain_text(zone)
    # One block per task in the CPU and memory rows, plus each instance's free CPU, memory and
    # ENI slots (no awsvpc tasks here): 2 x 12 + 3 x 6 bars.
    expect(chart.locator(".barlayer .point")).to_have_count(42)
    # The table under it (from DescribeTasks) agrees: binpack used one instance.
    table = lesson05.output("print(panel.status_text)").locator("table")
    expect(table.locator("tbody tr", has_text="binpack-demo")).to_contain_text("4")


def test_run_task_panel_button_runs_tasks_and_redraws_the_map(lesson05):
    panel = lesson05.output("panel = RunTaskPanel(").locator(".ecslab-run-task-panel")
    status = panel.locator(".ecslab-status")
    title = panel.locator(".js-plotly-plot .gtitle")
    expect(title).to_contain_text("Placement in MyCluster")
    before = title.text_content()
    # The form as the lesson left it: 2 x sleep360 with memberOf the first zone (web-1, web-4).
    expect(panel.locator(".ecslab-run-request")).to_contain_text('"count": 2')
    panel.get_by_role("button", name="Run task").click()
    expect(status).to_have_text(
        re.compile(r"✓ started 2 of 2 task\(s\) of sleep360:1 on web-[14], web-[14]")
    )
    expect(title).not_to_have_text(before)
    expect(title).to_contain_text(re.compile(r"\d+ task\(s\) on 6 container instance\(s\)"))
