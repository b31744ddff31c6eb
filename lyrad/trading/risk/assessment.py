"""One intent being assessed: the order, its market and prices, and the world it would change."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lyrad.domain.values import Market, OrderIntent
from lyrad.trading.decision import Rejected, RejectReason
from lyrad.trading.risk.config import QuoteLimits, RiskLimits, SymbolLimits
from lyrad.trading.risk.exposure import Projection, Unvalued, project
from lyrad.trading.risk.rates import OrderRateTracker
from lyrad.trading.risk.view import CapSource, RiskView

_NO_SYMBOL_LIMITS = SymbolLimits()
_NO_QUOTE_LIMITS = QuoteLimits()


@dataclass(slots=True)
class Assessment:
    intent: OrderIntent
    market: Market
    limits: RiskLimits
    view: RiskView
    rates: OrderRateTracker
    caps: CapSource | None
    reference: Decimal | None  # the usable reference price, if any
    price: Decimal  # what the order pays per unit: its limit price, or the reference
    mark: Decimal  # what the symbol is valued at: the reference, or the limit price
    _projection: Projection | Unvalued | None = field(default=None, init=False)
    _equity: Decimal | None = field(default=None, init=False)
    _equity_known: bool = field(default=False, init=False)

    @property
    def symbol_limits(self) -> SymbolLimits:
        return self.limits.symbols.get(self.intent.symbol, _NO_SYMBOL_LIMITS)

    @property
    def quote_limits(self) -> QuoteLimits:
        """This quote's notional limits (all off when none are configured for any quote)."""
        return self.limits.quotes.get(self.quote, _NO_QUOTE_LIMITS)

    @property
    def signed_amount(self) -> Decimal:
        return self.intent.amount * self.intent.side.sign

    @property
    def notional(self) -> Decimal:
        return self.price * self.intent.amount

    @property
    def quote(self) -> str:
        return self.market.quote

    def projection(self) -> Projection | Unvalued:
        """Computed once, and only when a limit that needs it is configured."""
        if self._projection is None:
            intent = self.intent
            self._projection = project(
                self.view, intent.venue, intent.symbol, self.quote, self.mark, self.signed_amount
            )
        return self._projection

    def equity(self) -> Decimal | None:
        """Computed once per check (several limits read it)."""
        if not self._equity_known:
            equity = self.view.equity(self.quote)
            usable = equity is not None and equity.is_finite() and equity > 0
            self._equity = equity if usable else None
            self._equity_known = True
        return self._equity


def over(reason: RejectReason, measure: str, value: Decimal, key: str, limit: Decimal) -> Rejected:
    """A refusal whose detail names the limit's key, the limit and the value that breaks it."""
    return Rejected(reason, f"{measure} {_plain(value)} over {key} {_plain(limit)}")


def _plain(value: Decimal) -> str:
    # Fixed-point for amounts people read; long fractions are cut for the message only.
    text = f"{value:f}"
    whole, dot, fraction = text.partition(".")
    return f"{whole}{dot}{fraction[:12]}".rstrip(".") if dot else text
