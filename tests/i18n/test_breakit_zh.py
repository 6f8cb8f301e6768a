"""The break-it scenarios' learner-facing text and the panels' table headers follow the course
language at display time: the engine keeps its English (it only marks the text with a no-op
``N_``), the English course shows exactly the engine's text, and AWS's words stay English."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ecslab import Lab, breakit
from ecslab.breakit.text import Joined, Text
from workbook import i18n
from workbook.i18n import set_language
from workbook.panels import BreakItPanel, WhyNotPlacedPanel
from workbook.views import breakit as text
from workbook.views.headers import display

HAN = re.compile(r"[\u4e00-\u9fff]")
WORKBOOK = Path(i18n.__file__).resolve().parent


@pytest.fixture
def zh():
    set_language("zh-Hant")
    yield
    set_language("en")


def test_every_scenario_text_is_extracted():
    extracted = {m.id for m in i18n.extract_catalog(WORKBOOK) if m.id}
    for s in breakit.SCENARIOS:
        for words in (s.title, s.brief, s.fix, *s.questions, *s.hints):
            assert words in extracted, (s.slug, words)
    assert "break-it {number}: {title}" in extracted


def test_english_text_is_the_engines():
    lab = breakit.get(10).start(7, "memory-too-big")
    s = breakit.get(10)
    assert text.scenario_text(s) == {
        "title": s.title,
        "brief": s.brief,
        "questions": list(s.questions),
        "fix": s.fix,
        "hints": list(s.hints),
    }
    assert text.label(s) == "10 · invalid Fargate CPU/memory pair"
    assert text.check(s, lab) == s.check(lab)
    assert text.hint(s, lab, 2) == s.hints[1]


def test_panel_in_chinese_keeps_the_engine_english(zh):
    lab = Lab(region="ap-east-1", seed=7)
    panel = BreakItPanel(lab, scenario="invalid-fargate-size")
    out = panel.start(variant="memory-too-small")
    assert out.ok
    first = panel.text.split("\n")
    assert first[0] == "10 · 無效的 Fargate CPU／記憶體組合"
    assert first[1].startswith("為 Fargate 註冊你收到的 size-app 任務定義")
    # The symptom is AWS's error, word for word.
    assert "ClientException" in first[2] and first[2].startswith("你看到的：")
    assert "ClientException 確切說了甚麼？" in panel.brief_html.value
    assert panel.hint(1) == "Fargate 的大小是組合，不是任意數字：某個 CPU 值只容許部分記憶體值。"
    result = panel.check()
    assert not result.passed
    assert result.title == "破壞實驗室 10：無效的 Fargate CPU／記憶體組合"
    assert result.message == "尚未有 ACTIVE 的 size-app 修訂版本"
    # A hint built from the lab's figures: the template is translated, the figures filled in.
    assert result.hint.startswith("應用程式最少需要 1024 個 CPU 單位和 512 MiB。")
    # The engine itself still speaks English.
    s = breakit.get(10)
    assert s.title == "invalid Fargate CPU/memory pair"
    assert s.check(lab).title == "break-it 10: invalid Fargate CPU/memory pair"
    assert lab.events["kind"].eq("BreakItHintShown").sum() == 1


def test_check_before_start_in_chinese(zh):
    lab = Lab(region="ap-east-1", seed=7)
    got = text.check(breakit.get(1), lab)
    assert not got.passed
    assert got.message == "這個情境尚未在這個實驗室開始"
    assert got.hint == "用 breakit.get('no-route-to-registry').start(lab) 開始它。"
    assert text.symptom(breakit.get(1), lab) == "情境 no-route-to-registry 尚未在這個實驗室開始"


def test_headers_translate_the_workbooks_words_only(zh):
    df = pd.DataFrame(
        [["ACTIVE", "enabled", 2, "256"]],
        columns=["status", "containerInsights", "running", "cpu"],
        index=pd.Index(["Sandbox"], name="name"),
    )
    shown = display(df)
    assert list(shown.columns) == ["狀態", "containerInsights", "執行中", "cpu"]
    assert shown.index.name == "名稱"
    assert list(df.columns) == ["status", "containerInsights", "running", "cpu"]  # unchanged
    assert shown.iloc[0].tolist() == ["ACTIVE", "enabled", 2, "256"]


def test_headers_in_english_are_unchanged():
    df = pd.DataFrame({"status": ["ACTIVE"], "lastStatus": ["RUNNING"]})
    assert display(df).to_html() == df.to_html()


def test_why_not_placed_panel_headers_in_chinese(zh):
    lab = breakit.get(2).start(7, "cpu")
    panel = WhyNotPlacedPanel(lab, cluster="place-lab", family="place-app")
    html = panel.table_html.value
    assert "<th>篩選條件</th>" in html and "<th>實例類型</th>" in html
    assert "filter" in panel.table.columns  # code still reads the English names
    assert HAN.search(panel.status_text)


def test_figures_fill_the_translated_template(zh):
    from ecslab.breakit.text import F_, joined

    got = text.translate(
        joined("; ", [F_("{running} of {desired} tasks RUNNING", running=1, desired=3), "x"])
    )
    assert got == "3 個任務中 1 個 RUNNING；x"
    # A marked figure translates too; AWS's words (the stopped reason) stay English.
    stopped = F_("the latest task STOPPED ({code}): {reason}", code="TaskFailedToStart", reason="R")
    assert text.translate(stopped) == "最新的任務 STOPPED（TaskFailedToStart）：R"
    # A marked word used as a figure translates too.
    empty = F_(
        "{healthy} of {desired} targets healthy in {name} ({states})",
        healthy=0,
        desired=2,
        name="tg",
        states=F_("none registered"),
    )
    assert text.translate(empty) == "tg 中 2 個目標有 0 個健康（未有註冊）"


@pytest.mark.parametrize(
    "slug, variant",
    [(s.slug, v) for s in breakit.SCENARIOS if s.available for v in s.variants],
)
def test_every_check_message_and_hint_is_translated(zh, slug, variant):
    """Broken, then fixed: the check's message and hint read in Chinese (AWS's words may sit
    inside as figures), and the English engine text they came from is the same as before."""
    s = breakit.get(slug)
    lab = s.start(7, variant)
    for stage in ("broken", "fixed"):
        english = s.check(lab)
        shown = text.check(s, lab)
        assert shown.passed == english.passed == (stage == "fixed")
        for got, source in ((shown.message, english.message), (shown.hint, english.hint)):
            assert bool(got) == bool(source)
            if source:
                assert HAN.search(got), (stage, source)
                assert "{" not in got.replace("{status=", ""), got  # every figure filled in
        # The symptom: our words around AWS's are Chinese; a symptom that is only AWS's words
        # (an API error) is shown as AWS sends it.
        source, got = s.symptom(lab), text.symptom(s, lab)
        if isinstance(source, (Text, Joined)):
            assert HAN.search(got), (stage, source)
            assert "{" not in got.replace("{status=", ""), got
        else:
            assert got == source
        if stage == "broken":
            s.apply_fix(lab)
