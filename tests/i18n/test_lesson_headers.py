"""The rendered zh-Hant lessons show the workbook's own column headers in Chinese: a cell that
ends with a DataFrame is shown through ``workbook.views.headers.display`` (an IPython formatter),
so no listed header and no snake_case name (the workbook's spelling; AWS's fields are camelCase)
is left in English, while the English lessons show pandas' own output."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from workbook.i18n import set_language
from workbook.views.headers import HEADERS, install_formatters

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TH = re.compile(r"<th[^>]*>([^<]*)</th>")
SNAKE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")


def _headers(html: str) -> list[str]:
    return [t for t in TH.findall(html.split("</thead>")[0]) if t]


@pytest.mark.parametrize("path", sorted((NOTEBOOKS / "zh-Hant").glob("[0-9]*.ipynb")), ids=str)
def test_zh_lesson_tables_have_chinese_headers(path):
    nb = nbformat.read(path, as_version=4)
    left = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if "<table" in html and "dataframe" in html:
                left += [(i, h) for h in _headers(html) if h in HEADERS or SNAKE.fullmatch(h)]
    assert left == []


@pytest.fixture
def shell():
    sh = InteractiveShell.instance()
    assert install_formatters()
    yield sh
    set_language("en")


def test_formatter_follows_the_language(shell):
    df = pd.DataFrame({"tasks_fit": [3], "lastStatus": ["RUNNING"]})
    fmt = shell.display_formatter
    english, _ = fmt.format(df)
    assert english["text/html"] == df._repr_html_()  # pandas' own, byte for byte
    assert english["text/plain"] == repr(df)
    set_language("zh-Hant")
    chinese, _ = fmt.format(df)
    assert _headers(chinese["text/html"]) == ["可容納任務數", "lastStatus"]
    assert "可容納任務數" in chinese["text/plain"]
    assert list(df.columns) == ["tasks_fit", "lastStatus"]  # the frame itself is unchanged
