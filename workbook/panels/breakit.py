"""Break-it panels: the instructor's scenario starter (with the learner's hints and check), and
the "why not placed?" table. Every button calls a method, so code drives them too."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from ecslab import breakit
from ecslab.core.checks import CheckResult

from ..aws import Outcome, client
from ..i18n import _
from ..views import breakit as text
from ..views.headers import display
from .base import Panel, header

__all__ = ["BreakItPanel", "WhyNotPlacedPanel"]

SEED_CHOICE = "(the lab's seed chooses)"


def _label(s) -> str:
    return text.label(s)


class BreakItPanel(Panel):
    """Pick a scenario (and a variant), Start it in the lab; the brief, the symptom and the
    diagnosis questions appear; Hint 1 / Hint 2 (recorded in the lab) and Check. Methods:
    :meth:`start`, :meth:`hint`, :meth:`check`, :meth:`refresh`."""

    css_class = "ecslab-breakit"

    @property
    def title(self) -> str:
        return _("Break-it panel")

    def __init__(self, lab, scenario: str | int | None = None) -> None:
        super().__init__()
        self.lab = lab
        options = [(_label(s), s.slug) for s in breakit.available()]
        first = breakit.get(scenario).slug if scenario is not None else options[0][1]
        self.scenario = w.Dropdown(
            options=options,
            value=first,
            description=_("Scenario"),
            layout=w.Layout(width="520px"),
        )
        self.variant = w.Dropdown(description=_("Variant"))
        self.start_button = w.Button(description=_("Start (instructor)"), button_style="warning")
        self.hint_buttons = {
            level: w.Button(description=_("Hint {level}").format(level=level)) for level in (1, 2)
        }
        self.check_button = w.Button(description=_("Check"), button_style="primary")
        self.brief_html = w.HTML()
        self.hint_html = w.HTML()
        self.check_html = w.HTML()
        self.scenario.observe(lambda _c: self._variants(), names="value")
        self.start_button.on_click(lambda _b: self.start())
        for level, b in self.hint_buttons.items():
            b.on_click(lambda _b, level=level: self.hint(level))
        self.check_button.on_click(lambda _b: self.check())
        self._variants()
        self.widget = w.VBox(
            [
                header(_("Break-it labs: start a scenario, diagnose it, fix it, check it")),
                w.HBox([self.scenario, self.variant]),
                w.HBox([self.start_button, *self.hint_buttons.values(), self.check_button]),
                self.status,
                self.brief_html,
                self.hint_html,
                self.check_html,
            ]
        )
        self._mark()
        self.refresh()

    @property
    def selected(self):
        return breakit.get(self.scenario.value)

    def _variants(self) -> None:
        s = self.selected
        self.variant.options = [(_("(the lab's seed chooses)"), None)] + [
            (v, v) for v in s.variants
        ]
        self.variant.value = None

    # -- actions ---------------------------------------------------------------------------------

    def start(self, scenario: str | int | None = None, variant: str | None = None) -> Outcome:
        """Break the lab with the chosen scenario (arguments given here go into the form)."""
        try:
            chosen = breakit.get(scenario) if scenario is not None else self.selected
            if variant is not None and variant not in chosen.variants:
                raise ValueError(
                    _("scenario {slug} has variants {variants}, not {variant}").format(
                        slug=chosen.slug, variants=list(chosen.variants), variant=repr(variant)
                    )
                )
        except (KeyError, ValueError) as exc:
            return self.show(Outcome(False, str(exc).strip('"')))
        with self._hold():
            self.scenario.value = chosen.slug
            if variant is not None:
                self.variant.value = variant
        s = self.selected
        try:
            s.start(self.lab, self.variant.value)
        except (ValueError, breakit.NotAvailable) as exc:
            return self.show(Outcome(False, str(exc)))
        self.hint_html.value = ""
        self.check_html.value = ""
        self.refresh()
        return self.show(
            Outcome(
                True,
                _("scenario {number} started ({variant})").format(
                    number=s.number, variant=s.variant(self.lab)
                ),
            )
        )

    def hint(self, level: int = 1) -> str:
        s = self.selected
        if s.variant(self.lab) is None:
            self.show(Outcome(False, _("start the scenario first")))
            return ""
        shown = text.hint(s, self.lab, level)
        self.hint_html.value = "<b>{}</b> {}".format(
            _("Hint {level}:").format(level=level), html.escape(shown)
        )
        self.show(Outcome(True, _("hint {level} shown (recorded in the lab)").format(level=level)))
        return shown

    def check(self) -> CheckResult:
        result = text.check(self.selected, self.lab)
        self.check_html.value = result._repr_html_()
        self.show(Outcome(result.passed, str(result).split("\n")[0]))
        return result

    def refresh(self) -> None:
        s = self.selected
        started = s.variant(self.lab)
        words = text.scenario_text(s)
        questions = "".join(f"<li>{html.escape(q)}</li>" for q in words["questions"])
        symptom = (
            "<div><b>{}</b> <code>{}</code></div>".format(
                _("What you see:"), html.escape(text.symptom(s, self.lab))
            )
            if started
            else "<div><i>{}</i></div>".format(_("Not started in this lab."))
        )
        self.brief_html.value = (
            f"<div><b>{html.escape(_label(s))}</b></div><div>{html.escape(words['brief'])}</div>"
            f"{symptom}<div><b>{_('Diagnose:')}</b><ul>{questions}</ul></div>"
        )

    @property
    def text(self) -> str:
        """The panel's content as plain text (tests, screen readers)."""
        s = self.selected
        lines = [_label(s), text.scenario_text(s)["brief"]]
        if s.variant(self.lab):
            lines.append(_("What you see:") + " " + text.symptom(s, self.lab))
        return "\n".join(lines)


