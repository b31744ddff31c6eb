"""The configured limits, one function each, in the order the gate applies them.

Exposure limits refuse an order only if it takes the measure over the limit *and* raises it:
an order that reduces an exposure already over its limit is always allowed, or a breach could
never be traded out of.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lyrad.domain.values import ZERO, OrderType, Side
from lyrad.trading.decision import Rejected, RejectReason
from lyrad.trading.risk.assessment import Assessment, over
from lyrad.trading.risk.exposure import Projection, Unvalued

LimitCheck = Callable[[Assessment], Rejected | None]
_HUNDRED = Decimal(100)


def price_band(a: Assessment) -> Rejected | None:
    band = a.limits.price_band_pct
    if band is None or a.intent.type is not OrderType.LIMIT or a.reference is None:
        return None
    distance = abs(a.price - a.reference) / a.reference * _HUNDRED
    if distance > band:
        measure = f"price {a.price} distance from reference {a.reference} (%)"
        return over(RejectReason.PRICE_BAND, measure, distance, "price_band_pct", band)
    return None


def quote_limits(a: Assessment) -> Rejected | None:
    # Notional limits mean nothing in another currency: a quote left out would trade unlimited.
    if a.limits.quotes and a.quote not in a.limits.quotes:
        return Rejected(
            RejectReason.NO_QUOTE_LIMITS,
            f"no limits.quotes.{a.quote} for {a.intent.symbol} (limits are set for "
            f"{', '.join(sorted(a.limits.quotes))})",
        )
    return None


def order_quantity(a: Assessment) -> Rejected | None:
    amount = a.intent.amount
    configured = a.symbol_limits.max_order_quantity
    if configured is not None and amount > configured:
        key = f"symbols.{a.intent.symbol}.max_order_quantity"
        return over(RejectReason.MAX_ORDER_QUANTITY, "quantity", amount, key, configured)
    venue_max = a.market.max_amount
    if venue_max is not None and amount > venue_max:
        return over(RejectReason.MAX_ORDER_QUANTITY, "quantity", amount, "venue max", venue_max)
    return None


def order_notional(a: Assessment) -> Rejected | None:
    configured = a.quote_limits.max_order_notional
    if configured is not None and a.notional > configured:
        key = f"quotes.{a.quote}.max_order_notional"
        return over(RejectReason.MAX_ORDER_NOTIONAL, "notional", a.notional, key, configured)
    venue_max = a.market.max_cost
    if venue_max is not None and a.notional > venue_max:
        return over(RejectReason.MAX_ORDER_NOTIONAL, "notional", a.notional, "venue max", venue_max)
    return None


def min_notional(a: Assessment) -> Rejected | None:
    # The venue's minimum for limit orders is part of the order's shape, checked earlier.
    configured = a.quote_limits.min_order_notional
    if a.notional < configured:
        return Rejected(
            RejectReason.MIN_NOTIONAL,
            f"notional {a.notional} under quotes.{a.quote}.min_order_notional {configured}",
        )
    if a.intent.type is OrderType.MARKET and a.notional < a.market.min_cost:
        return Rejected(
            RejectReason.MIN_NOTIONAL, f"notional {a.notional} under venue min {a.market.min_cost}"
        )
    return None


def order_rate(a: Assessment) -> Rejected | None:
    limit = a.limits.max_orders_per_second
    if limit is not None and (sent := a.rates.orders_last_second()) >= limit:
        return Rejected(
            RejectReason.ORDER_RATE,
            f"{sent} orders in the last second; max_orders_per_second {limit}",
        )
    return None


def daily_trades(a: Assessment) -> Rejected | None:
    limit = a.limits.max_daily_trades
    if limit is not None and (sent := a.rates.orders_today()) >= limit:
        return Rejected(
            RejectReason.DAILY_TRADES, f"{sent} orders today (UTC); max_daily_trades {limit}"
        )
    return None


def open_orders(a: Assessment) -> Rejected | None:
    limit = a.limits.max_open_orders_per_symbol
    if limit is None:
        return None
    count = a.view.open_order_count(a.intent.venue, a.intent.symbol)
    if count >= limit:
        return Rejected(
            RejectReason.OPEN_ORDERS,
            f"{count} open orders on {a.intent.symbol}; max_open_orders_per_symbol {limit}",
        )
    return None


def position_quantity(a: Assessment) -> Rejected | None:
    limit = a.symbol_limits.max_position_quantity
    if limit is None:
        return None
    held = a.view.position(a.intent.venue, a.intent.symbol).quantity
    before, after = abs(held), abs(held + a.signed_amount)
    if after > limit and after > before:
        key = f"symbols.{a.intent.symbol}.max_position_quantity"
        return over(RejectReason.POSITION_QUANTITY, "position", after, key, limit)
    return None


def position_notional(a: Assessment) -> Rejected | None:
    limit = a.symbol_limits.max_position_notional
    if limit is None:
        return None
    held = a.view.position(a.intent.venue, a.intent.symbol).quantity
    after = abs(held + a.signed_amount)
    notional = after * a.mark
    if notional > limit and after > abs(held):
        key = f"symbols.{a.intent.symbol}.max_position_notional"
        return over(RejectReason.POSITION_NOTIONAL, "position notional", notional, key, limit)
    return None


def _projected(a: Assessment, reason: RejectReason) -> Projection | Rejected:
    p = a.projection()
    return Rejected(reason, str(p)) if isinstance(p, Unvalued) else p


def gross_exposure(a: Assessment) -> Rejected | None:
    return _exposure(
        a,
        a.quote_limits.max_gross_exposure,
        RejectReason.GROSS_EXPOSURE,
        "gross",
        lambda p: (p.gross_before, p.gross_after),
    )


def net_exposure(a: Assessment) -> Rejected | None:
    return _exposure(
        a,
        a.quote_limits.max_net_exposure,
        RejectReason.NET_EXPOSURE,
        "net",
        lambda p: (p.net_before, p.net_after),
    )


def _exposure(
    a: Assessment,
    limit: Decimal | None,
    reason: RejectReason,
    kind: str,
    before_after: Callable[[Projection], tuple[Decimal, Decimal]],
) -> Rejected | None:
    """Refused when the order takes the exposure above `limit` and raises it."""
    if limit is None:
        return None
    p = _projected(a, reason)
    if isinstance(p, Rejected):
        return p
    before, after = before_after(p)
    if after > limit and after > before:
        measure = f"{kind} exposure in {p.quote}"
        return over(reason, measure, after, f"quotes.{p.quote}.max_{kind}_exposure", limit)
    return None


def concentration(a: Assessment) -> Rejected | None:
    limit = a.limits.max_concentration_pct
    if limit is None or a.intent.side is Side.SELL:  # selling an asset never concentrates in it
        return None
    equity = a.equity()
    if equity is None:
        return Rejected(RejectReason.CONCENTRATION, f"no equity in {a.quote} to measure against")
    base = a.market.base
    held = sum((b.total for b in a.view.holdings(base)), ZERO) * a.mark
    share = (held + a.intent.amount * a.mark) / equity * _HUNDRED
    if share > limit:
        measure = f"{base} share of equity (%)"
        return over(RejectReason.CONCENTRATION, measure, share, "max_concentration_pct", limit)
    return None


def _raised(a: Assessment, reason: RejectReason) -> Projection | Rejected | None:
    """The projection if the order raises gross exposure; None if it does not."""
    p = _projected(a, reason)
    if isinstance(p, Projection) and p.gross_after <= p.gross_before:
        return None
    return p


def leverage(a: Assessment) -> Rejected | None:
    limit = a.limits.max_leverage
    if limit is None:
        return None
    p = _raised(a, RejectReason.LEVERAGE)
    if not isinstance(p, Projection):
        return p
    equity = a.equity()
    if equity is None:
        return Rejected(RejectReason.LEVERAGE, f"no equity in {a.quote} to measure against")
    ratio = p.gross_after / equity
    if ratio > limit:
        return over(RejectReason.LEVERAGE, "leverage", ratio, "max_leverage", limit)
    return None


def capital_cap(a: Assessment) -> Rejected | None:
    cap = None if a.caps is None else a.caps.capital_cap()
    if cap is None:
        return None
    p = _raised(a, RejectReason.CAPITAL_CAP)
    if not isinstance(p, Projection):
        return p
    if cap.currency != p.quote:
        return Rejected(
            RejectReason.CAPITAL_CAP,
            f"the capital cap is in {cap.currency}; {a.intent.symbol} adds exposure in {p.quote}",
        )
    if p.gross_after > cap.amount:
        measure = f"gross exposure in {p.quote}"
        return over(RejectReason.CAPITAL_CAP, measure, p.gross_after, "capital cap", cap.amount)
    return None


def available_balance(a: Assessment) -> Rejected | None:
    if not a.limits.check_balance:
        return None
    intent = a.intent
    if intent.side is Side.BUY:
        asset, needed = a.market.quote, a.notional
    else:
        asset, needed = a.market.base, intent.amount
    balance = a.view.balance(intent.venue, asset)
    free = ZERO if balance is None else balance.free
    if needed > free:
        return Rejected(
            RejectReason.INSUFFICIENT_BALANCE, f"needs {needed} {asset}, {free} {asset} is free"
        )
    return None


# The gate's fixed order after the state, symbol, shape, reduce-only and reference checks.
LIMIT_CHECKS: tuple[LimitCheck, ...] = (
    price_band,
    quote_limits,
    order_quantity,
    order_notional,
    min_notional,
    order_rate,
    daily_trades,
    open_orders,
    position_quantity,
    position_notional,
    gross_exposure,
    net_exposure,
    concentration,
    leverage,
    capital_cap,
    available_balance,
)
