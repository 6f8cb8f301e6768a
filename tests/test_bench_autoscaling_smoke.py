"""The auto scaling benchmark at a small size (3 services, 3 simulated hours)."""

from test_benchmarks_smoke import run_small


def test_bench_autoscaling_small():
    out = run_small("bench_autoscaling.py").stdout.strip()
    assert out.startswith("auto scaling: 3 services x 3 simulated h: "), out
    assert "facts/s" in out and " scaling activities" in out
    activities = int(out.split(" scaling activities")[0].rsplit(" ", 1)[1])
    assert activities > 0
