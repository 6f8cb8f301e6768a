"""Servers and page helpers for the browser tests: JupyterLab and Voila on free ports over a
temporary copy of notebooks/, and Debian's Chromium driven by Playwright.

Every wait is for a condition (an HTTP answer, a DOM state) with a deadline, never a fixed sleep.
Facts behind the recipe (flags, the sessions-API kernel wait): shared/reference/browser_testing.md.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

try:  # the test modules import expect from here, so a machine without Playwright still collects
    from playwright.sync_api import expect
except ImportError:  # then conftest marks every browser test skipped (or failed, in CI)
    expect = None

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

#: Debian's Chromium (never a browser downloaded by ``playwright install``).
CHROMIUM = os.environ.get("ECSLAB_CHROMIUM", "/usr/bin/chromium")
#: Headless as root with no network: no sandbox, and no background connections to retry.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

#: JupyterLab settings for tests: no news/update toast over the page, no autosave into the copy,
#: every cell in the DOM (no windowing), so a locator finds cells far down a lesson.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

SERVER_START_TIMEOUT = 60.0
KERNEL_IDLE_TIMEOUT = 60.0
RUN_ALL_TIMEOUT = 120.0


def missing_requirements() -> str | None:
    """Why browser tests cannot run here (None when they can)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-dejavu-core)"
    for module in ("playwright", "voila"):
        try:
            __import__(module)
        except ImportError:
            return f"Python package {module} is not installed (pip install -e '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_notebooks(dest: Path) -> Path:
    """notebooks/ copied with outputs cleared: whatever the browser shows was made by this run."""
    shutil.copytree(NOTEBOOKS, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for path in dest.rglob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, str(path))
    return dest


def server_env(home: Path) -> dict[str, str]:
    """The servers' (and so the kernels') environment: this checkout first on the path, and
    Jupyter's per-user folders in the temp dir so the user's own settings cannot leak in."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    env.pop("JUPYTER_TOKEN", None)
    return env


@dataclass
class Server:
    """A Jupyter server process on 127.0.0.1 (JupyterLab or Voila), its log in a file."""

    name: str
    url: str
    proc: subprocess.Popen
    log: Path
    root: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def get_json(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=5) as resp:
            return json.loads(resp.read())

    def request(self, method: str, path: str) -> int:
        req = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status

    def wait_ready(self, probe: str, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + probe, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not up after {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.1)  # polling interval of a condition with a deadline, not a sync sleep

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_lab(home: Path, root: Path) -> Server:
    """JupyterLab: no token, 127.0.0.1, a free port, settings overrides from a temp app dir."""
    app_settings = home / "app-settings"
    app_settings.mkdir(parents=True, exist_ok=True)
    (app_settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.app_settings_dir={app_settings}",
        # window.jupyterapp: tests run JupyterLab's own commands (what its menus call).
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--ServerApp.terminals_enabled=False",
    ]
    server = _spawn("JupyterLab", cmd, home, root, port)
    server.wait_ready("/api/status")
    return server


def start_voila(home: Path, root: Path) -> Server:
    """Voila serving the notebooks folder; each page load runs the notebook in a fresh kernel."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=True",
        str(root),
    ]
    server = _spawn("Voila", cmd, home, root, port)
    server.wait_ready("/")
    return server


def _spawn(name: str, cmd: list[str], home: Path, root: Path, port: int) -> Server:
    log = home / f"{name.lower()}.log"
    env = server_env(home)
    fh = log.open("w")
    proc = subprocess.Popen(
        cmd, cwd=str(root), env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    fh.close()
    return Server(name, f"http://127.0.0.1:{port}", proc, log, root)


# -- pages ---------------------------------------------------------------------------------------


@dataclass
class PageLog:
    """What the browser said while a test ran: console messages and uncaught page errors."""

    lines: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: self.lines.append(f"[console.{m.type}] {m.text}"))
        page.on("pageerror", lambda e: self.lines.append(f"[pageerror] {e}"))
        page.on("requestfailed", lambda r: self.lines.append(f"[requestfailed] {r.url}"))


#: Pages open right now, by label: what a failing test's screenshot and console log are taken of.
LIVE_PAGES: dict[str, tuple] = {}


def new_page(browser, label: str):
    """A fresh browser context and page, registered for failure artifacts."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    log = PageLog()
    log.attach(page)
    LIVE_PAGES[label] = (page, log)
    return page, log


def close_page(label: str) -> None:
    page, _ = LIVE_PAGES.pop(label, (None, None))
    if page is not None:
        page.context.close()


def write_artifacts(folder: Path, servers: list[Server]) -> list[Path]:
    """Screenshot and console log of every live page, and the servers' log tails."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    written = []
    for label, (page, log) in list(LIVE_PAGES.items()):
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in label)
        shot = folder / f"{stem}.png"
        try:
            page.screenshot(path=str(shot), timeout=10_000)
            written.append(shot)
        except Exception as exc:  # a dead page must not hide the test's own failure
            log.lines.append(f"[artifact] screenshot failed: {exc}")
        console = folder / f"{stem}-console.log"
        console.write_text(f"url: {page.url}\n" + "\n".join(log.lines) + "\n")
        written.append(console)
    for server in servers:
        path = folder / f"{server.name.lower()}-server.log"
        path.write_text(server.log_tail(200) + "\n")
        written.append(path)
    return written


