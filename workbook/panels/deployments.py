"""Deployment panel (lesson 15): deploy the next release of a service, move the clock, roll the
deployment back, and watch the tasks per revision and the production traffic on a live chart."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go

from ..aws import Outcome, attempt, client
from ..charts.deployments import deployment_figure, deployment_layout, deployment_traces
from ..i18n import _
from ..views.deployments import release, service_deployments
from .base import Panel, header, sync_figure

__all__ = ["DeploymentPanel"]


class DeploymentPanel(Panel):
    """Deploy, advance, roll back. Actions: :meth:`deploy` (registers the next release of the
    service's family and calls UpdateService with it), :meth:`advance`, :meth:`roll_back`
    (StopServiceDeployment ROLLBACK on the newest service deployment), :meth:`refresh`.
    :attr:`figure` is the ``go.FigureWidget`` (see :mod:`workbook.charts.deployments`)."""

    css_class = "ecslab-deployment-panel"

    @property
    def title(self) -> str:
        return _("Deployment panel")

    def __init__(
        self, lab, cluster: str, service: str, rule_arn: str | None = None, step: str = "1m"
    ) -> None:
        super().__init__()
        self.lab, self.cluster, self.service, self.rule_arn = lab, cluster, service, rule_arn
        self.deploy_button = w.Button(description=_("deploy next release"), icon="upload")
        self.deploy_button.on_click(lambda _b: self.deploy())
        self.step = w.Dropdown(
            options=["10s", "30s", "1m", "5m", "10m"], value=step, description=_("step")
        )
        self.go = w.Button(description=_("advance"), icon="forward")
        self.go.on_click(lambda _b: self.advance(self.step.value))
        self.back = w.Button(description=_("roll back"), icon="undo")
        self.back.on_click(lambda _b: self.roll_back())
        self.figure = go.FigureWidget(deployment_figure(lab, cluster, service, rule_arn))
        self.widget = w.VBox(
            [
                header(self.title),
                w.HBox([self.deploy_button, self.step, self.go, self.back]),
                self.status,
                self.figure,
            ]
        )
        self._mark()
        self.show(Outcome(True, self.state_text()))

    def _service(self) -> dict:
        return client(self.lab, "ecs").describe_services(
            cluster=self.cluster, services=[self.service]
        )["services"][0]

    def state_text(self) -> str:
        """The newest service deployment's status and stage, and the service's counts."""
        sd = service_deployments(self.lab, self.cluster, self.service)[0]
        s = self._service()
        stage = sd.get("lifecycleStage")
        status = f"{sd['status']} ({stage})" if stage else sd["status"]
        return _("{time} UTC: {td}, deployment {status}, running {running} of {desired}").format(
            time=f"{self.lab.now:%H:%M:%S}",
            td=s["taskDefinition"].rsplit("/", 1)[-1],
            status=status,
            running=s["runningCount"],
            desired=s["desiredCount"],
        )

    def deploy(self, version: str | None = None) -> Outcome:
        """Register release ``version`` (default: one more than the family's newest revision)
        and deploy it with UpdateService."""
        family = self._service()["taskDefinition"].rsplit("/", 1)[-1].split(":")[0]
        ecs = client(self.lab, "ecs")
        newest = ecs.list_task_definitions(familyPrefix=family, sort="DESC", maxResults=1)
        if version is None:
            version = str(int(newest["taskDefinitionArns"][0].rsplit(":", 1)[-1]) + 1)
        td = release(self.lab, family, version)
        out = attempt(
            lambda: ecs.update_service(
                cluster=self.cluster, service=self.service, taskDefinition=td
            ),
            lambda _r: _("deploying {td} (release {version})").format(td=td, version=version),
        )
        self.refresh()
        return self.show(out)

    def advance(self, duration: str = "1m") -> Outcome:
        self.lab.advance(duration)
        self.refresh()
        return self.show(Outcome(True, self.state_text()))

    def roll_back(self) -> Outcome:
        """StopServiceDeployment (ROLLBACK) on the newest service deployment."""
        sd = service_deployments(self.lab, self.cluster, self.service)[0]
        out = attempt(
            lambda: client(self.lab, "ecs").stop_service_deployment(
                serviceDeploymentArn=sd["serviceDeploymentArn"], stopType="ROLLBACK"
            ),
            lambda _r: _("rollback requested"),
        )
        self.refresh()
        return self.show(out)

    def refresh(self) -> None:
        traces = deployment_traces(self.lab, self.cluster, self.service, self.rule_arn)
        layout = deployment_layout(self.lab, self.cluster, self.service)
        sync_figure(self.figure, traces, {"shapes": layout["shapes"]})
