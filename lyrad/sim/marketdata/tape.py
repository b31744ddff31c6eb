"""The trade tape seam: integer trades in id order and their associative summaries.

Prices are integer ticks and quantities integer quanta; Decimals are made only at the edge
(views.py), so summing a day of trades is integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Protocol


class RawTrade(NamedTuple):
    """One public trade in integer units (a tuple: cheap to make by the thousand)."""

    trade_id: int
    time_ms: int
    ticks: int
    units: int
    is_buyer_maker: bool


@dataclass(frozen=True, slots=True)
class Agg:
    """Summary of a run of consecutive trades; `merge` is associative."""

    first_id: int
    last_id: int
    open: int
    high: int
    low: int
    close: int
    volume: int  # quanta
    quote: int  # ticks × quanta
    taker_buy_volume: int
    taker_buy_quote: int
    last_units: int

    @property
    def count(self) -> int:
        """Number of trades (ids are consecutive)."""
        return self.last_id - self.first_id + 1

    def merge(self, later: Agg) -> Agg:
        """This run followed by `later`."""
        return Agg(
            first_id=self.first_id,
            last_id=later.last_id,
            open=self.open,
            high=max(self.high, later.high),
            low=min(self.low, later.low),
            close=later.close,
            volume=self.volume + later.volume,
            quote=self.quote + later.quote,
            taker_buy_volume=self.taker_buy_volume + later.taker_buy_volume,
            taker_buy_quote=self.taker_buy_quote + later.taker_buy_quote,
            last_units=later.last_units,
        )


def merge_all(parts: Iterable[Agg | None]) -> Agg | None:
    """Merge runs given in id order, skipping empty ones."""
    total: Agg | None = None
    for part in parts:
        if part is not None:
            total = part if total is None else total.merge(part)
    return total


def agg_of_trades(trades: Iterable[RawTrade]) -> Agg | None:
    """Summary of consecutive trades (None when there are none)."""
    return merge_all(_agg_of_trade(trade) for trade in trades)


def _agg_of_trade(trade: RawTrade) -> Agg:
    quote = trade.ticks * trade.units
    taker_buy = 0 if trade.is_buyer_maker else trade.units
    return Agg(
        first_id=trade.trade_id,
        last_id=trade.trade_id,
        open=trade.ticks,
        high=trade.ticks,
        low=trade.ticks,
        close=trade.ticks,
        volume=trade.units,
        quote=quote,
        taker_buy_volume=taker_buy,
        taker_buy_quote=trade.ticks * taker_buy,
        last_units=trade.units,
    )


class Tape(Protocol):
    """A symbol's public trades: ids start at 1, are consecutive and follow time order."""

    @property
    def tick(self) -> Decimal: ...

    @property
    def quantum(self) -> Decimal: ...

    def first_time_ms(self) -> int | None:
        """Time of trade 1, or None when the tape is empty."""
        ...

    def id_after(self, t_ms: int) -> int:
        """One past the id of the last trade at or before `t_ms` (1 when there is none)."""
        ...

    def raw_trades(self, lo: int, hi: int) -> list[RawTrade]:
        """Trades with ids in [lo, hi); `lo` >= 1."""
        ...

    def aggregate(self, lo: int, hi: int) -> Agg | None:
        """Summary of the trades with ids in [lo, hi); None when empty."""
        ...

    def price_ticks_at(self, t_ms: int) -> int:
        """Ticks of the last trade at or before `t_ms` (of the first trade before the tape)."""
        ...
