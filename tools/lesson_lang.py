"""Give every lesson its ``lang`` parameter and the ``set_language`` call (idempotent).

``python tools/lesson_lang.py [NOTEBOOK ...]`` (default: every lesson notebooks/NN_*.ipynb) adds
``lang = "en"`` as the last line of the cell tagged ``parameters`` and, at the top of the first
code cell after it (below a ``# NBVAL_CHECK_OUTPUT`` marker), the two lines that pass it to the
workbook (:func:`workbook.i18n.set_language`). papermill's ``-p lang zh-Hant`` (or the rendered
notebooks/zh-Hant/ lessons) then switch the workbook's labels, charts, checks and figures.
Only code-cell sources change; outputs are left for ``make notebooks`` to regenerate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

PARAM = 'lang = "en"  # language of the workbook\'s labels, charts and checks: "en" or "zh-Hant"'
CALL = ("from workbook.i18n import set_language", "", "set_language(lang)")


def apply(nb) -> bool:
    cells = nb.cells
    idx = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    changed = False
    params = cells[idx]
    if not any(line.startswith("lang = ") for line in params.source.splitlines()):
        params.source = params.source.rstrip("\n") + "\n" + PARAM
        changed = True
    nxt = next(c for c in cells[idx + 1 :] if c.cell_type == "code")
    if "set_language(lang)" not in nxt.source:
        lines = nxt.source.split("\n")
        head = [lines.pop(0)] if lines and lines[0].strip() == "# NBVAL_CHECK_OUTPUT" else []
        nxt.source = "\n".join(head + list(CALL) + [""] + lines)
        changed = True
    return changed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if apply(nb):
            nbformat.write(nb, path)
            print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
