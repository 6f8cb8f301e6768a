"""Browser-test fixtures: one JupyterLab and one Voila server per session (started on first use,
stopped at the end) over a temporary, output-free copy of notebooks/, and Debian's Chromium.

A new lesson test needs a few lines::

    @pytest.fixture(scope="module")
    def lesson(lab_notebook):
        return lab_notebook("02_container_instances.ipynb")  # opened and run once per module

    def test_something(lesson):
        expect(lesson.output("placement_figure(")).to_contain_text("...")

Without Chromium (or Playwright/Voila) the tests skip with one line, unless ECSLAB_CI is set
(``.ci/run``): then they are required and fail. A failing test leaves a screenshot and the browser
console log of every open page under test-output/browser/<test name>/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from _browser_kit import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    LabNotebook,
    VoilaPage,
    copy_notebooks,
    missing_requirements,
    start_lab,
    start_voila,
    write_artifacts,
)

HERE = Path(__file__).resolve().parent
OUTPUT = ROOT / "test-output" / "browser"
MISSING = missing_requirements()
REQUIRED = bool(os.environ.get("ECSLAB_CI"))
SKIP_LINE = f"browser tests skipped: {MISSING} (set ECSLAB_CI=1 to make them required)"
#: Expectation timeout (ms): generous for a loaded 2-core machine; a pass takes well under it.
EXPECT_TIMEOUT = 20_000

_servers: dict[str, object] = {}


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    if MISSING and not REQUIRED:
        skip = pytest.mark.skip(reason=SKIP_LINE)
        for item in items:
            if _is_browser_test(item):
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if MISSING and not REQUIRED and any(HERE.name in str(r.nodeid) for r in skipped):
        terminalreporter.write_line(SKIP_LINE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _is_browser_test(item):
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.name)
        folder = OUTPUT / name
        written = write_artifacts(folder, list(_servers.values()))
        if written:
            report.sections.append(("browser artifacts", f"written to {folder}"))


@pytest.fixture(scope="session")
def browser():
    if MISSING:
        pytest.fail(f"browser tests are required when ECSLAB_CI is set, but: {MISSING}")
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(OUTPUT, ignore_errors=True)  # artifacts of an earlier run would mislead
    expect.set_options(timeout=EXPECT_TIMEOUT)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served_home(tmp_path_factory) -> Path:
    """A temp home for the servers: the notebooks copy, settings, runtime files and logs."""
    home = tmp_path_factory.mktemp("browser")
    copy_notebooks(home / "notebooks")
    return home


@pytest.fixture(scope="session")
def lab_server(browser, served_home):
    server = start_lab(served_home, served_home / "notebooks")
    _servers["lab"] = server
    yield server
    server.stop()
    _servers.pop("lab", None)


@pytest.fixture(scope="session")
def voila_server(browser, served_home):
    server = start_voila(served_home, served_home / "notebooks")
    _servers["voila"] = server
    yield server
    server.stop()
    _servers.pop("voila", None)


@pytest.fixture(scope="module")
def lab_notebook(browser, lab_server):
    """Factory: ``lab_notebook("01_clusters.ipynb")`` opens a notebook (path relative to
    notebooks/) in JupyterLab, waits for its kernel, runs all cells and returns the
    :class:`LabNotebook`; ``run=False`` only opens it. Closed (and its kernel shut down) after
    the module."""
    opened: list[LabNotebook] = []

    def open_(path: str, run: bool = True) -> LabNotebook:
        nb = LabNotebook(browser, lab_server, path)
        opened.append(nb)
        nb.open()
        return nb.run_all() if run else nb

    yield open_
    for nb in opened:
        nb.close()


@pytest.fixture(scope="module")
def voila_app(browser, voila_server):
    """Factory: ``voila_app("dashboards/eni_explorer.ipynb", ready=".ecslab-eni-explorer")``
    renders a notebook with Voila and waits until ``ready`` is on the page."""
    opened: list[VoilaPage] = []

    def open_(path: str, ready: str) -> VoilaPage:
        app = VoilaPage(browser, voila_server, path)
        opened.append(app)
        return app.open(ready)

    yield open_
    for app in opened:
        app.close()
