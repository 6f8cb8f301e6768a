"""Container health checks (task definition healthCheck): Docker's rules, hand-computed times."""

import pytest

from ecslab import Lab
from ecslab.domain.health import (
    HEALTHY,
    UNHEALTHY,
    UNKNOWN,
    HealthCheck,
    HealthMonitor,
    command_outcome,
    simulate,
)
from ecslab.domain.web import Probe, Reply, Site

U, H, X = UNKNOWN, HEALTHY, UNHEALTHY


def always(value):
    return lambda t: value


def from_time(t0, before, after):
    return lambda t: before if t < t0 else after


# (name, check, outcome(t), until, expected [(time, old, new)]); times worked out by hand from
# Docker's rules: first check at `interval`, next `interval` after the previous one finished.
CASES = [
    ("always fails: 3 retries at 30/60/90", HealthCheck(("x",)), always(False), 200, [(90, U, X)]),
    (
        "always passes: healthy at the first check",
        HealthCheck(("x",)),
        always(True),
        200,
        [(30, U, H)],
    ),
    (
        "startPeriod 60: the check at 30 does not count, 60/90/120 do",
        HealthCheck(("x",), start_period=60),
        always(False),
        200,
        [(120, U, X)],
    ),
    (
        "startPeriod 60, app ready at 45: fail at 30 ignored, pass at 60",
        HealthCheck(("x",), start_period=60),
        from_time(45, False, True),
        200,
        [(60, U, H)],
    ),
    (
        "fails from 100 (a fault): healthy at 30, unhealthy after 120/150/180",
        HealthCheck(("x",)),
        from_time(100, True, False),
        300,
        [(30, U, H), (180, H, X)],
    ),
    (
        "hangs: fails at start+5, next check 30 s after that: 35, 70, 105",
        HealthCheck(("x",), timeout=5),
        always(None),
        300,
        [(105, U, X)],
    ),
    (
        "retries 1, interval 10: first failure is enough",
        HealthCheck(("x",), interval=10, retries=1),
        always(False),
        60,
        [(10, U, X)],
    ),
    (
        "recovers: unhealthy at 90, one pass at 210 is healthy again",
        HealthCheck(("x",)),
        from_time(200, False, True),
        300,
        [(90, U, X), (210, X, H)],
    ),
    (
        "a pass inside the start period ends it: later failures count at once",
        HealthCheck(("x",), start_period=100),
        from_time(40, True, False),
        300,
        [(30, U, H), (120, H, X)],
    ),
    ("nothing before the first interval", HealthCheck(("x",), interval=60), always(False), 59, []),
]


@pytest.mark.parametrize("name,check,outcome,until,expected", CASES, ids=[c[0] for c in CASES])
def test_transitions(name, check, outcome, until, expected):
    got = [(t.at, t.old, t.new) for t in simulate(check, outcome, until)]
    assert got == expected


SITE = Site()  # serves "/" with 200 on port 80; anything else 404


class Hangs:
    def __call__(self, probe: Probe) -> Reply:
        return Reply.timeout()


@pytest.mark.parametrize(
    "command,serves,expected",
    [
        (["CMD-SHELL", "curl -f http://localhost/ || exit 1"], SITE, True),
        (["CMD-SHELL", "curl -f http://localhost/health || exit 1"], SITE, False),
        (["CMD-SHELL", "curl http://localhost/health"], SITE, True),  # no -f: 404 is still 0
        (["CMD-SHELL", "curl -fsS http://localhost:8080/ || exit 1"], SITE, False),
        (["CMD", "curl", "-f", "http://localhost/"], SITE, True),
        (["CMD", "curl", "--fail", "http://127.0.0.1/nope"], SITE, False),
        (["CMD-SHELL", "exit 1"], SITE, False),
        (["CMD-SHELL", "exit 0"], None, True),
        (["CMD-SHELL", "wget -q --spider http://localhost/ || exit 1"], SITE, True),
        (["CMD-SHELL", "wget -qO- http://127.0.0.1/missing"], SITE, False),
        (["CMD-SHELL", "true && exit 1"], SITE, False),
        (["CMD-SHELL", "false || true"], SITE, True),
        (["CMD-SHELL", "exit 1; true"], SITE, False),  # exit ends the script
        (["CMD-SHELL", "pgrep httpd"], SITE, True),  # commands ecslab does not know: exit 0
        (["CMD-SHELL", "nc -z localhost 80"], SITE, True),
        (["CMD-SHELL", "nc -z localhost 81"], SITE, False),
        (["CMD-SHELL", "curl -f http://localhost/ || exit 1"], None, False),  # nothing listens
        (["CMD-SHELL", "curl -f http://localhost/ || exit 1"], Hangs(), None),  # times out
        (["CMD-SHELL", "curl -f http://example.com/"], None, True),  # other hosts: not simulated
        (
            ["CMD-SHELL", "curl -f http://localhost:8080/health"],
            Site.serving({"/health": 200}, 8080),
            True,
        ),
    ],
)
def test_command_outcome(command, serves, expected):
    assert command_outcome(command, serves) is expected


def test_from_spec_reads_stored_and_api_spellings():
    stored = {
        "command": ["CMD-SHELL", "exit 1"],
        "interval": 10,
        "timeout": 2,
        "retries": 4,
        "start_period": 20,
    }
    assert HealthCheck.from_spec(stored) == HealthCheck(("CMD-SHELL", "exit 1"), 10, 2, 4, 20)
    api = {"command": ["CMD", "true"], "startPeriod": 15}
    assert HealthCheck.from_spec(api) == HealthCheck(("CMD", "true"), 30, 5, 3, 15)
    assert HealthCheck.from_spec({"command": ["NONE"]}) is None
    assert HealthCheck.from_spec(None) is None


def test_monitor_on_the_lab_clock_matches_simulate():
    """The timer-driven variant: an httpd container whose / disappears at t=100 s."""
    lab = Lab(seed=1)
    start = lab.now
    check = HealthCheck(("CMD-SHELL", "curl -f http://localhost/ || exit 1"), start_period=10)
    broken_at = 100

    def outcome():
        t = (lab.now - start).total_seconds()
        site = SITE if t < broken_at else Site.serving({"/other": 200})
        return command_outcome(check.command, site)

    seen = []
    mon = HealthMonitor(
        lab,
        check,
        outcome,
        lambda tr: seen.append(((tr.at - start).total_seconds(), tr.old, tr.new)),
    )
    assert mon.status == UNKNOWN
    lab.advance("5m")
    expected = simulate(
        check, lambda t: command_outcome(check.command, SITE if t < broken_at else None), 300
    )
    assert seen == [(t.at, t.old, t.new) for t in expected] == [(30, U, H), (180, H, X)]
    assert mon.status == UNHEALTHY
    mon.stop()
    lab.advance("5m")
    assert len(seen) == 2 and len(lab.clock) == 0
