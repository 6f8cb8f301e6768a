"""The translations are complete: every workbook string (``_()`` / ``ngettext`` under workbook/)
and every Markdown cell of every lesson has a non-empty, non-fuzzy translation, and the rendered
zh-Hant lessons are the source lessons with exactly those translations."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from babel.messages.pofile import read_po

from workbook import i18n
from workbook.lessons import LESSONS, notebooks_dir
from workbook.localize import (
    TRANSLATED,
    catalog_path,
    load_catalog,
    rendered_path,
    translated_notebook,
    untranslated,
)

WORKBOOK = Path(i18n.__file__).resolve().parent
LESSON_FILES = [lesson.file for lesson in LESSONS]


def _workbook_catalog(lang: str):
    folder = i18n.LANGUAGES[lang][1]
    with (i18n.locale_dir() / folder / "LC_MESSAGES" / "workbook.po").open("rb") as fh:
        return read_po(fh, locale=folder)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_workbook_string_is_translated(lang):
    extracted = i18n.extract_catalog(WORKBOOK)
    assert len(extracted) > 50  # the extractor found the workbook's strings
    catalog = _workbook_catalog(lang)
    missing = []
    for msg in extracted:
        if not msg.id:
            continue
        got = catalog.get(msg.id)
        strings = got.string if got is not None else None
        if isinstance(strings, tuple):
            ok = all(strings)
        else:
            ok = bool(strings)
        if got is None or not ok or got.fuzzy:
            where = ", ".join(f"{f}:{n}" for f, n in msg.locations)
            missing.append(f"{where}: {msg.id!r}")
    assert not missing, (
        f"{len(missing)} workbook string(s) lack a {lang} translation "
        "(python -m workbook.i18n extract, then translate workbook/locale):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders(lang):
    """A translation uses the same {name} fields as its English (else .format() would fail)."""
    import re

    field = re.compile(r"\{(\w*)[^{}]*\}")
    bad = []
    for msg in _workbook_catalog(lang):
        if not msg.id or not msg.string:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strs = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        want = set(field.findall(ids[-1]))
        for s in strs:
            if set(field.findall(s)) != want:
                bad.append(f"{ids[0]!r} -> {s!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("name", LESSON_FILES)
def test_every_markdown_cell_is_translated(lang, name):
    assert catalog_path(name, lang).exists(), f"no catalog for {name} (workbook.localize extract)"
    missing = untranslated(name, lang)
    assert not missing, f"{name}: untranslated Markdown cells in {lang}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("name", LESSON_FILES)
def test_rendered_lesson_is_current(lang, name):
    """notebooks/<lang>/NAME has the source lesson's code and the catalog's Markdown (re-run
    ``make notebooks`` after changing either) and ran with its lang parameter."""
    rendered = nbformat.read(str(rendered_path(name, lang)), as_version=4)
    want = translated_notebook(name, lang)
    assert [c.cell_type for c in rendered.cells] == [c.cell_type for c in want.cells]
    for got, exp in zip(rendered.cells, want.cells, strict=True):
        assert got.source == exp.source
    assert all(c.execution_count is not None for c in rendered.cells if c.cell_type == "code"), (
        "run `make notebooks`"
    )
    assert rendered.cells[0].source.startswith("# " + name[:2] + " · ")


def test_untranslated_cell_is_reported(tmp_path, monkeypatch):
    """Change one English cell: the completeness check sees it (msgid = the cell's source)."""
    import shutil

    import workbook.localize as loc

    name = LESSON_FILES[0]
    src = notebooks_dir()
    fake = tmp_path / "notebooks"
    (fake / "zh-Hant" / "po").mkdir(parents=True)
    nb = nbformat.read(str(src / name), as_version=4)
    shutil.copy(catalog_path(name, "zh-Hant"), fake / "zh-Hant" / "po")
    md = next(c for c in nb.cells if c.cell_type == "markdown")
    md.source += "\n\nA new English sentence."
    nbformat.write(nb, str(fake / name))
    monkeypatch.setattr(loc, "notebooks_dir", lambda: fake)
    assert loc.untranslated(name, "zh-Hant") == [md.source.splitlines()[0][:80]]
    with pytest.raises(ValueError, match="lack a zh-Hant translation"):
        loc.translated_notebook(name, "zh-Hant")
    # After extract the old translation is kept but fuzzy: still untranslated until reviewed.
    loc.extract(name, "zh-Hant")
    msg = load_catalog(name, "zh-Hant").get(md.source)
    assert msg is not None and msg.fuzzy and msg.string
    assert loc.untranslated(name, "zh-Hant") == [md.source.splitlines()[0][:80]]


def test_language_switch_and_locale_figures():
    try:
        i18n.set_language("zh-Hant")
        assert i18n.money(0.19) == "US$0.19"
        assert i18n.money(0.012343, 2, 6) == "US$0.012343"
        assert i18n.number(12345.5, 1) == "12,345.5"
        i18n.set_language("en")
        assert i18n.money(0.19) == "$0.19"
        assert i18n.money(1234.5) == "$1,234.50"
        assert i18n.percent(0.305, 1) == "30.5%"
        with pytest.raises(ValueError, match="lang must be one of"):
            i18n.set_language("zh-TW")
    finally:
        i18n.set_language("en")
