"""The nbval check really compares the marked cells, and skips chart JSON (random-id free but
compared elsewhere): a changed engine answer in a compared cell fails, a changed chart does not."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from _lesson_helpers import NOTEBOOKS


def test_a_changed_compared_output_fails_nbval_and_charts_are_skipped(tmp_path):
    nb = json.loads((NOTEBOOKS / "01_clusters.ipynb").read_text())
    changed = 0
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if "Cluster not found." in "".join(o.get("text", [])):
                o["text"] = ["".join(o["text"]).replace("Cluster not found.", "No such cluster.")]
                changed += 1
            plot = o.get("data", {}).get("application/vnd.plotly.v1+json")
            if plot is not None:
                plot["layout"]["title"]["text"] = "edited by the test"
                changed += 1
    assert changed == 3  # two compared streams, one chart
    (tmp_path / "01_clusters.ipynb").write_text(json.dumps(nb))
    shutil.copy(NOTEBOOKS.parent / "conftest.py", tmp_path / "conftest.py")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "-q"]
        + ["--rootdir", str(tmp_path), str(tmp_path / "01_clusters.ipynb")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 failed" in run.stdout, run.stdout
    assert "No such cluster." in run.stdout
