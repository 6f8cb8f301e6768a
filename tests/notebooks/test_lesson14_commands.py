"""Lesson 14's aws commands are in the lesson and in the capstone's cheat sheet."""

from __future__ import annotations

from _lesson_helpers import load

from workbook.lessons import aws_commands

AUTOSCALING = {
    "application-autoscaling register-scalable-target",
    "application-autoscaling put-scaling-policy",
    "application-autoscaling describe-scaling-activities",
    "cloudwatch describe-alarms",
}


def test_lesson14_commands_are_taught_and_in_the_cheat_sheet():
    lesson = aws_commands(load("14_service_auto_scaling.ipynb"))
    assert AUTOSCALING <= lesson["shown"]
    assert AUTOSCALING - {"application-autoscaling register-scalable-target"} <= lesson["run"]
    assert AUTOSCALING <= aws_commands(load("11_capstone.ipynb"))["shown"]
