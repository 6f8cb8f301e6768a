"""Add lesson 14's commands to the capstone's cheat sheet (idempotent; re-run after a merge).

Inserts one markdown cell, "Cheat sheet: service auto scaling (lesson 14)", right after the
capstone's walkthrough cheat sheet cell (or replaces it if already there). Markdown only: no
outputs change, so the lesson does not need re-executing.

    .venv/bin/python tools/cheatsheet_autoscaling.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "11_capstone.ipynb"
MARK = "### Cheat sheet: service auto scaling (lesson 14)"
TEXT = f"""{MARK}

| Step | Command |
| --- | --- |
| a scalable target | `aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/MyCluster/web --min-capacity 1 --max-capacity 10` · `aws application-autoscaling describe-scalable-targets --service-namespace ecs` |
| target tracking | `aws application-autoscaling put-scaling-policy --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/MyCluster/web --policy-name cpu50 --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration file://config.json` · `aws application-autoscaling describe-scaling-policies --service-namespace ecs` |
| what it did | `aws application-autoscaling describe-scaling-activities --service-namespace ecs --resource-id service/MyCluster/web` · `aws cloudwatch describe-alarms --alarm-name-prefix TargetTracking-service/MyCluster/web` |
| step scaling | `aws cloudwatch put-metric-alarm --alarm-name web-cpu-high --namespace AWS/ECS --metric-name CPUUtilization --dimensions Name=ClusterName,Value=MyCluster Name=ServiceName,Value=web --statistic Average --period 60 --evaluation-periods 2 --threshold 70 --comparison-operator GreaterThanThreshold --alarm-actions $POLICY_ARN` |
| undo | `aws application-autoscaling delete-scaling-policy ... --policy-name cpu50` · `aws application-autoscaling deregister-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/MyCluster/web` (deletes its policies and their alarms) |"""


def main() -> None:
    nb = nbformat.read(str(LESSON), as_version=4)
    cells = [c for c in nb.cells if not c.source.startswith(MARK)]
    at = next(
        i for i, c in enumerate(cells) if c.source.startswith("## Cheat sheet: the walkthrough")
    )
    cell = nbformat.v4.new_markdown_cell(TEXT, metadata={"tags": []})
    cell.id = "cheatsheet-autoscaling"
    cells.insert(at + 1, cell)
    nb.cells = cells
    nbformat.write(nb, str(LESSON))


if __name__ == "__main__":
    main()
