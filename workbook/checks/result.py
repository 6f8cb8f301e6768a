"""The bottom of the checks package: what every check returns.

:class:`CheckResult` and :class:`CheckFailed` live in the engine (``ecslab.core.checks``) so that
break-it scenarios share them; every module of ``workbook.checks`` imports them from here.
"""

from __future__ import annotations

from ecslab.core.checks import CheckFailed, CheckResult

__all__ = ["CheckFailed", "CheckResult"]
