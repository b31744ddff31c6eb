"""The shared limiter: never over budget, follows the venue's counts, a pause stops everyone."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.exchanges.quirks import BINANCE, RateLimitWindow
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from tests.unit.exchanges.fakes import FakeClock

MINUTE_MS = 60_000
# A minute window of 1000 weight (budget 800) and 10 orders per 10 s (budget 8).
WINDOWS = (
    RateLimitWindow("weight_1m", "weight", 60, 1000, "X-MBX-USED-WEIGHT-1M"),
    RateLimitWindow("orders_10s", "orders", 10, 10, "X-MBX-ORDER-COUNT-10S"),
)
START_MS = (1_700_000_000_000 // MINUTE_MS) * MINUTE_MS + 40_000  # 40 s into a minute


def limiter(clock: FakeClock, **kwargs: object) -> WeightedRateLimiter:
    return WeightedRateLimiter("v", WINDOWS, clock=clock, **kwargs)  # type: ignore[arg-type]


async def test_requests_within_budget_do_not_wait() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    for _ in range(40):
        await limits.acquire(20)
    assert clock.sleeps == []
    assert limits.used("weight_1m") == 800


async def test_the_first_request_over_budget_waits_for_the_next_window() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    for _ in range(40):
        await limits.acquire(20)
    await limits.acquire(20)
    assert clock.now_ms == (START_MS // MINUTE_MS + 1) * MINUTE_MS
    assert limits.used("weight_1m") == 20


@given(weights=st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=80))
async def test_concurrent_callers_never_exceed_any_window(weights: list[int]) -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    spent: dict[int, int] = defaultdict(int)

    async def one(weight: int) -> None:
        await limits.acquire(weight, orders=1)
        spent[clock.now_ms // MINUTE_MS] += weight
        orders_window[clock.now_ms // 10_000] += 1

    orders_window: dict[int, int] = defaultdict(int)
    await asyncio.gather(*(one(w) for w in weights))
    assert max(spent.values()) <= 800
    assert max(orders_window.values()) <= 8
    assert sum(spent.values()) == sum(weights)


async def test_it_follows_the_venues_used_weight_header() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    ticket = await limits.acquire(10)
    limits.observe(ticket, 200, {"x-mbx-used-weight-1m": "790"})  # other clients on the IP
    assert limits.used("weight_1m") == 790
    await limits.acquire(10)
    assert clock.sleeps == []
    await limits.acquire(1)  # 801 would be over the 800 budget
    assert clock.now_ms == (START_MS // MINUTE_MS + 1) * MINUTE_MS


async def test_a_lower_header_never_lowers_lyrads_own_count() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    first = await limits.acquire(100)
    await limits.acquire(100)  # in flight, not yet counted by the venue
    limits.observe(first, 200, {"X-MBX-USED-WEIGHT-1M": "100"})
    assert limits.used("weight_1m") == 200


async def test_a_count_from_the_previous_window_is_ignored() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    ticket = await limits.acquire(10)
    clock.advance(25)  # the minute rolls over while the answer travels
    limits.observe(ticket, 200, {"X-MBX-USED-WEIGHT-1M": "795"})
    assert limits.used("weight_1m") == 0


async def test_order_count_headers_are_followed() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    ticket = await limits.acquire(1, orders=1)
    limits.observe(ticket, 200, {"X-MBX-ORDER-COUNT-10S": "8"})
    await limits.acquire(1)  # not an order: unaffected
    assert clock.sleeps == []
    await limits.acquire(1, orders=1)
    assert clock.now_ms == (START_MS // 10_000 + 1) * 10_000


async def test_retry_after_blocks_every_caller() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    ticket = await limits.acquire(1)
    told = limits.observe(ticket, 429, {"Retry-After": "7"})
    assert told == 7
    granted: list[int] = []

    async def caller() -> None:
        await limits.acquire(1)
        granted.append(clock.now_ms)

    await asyncio.gather(*(caller() for _ in range(5)))
    assert len(granted) == 5
    assert min(granted) >= START_MS + 7000


async def test_a_429_without_retry_after_waits_the_default_and_a_418_the_ban() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock, default_retry_after_s=30, ban_retry_after_s=120)
    ticket = await limits.acquire(1)
    assert limits.observe(ticket, 429, {}) == 30
    assert limits.paused_for_s() == 30
    assert limits.observe(ticket, 418, {}) == 120
    assert limits.paused_for_s() == 120
    assert limits.observe(ticket, 200, {"Retry-After": "soon"}) is None


async def test_a_shorter_pause_never_cuts_a_longer_one() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    limits.pause(120)
    limits.pause(5)
    assert limits.paused_for_s() == 120


async def test_a_request_that_can_never_fit_is_refused() -> None:
    limits = limiter(FakeClock(START_MS))
    with pytest.raises(ValueError, match="weight_1m"):
        await limits.acquire(801)


async def test_windows_follow_the_venue_clock_offset() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    limits.set_clock_offset_ms(19_000)  # the venue is at 59 s into the minute
    for _ in range(40):
        await limits.acquire(20)
    await limits.acquire(20)
    assert clock.now_ms - START_MS == 1000  # its minute ends one local second later


async def test_used_weight_is_reported() -> None:
    seen: list[int] = []
    clock = FakeClock(START_MS)
    limits = limiter(clock, on_weight_used=seen.append)
    ticket = await limits.acquire(5)
    limits.observe(ticket, 200, {"X-MBX-USED-WEIGHT-1M": "42"})
    assert seen == [5, 42]


async def test_binance_budgets_keep_a_safety_margin() -> None:
    clock = FakeClock(START_MS)
    limits = WeightedRateLimiter.for_venue("b", BINANCE, clock=clock)
    for _ in range(48):
        await limits.acquire(100)  # 4800 = 80% of 6000
    assert clock.sleeps == []
    await limits.acquire(1)
    assert clock.now_ms == (START_MS // MINUTE_MS + 1) * MINUTE_MS
    assert limits.used("weight_1m") == 1
    with pytest.raises(KeyError):
        limits.used("nope")
    with pytest.raises(ValueError, match="safety"):
        WeightedRateLimiter("b", BINANCE.windows, clock=FakeClock(), safety=1.5)


async def test_waiting_counts_the_callers_held_back() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    limits.pause(5)
    assert limits.waiting == 0
    async with asyncio.TaskGroup() as group:
        group.create_task(limits.acquire(1))
        await asyncio.sleep(0)
        assert limits.waiting == 1
    assert limits.waiting == 0


async def test_try_acquire_charges_what_fits_and_never_jumps_the_queue() -> None:
    clock = FakeClock(START_MS)
    limits = limiter(clock)
    for _ in range(40):
        assert limits.try_acquire(20) is not None
    assert limits.used("weight_1m") == 800
    assert limits.try_acquire(20) is None  # over budget: nothing charged
    assert limits.used("weight_1m") == 800
    waiter = asyncio.ensure_future(limits.acquire(20))
    await asyncio.sleep(0)
    assert limits.waiting == 1
    clock.now_ms = (START_MS // MINUTE_MS + 1) * MINUTE_MS  # a fresh window, but one waits
    assert limits.try_acquire(20) is None
    await waiter
    assert limits.used("weight_1m") == 20
