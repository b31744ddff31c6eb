"""Trading value types. Every amount of money is a `Decimal`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

ZERO = Decimal(0)


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        return 1 if self is Side.BUY else -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    LIMIT = "limit"
    MARKET = "market"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    POST_ONLY = "PO"


@dataclass(frozen=True, slots=True)
class Market:
    """A venue's tradable symbol with its precision and limits (from the venue's own rules)."""

    venue: str
    symbol: str  # unified, e.g. "BTC/USDT"
    venue_symbol: str  # the venue's id, e.g. "BTCUSDT"
    base: str
    quote: str
    price_tick: Decimal
    amount_step: Decimal
    min_amount: Decimal = ZERO
    max_amount: Decimal | None = None
    min_price: Decimal = ZERO
    max_price: Decimal | None = None
    min_cost: Decimal = ZERO  # minimum notional in quote
    max_cost: Decimal | None = None
    active: bool = True

    def round_amount(self, amount: Decimal) -> Decimal:
        """Round a quantity down to the step: never trade more than asked."""
        return _to_step(amount, self.amount_step, ROUND_FLOOR)

    def round_price(self, price: Decimal, side: Side) -> Decimal:
        """Round to the tick on the passive side: a buy never pays more, a sell never gets less."""
        rounding = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
        return _to_step(price, self.price_tick, rounding)

    def is_on_tick(self, price: Decimal) -> bool:
        return self.price_tick == ZERO or price % self.price_tick == ZERO

    def is_on_step(self, amount: Decimal) -> bool:
        return self.amount_step == ZERO or amount % self.amount_step == ZERO


def _to_step(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    if step <= ZERO:
        return value
    units = (value / step).to_integral_value(rounding=rounding)
    return (units * step).quantize(step)


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """What a strategy, an algo or an operator wants; the risk gate decides whether it is sent."""

    intent_id: str  # unique per daemon instance; the client order id is derived from it
    venue: str
    symbol: str
    side: Side
    type: OrderType
    amount: Decimal
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    reduce_only: bool = False
    source: str = "unknown"  # strategy name, algo, or "api"


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of one of our orders, identified by the venue's trade id."""

    venue: str
    trade_id: str
    client_order_id: str
    venue_order_id: str
    symbol: str
    side: Side
    price: Decimal
    amount: Decimal
    cost: Decimal  # price × amount in quote
    fee: Decimal
    fee_currency: str
    is_maker: bool
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class Balance:
    venue: str
    asset: str
    free: Decimal
    used: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.used


@dataclass(frozen=True, slots=True)
class Position:
    """Net holding of one symbol's base asset, with average cost and realized PnL in quote."""

    venue: str
    symbol: str
    quantity: Decimal = ZERO  # signed: long > 0
    average_cost: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees_paid: Decimal = ZERO  # in quote where convertible

    def unrealized_pnl(self, mark: Decimal) -> Decimal:
        return (mark - self.average_cost) * self.quantity

    def notional(self, mark: Decimal) -> Decimal:
        return abs(self.quantity) * mark
