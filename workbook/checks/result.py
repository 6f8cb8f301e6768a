"""The bottom of the checks package: what every check returns.

:class:`CheckFailed` and the engine's ``CheckResult`` live in ``ecslab.core.checks`` so that
break-it scenarios share them. The workbook's :class:`CheckResult` is that class with its labels
("PASSED", "NOT YET", "hint") in the reader's language, read when the result is shown (the
engine may not import the workbook). Every module of ``workbook.checks`` imports it from here.
"""

from __future__ import annotations

import html

from ecslab.core.checks import _FAIL, _OK, CheckFailed
from ecslab.core.checks import CheckResult as _EngineResult

from ..i18n import _

__all__ = ["CheckFailed", "CheckResult"]


class CheckResult(_EngineResult):
    """An engine ``CheckResult`` whose labels follow :func:`workbook.i18n.set_language`."""

    def __str__(self) -> str:
        mark = _("PASSED") if self.passed else _("NOT YET")
        text = _("[{mark}] {title}: {message}").format(
            mark=mark, title=self.title, message=self.message
        )
        if self.hint and not self.passed:
            text += "\n  " + _("hint: {hint}").format(hint=self.hint)
        return text

    def _repr_html_(self) -> str:
        mark, color = ("✓", _OK) if self.passed else ("✗", _FAIL)
        label, sep = _("Hint:"), _(": ")
        hint = (
            f'<div style="margin-top:4px"><b>{html.escape(label)}</b> '
            f"{html.escape(self.hint)}</div>"
            if self.hint and not self.passed
            else ""
        )
        state = "pass" if self.passed else "fail"
        return (
            f'<div class="ecslab-check ecslab-check-{state}" '
            f'style="border-left:4px solid {color};padding:4px 10px">'
            f'<span style="color:{color};font-weight:bold">{mark} {html.escape(self.title)}</span>'
            f"{html.escape(sep)}{html.escape(self.message)}{hint}</div>"
        )
