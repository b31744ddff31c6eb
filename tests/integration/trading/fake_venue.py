"""An in-memory venue behind the ExchangeAdapter protocol, with scripted outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from lyrad.domain.errors import AmbiguousOutcome, OrderNotFound, OrderRejected
from lyrad.domain.values import Balance, Fill, Market, Side
from lyrad.domain.venue import OrderBook, OrderRequest, Ticker, VenueOrder, VenueOrderStatus

D = Decimal
VENUE = "fake"
SYMBOL = "BTC/USDT"
MARKET = Market(
    venue=VENUE,
    symbol=SYMBOL,
    venue_symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    price_tick=D("0.01"),
    amount_step=D("0.00001"),
    min_amount=D("0.00001"),
    min_cost=D(5),
)


class Outcome(Enum):
    ACK = "ack"
    REJECT = "reject"
    LOST_AFTER_APPLY = "lost_after_apply"  # applied on the venue, the answer never came
    LOST_BEFORE_APPLY = "lost_before_apply"  # timed out before it reached the venue


@dataclass
class VenueSideOrder:
    order: VenueOrder
    fills: list[Fill]


class FakeVenue:
    """Orders rest until `fill()`; balances follow fills; outcomes of creates are scripted."""

    def __init__(self) -> None:
        self.venue = VENUE
        self.orders: dict[str, VenueSideOrder] = {}
        self.script: list[Outcome] = []
        self.cancel_script: list[Outcome] = []
        self.balances = {"USDT": D(10000), "BTC": D(1)}
        self.created = 0
        self._next_id = 100
        self._next_trade = 1
        self.now_ms = 1_000

    # ExchangeAdapter ----------------------------------------------------------------------
    async def load_markets(self) -> Mapping[str, Market]:
        return {SYMBOL: MARKET}

    def market(self, symbol: str) -> Market:
        if symbol != SYMBOL:
            raise KeyError(symbol)
        return MARKET

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        outcome = self.script.pop(0) if self.script else Outcome.ACK
        if outcome is Outcome.REJECT:
            raise OrderRejected(VENUE, "Account has insufficient balance for requested action.")
        if outcome is Outcome.LOST_BEFORE_APPLY:
            raise AmbiguousOutcome(VENUE, "timed out")
        if any(o.order.client_order_id == request.client_order_id for o in self.orders.values()):
            raise OrderRejected(VENUE, "Duplicate order sent.")
        self._next_id += 1
        self.created += 1
        order = VenueOrder(
            venue=VENUE,
            symbol=request.symbol,
            client_order_id=request.client_order_id,
            venue_order_id=str(self._next_id),
            side=request.side,
            type=request.type,
            status=VenueOrderStatus.OPEN,
            amount=request.amount,
            filled=D(0),
            price=request.price,
            timestamp_ms=self.now_ms,
        )
        self.orders[order.venue_order_id] = VenueSideOrder(order, [])
        if request.price is not None and request.side is Side.BUY and request.price >= D(50010):
            # Marketable: it takes at once, and the answer carries the fill (FULL response).
            fill = self.fill(order.venue_order_id)
            order = replace(self.orders[order.venue_order_id].order, fills=(fill,))
        if outcome is Outcome.LOST_AFTER_APPLY:
            raise AmbiguousOutcome(VENUE, "response lost")
        return order

    def _find(self, client_order_id: str | None, venue_order_id: str | None) -> VenueSideOrder:
        for entry in self.orders.values():
            if entry.order.client_order_id == client_order_id or (
                venue_order_id is not None and entry.order.venue_order_id == venue_order_id
            ):
                return entry
        raise OrderNotFound(VENUE, "Order does not exist.")

    async def cancel_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        entry = self._find(client_order_id, venue_order_id)
        if entry.order.status is not VenueOrderStatus.OPEN:
            raise OrderNotFound(VENUE, "Unknown order sent.")
        outcome = self.cancel_script.pop(0) if self.cancel_script else Outcome.ACK
        if outcome is Outcome.LOST_BEFORE_APPLY:
            raise AmbiguousOutcome(VENUE, "timed out")
        entry.order = replace(entry.order, status=VenueOrderStatus.CANCELLED)
        if outcome is Outcome.LOST_AFTER_APPLY:
            raise AmbiguousOutcome(VENUE, "response lost")
        return entry.order

    async def fetch_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        return self._find(client_order_id, venue_order_id).order

    async def fetch_open_orders(self, symbol: str | None = None) -> list[VenueOrder]:
        return [e.order for e in self.orders.values() if e.order.status is VenueOrderStatus.OPEN]

    async def fetch_my_trades(
        self, symbol: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        fills = [f for e in self.orders.values() for f in e.fills]
        return [f for f in fills if since_ms is None or f.timestamp_ms >= since_ms]

    async def fetch_balances(self) -> list[Balance]:
        return [Balance(VENUE, asset, amount, D(0)) for asset, amount in self.balances.items()]

    async def fetch_ticker(self, symbol: str) -> Ticker:
        return Ticker(VENUE, symbol, D(49990), D(50010), D(50000), self.now_ms)

    async def fetch_order_book(self, symbol: str, limit: int) -> OrderBook:
        return OrderBook(VENUE, symbol, ((D(49990), D(1)),), ((D(50010), D(1)),), self.now_ms)

    async def fetch_time(self) -> int:
        return self.now_ms

    async def close(self) -> None:
        return None

    # test controls ------------------------------------------------------------------------
    def fill(self, venue_order_id: str, amount: Decimal | None = None) -> Fill:
        """Execute (part of) a resting order as maker; fee 0.1% in the received asset."""
        entry = self.orders[venue_order_id]
        order = entry.order
        qty = amount if amount is not None else order.amount - order.filled
        price = order.price or D(50000)
        received_fee = (qty if order.side is Side.BUY else qty * price) * D("0.001")
        fee_asset = "BTC" if order.side is Side.BUY else "USDT"
        fill = Fill(
            venue=VENUE,
            trade_id=str(self._next_trade),
            client_order_id="",
            venue_order_id=venue_order_id,
            symbol=order.symbol,
            side=order.side,
            price=price,
            amount=qty,
            cost=qty * price,
            fee=received_fee,
            fee_currency=fee_asset,
            is_maker=True,
            timestamp_ms=self.now_ms,
        )
        self._next_trade += 1
        entry.fills.append(fill)
        filled = order.filled + qty
        status = VenueOrderStatus.FILLED if filled == order.amount else order.status
        entry.order = replace(order, filled=filled, cost=order.cost + fill.cost, status=status)
        sign = 1 if order.side is Side.BUY else -1
        self.balances["BTC"] += sign * qty - (received_fee if fee_asset == "BTC" else 0)
        self.balances["USDT"] -= sign * qty * price + (received_fee if fee_asset == "USDT" else 0)
        return fill
