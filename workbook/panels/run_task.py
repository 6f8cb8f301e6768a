"""Run task panel: count, launch type, task definition, placement strategy and constraints,
network configuration -> RunTask, with the placement map redrawn and failures explained.

Every control has a method (:meth:`RunTaskPanel.run`, :meth:`~RunTaskPanel.add_strategy`,
:meth:`~RunTaskPanel.set_constraints`, :meth:`~RunTaskPanel.set_network` ...), and
:meth:`~RunTaskPanel.request` is the exact RunTask request the form means. Services (a desired
count kept by the service scheduler) are the services lesson's: the panel draws their tasks in
their service's colour already.
"""

from __future__ import annotations

import html
import json

import ipywidgets as w
import plotly.graph_objects as go
from botocore.exceptions import ClientError

from ..aws import Outcome, attempt, client, error_text
from ..charts.placement import placement_figure, placement_layout, placement_traces
from ..i18n import _
from ..palette import TEMPLATE
from ..views.instances import name_tags, readable
from ..views.placement import placement_view
from .base import Panel, header, sync_figure

__all__ = ["RunTaskPanel", "STRATEGY_FIELDS"]

#: Strategy type -> the fields the builder offers (random takes none).
STRATEGY_FIELDS = {
    "binpack": ("memory", "cpu"),
    "spread": ("attribute:ecs.availability-zone", "instanceId", "attribute:ecs.instance-type"),
    "random": (),
}


