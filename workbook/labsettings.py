"""JupyterLab's interface language for ``make lab`` (``LANG_UI=zh-TW``; English by default).

``python -m workbook.labsettings zh-TW`` writes the default of JupyterLab's Settings > Language
(the ``@jupyterlab/translation-extension:plugin`` setting, locale ``zh_TW`` from the
``jupyterlab-language-pack-zh-tw`` package) into ``<venv>/share/jupyter/lab/settings/
overrides.json``, JupyterLab's documented place for a deployment's setting defaults. A language
the learner chooses in the Settings menu is a user setting and still wins. Other overrides in the
file are kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PLUGIN = "@jupyterlab/translation-extension:plugin"
#: make's LANG_UI value -> JupyterLab's locale name (the language pack's).
UI_LOCALES = {"en": "en", "zh-TW": "zh_TW", "zh-Hant": "zh_TW"}


def overrides_path(prefix: str | None = None) -> Path:
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_locale(lang_ui: str, path: Path | None = None) -> Path:
    if lang_ui not in UI_LOCALES:
        raise ValueError(f"LANG_UI must be one of {', '.join(UI_LOCALES)}, got {lang_ui!r}")
    path = path or overrides_path()
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault(PLUGIN, {})["locale"] = UI_LOCALES[lang_ui]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        path = write_locale(args[0] if args else "en")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"JupyterLab interface language: {UI_LOCALES[args[0] if args else 'en']} ({path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
