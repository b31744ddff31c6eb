"""The risk gate: every pre-trade check in one fixed order; the first that fails is the reason.

The order, and the reasons each step gives:
 1. trading state HALTED: `halted` (the state's reason is the detail)
 2. the market: `unknown_symbol`, then `market_inactive`
 3. the order's shape (BasicGate's `check_amount`, `check_limit_price`): `invalid_amount`,
    `amount_off_step`,
    `min_amount`, `invalid_price`, `price_off_tick`, `min_notional` (the venue's minimum, limit
    orders); then the venue's price bounds: `invalid_price`
 4. reduce-only, when the state is REDUCING or the intent asks for it: `reduce_only`
 5. a price to value the order: market orders need the reference price, and so do limit
    orders when a price band is set: `no_reference_price`
 6. the limits, in `limits.LIMIT_CHECKS` order: `price_band`, `no_quote_limits`,
    `max_order_quantity`, `max_order_notional`, `min_notional`, `order_rate`, `daily_trades`,
    `open_orders`, `position_quantity`, `position_notional`, `gross_exposure`, `net_exposure`,
    `concentration`, `leverage`, `capital_cap`, `insufficient_balance`
Bad input (zero, negative, non-finite or absurdly large amounts and prices) is a rejection,
never an exception.
"""

from __future__ import annotations

from decimal import Decimal, getcontext

from lyrad.domain.values import ZERO, Market, OrderIntent, OrderType, Side
from lyrad.trading.decision import Approved, Decision, Rejected, RejectReason
from lyrad.trading.gate import check_amount, check_limit_price
from lyrad.trading.risk.assessment import Assessment
from lyrad.trading.risk.config import RiskLimits
from lyrad.trading.risk.exposure import usable_price
from lyrad.trading.risk.limits import LIMIT_CHECKS
from lyrad.trading.risk.rates import OrderRateTracker
from lyrad.trading.risk.view import CapSource, RiskView, TradingStateSource
from lyrad.trading.state import TradingState


class RiskGate:
    """A PreTradeCheck over a read-only view; `update_config` swaps the limits in place."""

    def __init__(
        self,
        *,
        limits: RiskLimits,
        view: RiskView,
        trading: TradingStateSource,
        rates: OrderRateTracker,
        caps: CapSource | None = None,
    ) -> None:
        self._limits = limits
        self._view = view
        self._trading = trading
        self._rates = rates
        self._caps = caps

    @property
    def limits(self) -> RiskLimits:
        return self._limits

    def update_config(self, limits: RiskLimits) -> None:
        """A reload: the next intent is checked against the new limits."""
        self._limits = limits

    def check(self, intent: OrderIntent) -> Decision:
        status = self._trading.status
        if status.state is TradingState.HALTED:
            return Rejected(RejectReason.HALTED, status.reason)
        market = self._view.market(intent.venue, intent.symbol)
        if market is None:
            return Rejected(RejectReason.UNKNOWN_SYMBOL, f"{intent.venue} {intent.symbol}")
        if not market.active:
            return Rejected(RejectReason.MARKET_INACTIVE, f"{intent.venue} {intent.symbol}")
        shape = _shape(intent, market)
        if shape is not None:
            return shape
        if (status.state is TradingState.REDUCING or intent.reduce_only) and not self._reduces(
            intent
        ):
            held = self._view.position(intent.venue, intent.symbol).quantity
            why = "trading is reducing" if status.state is TradingState.REDUCING else "reduce_only"
            return Rejected(
                RejectReason.REDUCE_ONLY,
                f"{why}: {intent.side} {intent.amount} does not reduce position {held}",
            )
        assessment = self._assess(intent, market)
        if isinstance(assessment, Rejected):
            return assessment
        for check in LIMIT_CHECKS:
            refusal = check(assessment)
            if refusal is not None:
                return refusal
        return Approved()

    def _reduces(self, intent: OrderIntent) -> bool:
        held = self._view.position(intent.venue, intent.symbol).quantity
        if intent.side is Side.SELL:
            return held > ZERO and intent.amount <= held
        return held < ZERO and intent.amount <= -held

    def _assess(self, intent: OrderIntent, market: Market) -> Assessment | Rejected:
        reference = usable_price(self._view.reference_price(intent.venue, intent.symbol))
        if intent.type is OrderType.LIMIT:
            assert intent.price is not None  # the shape check refuses a limit order without one
            price = intent.price
            if reference is None and self._limits.price_band_pct is not None:
                return Rejected(
                    RejectReason.NO_REFERENCE_PRICE,
                    f"no reference price for {intent.symbol} to apply price_band_pct",
                )
        elif reference is None:
            return Rejected(
                RejectReason.NO_REFERENCE_PRICE,
                f"no reference price to value a market order on {intent.symbol}",
            )
        else:
            price = reference
        return Assessment(
            intent=intent,
            market=market,
            limits=self._limits,
            view=self._view,
            rates=self._rates,
            caps=self._caps,
            reference=reference,
            price=price,
            mark=reference if reference is not None else price,
        )


def _shape(intent: OrderIntent, market: Market) -> Rejected | None:
    """BasicGate's shape checks, with absurd magnitudes refused where their step would be."""
    if not _expressible(intent.amount, market.amount_step):
        return Rejected(RejectReason.INVALID_AMOUNT, f"amount {intent.amount} is out of range")
    amount_only = check_amount(intent.amount, market)
    if isinstance(amount_only, Rejected) or intent.type is not OrderType.LIMIT:
        return amount_only if isinstance(amount_only, Rejected) else None
    price = intent.price
    if price is not None and not _expressible(price, market.price_tick):
        return Rejected(RejectReason.INVALID_PRICE, f"price {price} is out of range")
    shape = check_limit_price(intent, market)
    if isinstance(shape, Rejected):
        return shape
    assert price is not None  # a limit order without a price is refused by the shape check
    if not _within_venue_bounds(price, market):
        bounds = f"{market.min_price}..{market.max_price or 'any'}"
        return Rejected(RejectReason.INVALID_PRICE, f"price {price} outside the venue's {bounds}")
    return None


def _within_venue_bounds(price: Decimal, market: Market) -> bool:
    return price >= market.min_price and (market.max_price is None or price <= market.max_price)


# Beyond this many digits between a value and its step, `value % step` cannot be computed at
# the context's precision (it raises); such a value is no amount or price any venue trades.
def _expressible(value: Decimal, step: Decimal) -> bool:
    if not value.is_finite() or value <= ZERO:
        return True  # refused with a reason by the shape check
    digits = getcontext().prec - 1
    if not step.is_finite() or step <= ZERO:
        return value.adjusted() < digits
    return value.adjusted() - step.adjusted() < digits
