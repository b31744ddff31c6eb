"""Pre-trade decisions are values: Approved, or Rejected with a reason from one catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from lyrad.domain.values import OrderIntent


class RejectReason(StrEnum):
    """Every reason an intent can be refused before it is sent; each is a metric label."""

    HALTED = "halted"
    REDUCE_ONLY = "reduce_only"
    JOURNAL_FAILED = "journal_failed"
    UNKNOWN_VENUE = "unknown_venue"
    UNKNOWN_SYMBOL = "unknown_symbol"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_PRICE = "invalid_price"
    PRICE_OFF_TICK = "price_off_tick"
    AMOUNT_OFF_STEP = "amount_off_step"
    MIN_AMOUNT = "min_amount"
    MIN_NOTIONAL = "min_notional"
    DUPLICATE_INTENT = "duplicate_intent"
    # The risk gate's reasons (lyrad.trading.risk); lyrad.trading.risk.gate documents the order.
    MARKET_INACTIVE = "market_inactive"
    NO_REFERENCE_PRICE = "no_reference_price"
    PRICE_BAND = "price_band"
    NO_QUOTE_LIMITS = "no_quote_limits"
    MAX_ORDER_QUANTITY = "max_order_quantity"
    MAX_ORDER_NOTIONAL = "max_order_notional"
    ORDER_RATE = "order_rate"
    DAILY_TRADES = "daily_trades"
    OPEN_ORDERS = "open_orders"
    POSITION_QUANTITY = "position_quantity"
    POSITION_NOTIONAL = "position_notional"
    GROSS_EXPOSURE = "gross_exposure"
    NET_EXPOSURE = "net_exposure"
    CONCENTRATION = "concentration"
    LEVERAGE = "leverage"
    CAPITAL_CAP = "capital_cap"
    INSUFFICIENT_BALANCE = "insufficient_balance"


@dataclass(frozen=True, slots=True)
class Approved:
    approved: bool = True


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: RejectReason
    detail: str
    approved: bool = False


Decision = Approved | Rejected


class PreTradeCheck(Protocol):
    """The risk gate as the executor sees it."""

    def check(self, intent: OrderIntent) -> Decision: ...
