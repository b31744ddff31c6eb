from __future__ import annotations

from dataclasses import dataclass

import pytest

from lyrad.sim.binance.errors import BinanceError
from lyrad.sim.binance.ratelimit import RateLimiter

MINUTE_START = 1_700_000_040_000  # a whole minute


@dataclass(frozen=True)
class Rules:
    request_weight_per_minute: int = 100
    orders_per_10s: int = 3
    orders_per_day: int = 5
    background_weight_per_second: int = 0
    ban_after_violations: int = 2
    ban_seconds: int = 120


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def test_weight_accumulates_within_the_minute_and_resets_after() -> None:
    clock = Clock(MINUTE_START)
    limiter = RateLimiter(Rules(), clock)
    assert limiter.admit(20).used_weight == 20
    assert limiter.admit(30).used_weight == 50
    clock.now += 60_000
    assert limiter.admit(1).used_weight == 1


def test_over_the_limit_is_429_with_retry_after_until_the_next_minute() -> None:
    clock = Clock(MINUTE_START + 45_500)
    limiter = RateLimiter(Rules(), clock)
    limiter.admit(90)
    with pytest.raises(BinanceError) as excinfo:
        limiter.admit(20)
    error = excinfo.value
    assert (error.status, error.code) == (429, -1003)
    assert error.msg.startswith("Too much request weight used; current limit is 100 request weight")
    assert error.headers["Retry-After"] == "15"
    assert error.headers["X-MBX-USED-WEIGHT-1M"] == "90"


def test_requests_during_the_back_off_lead_to_a_418_ban() -> None:
    clock = Clock(MINUTE_START)
    limiter = RateLimiter(Rules(), clock)
    limiter.admit(100)
    with pytest.raises(BinanceError) as first:
        limiter.admit(1)
    assert first.value.status == 429
    with pytest.raises(BinanceError) as second:
        limiter.admit(1)
    assert second.value.status == 429
    with pytest.raises(BinanceError) as banned:
        limiter.admit(1)
    assert (banned.value.status, banned.value.code) == (418, -1003)
    assert banned.value.headers["Retry-After"] == "120"
    assert f"IP banned until {MINUTE_START + 120_000}" in banned.value.msg
    clock.now += 119_000
    with pytest.raises(BinanceError) as still:
        limiter.admit(1)
    assert still.value.status == 418
    assert still.value.headers["Retry-After"] == "1"
    clock.now += 1_000
    assert limiter.admit(1).used_weight == 1


def test_waiting_out_the_retry_after_is_not_a_violation() -> None:
    clock = Clock(MINUTE_START)
    limiter = RateLimiter(Rules(), clock)
    limiter.admit(100)
    with pytest.raises(BinanceError):
        limiter.admit(1)
    clock.now += 60_000
    assert limiter.admit(1).used_weight == 1


def test_background_weight_grows_through_the_minute() -> None:
    clock = Clock(MINUTE_START + 10_000)
    limiter = RateLimiter(Rules(background_weight_per_second=5), clock)
    assert limiter.admit(1).used_weight == 51
    clock.now += 10_000
    with pytest.raises(BinanceError) as excinfo:
        limiter.admit(1)
    assert excinfo.value.status == 429


def test_order_counts_per_10s_and_day() -> None:
    clock = Clock(MINUTE_START)
    limiter = RateLimiter(Rules(), clock)
    usages = [limiter.admit(1, is_order=True) for _ in range(3)]
    assert [(u.orders_10s, u.orders_1d) for u in usages] == [(1, 1), (2, 2), (3, 3)]
    with pytest.raises(BinanceError) as ten_seconds:
        limiter.admit(1, is_order=True)
    assert (ten_seconds.value.status, ten_seconds.value.code) == (429, -1015)
    assert ten_seconds.value.msg == "Too many new orders; current limit is 3 orders per 10 SECOND."
    assert "Retry-After" not in ten_seconds.value.headers
    clock.now += 10_000
    limiter.admit(1, is_order=True)
    limiter.admit(1, is_order=True)
    with pytest.raises(BinanceError) as day:
        limiter.admit(1, is_order=True)
    assert day.value.msg == "Too many new orders; current limit is 5 orders per DAY."
