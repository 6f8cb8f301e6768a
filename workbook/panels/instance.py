"""Instance launch panel: the EC2 launch form of the walkthrough, then what the agent made of it."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ecslab.core import catalog

from ..aws import Outcome
from ..i18n import _
from ..views.headers import display
from ..views.instances import InstanceLauncher, LaunchRequest, type_label, user_data_for
from .base import Panel, header

__all__ = ["InstanceLaunchPanel", "AMI_CHOICES"]

AMI_CHOICES = (("ECS-optimized Amazon Linux 2", True), ("plain Amazon Linux 2", False))


def ami_choices() -> tuple[tuple[str, bool], ...]:
    """:data:`AMI_CHOICES` with labels in the current language (built with the panel)."""
    return ((_("ECS-optimized Amazon Linux 2"), True), (_("plain Amazon Linux 2"), False))


class InstanceLaunchPanel(Panel):
    """Instance type (catalog: vCPU, memory, ENIs), AMI, user data prefilled with
    ``ECS_CLUSTER=<cluster>``, the ecsInstanceRole profile, subnet and public IP; Launch, then
    +1 m / +5 m to let the agent try, and a table of each launched instance's registration or
    diagnosis. Actions: :meth:`launch`, :meth:`advance`, :meth:`refresh`; :attr:`results`."""

    @property
    def title(self) -> str:
        return _("Instance launch panel")

    def __init__(self, lab, cluster: str = "MyCluster", instance_type: str = "m5.large") -> None:
        super().__init__()
        self.lab = lab
        self.launcher = InstanceLauncher(lab)
        types = list(catalog.instance_types().index)
        self.instance_type = w.Dropdown(
            options=[(type_label(t), t) for t in types],
            value=instance_type,
            description=_("Type"),
            layout=w.Layout(width="430px"),
        )
        self.ami = w.ToggleButtons(options=ami_choices(), value=True, description="AMI")
        self.user_data = w.Textarea(
            value=user_data_for(cluster),
            description=_("User data"),
            layout=w.Layout(width="520px", height="70px"),
        )
        self.profile = w.Checkbox(value=True, description=_("IAM instance profile ecsInstanceRole"))
        self.subnet = w.Dropdown(options=[], description=_("Subnet"))
        self.public_ip = w.Dropdown(
            options=((_("subnet default"), None), (_("yes"), True), (_("no"), False)),
            value=None,
            description=_("Public IP"),
        )
        self.name = w.Text(value="", description=_("Name tag"), placeholder=_("optional"))
        self.launch_button = w.Button(description=_("Launch instance"), button_style="primary")
        self.advance_buttons = {
            key: w.Button(description=label)
            for key, label in (
                ("+1 m and check", _("+1 m and check")),
                ("+5 m and check", _("+5 m and check")),
            )
        }
        self.results_html = w.HTML()
        self.launch_button.on_click(lambda _b: self.launch())
        self.advance_buttons["+1 m and check"].on_click(lambda _b: self.advance("1m"))
        self.advance_buttons["+5 m and check"].on_click(lambda _b: self.advance("5m"))
        self.widget = w.VBox(
            [
                header(
                    _("Launch a container instance (cluster {cluster} in the user data)").format(
                        cluster=cluster
                    )
                ),
                self.instance_type,
                self.ami,
                self.user_data,
                w.HBox([self.profile, self.name]),
                w.HBox([self.subnet, self.public_ip]),
                w.HBox([self.launch_button, *self.advance_buttons.values()]),
                self.status,
                self.results_html,
            ]
        )
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def results(self) -> pd.DataFrame:
        """Each instance launched from this panel: state, cluster, ECS status, diagnosis."""
        return self.launcher.results()

    def request(self) -> LaunchRequest:
        """The form as a :class:`LaunchRequest`."""
        return LaunchRequest(
            instance_type=self.instance_type.value,
            ecs_optimized=bool(self.ami.value),
            user_data=self.user_data.value,
            instance_profile=bool(self.profile.value),
            subnet_id=self.subnet.value,
            public_ip=self.public_ip.value,
            name=self.name.value.strip() or None,
        )

    def refresh(self) -> None:
        """Re-read the subnets (a private one may have been added) and the results table."""
        options = self.launcher.subnets()
        keep = self.subnet.value if self.subnet.value in [v for _, v in options] else None
        self.subnet.options = options
        self.subnet.value = keep if keep is not None else (options[0][1] if options else None)
        rows = self.launcher.results()
        if rows.empty:
            self.results_html.value = "<i>{}</i>".format(
                _("No instances launched from this panel yet.")
            )
        else:
            self.results_html.value = display(rows).to_html(escape=True, border=0)

    # -- actions ---------------------------------------------------------------------------------

    def launch(
        self,
        instance_type: str | None = None,
        *,
        ecs_optimized: bool | None = None,
        user_data: str | None = None,
        instance_profile: bool | None = None,
        subnet_id: str | None = None,
        public_ip: bool | None | str = "keep",
        name: str | None = None,
    ) -> Outcome:
        """RunInstances with the form (arguments given here are put into the form first)."""
        with self._hold():
            if instance_type is not None:
                if instance_type not in dict((v, k) for k, v in self.instance_type.options):
                    return self.show(
                        Outcome(
                            False,
                            _("{instance_type} is not in the catalog").format(
                                instance_type=instance_type
                            ),
                        )
                    )
                self.instance_type.value = instance_type
            if ecs_optimized is not None:
                self.ami.value = bool(ecs_optimized)
            if user_data is not None:
                self.user_data.value = user_data
            if instance_profile is not None:
                self.profile.value = bool(instance_profile)
            if subnet_id is not None:
                self.refresh()
                self.subnet.value = subnet_id
            if public_ip != "keep":
                self.public_ip.value = public_ip
            if name is not None:
                self.name.value = name
        out = self.launcher.launch(self.request())
        self.refresh()
        return self.show(out)

    def advance(self, duration: str | float = "1m") -> pd.DataFrame:
        """Move the clock (the agents try to register), then show where each instance stands."""
        try:
            self.lab.advance(duration)
        except ValueError as exc:
            self.show(Outcome(False, str(exc)))
            return self.results
        self.refresh()
        rows = self.results
        joined = int((rows["ecs_status"] == "ACTIVE").sum()) if not rows.empty else 0
        self.show(
            Outcome(
                True,
                # The English "(s)" wording is kept: lesson outputs are checked against it.
                _("now {time} UTC: {joined} of {n} launched instance(s) registered").format(
                    time=f"{self.lab.now:%H:%M:%S}", joined=joined, n=len(rows)
                ),
            )
        )
        return rows
