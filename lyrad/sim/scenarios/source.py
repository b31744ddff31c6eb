"""Turning a scenario into the market-data source the venue reads."""

from __future__ import annotations

from lyrad.sim.marketdata.synthetic import SyntheticMarket, SyntheticSource
from lyrad.sim.scenarios.model import Scenario


def build_source(
    scenario: Scenario, seed: int, *, start_ms: int | None = None, cache_chunks: int = 64
) -> SyntheticSource:
    """The scenario's seeded synthetic source; pass `start_ms` = the venue's start (sim time).

    Without `start_ms` the first query fixes the scenario start, which is right when the venue
    asks for the price at its first tick before anything else.
    """
    markets = [
        SyntheticMarket(market.symbol, market.path, market.tick_size, market.step_size)
        for market in scenario.symbols
    ]
    return SyntheticSource(
        markets,
        seed,
        start_ms=start_ms,
        history_s=scenario.history_s,
        cache_chunks=cache_chunks,
    )
