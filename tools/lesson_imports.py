"""Rewrite the lessons' imports for the workbook laid out by role (idempotent).

``python tools/lesson_imports.py [NOTEBOOK ...]`` (default: every notebook under notebooks/) turns
``from workbook import charts, instances`` into ``from workbook import charts`` plus
``from workbook.views import instances`` and ``from workbook.instances import x`` into
``from workbook.views.instances import x``. Only code-cell sources change; outputs are left for
``make notebooks`` to regenerate.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

VIEWS = (
    "placement tasks services service_history instances registry taskdefs costs pricing insights "
    "tables capacity console deploy scrub"
).split()


def rewrite(source: str) -> str:
    def names(m: re.Match) -> str:
        indent, listed = m.group(1), [n.strip() for n in m.group(2).split(",")]
        kept = [n for n in listed if n not in VIEWS]
        moved = [n for n in listed if n in VIEWS]
        out = []
        if kept:
            out.append(f"{indent}from workbook import {', '.join(kept)}")
        if moved:
            out.append(f"{indent}from workbook.views import {', '.join(moved)}")
        return "\n".join(out)

    source = re.sub(r"^([ \t]*)from workbook import ([a-z_, ]+)$", names, source, flags=re.M)
    views = "|".join(VIEWS)
    return re.sub(rf"\bfrom workbook\.({views})\b", r"from workbook.views.\1", source)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(Path("notebooks").rglob("*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            if cell.cell_type == "code":
                new = rewrite(cell.source)
                if new != cell.source:
                    cell.source, changed = new, True
        if changed:
            nbformat.write(nb, path)
            print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
