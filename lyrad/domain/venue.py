"""What a venue tells us, in lyrad's types: orders as the venue sees them, tickers, books."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from lyrad.domain.values import ZERO, Fill, OrderType, Side, TimeInForce


class VenueOrderStatus(StrEnum):
    OPEN = "open"  # resting, possibly partially filled
    FILLED = "filled"
    CANCELLED = "cancelled"  # possibly partially filled first
    EXPIRED = "expired"  # IOC/FOK remainder, market order that ran out of book
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One order to send: the executor fills this from an approved intent."""

    venue: str
    symbol: str
    client_order_id: str
    side: Side
    type: OrderType
    amount: Decimal
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """An order as the venue reports it."""

    venue: str
    symbol: str
    client_order_id: str | None
    venue_order_id: str
    side: Side
    type: OrderType
    status: VenueOrderStatus
    amount: Decimal
    filled: Decimal
    price: Decimal | None
    cost: Decimal = ZERO  # quote filled so far
    timestamp_ms: int = 0
    fills: tuple[Fill, ...] = ()  # executions the venue returned with this answer, if any


@dataclass(frozen=True, slots=True)
class Ticker:
    venue: str
    symbol: str
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class OrderBook:
    venue: str
    symbol: str
    bids: tuple[tuple[Decimal, Decimal], ...]  # (price, amount), best first
    asks: tuple[tuple[Decimal, Decimal], ...]
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class Candle:
    """One OHLCV bar as the venue reports it; volume in the base asset."""

    open_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