class WhyNotPlacedPanel(Panel):
    """A cluster and (optionally) a task family; Refresh shows every container instance, the
    filter that rejected it in the last placement and the words ECS uses. :attr:`table`."""

    css_class = "ecslab-why-not-placed"

    @property
    def title(self) -> str:
        return _("Why not placed? panel")

    def __init__(self, lab, cluster: str | None = None, family: str | None = None) -> None:
        super().__init__()
        self.lab = lab
        self.cluster = w.Dropdown(description=_("Cluster"))
        self.family = w.Dropdown(description=_("Family"))
        self.refresh_button = w.Button(description=_("Refresh"))
        self.table_html = w.HTML()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.widget = w.VBox(
            [
                header(_("Why not placed? Every instance and the filter that rejected it")),
                w.HBox([self.cluster, self.family, self.refresh_button]),
                self.status,
                self.table_html,
            ]
        )
        self._mark()
        self._options(cluster, family)
        self.refresh()

    def _options(self, cluster: str | None, family: str | None) -> None:
        ecs = client(self.lab, "ecs")
        names = sorted(a.rsplit("/", 1)[-1] for a in ecs.list_clusters()["clusterArns"])
        fams = ecs.list_task_definition_families(status="ACTIVE")["families"]
        with self._hold():
            self.cluster.options = names
            if cluster in names:
                self.cluster.value = cluster
            self.family.options = [(_("(last placement)"), None)] + [(f, f) for f in fams]
            self.family.value = family if family in fams else None

    @property
    def table(self) -> pd.DataFrame:
        if not self.cluster.value:
            return breakit.why_not_placed_view(self.lab, "default").iloc[0:0]
        return breakit.why_not_placed_view(self.lab, self.cluster.value, self.family.value)

    def refresh(self, cluster: str | None = None, family: str | None = None) -> pd.DataFrame:
        if cluster is not None or family is not None:
            self._options(cluster or self.cluster.value, family)
        rows = self.table
        if rows.empty:
            self.table_html.value = "<i>{}</i>".format(_("No placement in this cluster yet."))
            self.show(Outcome(True, _("no placement to explain")))
            return rows
        rejected = int((rows["filter"] != "").sum())
        self.table_html.value = display(rows).to_html(escape=True, border=0, index=False)
        self.show(
            Outcome(
                True,
                _("{rejected} of {n} instance(s) rejected the task").format(
                    rejected=rejected, n=len(rows)
                ),
            )
        )
        return rows
