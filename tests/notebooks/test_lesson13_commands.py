"""Lesson 13's aws commands are in the lesson (the capstone's cheat sheet gets them from the
integrator: lesson 11 is not edited on this branch)."""

from __future__ import annotations

from _lesson_helpers import load

from workbook.lessons import aws_commands

CAPACITY = {
    "ec2 create-launch-template",
    "autoscaling create-auto-scaling-group",
    "ecs create-capacity-provider",
    "ecs put-cluster-capacity-providers",
}


def test_lesson13_commands_are_taught():
    lesson = aws_commands(load("13_capacity_providers.ipynb"))
    assert CAPACITY <= lesson["shown"]
    assert {"ecs put-cluster-capacity-providers", "ecs describe-clusters"} <= lesson["run"]
