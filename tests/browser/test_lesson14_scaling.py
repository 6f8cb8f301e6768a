"""Lesson 14 in JupyterLab under Chromium: the scaling panel's load slider and advance button
drive its live scaling chart."""

from __future__ import annotations

import re

import pytest
from _browser_kit import expect, plot_legend


@pytest.fixture(scope="module")
def lesson14(lab_notebook):
    return lab_notebook("14_service_auto_scaling.ipynb")


def test_scaling_chart_shows_load_cpu_tasks_and_activities(lesson14):
    chart = lesson14.output("charts.scaling_figure(lab").locator(".js-plotly-plot")
    expect(chart.locator(".gtitle")).to_contain_text("Service web: load, CPU and tasks over time")
    legend = plot_legend(chart)
    assert {"offered load (requests/s)", "CPUUtilization (%)", "running count"} <= set(legend)
    assert "scaling activity" in legend


def test_load_slider_and_advance_drive_the_panel(lesson14):
    panel = lesson14.output("panel = ScalingPanel(").locator(".ecslab-scaling-panel")
    status = panel.locator(".ecslab-status")
    readout = panel.locator(".widget-readout")
    expect(readout).to_have_text("200")  # what the lesson's panel.set_load(200) left
    readout.click()
    readout.press("Control+a")
    readout.type("20")
    readout.press("Enter")
    expect(status).to_have_text("✓ load ramps to 20 requests/s over 300 s")
    plot = panel.locator(".js-plotly-plot")
    points = plot.evaluate("el => el.data[0].x.length")
    panel.get_by_role("button", name="advance").click()
    expect(status).to_have_text(
        re.compile(r"✓ \d\d:\d\d UTC: \d+ requests/s, CPU \d+ %, desired \d+, running \d+")
    )

    # The chart follows: one point a simulated minute up to now (the exercises after the panel
    # moved the clock on too, and the step adds 10 minutes), the load ramped down to ~20 rps.
    def grown() -> bool:
        return plot.evaluate("el => el.data[0].x.length") >= points + 10

    for _ in range(100):
        if grown():
            break
        plot.page.wait_for_timeout(200)
    assert grown(), (points, plot.evaluate("el => el.data[0].x.length"))
    last_load = plot.evaluate("el => el.data[0].y[el.data[0].y.length - 1]")
    assert last_load < 40, last_load
