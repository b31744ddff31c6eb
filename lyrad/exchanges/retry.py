"""Retries for reads only: a few attempts with exponential backoff and jitter (tenacity).

Writes are never retried here: a create or cancel whose outcome is unknown goes to the
reconciler, and one known not to have been applied is the executor's decision to resend.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from lyrad.domain.errors import RateLimited, RetryableVenueError

log = structlog.get_logger("lyrad.exchanges.retry", component="exchanges")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    initial_backoff_s: float = 0.2
    max_backoff_s: float = 5.0
    # A read told to wait longer than this fails instead of holding its caller that long.
    max_rate_limit_wait_s: float = 30.0

    def backoff_s(self, retry_number: int, rng: random.Random) -> float:
        """Equal jitter: at least half of the exponential step, so retries never bunch at zero."""
        step: float = self.initial_backoff_s * 2.0 ** (retry_number - 1)
        base = min(self.max_backoff_s, step)
        return base / 2 + rng.uniform(0, base / 2)

    def is_retryable(self, error: BaseException) -> bool:
        if isinstance(error, RateLimited):
            return error.retry_after_s <= self.max_rate_limit_wait_s
        return isinstance(error, RetryableVenueError)


async def retry_read(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]],
    rng: random.Random,
    what: str,
) -> T:
    """Run `call`, retrying RetryableVenueError (and short RateLimited waits) per `policy`.

    A RateLimited wait is served by the shared limiter, which holds the next attempt back.
    """

    def wait(state: RetryCallState) -> float:
        return policy.backoff_s(state.attempt_number, rng)

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.info("venue_read_retry", call=what, attempt=state.attempt_number, error=str(error))

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait,
        retry=retry_if_exception(policy.is_retryable),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await call()
    raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover
