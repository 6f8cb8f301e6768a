"""Panels' static fallbacks: the HTML snapshot beside the live widget in the output bundle."""

import nbformat

from ecslab import Lab
from workbook.lessons import WIDGET_VIEW, clean
from workbook.panels import ClusterPanel, CostExplorer, EniExplorer


def bundle_of(panel) -> dict:
    out = panel._repr_mimebundle_()
    return out[0] if isinstance(out, tuple) else out


def test_the_bundle_holds_the_live_widget_and_a_snapshot_of_it(lab):
    panel = ClusterPanel(lab)
    data = bundle_of(panel)
    assert WIDGET_VIEW in data
    html = data["text/html"]
    assert html.startswith('<div class="ecslab-panel-static"')
    assert "a snapshot; run the cell for the live panel" in html
    assert "No clusters yet" in html
    assert "<button disabled>" in html


def test_the_snapshot_follows_the_panel_as_it_changes(lab):
    panel = ClusterPanel(lab)
    before = panel.snapshot()
    assert panel.create("Classroom1").ok
    after = panel.snapshot()
    assert after != before
    assert "Classroom1" in after and "Classroom1" not in before
    assert "cluster Classroom1 is ACTIVE" in after  # the status line


def test_charts_become_svg_with_their_title_and_legend():
    html = CostExplorer(Lab(seed=3)).snapshot()
    assert html.count('<figure class="ecslab-chart-static"') == 2
    assert html.count("<svg") == 2 and "<polyline" in html
    assert "Fargate vs EC2 over a month (730 h)" in html
    assert "x: running tasks (count)" in html
    eni = EniExplorer().snapshot()
    assert "awsvpc tasks per instance" in eni and "<rect" in eni


def test_snapshots_are_the_same_bytes_for_the_same_seed():
    one, two = CostExplorer(Lab(seed=5)).snapshot(), CostExplorer(Lab(seed=5)).snapshot()
    assert one == two
    assert "object at 0x" not in one and "model_id" not in one


def test_a_cleaned_committed_output_keeps_the_snapshot(lab):
    data = bundle_of(ClusterPanel(lab))
    out = nbformat.v4.new_output("display_data", data=data)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("panel", outputs=[out])])
    kept = clean(nb).cells[0].outputs[0]["data"]
    assert WIDGET_VIEW not in kept
    assert kept["text/html"] == data["text/html"]
    assert kept["text/plain"].endswith("(an interactive panel: run the cell to use it)")
