"""What a scenario is: markets and their paths, liquidity, faults, rate limits and promises."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from lyrad.sim.marketdata.path_spec import PathSpec

FaultKind = Literal["latency", "error", "drop", "lost_response"]
Metric = Literal["change", "trough", "peak", "max_drawdown", "volatility"]
FAULT_KINDS: tuple[FaultKind, ...] = ("latency", "error", "drop", "lost_response")
METRICS: tuple[Metric, ...] = ("change", "trough", "peak", "max_drawdown", "volatility")


def _in_window(start_s: float | None, end_s: float | None, elapsed_s: float) -> bool:
    return (start_s is None or elapsed_s >= start_s) and (end_s is None or elapsed_s < end_s)


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One fault the venue injects on matching requests, optionally only within a time window."""

    kind: FaultKind
    route: str = "*"  # fnmatch on "METHOD /path", e.g. "POST /api/v3/order", "* /api/v3/*", "*"
    rate: float = 1.0  # probability per matching request
    start_s: float | None = None  # window in sim seconds from the scenario start; None = open
    end_s: float | None = None
    latency_ms: int = 0  # kind=latency
    jitter_ms: int = 0  # kind=latency
    status: int = 503  # kind=error (HTTP status)
    code: int | None = None  # kind=error: Binance error code for the JSON body
    message: str | None = None  # kind=error: Binance error message for the JSON body

    def is_active_at(self, elapsed_s: float) -> bool:
        """True when `elapsed_s` seconds after the start falls in [start_s, end_s)."""
        return _in_window(self.start_s, self.end_s, elapsed_s)


@dataclass(frozen=True, slots=True)
class RateLimitSpec:
    """The venue's request limits, and the weight other clients on the same IP burn."""

    request_weight_per_minute: int = 6000
    orders_per_10s: int = 100
    orders_per_day: int = 200000
    background_weight_per_second: int = 0  # weight "other clients on the IP" burn: a storm
    ban_after_violations: int = 3  # requests sent after a 429 within its Retry-After → 418
    ban_seconds: int = 120


@dataclass(frozen=True, slots=True)
class LiquiditySpec:
    """The synthetic book around the reference price (the engine's LiquidityProfile fields)."""

    spread_bps: Decimal  # full spread, best bid to best ask, in basis points
    levels: int  # levels per side
    level_step_bps: Decimal  # distance between levels
    level_qty_quote: Decimal  # quote value at the best level
    depth_growth: Decimal = Decimal("1.2")  # each deeper level holds this much more


@dataclass(frozen=True, slots=True)
class LiquidityWindow:
    """A time window in which the book is wider and thinner."""

    start_s: float
    end_s: float
    spread_multiplier: Decimal
    depth_divisor: Decimal

    def is_active_at(self, elapsed_s: float) -> bool:
        """True when `elapsed_s` seconds after the start falls in [start_s, end_s)."""
        return _in_window(self.start_s, self.end_s, elapsed_s)


@dataclass(frozen=True, slots=True)
class SymbolMarket:
    """One traded symbol (Binance id), its price path and its filters' units."""

    symbol: str
    base: str
    quote: str
    path: PathSpec
    tick_size: Decimal
    step_size: Decimal
    min_notional: Decimal


@dataclass(frozen=True, slots=True)
class Expectation:
    """A checkable promise about a symbol's path over a window of the scenario.

    Metrics, as fractions relative to the price at `start_s`: `change` (at `end_s`), `trough`
    (lowest, e.g. -0.30), `peak` (highest), `max_drawdown` (largest fall from a running high,
    positive), `volatility` (standard deviation of one-minute log-returns scaled to one hour).
    """

    symbol: str  # a symbol of the scenario, or "*" for every symbol
    metric: Metric
    min: float | None = None
    max: float | None = None
    start_s: float = 0.0
    end_s: float | None = None  # None = the scenario's duration

    def holds_for(self, value: float) -> bool:
        """True when `value` lies within [min, max] (an absent bound does not constrain)."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole simulated market: what the venue serves and how it misbehaves."""

    name: str
    description: str
    duration_s: float
    symbols: tuple[SymbolMarket, ...]
    liquidity: LiquiditySpec
    liquidity_windows: tuple[LiquidityWindow, ...] = ()
    faults: tuple[FaultRule, ...] = ()
    rate_limit: RateLimitSpec = RateLimitSpec()
    clock_skew_ms: int = 0  # server clock ahead (+) or behind (-) of real time
    expectations: tuple[Expectation, ...] = ()
    history_s: float = 3600.0  # market data the venue already has at its start

    def liquidity_at(self, elapsed_s: float) -> LiquiditySpec:
        """The book shape at `elapsed_s`: spread × and depth ÷ every window active then."""
        spec = self.liquidity
        for window in self.liquidity_windows:
            if window.is_active_at(elapsed_s):
                spec = replace(
                    spec,
                    spread_bps=spec.spread_bps * window.spread_multiplier,
                    level_qty_quote=spec.level_qty_quote / window.depth_divisor,
                )
        return spec

    def market(self, symbol: str) -> SymbolMarket:
        """The market of `symbol` (KeyError if the scenario has none)."""
        for market in self.symbols:
            if market.symbol == symbol:
                return market
        raise KeyError(f"scenario {self.name!r} has no symbol {symbol!r}")
