"""The result of an exercise check: pass or fail, a message, and a hint in plain words.

Shared by the workbook's checks (``workbook.checks``) and the break-it scenarios
(``ecslab.breakit``). In a lesson's graded cell ``result.require()`` shows the result when it
passes and raises :class:`CheckFailed` (an AssertionError, so nbgrader counts it) with the hint.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["CheckFailed", "CheckResult"]

# The workbook palette's "ok" and "fail" roles (Okabe-Ito bluish green and vermillion).
_OK, _FAIL = "#009E73", "#D55E00"


class CheckFailed(AssertionError):
    """A failed exercise check; its message is the check's text and hint."""


@dataclass(frozen=True)
class CheckResult:
    title: str
    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def require(self) -> CheckResult:
        """Return self if passed, else raise :class:`CheckFailed` with the message and hint."""
        if not self.passed:
            raise CheckFailed(str(self))
        return self

    def __str__(self) -> str:
        mark = "PASSED" if self.passed else "NOT YET"
        text = f"[{mark}] {self.title}: {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint and not self.passed else "")

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython's text/plain
        p.text(str(self))

    def _repr_html_(self) -> str:
        mark, color = ("✓", _OK) if self.passed else ("✗", _FAIL)
        hint = (
            f'<div style="margin-top:4px"><b>Hint:</b> {html.escape(self.hint)}</div>'
            if self.hint and not self.passed
            else ""
        )
        # The classes are a stable hook for browser tests (and a learner's own stylesheet).
        state = "pass" if self.passed else "fail"
        return (
            f'<div class="ecslab-check ecslab-check-{state}" '
            f'style="border-left:4px solid {color};padding:4px 10px">'
            f'<span style="color:{color};font-weight:bold">{mark} {html.escape(self.title)}</span>'
            f": {html.escape(self.message)}{hint}</div>"
        )
