from datetime import timedelta

import pytest

from ecslab import Lab
from ecslab.core.clock import EPOCH_START, Clock, parse_duration


def test_timers_fire_in_time_order_then_insertion_order():
    clock = Clock()
    fired = []
    clock.after(10, lambda: fired.append(("b", clock.now)))
    clock.after(5, lambda: fired.append(("a", clock.now)))
    clock.after(10, lambda: fired.append(("c", clock.now)))
    clock.after(10, lambda: fired.append(("d", clock.now)))
    n = clock.advance_to(EPOCH_START + timedelta(seconds=60))
    assert n == 4
    assert [f[0] for f in fired] == ["a", "b", "c", "d"]
    assert fired[0][1] == EPOCH_START + timedelta(seconds=5)
    assert fired[1][1] == EPOCH_START + timedelta(seconds=10)
    assert clock.now == EPOCH_START + timedelta(seconds=60)


def test_timer_set_by_a_timer_fires_in_same_advance_if_due():
    clock = Clock()
    fired = []

    def first():
        fired.append("first")
        clock.after(3, lambda: fired.append("second"))

    clock.after(2, first)
    clock.advance_to(EPOCH_START + timedelta(seconds=4))
    assert fired == ["first"]
    clock.advance_to(EPOCH_START + timedelta(seconds=5))
    assert fired == ["first", "second"]


def test_cancel_and_peek():
    clock = Clock()
    fired = []
    t = clock.after(1, lambda: fired.append(1))
    clock.after(2, lambda: fired.append(2))
    clock.cancel(t)
    assert clock.peek() == EPOCH_START + timedelta(seconds=2)
    assert len(clock) == 1
    clock.advance_to(EPOCH_START + timedelta(seconds=9))
    assert fired == [2]
    assert clock.peek() is None


def test_clock_never_moves_backwards():
    clock = Clock()
    clock.advance_to(EPOCH_START + timedelta(seconds=5))
    with pytest.raises(ValueError):
        clock.advance_to(EPOCH_START)


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("90s", 90),
        ("5m", 300),
        ("1h30m", 5400),
        ("2d", 172800),
        ("250ms", 0.25),
        (42, 42),
        (1.5, 1.5),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("bad", ["", "5x", "m5", "-5m", -1, True, None])
def test_parse_duration_rejects(bad):
    with pytest.raises((ValueError, TypeError)):
        parse_duration(bad)


def test_lab_advance_moves_now_and_records_input():
    lab = Lab()
    t0 = lab.now
    lab.advance("90s")
    assert lab.now - t0 == timedelta(seconds=90)
    lab.advance(timedelta(minutes=5))
    assert lab.now - t0 == timedelta(seconds=390)
    ev = lab.events
    assert list(ev["kind"]) == ["ClockAdvanced", "ClockAdvanced"]
    assert ev["detail"].iloc[1]["seconds"] == 300


def test_lab_starts_at_fixed_instant():
    assert Lab().now == EPOCH_START
    assert EPOCH_START.utcoffset() == timedelta(0)
