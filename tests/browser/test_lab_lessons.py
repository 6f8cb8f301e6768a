"""Lessons 00 and 01 in JupyterLab under Chromium: run every cell, then read and use the page."""

from __future__ import annotations

import re

import pytest
from _browser_kit import expect, plot_ticks

ARN = r"arn:aws:ecs:ap-east-1:\d{12}:cluster/"


@pytest.fixture(scope="module")
def lesson00(lab_notebook):
    return lab_notebook("00_overview_and_pricing.ipynb")


@pytest.fixture(scope="module")
def lesson01(lab_notebook):
    return lab_notebook("01_clusters.ipynb")


# -- lesson 01: clusters ---------------------------------------------------------------------------


def test_lesson01_table_and_timeline_show_the_clusters_the_lesson_made(lesson01):
    table = lesson01.output("tables.clusters_table(lab)").locator("table")
    expect(table.locator("tbody th")).to_have_text(["default", "MyCluster"])
    expect(table.locator("tbody tr", has_text="MyCluster")).to_contain_text("enabled")
    expect(table.locator("thead")).to_contain_text("containerInsights")

    # The event timeline: its title counts the events the lesson's record() reports.
    record = lesson01.output("record(")
    expect(record).to_contain_text("events: ")
    events = int(re.search(r"events: (\d+)", record.inner_text()).group(1))
    chart = lesson01.output("charts.event_timeline_figure(lab)").locator(".js-plotly-plot")
    expect(chart.locator(".gtitle")).to_have_text(
        f"Lab events over simulated time ({events} events)"
    )
    kinds = plot_ticks(chart, "y")
    assert {"ClusterCreated", "ClusterDeleted"} <= set(kinds), kinds


def test_lesson01_exercise_checks_show_their_pass_messages(lesson01):
    team = lesson01.output("checks.cluster_exists(lab, exercise_cluster")
    expect(team.locator(".ecslab-check-pass")).to_have_text(
        "✓ cluster Team-A exists: ACTIVE with containerInsights=enabled; tags team=a"
    )
    sandbox = lesson01.output('checks.cluster_deleted(lab, "Sandbox")')
    expect(sandbox.locator(".ecslab-check-pass")).to_have_text(
        "✓ cluster Sandbox deleted: cluster Sandbox is INACTIVE"
    )
    expect(lesson01.page.locator(".ecslab-check-fail")).to_have_count(0)


def test_lesson01_cluster_panel_create_button_adds_a_cluster(lesson01):
    panel = lesson01.output("panel = ClusterPanel(lab)").locator(".ecslab-cluster-panel")
    table = panel.locator(".ecslab-cluster-table")
    # What the lesson's panel.create("Sandbox") and panel.delete("sandbox") (wrong case) left.
    expect(table.locator("tbody th")).to_have_text(["default", "MyCluster", "Sandbox"])
    status = panel.locator(".ecslab-status")
    expect(status).to_have_text("✗ ClusterNotFoundException: Cluster not found.")

    panel.locator(".widget-text input").fill("Browser-Team")
    panel.get_by_role("button", name="Create cluster").click()

    expect(status).to_have_text(re.compile(f"✓ cluster Browser-Team is ACTIVE: {ARN}Browser-Team"))
    # The exercise deleted Sandbox since the panel last drew; the refresh shows the lab as it is now.
    expect(table.locator("tbody th")).to_have_text(
        ["default", "MyCluster", "Team-A", "Browser-Team"]
    )
    expect(panel.get_by_role("combobox", name="Cluster")).to_contain_text("Browser-Team")


# -- lesson 00: overview and pricing ---------------------------------------------------------------


def test_lesson00_charts_render_and_the_exercise_passes(lesson00):
    price = lesson00.output("charts.hourly_price_figure(").locator(".js-plotly-plot")
    expect(price.locator(".gtitle")).to_contain_text(
        "Hourly cost of one 0.25 vCPU / 512 MiB task: Fargate vs a full EC2 instance"
    )
    expect(price.locator(".xaxislayer-above .xtick text")).to_have_text(
        ["Fargate (x86_64)", "t3.medium", "m5.large", "c5.large", "r5.large", "m7g.large"]
    )
    expect(price.locator(".barlayer .point")).to_have_count(6)
    eni = lesson00.output("charts.eni_capacity_figure(").locator(".js-plotly-plot")
    # Every type labelled (plotly thinned them out before the chart got dtick 1 and more height);
    # the axis is reversed (first type on top), the SVG lists ticks from the bottom.
    expect(eni.locator(".yaxislayer-above .ytick text")).to_have_text(
        ["m7g.large", "r5.large", "c5.large", "m5.large", "t3.medium"]
    )
    check = lesson00.output("checks.fargate_task_price(answer_usd_per_hour")
    expect(check.locator(".ecslab-check-pass")).to_have_text(
        re.compile(r"✓ Fargate price of a 1 vCPU / 2 GB task: \$0\.0\d+ per hour")
    )


def test_lesson00_clock_panel_button_advances_the_shown_time(lesson00):
    panel = lesson00.output("ClockPanel(lab)").locator(".ecslab-clock-panel")
    now = panel.locator(".ecslab-clock-now")
    # Drawn when the cell ran, before the lesson's lab.advance("1h").
    expect(now).to_contain_text("(0h 00m 00s since the lab started)")
    panel.get_by_role("button", name="+1 m").click()
    # The button moves the kernel's lab, which the later cell had already moved by an hour.
    expect(now).to_contain_text("(1h 01m 00s since the lab started)")
    expect(panel.locator(".ecslab-status")).to_have_text(
        re.compile(r"✓ advanced 0h 01m 00s to \d\d:\d\d:\d\d UTC")
    )
