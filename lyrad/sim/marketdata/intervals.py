"""Binance kline intervals and their alignment in UTC epoch milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR

# Fixed-length intervals open on multiples of their length since the epoch, except the week:
# Binance weeks open on Monday 00:00 UTC and the epoch was a Thursday, four days later.
FIXED_INTERVAL_MS: dict[str, int] = {
    "1s": _SECOND,
    "1m": _MINUTE,
    "3m": 3 * _MINUTE,
    "5m": 5 * _MINUTE,
    "15m": 15 * _MINUTE,
    "30m": 30 * _MINUTE,
    "1h": _HOUR,
    "2h": 2 * _HOUR,
    "4h": 4 * _HOUR,
    "6h": 6 * _HOUR,
    "8h": 8 * _HOUR,
    "12h": 12 * _HOUR,
    "1d": _DAY,
    "3d": 3 * _DAY,
    "1w": 7 * _DAY,
}
_ALIGN_OFFSET_MS: dict[str, int] = {"1w": 4 * _DAY}
MONTH = "1M"
INTERVALS: tuple[str, ...] = (*FIXED_INTERVAL_MS, MONTH)


def check_interval(interval: str) -> None:
    """Raise ValueError unless `interval` is a Binance kline interval."""
    if interval not in FIXED_INTERVAL_MS and interval != MONTH:
        raise ValueError(f"unknown kline interval {interval!r}; expected one of {INTERVALS}")


def open_time(interval: str, t_ms: int) -> int:
    """Open time of the candle of `interval` that contains `t_ms`."""
    if interval == MONTH:
        moment = datetime.fromtimestamp(t_ms // 1000, tz=UTC)
        return _month_start_ms(moment.year, moment.month)
    length = FIXED_INTERVAL_MS[interval]
    offset = _ALIGN_OFFSET_MS.get(interval, 0)
    return t_ms - (t_ms - offset) % length


def next_open(interval: str, open_ms: int) -> int:
    """Open time of the candle after the one opening at `open_ms`."""
    if interval == MONTH:
        moment = datetime.fromtimestamp(open_ms // 1000, tz=UTC)
        year, month = (
            (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        )
        return _month_start_ms(year, month)
    return open_ms + FIXED_INTERVAL_MS[interval]


def previous_open(interval: str, open_ms: int) -> int:
    """Open time of the candle before the one opening at `open_ms`."""
    return open_time(interval, open_ms - 1)


def _month_start_ms(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp()) * 1000
