"""The risk report: every statistic of an equity history, with the loss limits and headroom."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from lyrad.analytics.backtest import KupiecResult, backtest_historical_var
from lyrad.analytics.drawdown import Drawdown, current_drawdown, max_drawdown
from lyrad.analytics.montecarlo import LimitKind, LossLimit, MonteCarloResult, simulate_drawdowns
from lyrad.analytics.performance import profit_factor, sharpe_ratio, sortino_ratio, win_rate
from lyrad.analytics.returns import Money, simple_returns
from lyrad.analytics.var import VarEstimate, estimate_var

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None

_DRAWDOWN_QUANTILES = (0.5, 0.9, 0.95, 0.99)
_FINAL_RETURN_QUANTILES = (0.01, 0.05, 0.5, 0.95)


@dataclass(frozen=True, slots=True)
class RiskReportParams:
    """How to compute the report; the daemon fills it from its risk config section."""

    periods_per_year: float = 365.0
    confidences: tuple[float, ...] = (0.95, 0.99)
    risk_free_rate: float = 0.0
    limits: tuple[LossLimit, ...] = ()
    paths: int = 10_000
    horizon: int | None = None  # simulated periods per path; default: as many as observed
    block_length: int = 1
    seed: int = 0
    backtest_window: int = 250
    significance: float = 0.05


@dataclass(frozen=True, slots=True)
class LimitStatus:
    """Where one loss limit stands now, and how likely the simulation says it is to be hit."""

    limit: LossLimit
    current: float  # the loss the limit measures, now, as a fraction of equity
    breach_probability: float | None

    @property
    def utilization(self) -> float:
        return self.current / self.limit.threshold

    @property
    def headroom(self) -> float:
        return self.limit.threshold - self.current

    @property
    def is_breached(self) -> bool:
        return self.current >= self.limit.threshold


@dataclass(frozen=True, slots=True)
class RiskReport:
    observations: int  # returns, i.e. equity samples minus one
    params: RiskReportParams
    tail: tuple[VarEstimate, ...]
    sharpe: float | None
    sortino: float | None
    max_drawdown: Drawdown
    current_drawdown: float
    trades: int
    win_rate: float | None
    profit_factor: float | None
    monte_carlo: MonteCarloResult | None  # None below two returns
    backtests: tuple[KupiecResult, ...]  # one per confidence, empty until history > window
    limits: tuple[LimitStatus, ...]

    def to_dict(self) -> dict[str, JsonValue]:
        """Plain JSON types only: non-finite or undefined numbers become None."""
        window = self.params.backtest_window
        return {
            "observations": self.observations,
            "periods_per_year": _number(self.params.periods_per_year),
            "tail": [_tail_dict(estimate) for estimate in self.tail],
            "sharpe": _number(self.sharpe),
            "sortino": _number(self.sortino),
            "max_drawdown": _drawdown_dict(self.max_drawdown),
            "current_drawdown": _number(self.current_drawdown),
            "trades": self.trades,
            "win_rate": _number(self.win_rate),
            "profit_factor": _number(self.profit_factor),
            "monte_carlo": None if self.monte_carlo is None else _simulation_dict(self.monte_carlo),
            "backtests": [_backtest_dict(test, window) for test in self.backtests],
            "limits": [_limit_dict(status) for status in self.limits],
        }


def build_risk_report(
    equity: Sequence[Money],
    trade_pnls: Sequence[Money] = (),
    params: RiskReportParams | None = None,
) -> RiskReport:
    """Compute the whole report from equity samples (oldest first) and closed-trade PnLs."""
    params = RiskReportParams() if params is None else params
    returns = simple_returns(equity)
    simulation = None
    if len(returns) >= 2:
        simulation = simulate_drawdowns(
            returns,
            limits=params.limits,
            paths=params.paths,
            horizon=params.horizon,
            block_length=params.block_length,
            seed=params.seed,
        )
    return RiskReport(
        observations=len(returns),
        params=params,
        tail=tuple(estimate_var(returns, confidence) for confidence in params.confidences),
        sharpe=sharpe_ratio(returns, params.periods_per_year, params.risk_free_rate),
        sortino=sortino_ratio(returns, params.periods_per_year, params.risk_free_rate),
        max_drawdown=max_drawdown(equity),
        current_drawdown=current_drawdown(equity),
        trades=len(trade_pnls),
        win_rate=win_rate(trade_pnls),
        profit_factor=profit_factor(trade_pnls),
        monte_carlo=simulation,
        backtests=_backtests(returns, params),
        limits=tuple(_limit_status(limit, equity, returns, simulation) for limit in params.limits),
    )


def _backtests(returns: Sequence[float], params: RiskReportParams) -> tuple[KupiecResult, ...]:
    results = (
        backtest_historical_var(returns, params.backtest_window, confidence, params.significance)
        for confidence in params.confidences
    )
    return tuple(result for result in results if result is not None)


def _limit_status(
    limit: LossLimit,
    equity: Sequence[Money],
    returns: Sequence[float],
    simulation: MonteCarloResult | None,
) -> LimitStatus:
    if limit.kind is LimitKind.DRAWDOWN:
        current = current_drawdown(equity)
    elif limit.kind is LimitKind.LOSS_FROM_START:
        current = max(0.0, 1.0 - float(equity[-1]) / float(equity[0])) if equity else 0.0
    else:
        current = max(0.0, -returns[-1]) if returns else 0.0
    probability = None if simulation is None else simulation.breach_probability(limit.name)
    return LimitStatus(limit, current, probability)


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _tail_dict(estimate: VarEstimate) -> dict[str, JsonValue]:
    return {
        "confidence": estimate.confidence,
        "historical_var": _number(estimate.historical_var),
        "historical_es": _number(estimate.historical_es),
        "parametric_var": _number(estimate.parametric_var),
        "parametric_es": _number(estimate.parametric_es),
    }


def _drawdown_dict(drawdown: Drawdown) -> dict[str, JsonValue]:
    return {
        "depth": _number(drawdown.depth),
        "peak_index": drawdown.peak_index,
        "trough_index": drawdown.trough_index,
        "recovery_index": drawdown.recovery_index,
    }


def _simulation_dict(result: MonteCarloResult) -> dict[str, JsonValue]:
    drawdowns: dict[str, JsonValue] = {
        f"p{round(q * 100)}": _number(result.drawdown_quantile(q)) for q in _DRAWDOWN_QUANTILES
    }
    drawdowns["mean"] = _number(math.fsum(result.max_drawdowns) / result.paths)
    drawdowns["max"] = _number(result.max_drawdowns[-1])
    finals: dict[str, JsonValue] = {
        f"p{round(q * 100):02d}": _number(result.final_return_quantile(q))
        for q in _FINAL_RETURN_QUANTILES
    }
    return {
        "paths": result.paths,
        "horizon": result.horizon,
        "block_length": result.block_length,
        "seed": result.seed,
        "max_drawdown": drawdowns,
        "final_return": finals,
        "breaches": {b.limit.name: _number(b.probability) for b in result.breaches},
    }


def _backtest_dict(test: KupiecResult, window: int) -> dict[str, JsonValue]:
    return {
        "confidence": test.confidence,
        "window": window,
        "observations": test.observations,
        "exceptions": test.exceptions,
        "expected_exceptions": _number(test.expected_exceptions),
        "statistic": _number(test.statistic),
        "p_value": _number(test.p_value),
        "significance": test.significance,
        "rejected": test.is_rejected,
    }


def _limit_dict(status: LimitStatus) -> dict[str, JsonValue]:
    return {
        "name": status.limit.name,
        "kind": str(status.limit.kind),
        "threshold": status.limit.threshold,
        "current": _number(status.current),
        "utilization": _number(status.utilization),
        "headroom": _number(status.headroom),
        "breached": status.is_breached,
        "breach_probability": _number(status.breach_probability),
    }
