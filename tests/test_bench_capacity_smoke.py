"""The capacity provider benchmark at a small size (3 services, 3 simulated hours)."""

from test_benchmarks_smoke import run_small


def test_bench_capacity_small():
    out = run_small("bench_capacity.py").stdout.strip()
    assert out.startswith("capacity providers: 3 services x 3 simulated h: "), out
    assert "facts/s" in out
    launched = int(out.split(" instances launched")[0].rsplit(" ", 1)[1])
    assert launched > 0  # managed scaling scaled the group out from zero
