"""Widget panels: small ipywidgets views over a lab. Every button calls a method, so tests (and
plain Python) drive a panel without a browser: ``ClusterPanel(lab).create("MyCluster")``."""

from __future__ import annotations

from .autoscaling import ScalingPanel
from .base import Panel
from .breakit import BreakItPanel, WhyNotPlacedPanel
from .capacity_providers import CapacityPanel
from .clock import ClockPanel
from .cluster import ClusterPanel
from .cost import CostExplorer
from .dashboard import ConsoleDashboard
from .deployments import DeploymentPanel
from .eni import EniExplorer
from .insights import InsightsPanel
from .instance import InstanceLaunchPanel
from .registry import RegistryPanel
from .run_task import RunTaskPanel
from .scrubber import TimeScrubber
from .service import ServicePanel
from .taskdef import TaskDefinitionPanel

__all__ = [
    "Panel",
    "BreakItPanel",
    "ClockPanel",
    "ClusterPanel",
    "ConsoleDashboard",
    "DeploymentPanel",
    "CostExplorer",
    "EniExplorer",
    "InsightsPanel",
    "InstanceLaunchPanel",
    "RegistryPanel",
    "RunTaskPanel",
    "ScalingPanel",
    "CapacityPanel",
    "ServicePanel",
    "TaskDefinitionPanel",
    "WhyNotPlacedPanel",
    "TimeScrubber",
]
