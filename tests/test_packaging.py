"""Package boundaries and the README's promises."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_ecslab_does_not_import_jupyter_layer():
    code = (
        "import sys, ecslab; from ecslab import Lab; Lab().client('ecs').list_clusters();"
        "bad = [m for m in ('plotly', 'ipywidgets', 'IPython', 'workbook', 'anywidget') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_issue_one_liner_prints_the_arn():
    code = "from ecslab import Lab; ecs = Lab().client('ecs'); print(ecs.create_cluster(clusterName='MyCluster')['cluster']['clusterArn'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "arn:aws:ecs:ap-east-1:123456789012:cluster/MyCluster\n"


def readme_python_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_example_runs_verbatim():
    blocks = readme_python_blocks()
    assert blocks, "README has no python example"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = subprocess.run(
        [sys.executable, "-c", blocks[0]], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert "arn:aws:ecs:ap-east-1:123456789012:cluster/MyCluster" in out.stdout


def test_engine_has_no_wall_clock_or_global_random():
    pattern = re.compile(
        r"time\.time\(|datetime\.(now|utcnow|today)\(|date\.today\(|random\.(random|randint|choice|shuffle|uniform)\(|uuid\.uuid4\("
    )
    hits = []
    for path in (ROOT / "ecslab").rglob("*.py"):
        if "adapters" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert hits == []


def test_readme_cost_example_runs_verbatim():
    block = next(b for b in readme_python_blocks() if "compare_launch_types" in b)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = subprocess.run(
        [sys.executable, "-c", block], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert "ec2-instance" in out.stdout and "0.19" in out.stdout
    assert "m5.large" in out.stdout and "t3.medium" in out.stdout
