"""Sim clocks: accelerated time from a monotonic source, and manual time."""

from __future__ import annotations

import pytest

from lyrad.sim.clock import AcceleratedClock, ManualClock, SimClock


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_accelerated_clock_runs_speed_times_real_time_from_its_start() -> None:
    real = FakeMonotonic()
    clock = AcceleratedClock(1_700_000_000_000, speed=60.0, monotonic=real)
    assert clock.now_ms() == 1_700_000_000_000
    real.now += 2.5
    assert clock.now_ms() == 1_700_000_000_000 + 150_000


def test_changing_speed_keeps_time_continuous() -> None:
    real = FakeMonotonic()
    clock = AcceleratedClock(0, speed=10.0, monotonic=real)
    real.now += 1.0
    clock.speed = 1000.0
    assert clock.now_ms() == 10_000
    real.now += 0.5
    assert clock.now_ms() == 510_000
    assert clock.speed == 1000.0


def test_accelerated_clock_never_goes_backwards() -> None:
    real = FakeMonotonic()
    clock = AcceleratedClock(5_000, monotonic=real)
    real.now += 1.0
    assert clock.now_ms() == 6_000
    real.now -= 0.5  # a misbehaving source must not move sim time back
    assert clock.now_ms() == 6_000


@pytest.mark.parametrize("speed", [0.0, -1.0, float("nan"), float("inf")])
def test_accelerated_clock_rejects_a_bad_speed(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        AcceleratedClock(0, speed=speed)
    clock = AcceleratedClock(0)
    with pytest.raises(ValueError, match="speed"):
        clock.speed = speed


def test_manual_clock_moves_only_when_advanced() -> None:
    clock: SimClock = ManualClock(42)
    assert clock.now_ms() == 42
    assert isinstance(clock, ManualClock)
    clock.advance(1_000)
    clock.advance(0)
    assert clock.now_ms() == 1_042
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
    assert clock.now_ms() == 1_042
