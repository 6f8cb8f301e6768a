"""The ENI explorer panel, live: in the gallery under JupyterLab, and as a Voila dashboard with its
code hidden. Changing a control must redraw the chart in the browser (title, labels, ticks)."""

from __future__ import annotations

import pytest
from _browser_kit import expect, plot_legend

from workbook.charts.eni import TRACE_NAMES

#: The explorer both notebooks build: 0.5 vCPU / 1024 MiB tasks, families t3, m5 and c6g
#: (4 types each), trunking on.
START_TITLE = "for a 0.5 vCPU / 1024 MiB task with trunking"
TYPES = 12


@pytest.fixture(scope="module")
def gallery(lab_notebook):
    return lab_notebook("gallery.ipynb")


@pytest.fixture(scope="module")
def dashboard(voila_app):
    return voila_app("dashboards/eni_explorer.ipynb", ready=".ecslab-eni-explorer .js-plotly-plot")


def explorer_in(root):
    return root.locator(".ecslab-eni-explorer")


def check_trunking_toggle(explorer) -> None:
    """Trunking off: the title says so, and every marker's binding limit becomes ENI."""
    chart = explorer.locator(".js-plotly-plot")
    expect(chart.locator(".gtitle")).to_contain_text(START_TITLE)
    labels = chart.locator(".scatterlayer .trace").first.locator(".textpoint text")
    expect(labels).to_have_count(TYPES)
    assert set(labels.all_text_contents()) != {"ENI"}  # with trunking, CPU/memory bind too

    explorer.locator(".ecslab-eni-trunking input[type=checkbox]").uncheck()

    expect(chart.locator(".gtitle")).to_contain_text(
        "for a 0.5 vCPU / 1024 MiB task without trunking"
    )
    expect(labels).to_have_text(["ENI"] * TYPES)
    expect(explorer.locator(".ecslab-status")).to_have_text(
        f"✓ {TYPES} instance types; binding limits: ENI {TYPES}"
    )
    assert plot_legend(chart)[:2] == list(TRACE_NAMES[:2])


def check_task_size(explorer, label: str, title: str) -> None:
    chart = explorer.locator(".js-plotly-plot")
    explorer.locator(".ecslab-eni-task-cpu select").select_option(label)
    expect(chart.locator(".gtitle")).to_contain_text(title)


def test_gallery_explorer_trunking_toggle_redraws_the_chart(gallery):
    explorer = explorer_in(gallery.output("explorer = EniExplorer("))
    check_trunking_toggle(explorer)


def test_gallery_explorer_task_size_and_families_redraw_the_chart(gallery):
    explorer = explorer_in(gallery.output("explorer = EniExplorer("))
    chart = explorer.locator(".js-plotly-plot")
    check_task_size(explorer, "2 vCPU (2048)", "for a 2 vCPU / 1024 MiB task")

    explorer.locator(".ecslab-eni-families select").select_option(["t3", "m5", "c6g", "r5"])

    ticks = chart.locator(".yaxislayer-above .ytick text")
    expect(ticks).to_have_count(16)
    expect(ticks.last).to_have_text("t3.medium")  # reversed axis: the first type is drawn on top
    expect(chart.locator(".yaxislayer-above")).to_contain_text("r5.4xlarge")
    expect(explorer.locator(".ecslab-status")).to_contain_text("✓ 16 instance types")
    # Four traces, updated in place (never added): the legend keeps its four entries.
    expect(chart.locator(".legend .traces")).to_have_count(len(TRACE_NAMES))


def test_voila_dashboard_hides_code_and_its_explorer_responds(dashboard):
    page = dashboard.page
    expect(page.get_by_role("heading", name="ENI trunking capacity explorer")).to_be_visible()
    # An app, not a notebook: no code cell, no editor, no source text on the page.
    # (Voila renders markdown in a .jp-InputArea too: look for code inputs only.)
    code = ".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-CodeMirrorEditor, .cm-editor"
    expect(page.locator(code)).to_have_count(0)
    expect(page.locator(".jp-OutputArea")).to_have_count(1)  # the explorer, the only output
    body = page.locator("body").inner_text()
    assert "EniExplorer(" not in body and "from workbook" not in body

    explorer = explorer_in(page)
    check_trunking_toggle(explorer)
    check_task_size(explorer, "4 vCPU (4096)", "for a 4 vCPU / 1024 MiB task without trunking")


def test_gallery_console_dashboard_advances_with_its_button(gallery):
    """The console dashboard (same gallery page): its +10 m button moves the lab's clock and the
    status line redraws with the new simulated time."""
    import re

    dash = gallery.output("ConsoleDashboard(lab").locator(".ecslab-dashboard")
    status = dash.locator(".ecslab-status")
    expect(status).to_contain_text(
        re.compile(r"Services: \d+ instance\(s\), 1 service\(s\) at \d\d:\d\d:\d\d")
    )
    before = status.text_content()
    hhmm = re.search(r"at (\d\d):(\d\d)", before)
    dash.get_by_role("button", name="+10 m").click()
    later = (int(hhmm[1]) * 60 + int(hhmm[2]) + 10) % (24 * 60)
    expect(status).to_contain_text(f"at {later // 60:02d}:{later % 60:02d}")
    expect(dash.locator(".js-plotly-plot").first).to_be_visible()
