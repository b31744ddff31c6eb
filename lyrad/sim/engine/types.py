"""Value types of the matching engine: specs, requests, snapshots and the rejection catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"
    LIMIT_MAKER = "LIMIT_MAKER"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"


# The symbol and the order request are NamedTuples: immutable like a frozen dataclass, and
# read by the compiled engine (see `native`) as tuple items instead of attribute lookups. The
# engine's answers, OrderSnapshot and Fill, are compiled classes of their own (`values`).


class SymbolSpec(NamedTuple):
    """One spot symbol with its Binance filters (a zero max or market step means "not set")."""

    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    min_price: Decimal
    max_price: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_step_size: Decimal
    market_min_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal
    max_notional: Decimal
    base_precision: int = 8
    quote_precision: int = 8
    status: str = "TRADING"


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """A trading account: credentials, starting balances and fee rates."""

    name: str
    api_key: str
    secret: str
    balances: Mapping[str, Decimal]
    maker_fee: Decimal = Decimal("0.001")
    taker_fee: Decimal = Decimal("0.001")
    can_trade: bool = True
    can_withdraw: bool = False
    can_deposit: bool = True


@dataclass(frozen=True, slots=True)
class LiquidityProfile:
    """Shape of the synthetic book the house account quotes around the reference price."""

    spread_bps: Decimal
    levels: int
    level_step_bps: Decimal
    level_qty_quote: Decimal
    depth_growth: Decimal = Decimal("1.2")


class OrderRequest(NamedTuple):
    """A new order as the dialect hands it to the engine."""

    account: str
    symbol: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    price: Decimal | None = None
    client_order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """Aggregated depth: bids best (highest) first, asks best (lowest) first."""

    last_update_id: int
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


class RejectReason(StrEnum):
    UNKNOWN_SYMBOL = "UNKNOWN_SYMBOL"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    UNKNOWN_ORDER = "UNKNOWN_ORDER"
    DUPLICATE_CLIENT_ORDER_ID = "DUPLICATE_CLIENT_ORDER_ID"
    PRICE_FILTER = "PRICE_FILTER"
    LOT_SIZE = "LOT_SIZE"
    MARKET_LOT_SIZE = "MARKET_LOT_SIZE"
    NOTIONAL = "NOTIONAL"
    WOULD_MATCH = "WOULD_MATCH"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    TRADING_DISABLED = "TRADING_DISABLED"
    ORDER_ALREADY_CLOSED = "ORDER_ALREADY_CLOSED"


class EngineRejection(Exception):
    """A request the engine refused; nothing changed. `message` is informational only."""

    # Built cheaply: a refused cancel or order is an ordinary answer of a busy venue. Slots
    # instead of an instance dict, and no Exception.__init__ or formatting until the text is
    # read (together 1.6 us -> 0.5 us on Python 3.11); `args` is (reason, message).
    __slots__ = ("message", "reason")

    def __init__(self, reason: RejectReason, message: str) -> None:
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"
