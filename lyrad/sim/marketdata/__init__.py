"""Market data for the simulated venue: synthetic seeded paths or CSV replay, in sim time."""

from lyrad.sim.marketdata.intervals import INTERVALS
from lyrad.sim.marketdata.path_spec import PathSpec, Regime, Shock, ShockShape
from lyrad.sim.marketdata.replay import CsvReplaySource, ReplayFile
from lyrad.sim.marketdata.replay_csv import ReplayError
from lyrad.sim.marketdata.synthetic import SyntheticMarket, SyntheticSource
from lyrad.sim.marketdata.types import Kline, MarketDataSource, PublicTrade, Ticker24h

__all__ = [
    "INTERVALS",
    "CsvReplaySource",
    "Kline",
    "MarketDataSource",
    "PathSpec",
    "PublicTrade",
    "Regime",
    "ReplayError",
    "ReplayFile",
    "Shock",
    "ShockShape",
    "SyntheticMarket",
    "SyntheticSource",
    "Ticker24h",
]
