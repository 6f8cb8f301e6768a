"""The break-it scenarios' learner-facing text in the reader's language.

The engine (``ecslab.breakit``) keeps its text in English and only marks it with a no-op ``N_``;
``python -m workbook.i18n extract`` puts those strings in the workbook's catalogs and this module
translates them when they are shown (the break-it panel, lesson 12). A check message or hint
built from the lab's figures is a ``Text`` (template and figures) or a ``Joined`` list of parts:
the template is translated and the same figures filled in (a figure that is itself marked text
is translated too). What a scenario reads from the lab (a stopped reason, an API error: AWS's
words) passes through unchanged, as does any text the catalog lacks, so the English course shows
exactly the engine's text.
"""

from __future__ import annotations

from ecslab.breakit.text import SEPARATORS, Joined, Text
from ecslab.core.checks import CheckResult

from ..i18n import _

__all__ = ["check", "hint", "label", "scenario_text", "symptom", "translate"]


def translate(message: str) -> str:
    """``message`` in the course language: a :class:`Text`'s template translated and its figures
    (translated where they are marked text themselves) filled in; each part of a :class:`Joined`
    translated alone; any other string looked up as it is."""
    if isinstance(message, Text):
        return _(message.template).format(**{k: _figure(v) for k, v in message.args.items()})
    if isinstance(message, Joined):
        sep = _(message.sep) if message.sep in SEPARATORS else message.sep
        return sep.join(translate(p) for p in message.parts)
    return _(message) if message else message


def _figure(value):
    # Only str figures can be marked text; numbers and AWS's words pass through as they are.
    return translate(value) if isinstance(value, (Text, Joined)) else value


def label(scenario) -> str:
    """``number · title``, the scenario's name in pickers and headings."""
    return f"{scenario.number} · {_(scenario.title)}"


def scenario_text(scenario) -> dict:
    """The scenario's title, brief, diagnosis questions, fix and hints, translated."""
    return {
        "title": _(scenario.title),
        "brief": _(scenario.brief),
        "questions": [_(q) for q in scenario.questions],
        "fix": _(scenario.fix),
        "hints": [_(h) for h in scenario.hints],
    }


def symptom(scenario, lab) -> str:
    """What the learner sees, translated around AWS's words (which stay as AWS sends them), or
    that the scenario is not started."""
    if scenario.variant(lab) is None:
        return _("scenario {slug} has not been started in this lab").format(slug=scenario.slug)
    return translate(scenario.symptom(lab))


def hint(scenario, lab, level: int = 1) -> str:
    """Hint ``level`` translated (recorded in the lab's event table like ``scenario.hint``)."""
    return translate(scenario.hint(lab, level))


def check(scenario, lab) -> CheckResult:
    """``scenario.check(lab)`` with its title, and the messages the catalog knows, translated."""
    got = scenario.check(lab)
    title = _("break-it {number}: {title}").format(number=scenario.number, title=_(scenario.title))
    if scenario.available and scenario.variant(lab) is None:
        hint_text = _("Start it with breakit.get({slug}).start(lab).").format(
            slug=repr(scenario.slug)
        )
    else:
        hint_text = translate(got.hint)
    message = translate(got.message)
    return CheckResult(title, got.passed, message, hint_text)
