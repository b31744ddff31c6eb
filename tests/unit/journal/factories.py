"""Orders and fills for journal tests."""

from __future__ import annotations

from decimal import Decimal

from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Fill, OrderType, Side, TimeInForce


def make_order(
    client_order_id: str = "c1",
    *,
    venue: str = "sim",
    symbol: str = "BTC/USDT",
    side: Side = Side.BUY,
    type: OrderType = OrderType.LIMIT,
    amount: str = "1",
    price: str | None = "100",
    state: OrderState = OrderState.PENDING_SUBMIT,
    venue_order_id: str | None = None,
) -> Order:
    return Order(
        client_order_id=client_order_id,
        intent_id=f"intent-{client_order_id}",
        venue=venue,
        symbol=symbol,
        side=side,
        type=type,
        amount=Decimal(amount),
        price=None if price is None else Decimal(price),
        time_in_force=TimeInForce.GTC,
        state=state,
        created_ms=1_700_000_000_000,
        updated_ms=1_700_000_000_000,
        venue_order_id=venue_order_id,
    )


def make_fill(
    order: Order,
    trade_id: str = "t1",
    *,
    amount: str = "0.5",
    price: str | None = None,
    fee: str = "0",
    fee_currency: str = "USDT",
    venue_order_id: str | None = None,
    timestamp_ms: int = 1_700_000_000_500,
) -> Fill:
    qty = Decimal(amount)
    px = Decimal(price) if price is not None else (order.price or Decimal(100))
    return Fill(
        venue=order.venue,
        trade_id=trade_id,
        client_order_id=order.client_order_id,
        venue_order_id=venue_order_id or order.venue_order_id or f"v-{order.client_order_id}",
        symbol=order.symbol,
        side=order.side,
        price=px,
        amount=qty,
        cost=qty * px,
        fee=Decimal(fee),
        fee_currency=fee_currency,
        is_maker=True,
        timestamp_ms=timestamp_ms,
    )
