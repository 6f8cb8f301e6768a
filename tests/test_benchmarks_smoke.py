"""Benchmarks run in CI as smoke tests at a small size (their full figures go in the README)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_small(script: str) -> subprocess.CompletedProcess:
    """Run ``benchmarks/<script> --small`` and require it to succeed."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--small"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    return out


def test_bench_calls_small():
    out = run_small("bench_calls.py")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("call") and "ratio to peer" in lines[0]
    rows = {ln.split()[0]: float(ln.split()[1]) for ln in lines[1:]}
    assert set(rows) == {"CreateCluster", "DescribeClusters"} and all(v > 0 for v in rows.values())


def test_bench_billing_small():
    out = run_small("bench_billing.py")
    lines = out.stdout.splitlines()
    assert "vectorised s" in lines[0] and "row-by-row s" in lines[0]
    assert len(lines) == 3 and all(line.rstrip().endswith("x") for line in lines[1:])


def test_bench_tasks_moto_small():
    """The moto comparison at 20 instances / 200 tasks: ecslab, the boto3 floor (ecslab's
    recorded answers replayed) and moto, one table with the three ratios."""
    out = run_small("bench_tasks_moto.py")
    lines = out.stdout.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("size"))
    assert lines[head].split()[1:] == [
        "ecslab", "s", "moto", "s", "floor", "s", "ecslab/floor", "moto/floor", "moto/ecslab",
    ]  # fmt: skip
    row = lines[head + 1].split()
    assert row[0] == "20/200"
    ecslab_s, moto_s, floor_s = (float(v) for v in row[1:4])
    assert ecslab_s > 0 and moto_s > 0 and floor_s > 0
    assert all(v.endswith("x") and float(v[:-1]) > 0 for v in row[4:7])
    phases = {tuple(ln.split()[:2]) for ln in lines if ln.startswith("20/200 ")}
    assert {("20/200", "ecslab"), ("20/200", "floor"), ("20/200", "moto")} <= phases
    assert "ratios (taken within each round) are what count" in out.stdout.replace("\n", " ")
    assert "the boto3 floor" in out.stdout and "faster than moto" in out.stdout
    # where the time over the floor goes: its three parts add up to it
    where = next(i for i, ln in enumerate(lines) if ln.startswith("where ecslab's time"))
    assert lines[where + 1].split()[1:] == [
        "over",
        "floor",
        "handlers",
        "collector",
        "boto3",
        "slower",
    ]
    size, over, own, collector, rest = lines[where + 2].split()
    assert size == "20/200" and float(own) > 0
    assert abs(float(own) + float(collector) + float(rest) - float(over)) < 0.005


def test_bench_http_moto_small():
    """``ecslab serve`` vs ``moto_server`` over HTTP, 20 calls per operation: p50/p99, ratios,
    and the floor (boto3 and a loopback round trip answered with ecslab's recorded bytes)."""
    out = run_small("bench_http_moto.py")
    lines = out.stdout.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("operation"))
    rows = [ln for ln in lines[head + 1 :] if ln.strip() and not ln.startswith(("all", "floor"))]
    ops = [ln[:21].strip() for ln in rows]
    assert ops == [
        "DescribeClusters",
        "ListTaskDefinitions",
        "RunTask (count=1)",
        "ListTasks",
        "DescribeTasks (10)",
    ]
    for ln in rows:
        cells = ln[21:].split()
        assert len(cells) == 9
        assert [c[-2:] for c in cells[:5]] == ["ms"] * 5
        assert all(float(c[:-2]) > 0 for c in cells[:5])
        assert all(c.endswith("x") and float(c[:-1]) > 0 for c in cells[5:])
        ecslab_p50, floor_p50 = float(cells[0][:-2]), float(cells[4][:-2])
        assert float(cells[7][:-1]) == pytest.approx(ecslab_p50 / floor_p50, rel=0.03)
    assert "moto_server p50" in lines[-2] and "5x target" in lines[-2]
    assert lines[-1].startswith("floor (boto3 + loopback") and "moto/floor" in lines[-1]


def test_bench_services_small():
    out = run_small("bench_services.py")
    header, half, full, ratio = out.stdout.splitlines()
    assert header.split()[:3] == ["instances", "services", "tasks"]
    assert half.split()[-1] == "5/5" and full.split()[-1] == "10/10"
    assert ratio.startswith("per-task cost ratio (full / half size): ")


def test_bench_insights_small():
    """The Container Insights benchmark at a small size; it asserts against its row-by-row loop."""
    out = run_small("bench_insights.py")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("50,000 rows") and "vs row-by-row" in lines[-1]
    assert [ln.split("  ")[0] for ln in lines[2:7]] == [
        "metrics(level=cluster)",
        "metrics(level=family)",
        "metrics(level=service)",
        "metrics(level=service, published=True)",
        "Container Insights bill by hour",
    ]


def test_bench_widgets_placement_loop_small():
    """The placement-map loop of bench_widgets.py, in-process with a few updates."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_widgets
    finally:
        sys.path.pop(0)
    loop = bench_widgets.PLACEMENT_LOOP.replace("range(40)", "range(4)")
    res = bench_widgets.in_process(loop)
    assert res["instances"] == 100 and res["tasks"] == 600 + 20
    assert len(res["redraw"]) == len(res["action"]) == 2
    assert all(t > 0 for t in res["redraw"] + res["action"])