RUN_ALL_JS = """() => {
  window.__ecslabRunAll = undefined;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    ok => { window.__ecslabRunAll = {ok: ok}; },
    err => { window.__ecslabRunAll = {ok: false, error: String(err)}; });
}"""

RUN_ALL_DONE_JS = """() => window.__ecslabRunAll !== undefined
  || !!document.querySelector('.jp-Dialog .jp-mod-accept')"""


class LabNotebook:
    """One notebook open in JupyterLab in its own page; helpers to run it and find its cells."""

    def __init__(self, browser, server: Server, path: str) -> None:
        self.server, self.path = server, path
        self.label = f"lab-{path}"
        self.page, self.log = new_page(browser, self.label)

    def open(self) -> LabNotebook:
        # ?reset: start from an empty workspace, not the tabs an earlier test left open.
        self.page.goto(f"{self.server.url}/lab/tree/{self.path}?reset")
        self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
        self.wait_kernel_idle()
        return self

    def session(self) -> dict | None:
        for s in self.server.get_json("/api/sessions"):
            if s.get("path") == self.path and s.get("kernel"):
                return s
        return None

    def wait_kernel_idle(self, timeout: float = KERNEL_IDLE_TIMEOUT) -> dict:
        """Until the server lists this notebook's kernel as idle (the toolbar shows "idle" before
        a kernel exists, so the page alone is not a reliable signal)."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.session()
            if s is not None and s["kernel"].get("execution_state") == "idle":
                return s
            if time.monotonic() > deadline:
                raise TimeoutError(f"no idle kernel for {self.path} after {timeout:.0f} s: {s}")
            time.sleep(0.1)  # polling interval of a condition with a deadline

    def run_all(self, timeout: float = RUN_ALL_TIMEOUT) -> LabNotebook:
        """Run > Run All Cells (JupyterLab's own command); fail with the first error output."""
        self.page.evaluate(RUN_ALL_JS)
        deadline = time.monotonic() + timeout
        while True:
            left_ms = max(1.0, deadline - time.monotonic()) * 1000
            self.page.wait_for_function(RUN_ALL_DONE_JS, timeout=left_ms)
            accept = self.page.locator(".jp-Dialog .jp-mod-accept")
            if self.page.evaluate("() => window.__ecslabRunAll === undefined") and accept.count():
                accept.first.click()  # a kernel-selection dialog: take the notebook's kernel
                accept.first.wait_for(state="detached")
                continue
            break
        result = self.page.evaluate("() => window.__ecslabRunAll")
        prompts = self.page.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
        errors = self.page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_text_contents()
        unrun = [i for i, p in enumerate(prompts) if not p.strip().strip("[]:").isdigit()]
        if not result.get("ok") or unrun:
            raise AssertionError(
                f"{self.path}: run-all {result}; code cells not run: {unrun}; "
                f"error output: {errors[:1]}"
            )
        return self

    def cell_index(self, source: str) -> int:
        """Index (among all cells) of the one code cell whose source contains ``source``; when
        several do, the one with a line that starts with ``source``."""
        nb = nbformat.read(str(self.server.root / self.path), as_version=4)
        hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and source in c.source]
        if len(hits) > 1:
            lines = {i: [ln.strip() for ln in nb.cells[i].source.split("\n")] for i in hits}
            hits = [i for i in hits if any(ln.startswith(source) for ln in lines[i])]
        if len(hits) != 1:
            raise LookupError(f"{self.path}: {len(hits)} code cells match {source!r}")
        return hits[0]

    def cell(self, source: str):
        """The code cell (a Playwright locator) whose source contains ``source``."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(self.cell_index(source))

    def output(self, source: str):
        """The output area of the code cell whose source contains ``source``."""
        return self.cell(source).locator(".jp-OutputArea")

    def close(self) -> None:
        s = self.session()
        close_page(self.label)
        if s is not None:
            try:
                self.server.request("DELETE", f"/api/sessions/{s['id']}")
            except urllib.error.URLError:
                pass


class VoilaPage:
    """A notebook rendered by Voila as an app (a fresh kernel per page load)."""

    def __init__(self, browser, server: Server, path: str) -> None:
        self.server, self.path = server, path
        self.label = f"voila-{path}"
        self.page, self.log = new_page(browser, self.label)

    def open(self, ready_selector: str) -> VoilaPage:
        self.page.goto(f"{self.server.url}/voila/render/{self.path}")
        self.page.locator(ready_selector).first.wait_for(timeout=RUN_ALL_TIMEOUT * 1000)
        return self

    def close(self) -> None:
        close_page(self.label)


# -- reading a rendered plotly chart (SVG) -------------------------------------------------------


def plot_title(chart) -> str:
    """The chart's title text (the SVG ``.gtitle``), subtitle included."""
    return chart.locator(".gtitle").text_content() or ""


def plot_ticks(chart, axis: str = "y") -> list[str]:
    return chart.locator(f".{axis}axislayer-above .{axis}tick text").all_text_contents()


def plot_legend(chart) -> list[str]:
    """One entry per trace shown in the legend."""
    return chart.locator(".legend .traces .legendtext").all_text_contents()


def plot_point_labels(chart) -> list[str]:
    """The text labels drawn next to markers (``mode="markers+text"``), in trace order."""
    return chart.locator(".scatterlayer .textpoint text").all_text_contents()
