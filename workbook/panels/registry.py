"""Registry panel: create a repository, build and push an image, see tags and untagged images,
retag without pulling, delete tags or images."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from ..aws import Outcome
from ..i18n import _
from ..views.headers import display
from ..views.registry import RegistryConsole
from .base import Panel, header

__all__ = ["RegistryPanel", "DEFAULT_DOCKERFILE"]

DEFAULT_DOCKERFILE = "FROM httpd:2.4\nCOPY index.html /usr/local/apache2/htdocs/\n"


class RegistryPanel(Panel):
    """Actions: :meth:`create`, :meth:`build_push`, :meth:`retag`, :meth:`delete`,
    :meth:`delete_untagged`; :attr:`images` is the table shown for the chosen repository."""

    @property
    def title(self) -> str:
        return _("Registry panel")

    def __init__(self, lab, repository: str = "web", architecture: str = "amd64") -> None:
        super().__init__()
        self.console = RegistryConsole(lab)
        self.architecture = architecture
        self.repo_name = w.Text(value=repository, description=_("Repository"))
        self.create_button = w.Button(description=_("Create repository"))
        self.dockerfile = w.Textarea(
            value=DEFAULT_DOCKERFILE, description="Dockerfile", layout=w.Layout(width="460px")
        )
        self.page = w.Textarea(
            value="<h1>Hello from ECS</h1>\n",
            description="index.html",
            layout=w.Layout(width="460px"),
        )
        self.tag = w.Text(value="latest", description=_("Tag"))
        self.push_button = w.Button(description=_("Build and push"), button_style="primary")
        self.retag_from = w.Text(value="latest", description=_("Tag"))
        self.retag_to = w.Text(value="v1", description=_("as"))
        self.retag_button = w.Button(description=_("Retag (no pull)"))
        self.delete_ref = w.Text(value="", description=_("Tag/digest"))
        self.delete_button = w.Button(description=_("Delete"), button_style="danger")
        self.untagged_button = w.Button(description=_("Delete untagged"))
        self.images_html = w.HTML()
        self.create_button.on_click(lambda _b: self.create())
        self.push_button.on_click(lambda _b: self.build_push())
        self.retag_button.on_click(lambda _b: self.retag())
        self.delete_button.on_click(lambda _b: self.delete())
        self.untagged_button.on_click(lambda _b: self.delete_untagged())
        self.widget = w.VBox(
            [
                header("Amazon ECR"),
                w.HBox([self.repo_name, self.create_button]),
                self.dockerfile,
                self.page,
                w.HBox([self.tag, self.push_button]),
                w.HBox([self.retag_from, self.retag_to, self.retag_button]),
                w.HBox([self.delete_ref, self.delete_button, self.untagged_button]),
                self.status,
                self.images_html,
            ]
        )
        self.refresh()

    @property
    def repository(self) -> str:
        return self.repo_name.value.strip()

    @property
    def images(self) -> pd.DataFrame:
        return self.console.images(self.repository)

    def refresh(self) -> None:
        rows = self.images
        if rows.empty:
            self.images_html.value = "<i>{}</i>".format(
                _("No images in {repository}.").format(repository=html.escape(self.repository))
            )
        else:
            self.images_html.value = display(rows).to_html(escape=True, border=0, index=False)

    def _done(self, out: Outcome) -> Outcome:
        self.refresh()
        return self.show(out)

    def create(self, name: str | None = None, immutable: bool = False) -> Outcome:
        if name is not None:
            self.repo_name.value = name
        return self._done(self.console.create(self.repository, immutable))

    def build_push(
        self, tag: str | None = None, page: str | None = None, dockerfile: str | None = None
    ) -> Outcome:
        """Build the Dockerfile (COPY index.html takes the page box) and push it as ``tag``."""
        if tag is not None:
            self.tag.value = tag
        if page is not None:
            self.page.value = page
        if dockerfile is not None:
            self.dockerfile.value = dockerfile
        out = self.console.build_push(
            self.repository,
            self.tag.value.strip(),
            self.dockerfile.value,
            {"index.html": self.page.value},
            self.architecture,
        )
        return self._done(out)

    def retag(self, source: str | None = None, new: str | None = None) -> Outcome:
        if source is not None:
            self.retag_from.value = source
        if new is not None:
            self.retag_to.value = new
        out = self.console.retag(
            self.repository, self.retag_from.value.strip(), self.retag_to.value.strip()
        )
        return self._done(out)

    def delete(self, ref: str | None = None) -> Outcome:
        """Delete a tag, or an image by digest (``sha256:...``)."""
        if ref is not None:
            self.delete_ref.value = ref
        ref = self.delete_ref.value.strip()
        if ref.startswith("sha256:"):
            out = self.console.delete(self.repository, digests=[ref])
        else:
            out = self.console.delete(self.repository, tags=[ref] if ref else [])
        return self._done(out)

    def delete_untagged(self) -> Outcome:
        return self._done(self.console.delete_untagged(self.repository))
