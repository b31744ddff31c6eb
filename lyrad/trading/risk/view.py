"""What risk reads of the world through read-only seams: the view, clock, state and cap."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from lyrad.domain.values import ZERO, Balance, Market, Position
from lyrad.trading.state import TradingStatus


class RiskClock(Protocol):
    """Wall time for UTC days, monotonic time for windows and cool-downs."""

    def time_ms(self) -> int: ...

    def monotonic(self) -> float: ...


class RiskView(Protocol):
    """The portfolio and markets as the risk gate sees them; the gate never changes them."""

    def market(self, venue: str, symbol: str) -> Market | None: ...

    def position(self, venue: str, symbol: str) -> Position: ...

    def positions(self) -> Sequence[Position]:
        """Every position on every venue."""
        ...

    def balance(self, venue: str, asset: str) -> Balance | None: ...

    def holdings(self, asset: str) -> Sequence[Balance]:
        """The balances of `asset` on every venue."""
        ...

    def reference_price(self, venue: str, symbol: str) -> Decimal | None:
        """The latest mark (mid) price; None when there is none yet."""
        ...

    def equity(self, quote: str) -> Decimal | None:
        """Equity across venues valued in `quote`; None when it cannot be valued."""
        ...

    def open_order_count(self, venue: str, symbol: str) -> int: ...


class TradingStateSource(Protocol):
    """TradingStateHolder or BreakerBoard: where the gate reads the state from."""

    @property
    def status(self) -> TradingStatus: ...


@dataclass(frozen=True, slots=True)
class CapitalCap:
    currency: str
    amount: Decimal


class CapSource(Protocol):
    def capital_cap(self) -> CapitalCap | None:
        """The cap in force now; None when no rollout is configured."""
        ...


class PortfolioReader(Protocol):
    """The part of `lyrad.trading.portfolio.Portfolio` the view reads."""

    def position(self, venue: str, symbol: str) -> Position: ...

    def positions(self) -> list[Position]: ...

    def balance(self, venue: str, asset: str) -> Balance | None: ...

    def mark_price(self, venue: str, symbol: str) -> Decimal | None: ...

    def equity(self, venue: str, quote: str) -> Decimal: ...


class PortfolioRiskView:
    """A RiskView over the running portfolio, the venues' markets and the executor's live orders."""

    def __init__(
        self,
        portfolio: PortfolioReader,
        venues: tuple[str, ...],
        markets: Callable[[str, str], Market | None],
        open_orders: Callable[[str, str], int],
    ) -> None:
        self._portfolio = portfolio
        self._venues = venues
        self._markets = markets
        self._open_orders = open_orders

    def market(self, venue: str, symbol: str) -> Market | None:
        return self._markets(venue, symbol)

    def position(self, venue: str, symbol: str) -> Position:
        return self._portfolio.position(venue, symbol)

    def positions(self) -> Sequence[Position]:
        return self._portfolio.positions()

    def balance(self, venue: str, asset: str) -> Balance | None:
        return self._portfolio.balance(venue, asset)

    def holdings(self, asset: str) -> Sequence[Balance]:
        found = (self._portfolio.balance(venue, asset) for venue in self._venues)
        return [balance for balance in found if balance is not None]

    def reference_price(self, venue: str, symbol: str) -> Decimal | None:
        return self._portfolio.mark_price(venue, symbol)

    def equity(self, quote: str) -> Decimal | None:
        total = sum((self._portfolio.equity(venue, quote) for venue in self._venues), ZERO)
        return total if total > ZERO else None

    def open_order_count(self, venue: str, symbol: str) -> int:
        return self._open_orders(venue, symbol)
