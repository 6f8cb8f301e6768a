"""Task definition editor: a form and the JSON side by side, ECS's validation errors inline,
register/deregister, and the family's revisions."""

from __future__ import annotations

import html
import json

import ipywidgets as w
import pandas as pd

from ..aws import Outcome
from ..i18n import _
from ..palette import ROLE
from ..views.headers import display
from ..views.taskdefs import NETWORK_MODES, TaskDefEditor, TaskDefForm
from .base import Panel, header

__all__ = ["TaskDefinitionPanel"]


class TaskDefinitionPanel(Panel):
    """Form fields on the left write the JSON on the right; the JSON is what Register sends (edit
    it directly for anything the form lacks). Actions: :meth:`set_form`, :meth:`edit_json`,
    :meth:`register`, :meth:`deregister`; :attr:`json_text`, :attr:`error_text`, :attr:`revisions`."""

    @property
    def title(self) -> str:
        return _("Task definition editor")

    def __init__(self, lab, form: TaskDefForm | None = None) -> None:
        super().__init__()
        self.editor = TaskDefEditor(lab)
        f = form or TaskDefForm()
        self.fields = {
            "family": w.Text(value=f.family, description=_("Family")),
            "container": w.Text(value=f.container, description=_("Container")),
            "image": w.Text(value=f.image, description=_("Image")),
            "essential": w.Checkbox(value=f.essential, description="essential"),
            "container_cpu": w.BoundedIntText(
                value=f.container_cpu, min=0, max=196608, description=_("CPU units")
            ),
            "memory": w.BoundedIntText(
                value=f.memory, min=0, max=1_048_576, description=_("memory (hard)")
            ),
            "memory_reservation": w.BoundedIntText(
                value=f.memory_reservation, min=0, max=1_048_576, description=_("reservation")
            ),
            "network_mode": w.Dropdown(
                options=NETWORK_MODES, value=f.network_mode, description=_("Network")
            ),
            "container_port": w.BoundedIntText(
                value=f.container_port, min=0, max=65535, description="containerPort"
            ),
            "host_port": w.Text(
                value="" if f.host_port is None else str(f.host_port),
                description="hostPort",
                placeholder=_("leave out"),
            ),
            "launch_type": w.Dropdown(
                options=("EC2", "FARGATE", "EXTERNAL"),
                value=f.launch_type,
                description=_("Requires"),
            ),
            "task_cpu": w.Text(
                value=f.task_cpu, description=_("task cpu"), placeholder=_("e.g. 256")
            ),
            "task_memory": w.Text(
                value=f.task_memory, description=_("task memory"), placeholder=_("e.g. 512")
            ),
        }
        for field in self.fields.values():
            field.observe(self._form_changed, names="value")
        self.json = w.Textarea(layout=w.Layout(width="460px", height="360px"))
        self.errors = w.HTML()
        self._error = ""
        self.register_button = w.Button(description=_("Register"), button_style="primary")
        self.revision_list = w.Select(options=[], description=_("Revisions"), rows=5)
        self.deregister_button = w.Button(description=_("Deregister"), button_style="danger")
        self.revisions_html = w.HTML()
        self.register_button.on_click(lambda _b: self.register())
        self.deregister_button.on_click(lambda _b: self.deregister())
        self.widget = w.VBox(
            [
                header(self.title),
                w.HBox(
                    [
                        w.VBox(list(self.fields.values())),
                        w.VBox([self.json, self.errors, self.register_button]),
                    ]
                ),
                self.status,
                w.HBox([self.revision_list, self.deregister_button]),
                self.revisions_html,
            ]
        )
        self._write_json()
        self.refresh()

    # -- form <-> JSON -------------------------------------------------------------------------------

    def form(self) -> TaskDefForm:
        v = {k: f.value for k, f in self.fields.items()}
        host = str(v.pop("host_port")).strip()
        return TaskDefForm(host_port=int(host) if host.isdigit() else None, **v)

    def _write_json(self) -> None:
        self.json.value = json.dumps(self.form().body(), indent=2)

    def _form_changed(self, _change) -> None:
        if not self._holding:
            self._write_json()

    @property
    def json_text(self) -> str:
        return self.json.value

    @property
    def body(self) -> dict | None:
        return self.editor.parse(self.json.value)[0]

    @property
    def error_text(self) -> str:
        """The inline error under the JSON (empty when the last register worked)."""
        return self._error

    def set_form(self, **fields) -> dict:
        """Change form fields (names of :class:`TaskDefForm`); the JSON follows. Returns the body."""
        unknown = set(fields) - set(self.fields)
        if unknown:
            raise ValueError(f"no form field {', '.join(sorted(unknown))}")
        with self._hold():
            for k, v in fields.items():
                if k in ("host_port", "task_cpu", "task_memory"):
                    v = "" if v is None else str(v)
                self.fields[k].value = v
        self._write_json()
        return self.form().body()

    def edit_json(self, body: dict | str) -> None:
        """Put a body (or raw text) in the JSON box, as a learner pasting a definition would."""
        self.json.value = body if isinstance(body, str) else json.dumps(body, indent=2)

    # -- actions ----------------------------------------------------------------------------------------

    def register(self) -> Outcome:
        """RegisterTaskDefinition with the JSON box; an error is shown under the JSON."""
        out = self.editor.register(self.json.value)
        self._error = "" if out.ok else out.message
        if out.ok:
            self.errors.value = ""
        else:
            self.errors.value = (
                f'<div style="color:{ROLE["fail"]};white-space:pre-wrap">'
                f"{html.escape(out.message)}</div>"
            )
        self.refresh()
        return self.show(out)

    def deregister(self, ref: str | None = None) -> Outcome:
        """DeregisterTaskDefinition for ``family:revision`` (default: the revision chosen)."""
        target = ref or self.revision_list.value
        if not target:
            return self.show(Outcome(False, _("choose a revision to deregister")))
        out = self.editor.deregister(target)
        self.refresh()
        return self.show(out)

    @property
    def family(self) -> str:
        body = self.body
        return (body or {}).get("family") or self.fields["family"].value

    @property
    def revisions(self) -> pd.DataFrame:
        return self.editor.revisions(self.family)

    def refresh(self) -> None:
        rows = self.revisions
        fam = self.family
        options = [(f"{fam}:{r} ({s})", f"{fam}:{r}") for r, s in rows["status"].items()]
        keep = (
            self.revision_list.value
            if self.revision_list.value in [v for _, v in options]
            else None
        )
        self.revision_list.options = options
        self.revision_list.value = keep
        self.revisions_html.value = (
            display(rows).to_html(escape=True, border=0)
            if not rows.empty
            else "<i>{}</i>".format(
                _("No revisions of {family} yet.").format(family=html.escape(fam))
            )
        )
