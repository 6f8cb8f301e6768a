"""A break-it scenario: a named, seeded setup that breaks a lab the way beginners break ECS.

Each :class:`Scenario` has

* ``start(lab or seed, variant=None)``: a ``BreakItStarted`` marker (a recorded lab action), then
  the broken state built through public calls (boto3 clients, recorded lab actions), so the lab
  replays like any other; the variant defaults to one chosen by the lab's seed;
* ``brief``: the ticket the learner gets, ``symptom(lab)``: what they see, in AWS's words, read
  from the lab (a stopped reason, RunTask failures, an agent log line, an API error);
* ``questions`` to diagnose it, the documented ``fix`` and two ``hints`` (``hint(lab, level)``
  records that a hint was shown, for the class report);
* ``check(lab)``: a deterministic :class:`~ecslab.core.checks.CheckResult` that reads only the lab's
  state (API answers, its event table): it passes when the state shows the fix, never because a
  cell ran, and fails with a hint after a wrong fix;
* ``apply_fix(lab)``: the documented fix as code (tests use it; ``skip(lab)`` records a skip and
  applies it, so a stuck learner can go on).

A scenario that names a part of the engine in ``needs`` (none does now) is listed but cannot
start: :class:`NotAvailable`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.checks import CheckResult
from .text import N_

__all__ = ["Scenario", "NotAvailable", "started_variant"]


class NotAvailable(RuntimeError):
    """The scenario needs a part of the engine that is not built yet."""


def started_variant(lab, slug: str) -> str | None:
    """The variant of the last start of scenario ``slug`` in ``lab`` (None if never started)."""
    ev = lab.events
    rows = ev[(ev["kind"] == "BreakItStarted") & (ev["resource"] == slug)]
    return None if rows.empty else rows["detail"].iloc[-1]["variant"]


@dataclass(frozen=True)
class Scenario:
    number: int
    slug: str
    title: str
    cluster: str
    variants: tuple[str, ...]
    brief: str
    questions: tuple[str, ...]
    fix: str
    hints: tuple[str, str]
    setup: Callable[[Any, str], None] | None = None
    observe: Callable[[Any, str], str] | None = None
    checker: Callable[[Any, str], CheckResult] | None = None
    fixer: Callable[[Any, str], None] | None = None
    needs: str = ""  # a part of the engine this scenario waits for ("services")
    variant_notes: dict[str, str] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.setup is not None and not self.needs

    def _require(self) -> None:
        if not self.available:
            raise NotAvailable(
                f"scenario {self.number} ({self.slug}) needs ECS {self.needs or 'support'}, which "
                "ecslab does not simulate yet"
            )

    def variant_for(self, lab, variant: str | None = None) -> str:
        if variant is None:
            return self.variants[lab.seed % len(self.variants)]
        if variant not in self.variants:
            raise ValueError(
                f"scenario {self.slug} has variants {list(self.variants)}, not {variant!r}"
            )
        return variant

    # -- the learner's side ----------------------------------------------------------------------

    def start(self, lab=None, variant: str | None = None, *, region: str = "ap-east-1"):
        """Break ``lab`` (or a new ``Lab(seed=lab)`` when given an int); returns the lab."""
        from ..lab import Lab

        self._require()
        if lab is None or isinstance(lab, int):
            lab = Lab(region=region, seed=int(lab or 0))
        chosen = self.variant_for(lab, variant)
        lab.act(
            "breakit_started",
            scenario=self.slug,
            number=self.number,
            variant=chosen,
            cluster=self.cluster,
        )
        self.setup(lab, chosen)
        return lab

    def variant(self, lab) -> str | None:
        return started_variant(lab, self.slug)

    def symptom(self, lab) -> str:
        """What the learner sees, in AWS's words, as the lab shows it now."""
        v = self.variant(lab)
        if v is None:
            return N_("scenario {slug} has not been started in this lab").format(slug=self.slug)
        return self.observe(lab, v)

    def hint(self, lab, level: int = 1) -> str:
        """Hint 1 (a nudge) or 2 (nearly the answer); recorded in the lab's event table."""
        if level not in (1, 2):
            raise ValueError("hint level is 1 or 2")
        lab.act("breakit_hint", scenario=self.slug, level=level)
        return self.hints[level - 1]

    def check(self, lab) -> CheckResult:
        title = N_("break-it {number}: {title}").format(number=self.number, title=self.title)
        if not self.available:
            return CheckResult(title, False, N_("this scenario is not available yet"), self.needs)
        v = self.variant(lab)
        if v is None:
            return CheckResult(
                title,
                False,
                N_("the scenario has not been started in this lab"),
                N_("Start it with breakit.get({slug}).start(lab).").format(slug=repr(self.slug)),
            )
        got = self.checker(lab, v)
        return CheckResult(title, got.passed, got.message, got.hint)

    def apply_fix(self, lab) -> None:
        """The documented fix, through public calls."""
        self._require()
        v = self.variant(lab)
        if v is None:
            raise ValueError(f"scenario {self.slug} has not been started in this lab")
        self.fixer(lab, v)

    def skip(self, lab) -> CheckResult:
        """Record a skip, apply the documented fix and return the check (now passing)."""
        self._require()
        lab.act("breakit_skipped", scenario=self.slug)
        self.apply_fix(lab)
        return self.check(lab)

    def describe(self) -> dict:
        """The scenario as plain data (for tables and the instructor panel)."""
        return {
            "number": self.number,
            "slug": self.slug,
            "title": self.title,
            "cluster": self.cluster,
            "variants": list(self.variants),
            "available": self.available,
            "needs": self.needs,
        }
