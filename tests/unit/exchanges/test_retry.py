"""Reads are retried on transient errors only, with growing jittered waits."""

from __future__ import annotations

import random

import pytest

from lyrad.domain.errors import (
    AmbiguousOutcome,
    OrderRejected,
    RateLimited,
    RetryableVenueError,
    VenueError,
)
from lyrad.exchanges.retry import RetryPolicy, retry_read
from tests.unit.exchanges.fakes import FakeClock

POLICY = RetryPolicy(attempts=4, initial_backoff_s=0.2, max_backoff_s=1.0, max_rate_limit_wait_s=30)


class Flaky:
    def __init__(self, errors: list[VenueError]) -> None:
        self.errors = errors
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


async def run(call: Flaky, clock: FakeClock) -> str:
    return await retry_read(call, policy=POLICY, sleep=clock.sleep, rng=random.Random(1), what="t")


async def test_transient_errors_are_retried_with_backoff() -> None:
    clock = FakeClock()
    call = Flaky([RetryableVenueError("v", "reset"), RateLimited("v", "429", 2.0)])
    assert await run(call, clock) == "ok"
    assert call.calls == 3
    first, second = clock.sleeps
    assert 0.1 <= first <= 0.2
    assert 0.2 <= second <= 0.4


async def test_it_gives_up_after_the_attempts() -> None:
    call = Flaky([RetryableVenueError("v", str(i)) for i in range(10)])
    with pytest.raises(RetryableVenueError, match="3"):
        await run(call, FakeClock())
    assert call.calls == 4


@pytest.mark.parametrize(
    "error",
    [OrderRejected("v", "no"), AmbiguousOutcome("v", "?"), RateLimited("v", "418", 120.0)],
    ids=["rejected", "ambiguous", "long-ban"],
)
async def test_other_errors_are_not_retried(error: VenueError) -> None:
    call = Flaky([error])
    with pytest.raises(type(error)):
        await run(call, FakeClock())
    assert call.calls == 1


def test_backoff_is_capped_and_at_least_half_the_step() -> None:
    rng = random.Random(3)
    waits = [POLICY.backoff_s(n, rng) for n in range(1, 10)]
    assert all(0.5 <= w <= 1.0 for w in waits[3:])
    assert 0.1 <= waits[0] <= 0.2
