"""Charts: pure functions from lab tables (or the catalog) to a plotly ``go.Figure``.

Each chart has a title, axis titles with units, hover text and the colour-blind-safe template of
:mod:`workbook.palette`. The live ``FigureWidget`` variants live in :mod:`workbook.panels` and are
updated from the same trace builders inside ``batch_update``.
"""

from __future__ import annotations

from .autoscaling import scaling_figure
from .bill import cost_breakdown_figure, cost_over_time_figure
from .classreport import class_report_figure
from .cost import cost_vs_count_figure
from .deployments import deployment_figure
from .eni import eni_capacity_figure
from .insights import insights_cost_figure, insights_figure
from .placement import placement_figure
from .pricing import hourly_price_figure
from .providers import capacity_figure
from .service import running_tasks_figure
from .services import service_timeline_figure, target_health_figure
from .steps import fargate_sizes_figure, registered_memory_figure, repository_images_figure
from .task_timeline import task_timeline_figure
from .timeline import event_timeline_figure
from .utilization import cost_vs_utilization_figure

__all__ = [
    "capacity_figure",
    "class_report_figure",
    "cost_breakdown_figure",
    "cost_over_time_figure",
    "cost_vs_count_figure",
    "cost_vs_utilization_figure",
    "deployment_figure",
    "eni_capacity_figure",
    "event_timeline_figure",
    "fargate_sizes_figure",
    "insights_cost_figure",
    "insights_figure",
    "hourly_price_figure",
    "placement_figure",
    "registered_memory_figure",
    "scaling_figure",
    "running_tasks_figure",
    "repository_images_figure",
    "task_timeline_figure",
    "service_timeline_figure",
    "target_health_figure",
]
