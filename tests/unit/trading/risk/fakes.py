"""Test doubles for the risk seams: a clock the test moves, a portfolio view it fills in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lyrad.domain.values import Balance, Market, Position
from lyrad.trading.risk.view import CapitalCap

D = Decimal
DAY_MS = 86_400_000
# 2024-03-01 00:00:00 UTC
MIDNIGHT_MS = 1_709_251_200_000


class FakeClock:
    """Wall and monotonic time that move together, only when the test says so."""

    def __init__(self, time_ms: int = MIDNIGHT_MS + 12 * 3_600_000) -> None:
        self._time_ms = time_ms
        self._monotonic = 1000.0

    def time_ms(self) -> int:
        return self._time_ms

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        self._time_ms += round(seconds * 1000)
        self._monotonic += seconds


def market(
    symbol: str = "BTC/USDT",
    *,
    venue: str = "sim",
    tick: str = "0.01",
    step: str = "0.001",
    min_amount: str = "0",
    min_cost: str = "0",
    active: bool = True,
) -> Market:
    base, quote = symbol.split("/")
    return Market(
        venue=venue,
        symbol=symbol,
        venue_symbol=base + quote,
        base=base,
        quote=quote,
        price_tick=D(tick),
        amount_step=D(step),
        min_amount=D(min_amount),
        min_cost=D(min_cost),
        active=active,
    )


@dataclass
class FakeView:
    """A RiskView the test fills in directly."""

    markets: dict[tuple[str, str], Market] = field(default_factory=dict)
    held: dict[tuple[str, str], Position] = field(default_factory=dict)
    wallet: dict[tuple[str, str], Balance] = field(default_factory=dict)
    marks: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    equities: dict[str, Decimal] = field(default_factory=dict)
    open_orders: dict[tuple[str, str], int] = field(default_factory=dict)

    def add_market(self, m: Market, mark: str | None = None) -> None:
        self.markets[(m.venue, m.symbol)] = m
        if mark is not None:
            self.marks[(m.venue, m.symbol)] = D(mark)

    def hold(self, symbol: str, quantity: str, cost: str = "0", venue: str = "sim") -> None:
        self.held[(venue, symbol)] = Position(venue, symbol, D(quantity), D(cost))

    def fund(self, asset: str, free: str, venue: str = "sim") -> None:
        self.wallet[(venue, asset)] = Balance(venue, asset, D(free), D(0))

    # RiskView
    def market(self, venue: str, symbol: str) -> Market | None:
        return self.markets.get((venue, symbol))

    def position(self, venue: str, symbol: str) -> Position:
        return self.held.get((venue, symbol)) or Position(venue, symbol)

    def positions(self) -> Sequence[Position]:
        return list(self.held.values())

    def balance(self, venue: str, asset: str) -> Balance | None:
        return self.wallet.get((venue, asset))

    def holdings(self, asset: str) -> Sequence[Balance]:
        return [b for (_, a), b in self.wallet.items() if a == asset]

    def reference_price(self, venue: str, symbol: str) -> Decimal | None:
        return self.marks.get((venue, symbol))

    def equity(self, quote: str) -> Decimal | None:
        return self.equities.get(quote)

    def open_order_count(self, venue: str, symbol: str) -> int:
        return self.open_orders.get((venue, symbol), 0)


@dataclass
class FixedCap:
    cap: CapitalCap | None

    def capital_cap(self) -> CapitalCap | None:
        return self.cap
