"""OrderRateTracker: a sliding second, and a day count that resets at UTC midnight."""

from __future__ import annotations

from lyrad.trading.risk.rates import OrderRateTracker, utc_day
from tests.unit.trading.risk.fakes import DAY_MS, MIDNIGHT_MS, FakeClock


def test_orders_leave_the_window_one_second_after_they_were_sent() -> None:
    clock = FakeClock()
    rates = OrderRateTracker(clock)
    rates.record()
    clock.advance(0.6)
    rates.record()
    assert rates.orders_last_second() == 2
    clock.advance(0.4)
    assert rates.orders_last_second() == 1
    clock.advance(0.6)
    assert rates.orders_last_second() == 0


def test_the_day_count_resets_at_utc_midnight_not_before() -> None:
    clock = FakeClock(MIDNIGHT_MS + DAY_MS - 2000)  # 23:59:58 UTC
    rates = OrderRateTracker(clock)
    rates.seed(5)
    rates.record()
    assert rates.orders_today() == 6
    clock.advance(1.999)
    assert rates.orders_today() == 6
    clock.advance(0.001)
    assert rates.orders_today() == 0
    rates.record()
    assert rates.orders_today() == 1


def test_a_wall_clock_stepping_back_never_reopens_the_previous_day() -> None:
    clock = FakeClock(MIDNIGHT_MS + 1000)
    rates = OrderRateTracker(clock)
    rates.record()
    clock.advance(-2.0)  # NTP steps back over midnight
    assert rates.orders_today() == 1


def test_seeding_never_lowers_the_count() -> None:
    rates = OrderRateTracker(FakeClock())
    rates.record()
    rates.record()
    rates.seed(1)
    assert rates.orders_today() == 2


def test_utc_day_changes_exactly_at_midnight() -> None:
    assert utc_day(MIDNIGHT_MS) == utc_day(MIDNIGHT_MS - 1) + 1
