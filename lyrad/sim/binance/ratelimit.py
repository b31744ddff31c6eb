"""Binance's rate limits: weight per minute, orders per 10 s and per day, 429 then a 418 ban.

Windows are fixed and aligned like Binance's (the minute resets on the minute). All callers
share one bucket (every client is on loopback, one IP). `background_weight_per_second` is the
weight other clients on the same IP burn, which is how a rate-limit storm is simulated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from lyrad.sim.binance import errors
from lyrad.sim.binance.errors import BinanceError

MINUTE_MS = 60_000
TEN_SECONDS_MS = 10_000
DAY_MS = 86_400_000


class RateLimitRules(Protocol):
    """The fields of the scenario's RateLimitSpec this limiter reads."""

    @property
    def request_weight_per_minute(self) -> int: ...
    @property
    def orders_per_10s(self) -> int: ...
    @property
    def orders_per_day(self) -> int: ...
    @property
    def background_weight_per_second(self) -> int: ...
    @property
    def ban_after_violations(self) -> int: ...
    @property
    def ban_seconds(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Usage:
    """What the response headers report after an admitted request."""

    used_weight: int
    orders_10s: int | None = None
    orders_1d: int | None = None


def _seconds_until(now_ms: int, then_ms: int) -> str:
    return str(max(1, math.ceil((then_ms - now_ms) / 1000)))


class RateLimiter:
    """Admits or refuses one request by its weight; refusals are Binance's 429/418 answers."""

    def __init__(self, rules: RateLimitRules, now_ms: Callable[[], int]) -> None:
        self._rules = rules
        self._now_ms = now_ms
        self._minute = -1
        self._weight = 0
        self._ten_seconds = -1
        self._orders_10s = 0
        self._day = -1
        self._orders_1d = 0
        self._retry_until_ms = 0
        self._violations = 0
        self._banned_until_ms = 0

    @property
    def rules(self) -> RateLimitRules:
        return self._rules

    def used_weight(self) -> int:
        now = self._now_ms()
        self._roll(now)
        return self._weight + self._background(now)

    def admit(self, weight: int, *, is_order: bool = False) -> Usage:
        now = self._now_ms()
        self._roll(now)
        self._refuse_if_backing_off(now)
        used = self._weight + self._background(now)
        limit = self._rules.request_weight_per_minute
        if used + weight > limit:
            self._retry_until_ms = (now // MINUTE_MS + 1) * MINUTE_MS
            self._violations = 0
            raise self._with_headers(
                errors.too_much_weight(limit),
                {"Retry-After": _seconds_until(now, self._retry_until_ms)},
                used,
            )
        self._weight += weight
        used += weight
        if not is_order:
            return Usage(used)
        self._count_order(used)
        return Usage(used, self._orders_10s, self._orders_1d)

    def _count_order(self, used: int) -> None:
        if self._orders_10s >= self._rules.orders_per_10s:
            raise self._with_headers(
                errors.too_many_orders(self._rules.orders_per_10s, "10 SECOND"), {}, used
            )
        if self._orders_1d >= self._rules.orders_per_day:
            raise self._with_headers(
                errors.too_many_orders(self._rules.orders_per_day, "DAY"), {}, used
            )
        self._orders_10s += 1
        self._orders_1d += 1

    def _refuse_if_backing_off(self, now: int) -> None:
        if now < self._banned_until_ms:
            raise self._with_headers(
                errors.ip_banned(self._banned_until_ms),
                {"Retry-After": _seconds_until(now, self._banned_until_ms)},
                None,
            )
        if now >= self._retry_until_ms:
            return
        self._violations += 1
        if self._violations >= self._rules.ban_after_violations:
            self._banned_until_ms = now + self._rules.ban_seconds * 1000
            self._retry_until_ms = 0
            self._violations = 0
            raise self._with_headers(
                errors.ip_banned(self._banned_until_ms),
                {"Retry-After": _seconds_until(now, self._banned_until_ms)},
                None,
            )
        raise self._with_headers(
            errors.too_much_weight(self._rules.request_weight_per_minute),
            {"Retry-After": _seconds_until(now, self._retry_until_ms)},
            self._weight + self._background(now),
        )

    def _with_headers(
        self, error: BinanceError, headers: dict[str, str], used: int | None
    ) -> BinanceError:
        if used is not None:
            headers["X-MBX-USED-WEIGHT"] = str(used)
            headers["X-MBX-USED-WEIGHT-1M"] = str(used)
        error.headers.update(headers)
        return error

    def _background(self, now: int) -> int:
        per_second = self._rules.background_weight_per_second
        return per_second * (now % MINUTE_MS) // 1000 if per_second else 0

    def _roll(self, now: int) -> None:
        minute = now // MINUTE_MS
        if minute != self._minute:
            self._minute = minute
            self._weight = 0
        ten_seconds = now // TEN_SECONDS_MS
        if ten_seconds != self._ten_seconds:
            self._ten_seconds = ten_seconds
            self._orders_10s = 0
        day = now // DAY_MS
        if day != self._day:
            self._day = day
            self._orders_1d = 0
