"""Positions and balances as journaled, marked to the latest prices: PnL and equity."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from lyrad.domain.values import ZERO, Balance, Position
from lyrad.journal.protocol import OrderJournal
from lyrad.trading.metrics import TradingMetrics


class Portfolio:
    """An in-memory view refreshed from the journal; synchronous reads for strategies and risk."""

    def __init__(
        self, journal: OrderJournal, venues: tuple[str, ...], metrics: TradingMetrics
    ) -> None:
        self._journal = journal
        self._venues = venues
        self._metrics = metrics
        self._positions: dict[tuple[str, str], Position] = {}
        self._balances: dict[str, dict[str, Balance]] = {}
        self._marks: dict[tuple[str, str], Decimal] = {}
        self._marked_ms: dict[tuple[str, str], int] = {}

    async def refresh(self) -> None:
        positions = await self._journal.positions()
        self._positions = {(p.venue, p.symbol): p for p in positions}
        for venue in self._venues:
            self._balances[venue] = await self._journal.balances(venue)
        self._publish()

    def position(self, venue: str, symbol: str) -> Position:
        return self._positions.get((venue, symbol)) or Position(venue, symbol)

    def positions(self) -> list[Position]:
        return list(self._positions.values())

    def balance(self, venue: str, asset: str) -> Balance | None:
        return self._balances.get(venue, {}).get(asset)

    def balances(self, venue: str) -> Mapping[str, Balance]:
        return dict(self._balances.get(venue, {}))

    def mark(self, venue: str, symbol: str, price: Decimal, at_ms: int) -> None:
        self._marks[(venue, symbol)] = price
        self._marked_ms[(venue, symbol)] = at_ms

    def mark_ages(self, venue: str, now_ms: int) -> dict[str, int]:
        """Milliseconds since each of the venue's symbols was last marked."""
        return {s: now_ms - t for (v, s), t in self._marked_ms.items() if v == venue}

    def mark_price(self, venue: str, symbol: str) -> Decimal | None:
        return self._marks.get((venue, symbol))

    def unrealized_pnl(self, venue: str, symbol: str) -> Decimal:
        price = self._marks.get((venue, symbol))
        return ZERO if price is None else self.position(venue, symbol).unrealized_pnl(price)

    def equity(self, venue: str, quote: str) -> Decimal:
        """Balances valued in `quote` at the latest marks; assets without a mark are left out."""
        total = ZERO
        for balance in self._balances.get(venue, {}).values():
            if balance.asset == quote:
                total += balance.total
            elif (price := self._marks.get((venue, f"{balance.asset}/{quote}"))) is not None:
                total += balance.total * price
        return total

    def quote_currencies(self, venue: str) -> set[str]:
        return {s.split("/")[1] for (v, s) in self._marks if v == venue and "/" in s}

    def _publish(self) -> None:
        for (venue, symbol), position in self._positions.items():
            price = self._marks.get((venue, symbol))
            if price is not None:
                notional = position.notional(price)
                self._metrics.position_notional.labels(venue, symbol).set(float(notional))
        equity: dict[str, Decimal] = {}
        for venue in self._venues:
            for quote in self.quote_currencies(venue):
                equity[quote] = equity.get(quote, ZERO) + self.equity(venue, quote)
        for currency, value in equity.items():
            self._metrics.equity.labels(currency).set(float(value))
