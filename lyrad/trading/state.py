"""The trading state every order passes: ACTIVE, REDUCING or HALTED, with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import structlog

log = structlog.get_logger("lyrad.trading", component="trading")


class TradingState(StrEnum):
    ACTIVE = "active"
    REDUCING = "reducing"  # only orders that reduce exposure
    HALTED = "halted"  # no new orders; cancels allowed


@dataclass(frozen=True, slots=True)
class TradingStatus:
    state: TradingState
    reason: str


class TradingStateHolder:
    """The one place the trading state lives; every change is logged with its reason."""

    def __init__(self, initial: TradingState = TradingState.ACTIVE, reason: str = "start") -> None:
        self._status = TradingStatus(initial, reason)

    @property
    def status(self) -> TradingStatus:
        return self._status

    @property
    def state(self) -> TradingState:
        return self._status.state

    def set(self, state: TradingState, reason: str) -> None:
        if state is self._status.state:
            return
        log.warning("trading_state_changed", old=self._status.state, new=state, reason=reason)
        self._status = TradingStatus(state, reason)
