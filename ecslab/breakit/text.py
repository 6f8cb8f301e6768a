"""Markers for the break-it scenarios' learner-facing text.

The engine keeps speaking English and imports nothing from the workbook. ``N_("...")`` returns
its argument unchanged; ``F_("... {figure} ...", figure=...)`` returns the English text built from
the lab's figures as a :class:`Text`, a ``str`` that also keeps its template and figures. Both
only tell ``python -m workbook.i18n extract`` which strings (titles, briefs, questions, fixes,
hints, check messages) go into the workbook's catalogs; the workbook translates the template and
fills in the same figures when it shows them (``workbook.views.breakit``). Figures that are AWS's
words (a stopped reason, an error code) go in unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["F_", "N_", "Joined", "Text", "joined"]


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """``message`` itself, marked for translation at display time."""
    return message


class Text(str):
    """English text formatted from ``template`` and ``args``; equal to that English string."""

    template: str
    args: dict

    def __new__(cls, template: str, args: dict | None = None) -> Text:
        args = dict(args or {})
        self = super().__new__(cls, template.format(**args))
        self.template = template
        self.args = args
        return self

    def __getnewargs__(self) -> tuple:  # pickle and copy rebuild it from its parts
        return (self.template, self.args)


class Joined(str):
    """``sep.join(parts)`` that keeps its parts, so each part can be translated on its own."""

    sep: str
    parts: tuple

    def __new__(cls, sep: str, parts: Iterable[str] = ()) -> Joined:
        parts = tuple(parts)
        self = super().__new__(cls, sep.join(parts))
        self.sep = sep
        self.parts = parts
        return self

    def __getnewargs__(self) -> tuple:
        return (self.sep, self.parts)


def F_(template: str, **args) -> Text:  # noqa: N802
    """``template.format(**args)``, marked for translation with the same ``args`` at display."""
    return Text(template, args)


#: Separators whose punctuation a language writes its own way (Chinese: a full-width "；").
SEPARATORS = (N_("; "),)


def joined(sep: str, parts: Iterable[str]) -> Joined:
    """Parts joined by ``sep``; each part (a :class:`Text` or a marked string) translates alone."""
    return Joined(sep, parts)
