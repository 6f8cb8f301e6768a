"""Cluster panel: create, list and delete clusters through the lab's ECS client."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ..aws import Outcome, attempt, client
from ..i18n import _
from ..views.headers import display
from ..views.tables import clusters_table
from .base import Panel, header

__all__ = ["ClusterConsole", "ClusterPanel"]

INSIGHTS = ("disabled", "enabled", "enhanced")


class ClusterConsole:
    """The panel's logic, no widgets: each action is one ECS call, errors in AWS's words."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self.ecs = client(lab, "ecs")

    def create(
        self,
        name: str | None = None,
        container_insights: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Outcome:
        kwargs: dict = {}
        if name:
            kwargs["clusterName"] = name
        if container_insights:
            kwargs["settings"] = [{"name": "containerInsights", "value": container_insights}]
        if tags:
            kwargs["tags"] = [{"key": k, "value": v} for k, v in tags.items()]

        def said(resp: dict) -> str:
            c = resp["cluster"]
            return _("cluster {name} is {status}: {arn}").format(
                name=c["clusterName"], status=c["status"], arn=c["clusterArn"]
            )

        return attempt(lambda: self.ecs.create_cluster(**kwargs), said)

    def delete(self, name: str) -> Outcome:
        def said(resp: dict) -> str:
            c = resp["cluster"]
            return _("cluster {name} is {status} (deleted)").format(
                name=c["clusterName"], status=c["status"]
            )

        return attempt(lambda: self.ecs.delete_cluster(cluster=name), said)

    def table(self) -> pd.DataFrame:
        return clusters_table(self.lab)


class ClusterPanel(Panel):
    """A name box, a Container Insights choice, Create; a cluster list with Delete; the table."""

    css_class = "ecslab-cluster-panel"

    @property
    def title(self) -> str:
        return _("Cluster panel")

    def __init__(self, lab) -> None:
        super().__init__()
        self.console = ClusterConsole(lab)
        self.name = w.Text(value="MyCluster", description=_("Name"), placeholder="default")
        # The options are the values AWS takes (containerInsights setting): they stay English.
        self.insights = w.Dropdown(options=INSIGHTS, value="disabled", description="Insights")
        self.create_button = w.Button(description=_("Create cluster"), button_style="primary")
        self.clusters = w.Dropdown(options=[], description=_("Cluster"))
        self.delete_button = w.Button(description=_("Delete cluster"), button_style="danger")
        self.table_html = w.HTML().add_class("ecslab-cluster-table")
        self.create_button.on_click(lambda _b: self.create())
        self.delete_button.on_click(lambda _b: self.delete())
        self.widget = w.VBox(
            [
                header(_("ECS clusters")),
                w.HBox([self.name, self.insights, self.create_button]),
                w.HBox([self.clusters, self.delete_button]),
                self.status,
                self.table_html,
            ]
        )
        self._mark()
        self.refresh()

    @property
    def rows(self) -> pd.DataFrame:
        """The clusters table the panel shows (active clusters)."""
        return self.console.table()

    def refresh(self) -> None:
        rows = self.rows
        names = list(rows.index)
        keep = self.clusters.value if self.clusters.value in names else None
        self.clusters.options = names
        self.clusters.value = keep if keep is not None else (names[0] if names else None)
        if rows.empty:
            self.table_html.value = "<i>{}</i>".format(_("No clusters yet."))
        else:
            show = rows[["status", "containerInsights", "tags", "instances", "running", "services"]]
            self.table_html.value = display(show).to_html(escape=True, border=0)

    def create(
        self,
        name: str | None = None,
        container_insights: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Outcome:
        """CreateCluster with ``name`` (default: the name box; empty means "default")."""
        if name is not None:
            self.name.value = name
        if container_insights is not None:
            self.insights.value = container_insights
        out = self.console.create(self.name.value.strip() or None, self.insights.value, tags)
        self.refresh()
        return self.show(out)

    def delete(self, name: str | None = None) -> Outcome:
        """DeleteCluster for ``name`` (default: the cluster chosen in the list)."""
        target = name if name is not None else self.clusters.value
        if not target:
            return self.show(Outcome(False, _("choose a cluster to delete")))
        out = self.console.delete(target)
        self.refresh()
        return self.show(out)