class RunTaskPanel(Panel):
    """RunTask from a form, the cluster's placement map under it (a live FigureWidget), and the
    "why not placed?" table after a failure. ``panel.view`` is the map's data."""

    css_class = "ecslab-run-task-panel"

    @property
    def title(self) -> str:
        return _("Run task panel")

    def __init__(
        self,
        lab,
        cluster: str = "default",
        task_definition: str | None = None,
        count: int = 1,
        launch_type: str = "EC2",
    ) -> None:
        super().__init__()
        self.lab = lab
        self.cluster = cluster
        self.ecs = client(lab, "ecs")
        self.strategies: list[dict] = []
        self.constraints: list[dict] = []
        self.subnets: list[str] | None = None  # None: every subnet of the lab's VPC
        self.public_ip = False
        self.started: list[str] = []  # task ARNs this panel started
        self.why: list[dict] = []
        self.taskdef = w.Dropdown(options=self._definitions(), description=_("Task def"))
        if task_definition is not None:
            self.select(task_definition)
        self.count = w.BoundedIntText(value=count, min=1, max=10, description=_("Count"))
        self.launch_type = w.ToggleButtons(options=["EC2", "FARGATE"], value=launch_type)
        # Strategy types and fields are AWS values (placementStrategy): they stay English.
        self.strategy_type = w.Dropdown(options=list(STRATEGY_FIELDS), description=_("Strategy"))
        self.strategy_field = w.Dropdown(options=STRATEGY_FIELDS["binpack"], description=_("Field"))
        self.strategy_type.observe(self._type_changed, names="value")
        add = w.Button(description=_("Add strategy"))
        add.on_click(
            lambda _b: self.add_strategy(self.strategy_type.value, self.strategy_field.value)
        )
        clear = w.Button(description=_("Clear strategies"))
        clear.on_click(lambda _b: self.clear_strategies())
        self.distinct = w.Checkbox(value=False, description="distinctInstance")
        self.member_of = w.Text(value="", description="memberOf", placeholder="attribute:... ")
        self.distinct.observe(self._constraints_changed, names="value")
        self.member_of.observe(self._constraints_changed, names="value")
        self.request_box = w.HTML().add_class("ecslab-run-request")
        self.run_button = w.Button(description=_("Run task"), button_style="primary")
        self.run_button.add_class("ecslab-run-button")
        self.run_button.on_click(lambda _b: self.run())
        stop = w.Button(description=_("Stop tasks"))
        stop.on_click(lambda _b: self.stop_all())
        self.why_box = w.HTML().add_class("ecslab-why-not-placed")
        self.view = placement_view(lab, cluster)
        self.figure = go.FigureWidget(placement_figure(self.view))
        self.figure.layout.template = TEMPLATE
        for control in (self.taskdef, self.count, self.launch_type):
            control.observe(lambda _c: self._show_request(), names="value")
        self.widget = w.VBox(
            [
                header(_("Run tasks in {cluster}").format(cluster=cluster)),
                w.HBox([self.taskdef, self.count, self.launch_type]),
                w.HBox([self.strategy_type, self.strategy_field, add, clear]),
                w.HBox([self.distinct, self.member_of]),
                self.request_box,
                w.HBox([self.run_button, stop]),
                self.status,
                self.why_box,
                self.figure,
            ]
        )
        self._mark()
        self._show_request()

    # -- the form ------------------------------------------------------------------------------------

    def _definitions(self) -> list[str]:
        pages = self.ecs.get_paginator("list_task_definitions").paginate(status="ACTIVE")
        return [a.rsplit("/", 1)[-1] for p in pages for a in p["taskDefinitionArns"]]

    def select(self, task_definition: str) -> str:
        """Pick a task definition (``family`` means its latest ACTIVE revision)."""
        self.taskdef.options = self._definitions()
        ref = task_definition
        if ":" not in ref:
            ref = self.ecs.describe_task_definition(taskDefinition=ref)["taskDefinition"][
                "taskDefinitionArn"
            ].rsplit("/", 1)[-1]
        self.taskdef.value = ref
        return ref

    def add_strategy(self, type_: str, field: str | None = None) -> list[dict]:
        """Append a placement strategy (binpack cpu|memory, spread <field>, random); ECS applies
        them in order, each breaking the previous one's ties."""
        s = {"type": type_}
        if field and type_ != "random":
            s["field"] = field
        self.strategies.append(s)
        self._show_request()
        return self.strategies

    def clear_strategies(self) -> None:
        self.strategies = []
        self._show_request()

    def set_constraints(self, distinct_instance: bool = False, member_of: str = "") -> list[dict]:
        """distinctInstance (each task on a different instance) and/or a memberOf expression."""
        with self._hold():
            self.distinct.value = bool(distinct_instance)
            self.member_of.value = member_of
        self.constraints = []
        if distinct_instance:
            self.constraints.append({"type": "distinctInstance"})
        if member_of.strip():
            self.constraints.append({"type": "memberOf", "expression": member_of.strip()})
        self._show_request()
        return self.constraints

    def set_network(self, subnets: list[str] | None = None, public_ip: bool = False) -> None:
        """awsvpc network configuration: the subnets (default: all of the lab's) and whether
        Fargate tasks get a public IP."""
        self.subnets = list(subnets) if subnets is not None else None
        self.public_ip = bool(public_ip)
        self._show_request()

    def _network_mode(self) -> str:
        if not self.taskdef.value:
            return "bridge"
        td = self.ecs.describe_task_definition(taskDefinition=self.taskdef.value)["taskDefinition"]
        return td.get("networkMode", "bridge")

    def request(self) -> dict:
        """The RunTask parameters this form means (what boto3 or the CLI would send)."""
        req: dict = {
            "cluster": self.cluster,
            "taskDefinition": self.taskdef.value,
            "count": int(self.count.value),
            "launchType": self.launch_type.value,
        }
        if self.strategies and self.launch_type.value == "EC2":
            req["placementStrategy"] = [dict(s) for s in self.strategies]
        if self.constraints and self.launch_type.value == "EC2":
            req["placementConstraints"] = [dict(c) for c in self.constraints]
        if self._network_mode() == "awsvpc" or self.launch_type.value == "FARGATE":
            subnets = self.subnets
            if subnets is None:
                subnets = [
                    s["SubnetId"] for s in client(self.lab, "ec2").describe_subnets()["Subnets"]
                ]
            vpc: dict = {"subnets": subnets}
            if self.launch_type.value == "FARGATE":
                vpc["assignPublicIp"] = "ENABLED" if self.public_ip else "DISABLED"
            req["networkConfiguration"] = {"awsvpcConfiguration": vpc}
        return req

    def _show_request(self) -> None:
        if self._holding:
            return
        try:
            text = json.dumps(self.request(), indent=None)
        except ClientError as exc:
            text = error_text(exc)
        text = readable(self.lab, text)
        self.request_box.value = f"<code>run_task(**{html.escape(text)})</code>"

    def _type_changed(self, change) -> None:
        self.strategy_field.options = STRATEGY_FIELDS[change["new"]]

    def _constraints_changed(self, _change) -> None:
        if not self._holding:
            self.set_constraints(self.distinct.value, self.member_of.value)

    # -- actions -------------------------------------------------------------------------------------

    def run(
        self,
        count: int | None = None,
        task_definition: str | None = None,
        launch_type: str | None = None,
    ) -> Outcome:
        """RunTask with the form (these arguments change it first), then redraw the map and, if
        some tasks were not placed, explain why (``lab.why_not_placed``)."""
        with self._hold():
            if count is not None:
                self.count.value = int(count)
            if task_definition is not None:
                self.select(task_definition)
            if launch_type is not None:
                self.launch_type.value = launch_type
        self._show_request()
        req = self.request()
        family = req["taskDefinition"].split(":")[0]

        def said(resp: dict) -> str:
            tasks, failures = resp["tasks"], resp["failures"]
            self.started += [t["taskArn"] for t in tasks]
            names = name_tags(self.lab)
            where = [
                names.get(t.get("ec2InstanceId", ""), t.get("ec2InstanceId", "Fargate"))
                for t in tasks
            ]
            if not tasks:  # Fargate tasks carry no instance; EC2 tasks name theirs below
                where = []
            text = _("started {n} of {count} task(s) of {task_definition}").format(
                n=len(tasks), count=req["count"], task_definition=req["taskDefinition"]
            )
            if where:
                text += _(" on {where}").format(where=", ".join(where))
            if failures:
                reasons = sorted({f["reason"] for f in failures})
                text += _("; {n} not placed: {reasons}").format(
                    n=len(failures), reasons=", ".join(reasons)
                )
            return text

        outcome = attempt(lambda: self._run(req), said)
        self.why = []
        if outcome.ok and outcome.response["failures"] and req["launchType"] == "EC2":
            why = self.lab.why_not_placed(self.cluster, family)
            names = name_tags(self.lab)
            self.why = [
                {
                    "instance": names.get(r["ec2_instance_id"], r["ec2_instance_id"]),
                    "filter": r["filter"],
                    "reason": r["reason"],
                }
                for r in why.to_dict("records")
            ]
        self._show_why()
        self.refresh()
        return self.show(outcome)

    def _run(self, req: dict) -> dict:
        resp = self.ecs.run_task(**req)
        # Name the instance of each task (EC2) for the status line.
        ci_arns = sorted(
            {t["containerInstanceArn"] for t in resp["tasks"] if "containerInstanceArn" in t}
        )
        if ci_arns:
            cis = self.ecs.describe_container_instances(
                cluster=self.cluster, containerInstances=ci_arns
            )["containerInstances"]
            ids = {c["containerInstanceArn"]: c["ec2InstanceId"] for c in cis}
            for t in resp["tasks"]:
                if "containerInstanceArn" in t:
                    t["ec2InstanceId"] = ids[t["containerInstanceArn"]]
        return resp

    def stop_all(self, reason: str = "Stopped from the run task panel") -> Outcome:
        """StopTask every task this panel started that is still running."""
        live = self.ecs.list_tasks(cluster=self.cluster)["taskArns"]
        mine = [a for a in self.started if a in set(live)]
        for arn in mine:
            self.ecs.stop_task(cluster=self.cluster, task=arn, reason=reason)
        self.refresh()
        return self.show(Outcome(True, _("stopping {n} task(s)").format(n=len(mine))))

    def refresh(self) -> None:
        """Redraw the placement map from the lab as it is now (one ``batch_update``)."""
        self.view = placement_view(self.lab, self.cluster)
        sync_figure(self.figure, placement_traces(self.view), placement_layout(self.view))

    def _show_why(self) -> None:
        if not self.why:
            self.why_box.value = ""
            return
        rows = "".join(
            f"<tr><td>{html.escape(r['instance'])}</td><td>{html.escape(r['filter'])}</td>"
            f"<td>{html.escape(r['reason'])}</td></tr>"
            for r in self.why
        )
        self.why_box.value = (
            "<b>{why}</b> {what}"
            "<table><tr><th>{instance}</th><th>{filter}</th><th>{reason}</th></tr>"
            "{rows}</table>"
        ).format(
            why=_("Why not placed?"),
            what=_("(the last placement: which check removed each instance)"),
            instance=_("instance"),
            filter=_("filter"),
            reason=_("reason"),
            rows=rows,
        )

    def placed_on(self) -> dict[str, str]:
        """Task ARN -> instance label, for the tasks this panel started that are on the map."""
        t = self.view.tasks
        return {a: t.loc[a, "instance"] for a in self.started if a in t.index}
