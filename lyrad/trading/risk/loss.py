"""Loss breakers: daily loss (reset at UTC midnight), drawdown from peak, consecutive losses.

The ledger (the day's starting equity, the peak, the losing streak) is kept whether or not a
breaker is configured, so a breaker switched on by a reload judges the true history. A loss
breaker that trips stays open (latched): the daily loss until UTC midnight, the drawdown and
the losing streak until an operator resumes, which re-bases them. A reload never re-closes one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lyrad.trading.risk.circuit import BreakerChange, BreakerPhase, BreakerStatus, ChangeHandler
from lyrad.trading.risk.config import BreakersConfig, LossBreakerConfig
from lyrad.trading.risk.rates import utc_day
from lyrad.trading.state import TradingState

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
DAILY_LOSS = "daily_loss"
DRAWDOWN = "drawdown"
CONSECUTIVE_LOSSES = "consecutive_losses"
LOSS_BREAKERS = (DAILY_LOSS, DRAWDOWN, CONSECUTIVE_LOSSES)


@dataclass(slots=True)
class LossLedger:
    """Equity and trade history as far as the loss breakers need it, in one currency."""

    currency: str
    day: int | None = None  # the UTC day `day_start` belongs to
    day_start: Decimal | None = None  # equity at the start of that day
    last: Decimal | None = None
    peak: Decimal | None = None
    losing_streak: int = 0

    @property
    def daily_pnl(self) -> Decimal | None:
        if self.day_start is None or self.last is None:
            return None
        return self.last - self.day_start

    @property
    def drawdown(self) -> Decimal:
        """From the highest equity seen, as a fraction of it; 0 before any positive peak."""
        if self.peak is None or self.last is None or self.peak <= _ZERO:
            return _ZERO
        return max(_ZERO, 1 - self.last / self.peak)

    def roll_day(self, time_ms: int) -> bool:
        """A new UTC day starts from the last equity seen; True when the day changed."""
        day = utc_day(time_ms)
        if self.day is not None and day <= self.day:
            return False
        self.day = day
        self.day_start = self.last
        return True

    def observe_equity(self, equity: Decimal) -> None:
        self.last = equity
        if self.day_start is None:
            self.day_start = equity
        if self.peak is None or equity > self.peak:
            self.peak = equity

    def observe_trade(self, pnl: Decimal) -> None:
        self.losing_streak = self.losing_streak + 1 if pnl < _ZERO else 0


def daily_loss_breach(ledger: LossLedger, config: BreakersConfig) -> str | None:
    limits = config.daily_loss
    pnl = ledger.daily_pnl
    if limits is None or pnl is None or pnl >= _ZERO:
        return None
    loss = -pnl
    if limits.max_loss is not None and loss >= limits.max_loss:
        return f"lost {loss} {ledger.currency} today (max_loss {limits.max_loss})"
    start = ledger.day_start
    if limits.max_loss_pct is not None and start is not None and start > _ZERO:
        pct = loss / start * _HUNDRED
        if pct >= limits.max_loss_pct:
            return (
                f"lost {pct:.2f}% of the day's starting equity {start} {ledger.currency} "
                f"(max_loss_pct {limits.max_loss_pct})"
            )
    return None


def drawdown_breach(ledger: LossLedger, config: BreakersConfig) -> str | None:
    limits = config.drawdown
    if limits is None:
        return None
    pct = ledger.drawdown * _HUNDRED
    if pct >= limits.max_drawdown_pct:
        return (
            f"equity {ledger.last} is {pct:.2f}% below its peak {ledger.peak} "
            f"(max_drawdown_pct {limits.max_drawdown_pct})"
        )
    return None


def streak_breach(ledger: LossLedger, config: BreakersConfig) -> str | None:
    limits = config.consecutive_losses
    if limits is None or ledger.losing_streak < limits.max_losses:
        return None
    return f"{ledger.losing_streak} losing trades in a row (max_losses {limits.max_losses})"


_BREACHES = {
    DAILY_LOSS: daily_loss_breach,
    DRAWDOWN: drawdown_breach,
    CONSECUTIVE_LOSSES: streak_breach,
}


class LossBreakers:
    """The ledger and the three latched breakers over it."""

    def __init__(self, config: BreakersConfig, on_change: ChangeHandler) -> None:
        self._config = config
        self._on_change = on_change
        self.ledger = LossLedger(config.currency)
        self._tripped: dict[str, str] = {}  # breaker name -> why it tripped
        self._demands: dict[str, TradingState] = {}  # ... and what it demanded then

    def statuses(self) -> list[BreakerStatus]:
        return [self._status(name) for name in LOSS_BREAKERS if self._configured(name)]

    def observe_equity(self, equity: Decimal, time_ms: int) -> None:
        self.roll_day(time_ms)
        self.ledger.observe_equity(equity)
        self._evaluate()

    def observe_trade(self, pnl: Decimal) -> None:
        self.ledger.observe_trade(pnl)
        self._evaluate()

    def roll_day(self, time_ms: int) -> None:
        if self.ledger.roll_day(time_ms):
            self._clear(DAILY_LOSS)
            self._evaluate()

    def rearm(self) -> None:
        """An operator resumed: re-base the peak and the streak; today's loss still counts."""
        if DRAWDOWN in self._tripped:
            self.ledger.peak = self.ledger.last
        if CONSECUTIVE_LOSSES in self._tripped:
            self.ledger.losing_streak = 0
        for name in LOSS_BREAKERS:
            self._clear(name)
        self._evaluate()

    def update_config(self, config: BreakersConfig) -> None:
        """Limits change; the history stays (unless its currency does). Trips stay latched."""
        if config.currency != self.ledger.currency:
            self.ledger = LossLedger(config.currency)
        before = {name: self._status(name) for name in LOSS_BREAKERS}
        self._config = config
        for name in LOSS_BREAKERS:
            after = self._status(name)
            if after != before[name]:
                self._on_change(BreakerChange(before[name], after))
        self._evaluate()

    def _evaluate(self) -> None:
        for name, breach in _BREACHES.items():
            if name in self._tripped:
                continue
            reason = breach(self.ledger, self._config)
            if reason is not None:
                old = self._status(name)
                self._tripped[name] = reason
                self._demands[name] = demand_of(self._section(name))
                self._on_change(BreakerChange(old, self._status(name)))

    def _clear(self, name: str) -> None:
        if name in self._tripped:
            old = self._status(name)
            del self._tripped[name]
            self._demands.pop(name, None)
            self._on_change(BreakerChange(old, self._status(name)))

    def _configured(self, name: str) -> bool:
        return self._section(name) is not None or name in self._tripped

    def _section(self, name: str) -> LossBreakerConfig | None:
        section: LossBreakerConfig | None = getattr(self._config, name)
        return section

    def _status(self, name: str) -> BreakerStatus:
        reason = self._tripped.get(name)
        if reason is None:
            return BreakerStatus(name, BreakerPhase.CLOSED, TradingState.ACTIVE, "")
        section = self._section(name)
        # A latched trip whose section a reload removed keeps demanding what it did.
        demand = self._demands.get(name, TradingState.HALTED) if section is None else section.demand
        return BreakerStatus(name, BreakerPhase.OPEN, demand, reason)

    # --- persistence: the history and the trips outlive a restart ---------------------------

    def snapshot(self) -> str:
        ledger = self.ledger
        return json.dumps(
            {
                "currency": ledger.currency,
                "day": ledger.day,
                "day_start": _text(ledger.day_start),
                "last": _text(ledger.last),
                "peak": _text(ledger.peak),
                "losing_streak": ledger.losing_streak,
                "tripped": self._tripped,
                "demands": {name: state.value for name, state in self._demands.items()},
            },
            sort_keys=True,
        )

    def restore(self, text: str) -> None:
        """Raises ValueError on a snapshot that cannot be read."""
        try:
            data: dict[str, Any] = json.loads(text)
            ledger = LossLedger(
                currency=str(data["currency"]),
                day=None if data["day"] is None else int(data["day"]),
                day_start=_decimal(data["day_start"]),
                last=_decimal(data["last"]),
                peak=_decimal(data["peak"]),
                losing_streak=int(data["losing_streak"]),
            )
            tripped = {str(k): str(v) for k, v in dict(data["tripped"]).items()}
            demands = {str(k): TradingState(v) for k, v in dict(data.get("demands", {})).items()}
        except (ValueError, KeyError, TypeError, ArithmeticError) as e:
            raise ValueError(f"unreadable loss breaker state: {e}") from e
        if not set(tripped) <= set(LOSS_BREAKERS):
            raise ValueError(f"unknown loss breakers in the saved state: {sorted(tripped)}")
        before = {name: self._status(name) for name in LOSS_BREAKERS}
        if ledger.currency == self._config.currency:
            self.ledger = ledger
        self._tripped = tripped
        self._demands = demands
        for name in LOSS_BREAKERS:
            if self._status(name) != before[name]:
                self._on_change(BreakerChange(before[name], self._status(name)))
        self._evaluate()


def demand_of(section: LossBreakerConfig | None) -> TradingState:
    return TradingState.HALTED if section is None else section.demand


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number
