"""The workbook's languages: gettext catalogs for its strings and Babel for numbers and money.

A lesson's parameters cell has ``lang = "en"`` (papermill passes ``lang="zh-Hant"`` for the
Traditional Chinese course) and its first code cell calls :func:`set_language`. After that, every
label, chart title, check message and hint the workbook builds goes through :func:`_` /
:func:`ngettext`, and figures shown to a learner through :func:`money` / :func:`number` /
:func:`percent` / :func:`when`, so they follow the reader's locale (``US$0.19`` in zh-Hant).

What AWS sends (API fields, error codes and messages, the event table) is never passed through
here: it stays exactly as AWS would send it.

The catalogs are the ``.po`` files under ``workbook/locale/<locale>/LC_MESSAGES/workbook.po``
(one domain, ``workbook``; extracted with ``pybabel extract``, see ``python -m workbook.i18n``).
They are read at run time with Babel and compiled in memory: no ``.mo`` file is committed or
built, so a fresh clone (or an editable install) never runs a stale binary catalog, and a
translator's edit shows at the next kernel start. Compiling the catalog takes a few ms.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import io
from functools import cache
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "get_language",
    "locale_dir",
    "money",
    "ngettext",
    "number",
    "percent",
    "set_language",
    "translations",
    "when",
]

#: Course language -> (Babel locale for figures, gettext catalog folder or None for the source).
LANGUAGES: dict[str, tuple[str, str | None]] = {
    "en": ("en_US", None),
    "zh-Hant": ("zh_Hant_HK", "zh_Hant"),
}
DOMAIN = "workbook"

_current = "en"


def locale_dir() -> Path:
    """Where the workbook's catalogs live (``<locale>/LC_MESSAGES/workbook.po``)."""
    return Path(__file__).resolve().parent / "locale"


def set_language(lang: str) -> None:
    """Choose the language of the workbook's strings and figures ("en" or "zh-Hant")."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    _current = lang


def get_language() -> str:
    return _current


def babel_locale(lang: str | None = None) -> str:
    return LANGUAGES[lang or _current][0]


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (fuzzy entries left out, as msgfmt does)."""
    folder = LANGUAGES[lang][1]
    if folder is None:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = locale_dir() / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=folder)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _(message: str) -> str:
    """``message`` in the current language (itself when the catalog lacks it)."""
    return translations(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """``message`` unchanged, marked for the catalog: for text stored now and passed through
    :func:`_` when shown (table headers, the break-it scenarios' ``ecslab.breakit.text.N_``)."""
    return message


# -- figures -----------------------------------------------------------------------------------


def money(amount: float, digits: int = 2, max_digits: int | None = None) -> str:
    """US dollars as the reader's locale writes them: ``$0.19`` (en), ``US$0.19`` (zh-Hant).

    ``digits`` decimals always, up to ``max_digits`` when the amount needs them (hourly rates)."""
    from babel.numbers import format_currency

    extra = "#" * max(0, (max_digits or digits) - digits)
    pattern = "¤#,##0" + ("." + "0" * digits + extra if digits or extra else "")
    return format_currency(
        amount, "USD", format=pattern, locale=babel_locale(), currency_digits=False
    )


def number(value: float, digits: int | None = None) -> str:
    """A number with the locale's grouping (``digits`` fixed decimals if given)."""
    from babel.numbers import format_decimal

    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def percent(share: float, digits: int = 0) -> str:
    """A share (0.25) as the locale writes a percentage."""
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=pattern, locale=babel_locale())


def when(moment: _dt.datetime, time_only: bool = False) -> str:
    """A simulated date and time as the locale writes it (24-hour clock, seconds)."""
    from babel.dates import format_datetime

    if time_only:
        return moment.strftime("%H:%M:%S")
    pattern = "yyyy年M月d日 HH:mm:ss" if _current == "zh-Hant" else "yyyy-MM-dd HH:mm:ss"
    return format_datetime(moment, pattern, locale=babel_locale())


# -- maintenance -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m workbook.i18n extract``: refresh the template and merge it into every
    catalog (new strings come in untranslated, changed ones fuzzy): what ``pybabel extract``
    and ``pybabel update`` do, with the workbook's keywords."""
    import argparse

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    parser = argparse.ArgumentParser(prog="python -m workbook.i18n")
    parser.add_argument("cmd", choices=["extract"])
    parser.parse_args(argv)
    root = Path(__file__).resolve().parent
    template = extract_catalog(root)
    locale_dir().mkdir(exist_ok=True)
    with (locale_dir() / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=False, width=100)
    for folder in (f for _, f in LANGUAGES.values() if f):
        po = locale_dir() / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=folder)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=folder, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=False)
        catalog.obsolete.clear()
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100)
        print(po)
    return 0


KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
#: Engine text the workbook shows and translates: folder (from the repository root) -> keywords.
#: The engine only marks it with a no-op ``N_`` (it never imports the workbook).
ENGINE_SOURCES = {"ecslab/breakit": {"N_": None, "F_": None}}


def extract_catalog(root: Path):
    """Every ``_()`` / ``ngettext()`` / ``N_()`` string under ``root`` (the workbook package),
    then every ``N_()`` string of :data:`ENGINE_SOURCES` (the break-it scenarios)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(domain=DOMAIN, project="ecslab workbook")
    sources = [(root, "workbook", KEYWORDS)] + [
        (root.parent / folder, folder, keywords) for folder, keywords in ENGINE_SOURCES.items()
    ]
    for folder, prefix, keywords in sources:
        found = extract_from_dir(
            str(folder),
            method_map=[("**.py", "python")],
            keywords=keywords,
            comment_tags=("i18n:",),
        )
        for filename, lineno, message, comments, context in found:
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            catalog.add(
                message,
                None,
                [(f"{prefix}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


if __name__ == "__main__":
    raise SystemExit(main())
