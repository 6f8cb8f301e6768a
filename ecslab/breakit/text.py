"""A no-op marker for the break-it scenarios' learner-facing text.

``N_("...")`` returns its argument unchanged: the engine keeps speaking English and imports
nothing from the workbook. The marker only tells ``python -m workbook.i18n extract`` which
strings (titles, briefs, diagnosis questions, fixes, hints) go into the workbook's catalogs; the
workbook translates them when it shows them (``workbook.views.breakit``).
"""

from __future__ import annotations

__all__ = ["N_"]


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """``message`` itself, marked for translation at display time."""
    return message
