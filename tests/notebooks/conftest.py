"""Lesson tests: one papermill run per (lesson, parameter set), shared by every test that needs
it, and the per-lesson times printed at the end of the run."""

from __future__ import annotations

import json

import pytest

from workbook.lessons import execute, notebooks_dir

TIMINGS: list[tuple[str, str, float]] = []


@pytest.fixture(scope="session")
def run_lesson(tmp_path_factory):
    cache: dict[tuple[str, str], object] = {}

    def run(name: str, params: dict):
        key = (name, json.dumps(params, sort_keys=True))
        if key not in cache:
            out = tmp_path_factory.mktemp("papermill") / name
            nb, seconds = execute(notebooks_dir() / name, out, params)
            TIMINGS.append((name, "defaults" if not params else key[1], seconds))
            cache[key] = nb
        return cache[key]

    return run


def pytest_terminal_summary(terminalreporter, config):
    for line in getattr(config, "ecslab_summary", []):  # e.g. the nbgrader round trip's rate
        terminalreporter.write_line(line)
    if not TIMINGS:
        return
    terminalreporter.section("papermill lesson times")
    for name, params, seconds in TIMINGS:
        terminalreporter.write_line(f"{seconds:6.1f} s  {name}  {params}")
    total = sum(s for _, _, s in TIMINGS)
    terminalreporter.write_line(f"{total:6.1f} s  total of {len(TIMINGS)} runs")
