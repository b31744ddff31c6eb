"""Risk metrics: trading state, breakers, drawdown, daily PnL and the capital rollout."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from lyrad.trading.state import TradingState

TRADING_STATE_VALUES = {TradingState.ACTIVE: 0, TradingState.REDUCING: 1, TradingState.HALTED: 2}


class BreakerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.trading_state = Gauge(
            "lyrad_trading_state",
            "Trading state: 0 active, 1 reducing (only orders that reduce exposure), 2 halted",
            registry=registry,
        )
        self.breaker_state = Gauge(
            "lyrad_breaker_state",
            "Breaker state: 0 closed, 1 half-open, 2 open",
            ["breaker"],
            registry=registry,
        )
        self.breaker_trips = Counter(
            "lyrad_breaker_trips_total",
            "Times a breaker opened from closed",
            ["breaker"],
            registry=registry,
        )
        self.drawdown_ratio = Gauge(
            "lyrad_drawdown_ratio",
            "Equity below its peak, as a fraction of the peak (0 at a new peak)",
            registry=registry,
        )
        self.daily_pnl = Gauge(
            "lyrad_daily_pnl",
            "Equity change since the start of the UTC day",
            ["currency"],
            registry=registry,
        )


class RolloutMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.stage = Gauge(
            "lyrad_capital_stage",
            "Capital rollout stage, counted from 0",
            registry=registry,
        )
        self.cap = Gauge(
            "lyrad_capital_cap",
            "Gross exposure allowed at the current stage",
            ["currency"],
            registry=registry,
        )
        self.criterion_met = Gauge(
            "lyrad_capital_criterion_met",
            "1 when the criterion for advancing to the next stage holds, else 0",
            ["criterion"],
            registry=registry,
        )
