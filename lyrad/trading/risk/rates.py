"""How fast orders go out: per second (sliding) and per UTC day (reset at midnight)."""

from __future__ import annotations

from collections import deque

from lyrad.trading.risk.view import RiskClock

_DAY_MS = 86_400_000
_WINDOW_S = 1.0


def utc_day(time_ms: int) -> int:
    """Days since the Unix epoch, in UTC: the day changes at UTC midnight."""
    return time_ms // _DAY_MS


class OrderRateTracker:
    """Counts the orders sent; the executor records each one as it approves it, before any await."""

    def __init__(self, clock: RiskClock) -> None:
        self._clock = clock
        self._recent: deque[float] = deque()
        self._day = utc_day(clock.time_ms())
        self._today = 0

    def seed(self, sent_today: int) -> None:
        """At start: the orders already sent since UTC midnight (from the journal)."""
        self._roll_day()
        self._today = max(self._today, sent_today)

    def record(self) -> None:
        self._roll_day()
        self._recent.append(self._clock.monotonic())
        self._today += 1

    def orders_last_second(self) -> int:
        cutoff = self._clock.monotonic() - _WINDOW_S
        while self._recent and self._recent[0] <= cutoff:
            self._recent.popleft()
        return len(self._recent)

    def orders_today(self) -> int:
        self._roll_day()
        return self._today

    def _roll_day(self) -> None:
        day = utc_day(self._clock.time_ms())
        if day > self._day:  # a wall clock stepped back never re-opens a finished day
            self._day = day
            self._today = 0
