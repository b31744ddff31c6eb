"""Stops owned by the daemon: fixed stop-loss, trailing, time exit, ATR stop, take-profit.

`StopManager` is the component; specs are in `specs`, trigger rules in `triggers`, the exit
path in `exits`, durable storage in `store`, the venue-native seam in `native`.
"""

from lyrad.trading.stops.config import StopsConfig
from lyrad.trading.stops.manager import StopClock, StopManager, UnknownStop
from lyrad.trading.stops.records import StopRecord, StopStatus, StopsUnreadable
from lyrad.trading.stops.specs import (
    AtrStop,
    DistanceUnit,
    FixedStop,
    PositionSide,
    StopSpec,
    TakeProfit,
    Target,
    TimeExit,
    TrailingStop,
)
from lyrad.trading.stops.store import LiveStore, StopStore

__all__ = [
    "AtrStop",
    "DistanceUnit",
    "FixedStop",
    "LiveStore",
    "PositionSide",
    "StopClock",
    "StopManager",
    "StopRecord",
    "StopSpec",
    "StopStatus",
    "StopStore",
    "StopsConfig",
    "StopsUnreadable",
    "TakeProfit",
    "Target",
    "TimeExit",
    "TrailingStop",
    "UnknownStop",
]
