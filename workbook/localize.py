"""The course in other languages: one source lesson, a gettext catalog of its Markdown cells.

Each lesson ``notebooks/NN_name.ipynb`` has, per language, a catalog
``notebooks/<lang>/po/NN_name.po`` whose msgids are the lesson's Markdown cells, verbatim (so an
English cell that changes shows as untranslated, or fuzzy after ``extract``). Rendering a lesson
(``make notebooks``, or ``python -m workbook.localize render``) writes
``notebooks/<lang>/NN_name.ipynb``: the source lesson with each Markdown cell replaced by its
translation and ``lang = "<lang>"`` in its parameters cell, executed with papermill. Code cells
are not translated: the workbook's strings come from ``workbook/locale`` (see
:mod:`workbook.i18n`) and what AWS sends stays as AWS sends it.

The rendered notebooks are ordinary lessons (same cells, ids and nbgrader metadata), so student
copies and nbgrader assignments are generated from ``notebooks/<lang>/`` as from ``notebooks/``.

``python -m workbook.localize extract`` refreshes every lesson's catalog from its source cells;
``render [NAME ...]`` writes and executes the translations; ``check`` lists what is untranslated.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from .lessons import LESSONS, execute, notebooks_dir

__all__ = [
    "TRANSLATED",
    "catalog_path",
    "extract",
    "load_catalog",
    "render",
    "rendered_path",
    "set_lang_parameter",
    "untranslated",
]

#: Languages the lessons are rendered in (the source lessons are "en").
TRANSLATED: tuple[str, ...] = ("zh-Hant",)

_LANG_LINE = re.compile(r'^lang = "[^"]*"', re.M)


def lesson_files() -> list[str]:
    """The notebooks that get translated: the lessons, in order (not the gallery/dashboards)."""
    return [lesson.file for lesson in LESSONS]


def catalog_path(name: str, lang: str) -> Path:
    return notebooks_dir() / lang / "po" / (Path(name).stem + ".po")


def rendered_path(name: str, lang: str) -> Path:
    return notebooks_dir() / lang / name


def _markdown_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()]


def load_catalog(name: str, lang: str):
    """The lesson's catalog (an empty one when the file does not exist yet)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = catalog_path(name, lang)
    if not path.exists():
        return Catalog(locale=lang.replace("-", "_"), domain=Path(name).stem)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang.replace("-", "_"))


def _write_catalog(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=False, omit_header=False)


def extract(name: str, lang: str) -> Path:
    """Refresh the lesson's catalog: every Markdown cell is a msgid (in cell order); a cell whose
    English changed keeps its old translation marked fuzzy; gone cells are dropped."""
    from babel.messages.catalog import Catalog

    source = nbformat.read(str(notebooks_dir() / name), as_version=4)
    template = Catalog(domain=Path(name).stem, project=f"ecslab lesson {name}")
    for i, cell in enumerate(source.cells):
        if cell.cell_type == "markdown" and cell.source.strip():
            template.add(
                cell.source,
                None,
                [(name, i)],
                auto_comments=[f"cell id: {cell.get('id', '?')}"],
            )
    catalog = load_catalog(name, lang)
    catalog.update(template, no_fuzzy_matching=False)
    catalog.obsolete.clear()
    path = catalog_path(name, lang)
    _write_catalog(catalog, path)
    return path


def untranslated(name: str, lang: str) -> list[str]:
    """The lesson's Markdown cells (their first line) that lack a non-fuzzy translation."""
    catalog = load_catalog(name, lang)
    source = nbformat.read(str(notebooks_dir() / name), as_version=4)
    missing = []
    for cell in _markdown_cells(source):
        msg = catalog.get(cell.source)
        if msg is None or not msg.string or msg.fuzzy:
            missing.append(cell.source.splitlines()[0][:80])
    return missing


def set_lang_parameter(source: str, lang: str) -> str:
    """The parameters cell's source with ``lang = "<lang>"``."""
    if not _LANG_LINE.search(source):
        raise ValueError('the parameters cell has no lang = "..." line (run tools/lesson_lang.py)')
    return _LANG_LINE.sub(f'lang = "{lang}"', source, count=1)


def translated_notebook(name: str, lang: str, strict: bool = True):
    """The source lesson with its Markdown cells translated and its ``lang`` parameter set
    (not executed). ``strict``: refuse a lesson with an untranslated cell."""
    catalog = load_catalog(name, lang)
    nb = nbformat.read(str(notebooks_dir() / name), as_version=4)
    missing = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            msg = catalog.get(cell.source)
            if msg is None or not msg.string or msg.fuzzy:
                missing.append(cell.source.splitlines()[0][:80])
            else:
                cell.source = msg.string
        elif "parameters" in cell.metadata.get("tags", []):
            cell.source = set_lang_parameter(cell.source, lang)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if missing and strict:
        raise ValueError(f"{name}: {len(missing)} Markdown cell(s) lack a {lang} translation")
    nb.metadata["ecslab"] = {"lang": lang, "source": name}
    return nb


def render(name: str, lang: str, run: bool = True) -> tuple[Path, float]:
    """Write ``notebooks/<lang>/<name>`` and (``run``) execute it; returns (path, seconds)."""
    nb = translated_notebook(name, lang)
    out = rendered_path(name, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(out))
    seconds = 0.0
    if run:
        _, seconds = execute(out)
    return out, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.localize")
    parser.add_argument("cmd", choices=["extract", "render", "check"])
    parser.add_argument("names", nargs="*", help="lesson files (default: every lesson)")
    parser.add_argument("--lang", default=None, help="one language (default: all translated)")
    parser.add_argument("--no-run", action="store_true", help="render without executing")
    parser.add_argument(
        "--available", action="store_true", help="render only lessons fully translated"
    )
    args = parser.parse_args(argv)
    names = args.names or lesson_files()
    langs = [args.lang] if args.lang else list(TRANSLATED)
    status = 0
    total = 0.0
    for lang in langs:
        for name in names:
            if args.cmd == "extract":
                print(extract(name, lang))
            elif args.cmd == "check":
                missing = untranslated(name, lang)
                print(f"{lang} {name}: {len(missing)} untranslated cell(s)")
                status |= bool(missing)
            else:
                if args.available and untranslated(name, lang):
                    print(f"{lang} {name}: skipped (untranslated cells)")
                    continue
                path, seconds = render(name, lang, run=not args.no_run)
                total += seconds
                print(f"{path.relative_to(notebooks_dir())}: {seconds:.1f} s")
    if args.cmd == "render":
        print(f"all translated lessons: {total:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
