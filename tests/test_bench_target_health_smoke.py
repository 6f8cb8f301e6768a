"""The target-health benchmark runs as a smoke test at a small size."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_target_health_small():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_target_health.py"), "--small"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    header, row, facts = out.stdout.splitlines()
    assert header.split()[:3] == ["targets", "probes", "wall"]
    assert row.split()[:2] == ["40", "1200"] and float(row.split()[-1]) > 0
    # One transition per target (initial -> healthy) plus the ClockAdvanced input.
    assert facts.startswith("facts emitted while probing: 41 ")
