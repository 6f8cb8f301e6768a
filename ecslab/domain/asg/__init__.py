"""Amazon EC2 Auto Scaling: groups that keep a desired number of instances (``lab.asg``)."""

from .groups import AutoScalingGroups
from .model import Activity, Group, Member

__all__ = ["AutoScalingGroups", "Activity", "Group", "Member"]
