"""Venue-health detectors: consecutive failures, error rate, p99 latency, stale data, drift."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from lyrad.config.types import format_duration
from lyrad.trading.risk.config import (
    ConsecutiveFailuresConfig,
    ErrorRateConfig,
    LatencyConfig,
    ReconcileDriftConfig,
    StaleDataConfig,
)

# A window never holds more than this many observations, whatever the request rate.
MAX_WINDOW_SAMPLES = 100_000


@dataclass(frozen=True, slots=True)
class RequestOutcome:
    """One request to a venue: whether it succeeded, and how long it took."""

    ok: bool
    latency_s: float


@dataclass(frozen=True, slots=True)
class DataAge:
    """How old the newest market data of one symbol is, measured now."""

    symbol: str
    age_s: float


@dataclass(frozen=True, slots=True)
class ReconcileOutcome:
    """One reconciliation pass: the drift it found, or None when journal and venue agree."""

    drift: str | None


class ConsecutiveFailures:
    def __init__(self) -> None:
        self._count = 0

    def add(
        self, sample: RequestOutcome, now: float, config: ConsecutiveFailuresConfig
    ) -> str | None:
        self._count = 0 if sample.ok else self._count + 1
        if self._count >= config.threshold:
            return f"failed requests in a row: {self._count} (threshold {config.threshold})"
        return None

    def judge(
        self, sample: RequestOutcome, now: float, config: ConsecutiveFailuresConfig
    ) -> str | None:
        return None if sample.ok else "a request failed"

    def reset(self) -> None:
        self._count = 0


class ErrorRate:
    def __init__(self) -> None:
        self._window: deque[tuple[float, bool]] = deque()
        self._failures = 0

    def add(self, sample: RequestOutcome, now: float, config: ErrorRateConfig) -> str | None:
        self._window.append((now, sample.ok))
        self._failures += not sample.ok
        cutoff = now - config.window.total_seconds()
        while self._window and (
            self._window[0][0] <= cutoff or len(self._window) > MAX_WINDOW_SAMPLES
        ):
            self._failures -= not self._window.popleft()[1]
        total = len(self._window)
        if total >= config.min_requests and self._failures * 100 > config.max_error_pct * total:
            return (
                f"{self._failures} of {total} requests failed in {format_duration(config.window)}"
                f" ({self._failures * 100 / total:.1f}% over max_error_pct {config.max_error_pct})"
            )
        return None

    def judge(self, sample: RequestOutcome, now: float, config: ErrorRateConfig) -> str | None:
        return None if sample.ok else "a request failed"

    def reset(self) -> None:
        self._window.clear()
        self._failures = 0


def _ceil_99_percent(count: int) -> int:
    return (99 * count + 99) // 100


class Latency:
    """p99 by nearest rank, kept in O(1) per sample: p99 > max exactly when enough samples are."""

    def __init__(self) -> None:
        self._window: deque[tuple[float, float]] = deque()
        self._slow = 0
        self._max_s = 0.0

    def add(self, sample: RequestOutcome, now: float, config: LatencyConfig) -> str | None:
        max_s = config.max_p99.total_seconds()
        if max_s != self._max_s:  # a reload moved the bound: recount against the new one
            self._max_s = max_s
            self._slow = sum(latency > max_s for _, latency in self._window)
        self._window.append((now, sample.latency_s))
        self._slow += sample.latency_s > max_s
        cutoff = now - config.window.total_seconds()
        while self._window and (
            self._window[0][0] <= cutoff or len(self._window) > MAX_WINDOW_SAMPLES
        ):
            self._slow -= self._window.popleft()[1] > max_s
        total = len(self._window)
        # The nearest-rank p99 is the ceil(0.99 n)-th smallest: above max when that many are not.
        if total >= config.min_samples and self._slow >= total - _ceil_99_percent(total) + 1:
            p99 = sorted(latency for _, latency in self._window)[_ceil_99_percent(total) - 1]
            return (
                f"p99 latency {p99:.3f}s over {total} requests is above max_p99 "
                f"{format_duration(config.max_p99)}"
            )
        return None

    def judge(self, sample: RequestOutcome, now: float, config: LatencyConfig) -> str | None:
        if sample.latency_s > config.max_p99.total_seconds():
            return f"a request took {sample.latency_s:.3f}s"
        return None

    def reset(self) -> None:
        self._window.clear()
        self._slow = 0


class StaleData:
    """Stale while the last age seen of any symbol is over the bound."""

    def __init__(self) -> None:
        self._ages: dict[str, float] = {}

    def add(self, sample: DataAge, now: float, config: StaleDataConfig) -> str | None:
        self._ages[sample.symbol] = sample.age_s
        max_age = config.max_age.total_seconds()
        symbol, age = max(self._ages.items(), key=lambda item: item[1])
        if age > max_age:
            bound = format_duration(config.max_age)
            return f"{symbol} market data is {age:.1f}s old (max_age {bound})"
        return None

    def judge(self, sample: DataAge, now: float, config: StaleDataConfig) -> str | None:
        return self.add(sample, now, config)

    def reset(self) -> None:
        pass  # the ages stay true: a symbol still stale keeps the breaker from closing


class ReconcileDrift:
    def __init__(self) -> None:
        self._count = 0

    def add(self, sample: ReconcileOutcome, now: float, config: ReconcileDriftConfig) -> str | None:
        if sample.drift is None:
            self._count = 0
            return None
        self._count += 1
        if self._count >= config.threshold:
            return f"reconciliation drift, {self._count} passes in a row: {sample.drift}"
        return None

    def judge(
        self, sample: ReconcileOutcome, now: float, config: ReconcileDriftConfig
    ) -> str | None:
        return None if sample.drift is None else f"reconciliation drift: {sample.drift}"

    def reset(self) -> None:
        self._count = 0
