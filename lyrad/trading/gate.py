"""Basic pre-trade checks every order passes: trading state, symbol, amount, price, minimums.

The full risk gate (limits, exposure, breakers) builds on this catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lyrad.domain.values import ZERO, Market, OrderIntent, OrderType, Side
from lyrad.trading.decision import Approved, Decision, Rejected, RejectReason
from lyrad.trading.state import TradingState, TradingStateHolder

MarketLookup = Callable[[str, str], Market | None]
PositionLookup = Callable[[str, str], Decimal]


class BasicGate:
    def __init__(
        self,
        trading: TradingStateHolder,
        markets: MarketLookup,
        position: PositionLookup,
    ) -> None:
        self._trading = trading
        self._markets = markets
        self._position = position

    def check(self, intent: OrderIntent) -> Decision:
        state = self._trading.state
        if state is TradingState.HALTED:
            return Rejected(RejectReason.HALTED, self._trading.status.reason)
        market = self._markets(intent.venue, intent.symbol)
        if market is None:
            return Rejected(RejectReason.UNKNOWN_SYMBOL, f"{intent.venue} {intent.symbol}")
        if state is TradingState.REDUCING and not self._reduces(intent):
            return Rejected(RejectReason.REDUCE_ONLY, "only orders that reduce exposure")
        return check_order_shape(intent, market)

    def _reduces(self, intent: OrderIntent) -> bool:
        held = self._position(intent.venue, intent.symbol)
        if intent.side is Side.SELL:
            return held > ZERO and intent.amount <= held
        return held < ZERO and intent.amount <= -held


def check_order_shape(intent: OrderIntent, market: Market) -> Decision:
    """Amount and price as the venue's rules require, without rounding anything."""
    amount = check_amount(intent.amount, market)
    if isinstance(amount, Rejected) or intent.type is not OrderType.LIMIT:
        return amount
    return check_limit_price(intent, market)


def check_amount(amount: Decimal, market: Market) -> Decision:
    if not amount.is_finite() or amount <= ZERO:
        return Rejected(RejectReason.INVALID_AMOUNT, f"amount {amount}")
    if not market.is_on_step(amount):
        return Rejected(RejectReason.AMOUNT_OFF_STEP, f"{amount} vs {market.amount_step}")
    if amount < market.min_amount:
        return Rejected(RejectReason.MIN_AMOUNT, f"{amount} < {market.min_amount}")
    return Approved()


def check_limit_price(intent: OrderIntent, market: Market) -> Decision:
    """A limit order's price: present, on the tick, and worth the minimum notional."""
    price = intent.price
    if price is None or not price.is_finite() or price <= ZERO:
        return Rejected(RejectReason.INVALID_PRICE, f"price {price}")
    if not market.is_on_tick(price):
        return Rejected(RejectReason.PRICE_OFF_TICK, f"{price} vs tick {market.price_tick}")
    if price * intent.amount < market.min_cost:
        return Rejected(RejectReason.MIN_NOTIONAL, f"{price * intent.amount} < {market.min_cost}")
    return Approved()
