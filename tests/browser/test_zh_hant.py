"""The Traditional Chinese lesson 01 (notebooks/zh-Hant/01_clusters.ipynb, rendered by
``python -m workbook.localize render``) in JupyterLab under Chromium: the live cluster panel's
labels and the plotly event timeline's title are in Chinese, and every Chinese character is drawn
with a real glyph (no tofu boxes). A screenshot goes to pytest's tmp path (its path is printed).

The glyph test draws each character on a canvas in the font the page computed for the text and
compares its pixels with those of U+10FFFD (a private-use code point no font has: the browser draws
the missing-glyph box for it). ``document.fonts.check`` is not used: for a locally installed
family it answers true whether or not the font can draw the characters."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from _browser_kit import expect

LESSON = "zh-Hant/01_clusters.ipynb"
HAN = re.compile(r"[\u4e00-\u9fff]")

#: For each character of ``text``: [its pixels equal the missing-glyph box's, it has any ink].
GLYPH_JS = """([text, font]) => {
  const draw = (ch) => {
    const c = document.createElement("canvas");
    c.width = 64; c.height = 64;
    const g = c.getContext("2d");
    g.font = "40px " + font;
    g.fillStyle = "#000";
    g.textBaseline = "top";
    g.fillText(ch, 4, 4);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(",");
  };
  const tofu = draw(String.fromCodePoint(0x10FFFD));
  const blank = (() => { const c = document.createElement("canvas"); c.width = 64; c.height = 64;
    return Array.from(c.getContext("2d").getImageData(0, 0, 64, 64).data).join(","); })();
  return Array.from(new Set(Array.from(text))).map((ch) => {
    const px = draw(ch);
    return [ch, px === tofu, px !== blank];
  });
}"""


@pytest.fixture(scope="module")
def lesson(lab_notebook):
    return lab_notebook(LESSON)


def _font_of(locator) -> str:
    return locator.evaluate("(el) => getComputedStyle(el).fontFamily")


def _assert_drawn(page, text: str, font: str) -> None:
    chars = "".join(HAN.findall(text))
    assert chars, f"no Chinese in {text!r}"
    results = page.evaluate(GLYPH_JS, [chars, font])
    tofu = [ch for ch, is_tofu, _ink in results if is_tofu]
    blank = [ch for ch, _tofu, ink in results if not ink]
    assert not tofu, f"drawn as missing-glyph boxes in {font}: {''.join(tofu)}"
    assert not blank, f"drawn as nothing in {font}: {''.join(blank)}"


def test_a_cjk_font_is_installed():
    """The glyph test below means something only where a Traditional Chinese font exists."""
    if shutil.which("fc-list") is None:
        pytest.skip("no fontconfig")
    fonts = subprocess.run(
        ["fc-list", ":lang=zh-tw", "family"], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto Sans CJK TC" in fonts or "Noto Sans CJK" in fonts, fonts[:200]


def test_panel_labels_are_chinese_and_drawn(lesson):
    panel = lesson.output("panel = ClusterPanel(").locator(".ecslab-cluster-panel")
    create = panel.get_by_role("button", name="建立叢集")
    expect(create).to_be_visible()
    expect(panel.get_by_role("button", name="刪除叢集")).to_be_visible()
    expect(panel).to_contain_text("ECS 叢集")
    status = panel.locator(".ecslab-status")
    # The lesson's next cell deletes "sandbox" (wrong case): AWS's error stays in AWS's words.
    expect(status).to_have_text("✗ ClusterNotFoundException: Cluster not found.")
    # The cluster table under it lists the panel's cluster.
    expect(panel.locator(".ecslab-cluster-table")).to_contain_text("Sandbox")
    _assert_drawn(lesson.page, create.text_content() or "", _font_of(create))
    header = panel.locator("b", has_text="ECS 叢集").first
    _assert_drawn(lesson.page, header.text_content() or "", _font_of(header))


def test_chart_title_is_chinese_and_drawn(lesson, tmp_path):
    chart = lesson.output("charts.event_timeline_figure(lab)").locator(".js-plotly-plot")
    title = chart.locator(".gtitle")
    expect(title).to_contain_text("實驗室事件隨模擬時間的變化")
    expect(title).to_contain_text("個事件")
    expect(chart.locator(".xtitle")).to_have_text("模擬時間（UTC）")
    legend = chart.locator(".legend .traces .legendtext").all_text_contents()
    assert legend == ["輸入（API 呼叫、時鐘、實驗室動作）", "事實（改變了甚麼）"], legend
    text = title.text_content() or ""
    _assert_drawn(lesson.page, text, _font_of(title))
    # The SVG title is as wide as its characters drawn (a tofu box run would be as wide too, so
    # this is a sanity check that the text is laid out, the pixel test above is the glyph test).
    width = title.evaluate("(el) => el.getComputedTextLength()")
    assert width > 12 * len(text) * 0.5, (width, text)

    chart.scroll_into_view_if_needed()
    shot = tmp_path / "zh_hant_01_clusters_chart.png"
    chart.screenshot(path=str(shot))
    page_shot = tmp_path / "zh_hant_01_clusters_panel.png"
    lesson.output("panel = ClusterPanel(").screenshot(path=str(page_shot))
    print(f"screenshot: {shot}")
    print(f"screenshot: {page_shot}")
    assert shot.stat().st_size > 1000 and page_shot.stat().st_size > 1000
