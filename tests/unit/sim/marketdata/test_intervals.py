"""Kline interval alignment as Binance does it (UTC, weeks from Monday, calendar months)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.sim.marketdata import INTERVALS
from lyrad.sim.marketdata.intervals import (
    FIXED_INTERVAL_MS,
    check_interval,
    next_open,
    open_time,
    previous_open,
)

DAY = 86_400_000
times = st.integers(min_value=1_500_000_000_000, max_value=2_000_000_000_000)


def test_every_binance_interval_is_known() -> None:
    expected = [
        "1s",
        "1m",
        "3m",
        "5m",
        "15m",
        "30m",
        "1h",
        "2h",
        "4h",
        "6h",
        "8h",
        "12h",
        "1d",
        "3d",
        "1w",
        "1M",
    ]
    assert list(INTERVALS) == expected
    with pytest.raises(ValueError, match="2m"):
        check_interval("2m")


@given(t=times, interval=st.sampled_from(sorted(set(FIXED_INTERVAL_MS) - {"1w"})))
def test_fixed_intervals_open_on_multiples_of_their_length(t: int, interval: str) -> None:
    length = FIXED_INTERVAL_MS[interval]
    opened = open_time(interval, t)
    assert opened % length == 0
    assert opened <= t < next_open(interval, opened) == opened + length
    assert previous_open(interval, opened) == opened - length


@given(t=times)
def test_weeks_open_on_monday_midnight_utc(t: int) -> None:
    opened = open_time("1w", t)
    moment = datetime.fromtimestamp(opened / 1000, tz=UTC)
    assert (moment.weekday(), moment.hour, moment.minute, moment.second) == (0, 0, 0, 0)
    assert opened <= t < opened + 7 * DAY


def test_week_alignment_matches_a_real_binance_candle() -> None:
    # BTCUSDT 1w candle opening 2024-01-29 (a Monday), as returned by Binance.
    assert open_time("1w", 1_706_628_191_000) == 1_706_486_400_000


@given(t=times)
def test_months_open_on_the_first_day_and_run_to_the_next(t: int) -> None:
    opened = open_time("1M", t)
    following = next_open("1M", opened)
    start = datetime.fromtimestamp(opened / 1000, tz=UTC)
    end = datetime.fromtimestamp(following / 1000, tz=UTC)
    assert (start.day, start.hour, end.day, end.hour) == (1, 0, 1, 0)
    assert opened <= t < following
    assert 28 * DAY <= following - opened <= 31 * DAY
    assert previous_open("1M", following) == opened


def test_december_rolls_over_to_january() -> None:
    december = int(datetime(2023, 12, 1, tzinfo=UTC).timestamp() * 1000)
    january = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)
    assert next_open("1M", december) == january
    assert open_time("1M", january - 1) == december
