"""A weighted rate limiter per venue, shared by every caller, so the daemon is never banned.

Each of the venue's fixed windows (request weight per minute, orders per 10 s, per day) gets a
budget of `safety × limit`. A request waits, in arrival order, until its cost fits every window.
After each answer the limiter follows the venue's own count from the response headers (other
clients on the same IP or account use the same budget), and a 429, a 418 or a Retry-After
header stops every caller until the venue's time has passed.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import structlog
from multidict import CIMultiDict, CIMultiDictProxy

from lyrad.exchanges.clock import Clock
from lyrad.exchanges.quirks import RateLimitWindow, VenueQuirks

log = structlog.get_logger("lyrad.exchanges.rate_limit", component="exchanges")

CASE_INSENSITIVE = (CIMultiDict, CIMultiDictProxy)
TOO_MANY_REQUESTS = 429
BANNED = 418


@dataclass(frozen=True, slots=True)
class Ticket:
    """A granted request: which window each count was charged to."""

    window_ids: tuple[int, ...]


@dataclass(slots=True)
class _WindowState:
    spec: RateLimitWindow
    budget: int
    window_id: int = -1
    used: int = 0


class WeightedRateLimiter:
    """Admits requests by weight and order count; `observe` every answer, `pause` on demand."""

    def __init__(
        self,
        venue: str,
        windows: Sequence[RateLimitWindow],
        *,
        clock: Clock,
        safety: float = 0.8,
        default_retry_after_s: float = 60.0,
        ban_retry_after_s: float = 120.0,
        on_weight_used: Callable[[int], None] | None = None,
    ) -> None:
        if not 0 < safety <= 1:
            raise ValueError("safety must be in (0, 1]")
        self.venue = venue
        self._clock = clock
        self._windows = [_WindowState(w, max(1, math.floor(w.limit * safety))) for w in windows]
        self._default_retry_after_s = default_retry_after_s
        self._ban_retry_after_s = ban_retry_after_s
        self._on_weight_used = on_weight_used
        self._offset_ms = 0
        self._paused_until_ms = 0
        self._waiting = 0
        self._lock = asyncio.Lock()

    @classmethod
    def for_venue(
        cls,
        venue: str,
        quirks: VenueQuirks,
        *,
        clock: Clock,
        on_weight_used: Callable[[int], None] | None = None,
    ) -> WeightedRateLimiter:
        """The limiter with the venue's windows, safety margin and default waits."""
        return cls(
            venue,
            quirks.windows,
            clock=clock,
            safety=quirks.safety,
            default_retry_after_s=quirks.default_retry_after_s,
            ban_retry_after_s=quirks.ban_retry_after_s,
            on_weight_used=on_weight_used,
        )

    def set_clock_offset_ms(self, offset_ms: int) -> None:
        """Venue time minus local time, so windows roll over when the venue's do."""
        self._offset_ms = offset_ms

    def used(self, name: str) -> int:
        """What lyrad counts as used in the current window `name`."""
        now = self._now_ms()
        for state in self._windows:
            if state.spec.name == name:
                self._roll(state, now)
                return state.used
        raise KeyError(name)

    @property
    def waiting(self) -> int:
        """Callers held back right now (queued or sleeping until their cost fits)."""
        return self._waiting

    def paused_for_s(self) -> float:
        return max(0, self._paused_until_ms - self._now_ms()) / 1000

    def try_acquire(self, weight: int, *, orders: int = 0) -> Ticket | None:
        """Charge the request now if it fits and nobody waits ahead of it; else None."""
        if self._waiting or self._wait_ms(self._now_ms(), weight, orders) > 0:
            return None
        return self._charge(weight, orders)

    async def acquire(self, weight: int, *, orders: int = 0) -> Ticket:
        """Wait until the request fits every window (and no pause is on), then charge it."""
        for state in self._windows:
            cost = self._cost(state, weight, orders)
            if cost > state.budget:
                raise ValueError(f"a cost of {cost} can never fit {state.spec.name}")
        self._waiting += 1
        try:
            async with self._lock:
                while (wait_ms := self._wait_ms(self._now_ms(), weight, orders)) > 0:
                    log.debug("rate_limit_wait", venue=self.venue, wait_s=wait_ms / 1000)
                    await self._clock.sleep(wait_ms / 1000)
                return self._charge(weight, orders)
        finally:
            self._waiting -= 1

    def _charge(self, weight: int, orders: int) -> Ticket:
        now = self._now_ms()
        ids = []
        for state in self._windows:
            self._roll(state, now)
            state.used += self._cost(state, weight, orders)
            ids.append(state.window_id)
        self._report()
        return Ticket(tuple(ids))

    def observe(
        self, ticket: Ticket, status: int | None, headers: Mapping[str, str]
    ) -> float | None:
        """Follow the venue's counts in an answer; returns the pause it asked for, if any."""
        # aiohttp's headers are case-insensitive already; anything else is lowered here.
        lowered = headers if isinstance(headers, CASE_INSENSITIVE) else _lowered(headers)
        now = self._now_ms()
        for state, window_id in zip(self._windows, ticket.window_ids, strict=True):
            self._roll(state, now)
            header = state.spec.header
            # A count from a window that has rolled over since the request left is stale.
            if header is None or window_id != state.window_id:
                continue
            reported = _parse_int(lowered.get(header.lower()))
            if reported is not None and reported > state.used:
                state.used = reported
        self._report()
        retry_after = _parse_seconds(lowered.get("retry-after"))
        if retry_after is None and status == TOO_MANY_REQUESTS:
            retry_after = self._default_retry_after_s
        if retry_after is None and status == BANNED:
            retry_after = self._ban_retry_after_s
        if retry_after is not None:
            self.pause(retry_after)
        return retry_after

    def pause(self, seconds: float) -> None:
        """No request leaves for `seconds` (never shortens a pause already on)."""
        until = self._now_ms() + math.ceil(seconds * 1000)
        if until > self._paused_until_ms:
            self._paused_until_ms = until
            log.warning("rate_limit_pause", venue=self.venue, seconds=seconds)

    def _now_ms(self) -> int:
        return self._clock.time_ms() + self._offset_ms

    @staticmethod
    def _cost(state: _WindowState, weight: int, orders: int) -> int:
        return weight if state.spec.counts == "weight" else orders

    def _wait_ms(self, now: int, weight: int, orders: int) -> int:
        wait = self._paused_until_ms - now
        for state in self._windows:
            self._roll(state, now)
            cost = self._cost(state, weight, orders)
            if cost and state.used + cost > state.budget:
                interval_ms = state.spec.interval_s * 1000
                wait = max(wait, (state.window_id + 1) * interval_ms - now)
        return wait

    @staticmethod
    def _roll(state: _WindowState, now: int) -> None:
        window_id = now // (state.spec.interval_s * 1000)
        if window_id != state.window_id:
            state.window_id = window_id
            state.used = 0

    def _report(self) -> None:
        if self._on_weight_used is None:
            return
        for state in self._windows:
            if state.spec.counts == "weight":
                self._on_weight_used(state.used)
                return


def _parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _parse_seconds(value: str | None) -> float | None:
    """Retry-After as delta seconds; an HTTP date (which Binance never sends) counts as absent."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _lowered(headers: Mapping[str, str]) -> Mapping[str, str]:
    return {key.lower(): value for key, value in headers.items()}
