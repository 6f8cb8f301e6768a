"""Service panel: create a service, change its desired count, deploy a revision or force a new
deployment, delete it; shows its deployments, its newest events and the service timeline chart."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ..aws import Outcome, attempt, client
from ..charts.services import service_timeline_figure
from ..i18n import _
from ..views.headers import display
from ..views.services import deployments_table, service_events
from .base import Panel, header

__all__ = ["ServiceConsole", "ServicePanel"]


class ServiceConsole:
    """The panel's logic, no widgets: each action is one ECS call, errors in AWS's words."""

    def __init__(self, lab, cluster: str) -> None:
        self.lab = lab
        self.cluster = cluster
        self.ecs = client(lab, "ecs")

    @staticmethod
    def _said(verb: str):
        def said(resp: dict) -> str:
            s = resp["service"]
            dep = s["deployments"][0] if s.get("deployments") else None
            rev = s["taskDefinition"].rsplit("/", 1)[-1]
            where = (
                _("; {n} deployment(s), PRIMARY {id}").format(n=len(s["deployments"]), id=dep["id"])
                if dep
                else ""
            )
            return _(
                "service {name} {verb}: {status}, {revision}, desired {desired}, "
                "running {running}{deployments}"
            ).format(
                name=s["serviceName"],
                verb=verb,
                status=s["status"],
                revision=rev,
                desired=s["desiredCount"],
                running=s["runningCount"],
                deployments=where,
            )

        return said

    def create(self, name: str, task_definition: str, desired_count: int, **extra: Any) -> Outcome:
        kw = {"cluster": self.cluster, "serviceName": name, "taskDefinition": task_definition}
        if extra.get("schedulingStrategy") != "DAEMON":
            kw["desiredCount"] = desired_count
        kw.update(extra)
        return attempt(lambda: self.ecs.create_service(**kw), self._said(_("created")))

    def update(self, name: str, **changes: Any) -> Outcome:
        kw = {"cluster": self.cluster, "service": name, **changes}
        return attempt(lambda: self.ecs.update_service(**kw), self._said(_("updated")))

    def delete(self, name: str, force: bool = False) -> Outcome:
        kw = {"cluster": self.cluster, "service": name, "force": force}
        return attempt(lambda: self.ecs.delete_service(**kw), self._said(_("deleted")))

    def wait_stable(self, name: str) -> Outcome:
        """The services_stable waiter (polls move the simulated clock, not the wall clock)."""
        from botocore.exceptions import WaiterError

        start = self.lab.now
        try:
            self.ecs.get_waiter("services_stable").wait(cluster=self.cluster, services=[name])
        except WaiterError as exc:
            return Outcome(False, _("not stable: {error}").format(error=exc))
        took = (self.lab.now - start).total_seconds()
        return Outcome(
            True,
            _("service {name} is stable (after {seconds} simulated seconds)").format(
                name=name, seconds=f"{took:g}"
            ),
        )


class ServicePanel(Panel):
    """Actions: :meth:`create`, :meth:`scale`, :meth:`deploy`, :meth:`force_new_deployment`,
    :meth:`delete`, :meth:`advance`, :meth:`wait_stable`; :attr:`deployments` and
    :attr:`events` are the tables shown, :attr:`figure` the live service timeline."""

    css_class = "ecslab-service-panel"

    @property
    def title(self) -> str:
        return _("Service panel")

    def __init__(
        self,
        lab,
        cluster: str = "MyCluster",
        service: str = "web",
        task_definition: str = "sample-app",
        desired_count: int = 1,
    ) -> None:
        super().__init__()
        self.lab = lab
        self.console = ServiceConsole(lab, cluster)
        self.name = w.Text(value=service, description=_("Service"))
        self.taskdef = w.Text(value=task_definition, description=_("Task def"))
        self.desired = w.BoundedIntText(
            value=desired_count, min=0, max=1000, description=_("Desired")
        )
        self.create_button = w.Button(description=_("Create service"), button_style="primary")
        self.scale_button = w.Button(description=_("Set desired count"))
        self.deploy_button = w.Button(description=_("Deploy task def"))
        self.force_button = w.Button(description=_("Force new deployment"))
        self.force_delete = w.Checkbox(value=False, description=_("force"))
        self.delete_button = w.Button(description=_("Delete service"), button_style="danger")
        self.clock_buttons = [w.Button(description=f"+{s}") for s in ("30s", "2m", "10m")]
        self.stable_button = w.Button(description=_("Wait until stable"))
        self.deployments_html = w.HTML().add_class("ecslab-deployments")
        self.events_html = w.HTML().add_class("ecslab-service-events")
        self.figure = go.FigureWidget(layout={"height": 380})
        self.create_button.on_click(lambda _b: self.create())
        self.scale_button.on_click(lambda _b: self.scale())
        self.deploy_button.on_click(lambda _b: self.deploy())
        self.force_button.on_click(lambda _b: self.force_new_deployment())
        self.delete_button.on_click(lambda _b: self.delete())
        for b in self.clock_buttons:
            b.on_click(lambda b: self.advance(b.description[1:]))
        self.stable_button.on_click(lambda _b: self.wait_stable())
        self.widget = w.VBox(
            [
                header(_("ECS services in {cluster}").format(cluster=cluster)),
                w.HBox([self.name, self.taskdef, self.desired]),
                w.HBox([self.create_button, self.scale_button, self.deploy_button]),
                w.HBox([self.force_button, self.delete_button, self.force_delete]),
                w.HBox([*self.clock_buttons, self.stable_button]),
                self.status,
                self.deployments_html,
                self.events_html,
                self.figure,
            ]
        )
        self._mark()
        self.refresh()

    # -- what the panel shows ----------------------------------------------------------------------

    @property
    def service(self) -> str:
        return self.name.value.strip()

    def _exists(self) -> bool:
        got = self.console.ecs.describe_services(
            cluster=self.console.cluster, services=[self.service]
        )
        return bool(got["services"])

    @property
    def deployments(self) -> pd.DataFrame:
        """The service's deployments (PRIMARY first), as DescribeServices lists them."""
        if not self._exists():
            return pd.DataFrame()
        return deployments_table(self.lab, self.console.cluster, self.service)

    @property
    def events(self) -> pd.DataFrame:
        """The service's eight newest events, oldest first."""
        if not self._exists():
            return pd.DataFrame(columns=["time", "message"])
        return service_events(self.lab, self.console.cluster, self.service, last=8)

    def refresh(self) -> None:
        try:
            exists = self._exists()
        except Exception:  # the cluster itself may not exist yet
            exists = False
        if not exists:
            self.deployments_html.value = "<i>{}</i>".format(_("No service yet."))
            self.events_html.value = ""
            return
        deps, events = self.deployments, self.events
        self.deployments_html.value = display(deps).to_html(escape=True, border=0)
        self.events_html.value = "<br>".join(
            f"<code>{t}</code> {html.escape(m)}"
            for t, m in zip(events["time"], events["message"], strict=True)
        )
        fig = service_timeline_figure(self.lab, self.console.cluster, self.service)
        with self.figure.batch_update():
            self.figure.data = []
            self.figure.add_traces(list(fig.data))
            self.figure.layout = fig.layout

    def _done(self, out: Outcome) -> Outcome:
        self.refresh()
        return self.show(out)

    # -- actions -----------------------------------------------------------------------------------

    def create(
        self,
        name: str | None = None,
        task_definition: str | None = None,
        desired_count: int | None = None,
        **extra: Any,
    ) -> Outcome:
        """CreateService; ``extra`` is passed on (loadBalancers, schedulingStrategy,
        networkConfiguration, deploymentConfiguration ...)."""
        with self._hold():
            if name is not None:
                self.name.value = name
            if task_definition is not None:
                self.taskdef.value = task_definition
            if desired_count is not None:
                self.desired.value = desired_count
        out = self.console.create(
            self.service, self.taskdef.value.strip(), self.desired.value, **extra
        )
        return self._done(out)

    def scale(self, desired_count: int | None = None) -> Outcome:
        """UpdateService desiredCount (no new deployment)."""
        if desired_count is not None:
            self.desired.value = desired_count
        return self._done(self.console.update(self.service, desiredCount=self.desired.value))

    def deploy(
        self, task_definition: str | None = None, **deployment_configuration: int
    ) -> Outcome:
        """UpdateService taskDefinition (a rolling deployment); keyword arguments set
        minimumHealthyPercent / maximumPercent in the same call."""
        if task_definition is not None:
            self.taskdef.value = task_definition
        kw: dict[str, Any] = {"taskDefinition": self.taskdef.value.strip()}
        if deployment_configuration:
            kw["deploymentConfiguration"] = deployment_configuration
        return self._done(self.console.update(self.service, **kw))

    def force_new_deployment(self) -> Outcome:
        """UpdateService forceNewDeployment: new tasks of the same revision replace the old."""
        return self._done(self.console.update(self.service, forceNewDeployment=True))

    def delete(self, force: bool | None = None) -> Outcome:
        """DeleteService (refused while desiredCount > 0 unless ``force``)."""
        if force is not None:
            self.force_delete.value = force
        return self._done(self.console.delete(self.service, self.force_delete.value))

    def advance(self, by: str) -> Outcome:
        """Move the lab's clock (``"30s"``, ``"2m"`` ...)."""
        self.lab.advance(by)
        return self._done(
            Outcome(
                True,
                _("clock moved {by}: now {time} UTC").format(
                    by=by, time=f"{self.lab.now:%H:%M:%S}"
                ),
            )
        )

    def wait_stable(self) -> Outcome:
        """Wait for the services_stable waiter (simulated time)."""
        return self._done(self.console.wait_stable(self.service))
