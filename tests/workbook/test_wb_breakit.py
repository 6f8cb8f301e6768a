"""Break-it panels driven through their methods and buttons against a real lab."""

from __future__ import annotations

from ecslab import breakit
from workbook.panels import BreakItPanel, WhyNotPlacedPanel


def test_breakit_panel_start_hint_check(lab):
    panel = BreakItPanel(lab, scenario="invalid-fargate-size")
    assert "Not started in this lab." in panel.brief_html.value
    assert panel.variant.options[0][1] is None  # the seed chooses by default
    out = panel.start(variant="memory-too-big")
    assert out.ok and panel.status_text == "✓ scenario 10 started (memory-too-big)"
    assert "No Fargate configuration exists for given values: 256 CPU, 4096 memory." in panel.text
    panel.hint_buttons[1].click()
    assert "Fargate sizes are pairs" in panel.hint_html.value
    panel.check_button.click()
    assert panel.status_text.startswith("✗ [NOT YET] break-it 10")
    assert "ecslab-check-fail" in panel.check_html.value
    breakit.get(10).apply_fix(lab)
    assert panel.check().passed and panel.status_text.startswith("✓ [PASSED]")
    assert list(lab.events.query("kind == 'BreakItHintShown'")["resource"]) == [
        "invalid-fargate-size"
    ]
    # Another scenario from the dropdown: its variants replace the old ones.
    panel.scenario.value = "no-instance-met-requirements"
    assert [v for _, v in panel.variant.options] == [None, "cpu", "memory", "ports", "service"]
    assert panel.hint(1) == "" and panel.status_text == "✗ start the scenario first"
    assert not panel.start(variant="disk").ok


def test_why_not_placed_panel(lab):
    breakit.get(2).start(lab, "ports")
    panel = WhyNotPlacedPanel(lab, cluster="place-lab", family="place-app")
    rows = panel.table
    assert list(rows["reason"]) == ["RESOURCE:PORTS"]
    assert rows["message"].iloc[0].endswith("is already using a port required by your task.")
    assert panel.status_text == "✓ 1 of 1 instance(s) rejected the task"
    assert "RESOURCE:PORTS" in panel.table_html.value
    panel.refresh_button.click()
    empty = WhyNotPlacedPanel(lab, cluster="default")
    assert empty.status_text == "✓ no placement to explain"
