"""Checking a scenario's promises against the prices a source actually produces."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from lyrad.sim.marketdata.types import MarketDataSource
from lyrad.sim.scenarios.model import Expectation, Metric, Scenario

_VOLATILITY_SAMPLE_MS = 60_000
_SAMPLES_PER_HOUR = 60


@dataclass(frozen=True, slots=True)
class ExpectationOutcome:
    """The measured value of one expectation for one symbol, and whether it holds."""

    expectation: Expectation
    symbol: str
    value: float
    holds: bool


def check_expectations(
    scenario: Scenario, source: MarketDataSource, start_ms: int
) -> list[ExpectationOutcome]:
    """Measure every expectation (per symbol for "*") on `source`; the scenario starts then."""
    outcomes: list[ExpectationOutcome] = []
    for expectation in scenario.expectations:
        symbols = (
            [market.symbol for market in scenario.symbols]
            if expectation.symbol == "*"
            else [expectation.symbol]
        )
        for symbol in symbols:
            step_ms = scenario.market(symbol).path.step_ms
            end_s = scenario.duration_s if expectation.end_s is None else expectation.end_s
            begin = start_ms + round(expectation.start_s * 1000)
            end = start_ms + round(end_s * 1000)
            value = measure(expectation.metric, source, symbol, begin, end, step_ms)
            outcomes.append(
                ExpectationOutcome(expectation, symbol, value, expectation.holds_for(value))
            )
    return outcomes


def measure(
    metric: Metric, source: MarketDataSource, symbol: str, begin_ms: int, end_ms: int, step_ms: int
) -> float:
    """The value of `metric` over [begin_ms, end_ms], sampling the price every `step_ms`."""
    if metric == "volatility":
        samples = _sample(source, symbol, begin_ms, end_ms, _VOLATILITY_SAMPLE_MS)
        returns = [math.log(b / a) for a, b in pairwise(samples)]
        if len(returns) < 2:
            return 0.0
        return statistics.stdev(returns) * math.sqrt(_SAMPLES_PER_HOUR)
    prices = _sample(source, symbol, begin_ms, end_ms, step_ms)
    reference = prices[0]
    if metric == "change":
        return prices[-1] / reference - 1.0
    if metric == "trough":
        return min(prices) / reference - 1.0
    if metric == "peak":
        return max(prices) / reference - 1.0
    return _max_drawdown(prices)


def _max_drawdown(prices: Sequence[float]) -> float:
    high = prices[0]
    worst = 0.0
    for price in prices:
        high = max(high, price)
        worst = max(worst, 1.0 - price / high)
    return worst


def _sample(
    source: MarketDataSource, symbol: str, begin_ms: int, end_ms: int, every_ms: int
) -> list[float]:
    times = list(range(begin_ms, end_ms, every_ms))
    times.append(end_ms)
    return [float(source.price_at(symbol, t)) for t in times]
