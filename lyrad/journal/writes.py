# ruff: noqa: S608  SQL here is composed of constant fragments; every value is a parameter.
"""The journal's transactions, run by the writer thread: projections and log change together."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from decimal import Decimal

from lyrad.domain import positions
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, Position
from lyrad.journal import codec, queries
from lyrad.journal.accounting import balances_after_fill, fill_assets
from lyrad.journal.cache import OrderCache
from lyrad.journal.codec import Details, JsonValue, Row
from lyrad.journal.errors import DuplicateOrder, InconsistentFill, UnknownOrder
from lyrad.journal.rows import RowInsert

EVENT_ROW = RowInsert("events", ("ts_ms", "kind", "venue", "client_order_id", "payload"))
_INSERT_EVENT = EVENT_ROW.sql(1)
_INSERT_ORDER = (
    f"INSERT INTO orders ({codec.ORDER_COLUMNS}) VALUES ({', '.join('?' * 18)}) "
    "ON CONFLICT (client_order_id) DO NOTHING"
)
_UPDATE_ORDER = (
    "UPDATE orders SET state = ?, updated_ms = ?, venue_order_id = ?, filled = ?, cost = ?, "
    "fee = ?, fee_currency = ?, reason = ? WHERE client_order_id = ?"
)
_INSERT_FILL = (
    f"INSERT INTO fills ({codec.FILL_COLUMNS}, applied_ms) VALUES ({', '.join('?' * 14)}) "
    "ON CONFLICT (venue, trade_id) DO NOTHING"
)
_UPSERT_POSITION = (
    f"INSERT INTO positions ({codec.POSITION_COLUMNS}, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (venue, symbol) DO UPDATE SET quantity = excluded.quantity, "
    "average_cost = excluded.average_cost, realized_pnl = excluded.realized_pnl, "
    "fees_paid = excluded.fees_paid, updated_ms = excluded.updated_ms"
)
_UPSERT_BALANCE = (
    "INSERT INTO balances (venue, asset, free, used, updated_ms, source) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (venue, asset) DO UPDATE SET free = excluded.free, used = excluded.used, "
    "updated_ms = excluded.updated_ms, source = excluded.source"
)
_UPSERT_KV = (
    "INSERT INTO kv (key, value, updated_ms) VALUES (?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms"
)


def append_event(
    conn: sqlite3.Connection,
    ts_ms: int,
    kind: str,
    venue: str | None,
    client_order_id: str | None,
    payload: str,
) -> int:
    """Append one event (payload already JSON); returns its sequence number."""
    seq = conn.execute(_INSERT_EVENT, (ts_ms, kind, venue, client_order_id, payload)).lastrowid
    assert seq is not None
    return seq


def insert_order(
    conn: sqlite3.Connection,
    orders: OrderCache,
    order: Order,
    params: Row,
    ts_ms: int,
    payload: str,
) -> None:
    """Insert `order` (`params` its row) and its event; DuplicateOrder if the id is taken."""
    if conn.execute(_INSERT_ORDER, params).rowcount == 0:  # the primary key checks: no read
        raise DuplicateOrder(f"order {order.client_order_id} is already journaled")
    append_event(conn, ts_ms, "order_created", order.venue, order.client_order_id, payload)
    orders.put(order)


def transition_order(
    conn: sqlite3.Connection,
    orders: OrderCache,
    client_order_id: str,
    state: OrderState,
    ts_ms: int,
    venue_order_id: str | None,
    reason: str | None,
    kind: str,
    details: Details,
) -> Order:
    order = _require_order(conn, orders, client_order_id)
    moved = order.transition(state, ts_ms, venue_order_id=venue_order_id, reason=reason)
    _update_order(conn, moved)
    payload: dict[str, JsonValue] = {
        **details,
        "from": order.state.value,
        "state": moved.state.value,
        "venue_order_id": moved.venue_order_id,
        "reason": moved.reason,
    }
    append_event(conn, ts_ms, kind, moved.venue, client_order_id, codec.dump_json(payload))
    orders.put(moved)
    return moved


def apply_fill(
    conn: sqlite3.Connection,
    orders: OrderCache,
    fill: Fill,
    ts_ms: int,
    fee_currency_price: Decimal | None,
) -> bool:
    """Fill, order, position, balances and event together; False if the trade was applied."""
    order = _require_order(conn, orders, fill.client_order_id)
    _check_belongs(order, fill)
    inserted = conn.execute(_INSERT_FILL, (*codec.fill_params(fill), ts_ms)).rowcount
    if inserted == 0:
        return False
    filled = order.with_fill(fill.amount, fill.cost, fill.fee, fill.fee_currency, ts_ms)
    _update_order(conn, filled)
    position = queries.get_position(conn, fill.venue, fill.symbol)
    moved = positions.apply_fill(position, fill, fee_currency_price)
    _save_position(conn, moved, ts_ms)
    held = queries.get_balances(conn, fill.venue, fill_assets(fill))
    for balance in balances_after_fill(held, order, fill).values():
        _save_balance(conn, balance, ts_ms, "fill")
    payload = codec.fill_json(fill) | {"order_state": filled.state.value}
    append_event(
        conn, ts_ms, "fill_applied", fill.venue, fill.client_order_id, codec.dump_json(payload)
    )
    orders.put(filled)
    return True


def replace_balances(
    conn: sqlite3.Connection, venue: str, balances: Sequence[Balance], ts_ms: int
) -> None:
    conn.execute("DELETE FROM balances WHERE venue = ?", (venue,))
    for balance in balances:
        _save_balance(conn, balance, ts_ms, "venue")
    payload = {"balances": [codec.balance_json(b) for b in balances]}
    append_event(conn, ts_ms, "balances_replaced", venue, None, codec.dump_json(payload))


def set_kv(
    conn: sqlite3.Connection, key: str, value: str, ts_ms: int, event: tuple[str, str] | None
) -> None:
    conn.execute(_UPSERT_KV, (key, value, ts_ms))
    if event is not None:
        kind, payload = event
        append_event(conn, ts_ms, kind, None, None, payload)


def _require_order(conn: sqlite3.Connection, orders: OrderCache, client_order_id: str) -> Order:
    order = orders.get(conn, client_order_id)
    if order is None:
        raise UnknownOrder(f"no order {client_order_id} in the journal")
    return order


def _check_belongs(order: Order, fill: Fill) -> None:
    mine = (order.venue, order.symbol, order.side)
    theirs = (fill.venue, fill.symbol, fill.side)
    if mine != theirs:
        raise InconsistentFill(
            f"fill {fill.trade_id} ({' '.join(theirs)}) does not match order "
            f"{order.client_order_id} ({' '.join(mine)})"
        )
    if order.venue_order_id is not None and fill.venue_order_id != order.venue_order_id:
        raise InconsistentFill(
            f"fill {fill.trade_id} names venue order {fill.venue_order_id}, order "
            f"{order.client_order_id} is venue order {order.venue_order_id}"
        )


def _update_order(conn: sqlite3.Connection, o: Order) -> None:
    conn.execute(
        _UPDATE_ORDER,
        (
            o.state.value,
            o.updated_ms,
            o.venue_order_id,
            codec.text(o.filled),
            codec.text(o.cost),
            codec.text(o.fee),
            o.fee_currency,
            o.reason,
            o.client_order_id,
        ),
    )


def _save_position(conn: sqlite3.Connection, p: Position, ts_ms: int) -> None:
    conn.execute(_UPSERT_POSITION, (*codec.position_params(p), ts_ms))


def _save_balance(conn: sqlite3.Connection, b: Balance, ts_ms: int, source: str) -> None:
    conn.execute(
        _UPSERT_BALANCE, (b.venue, b.asset, codec.text(b.free), codec.text(b.used), ts_ms, source)
    )
