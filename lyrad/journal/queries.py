# ruff: noqa: S608  SQL here is composed of constant fragments; every value is a parameter.
"""Reads of the projections and the log, shared by the daemon's reader and the read-only view."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, Position
from lyrad.journal import codec
from lyrad.journal.codec import JournalEvent

_LIVE_STATES = tuple(s.value for s in OrderState if s.is_live)
_LIVE = f"state IN ({', '.join('?' * len(_LIVE_STATES))})"


def get_order(conn: sqlite3.Connection, client_order_id: str) -> Order | None:
    row = conn.execute(
        f"SELECT {codec.ORDER_COLUMNS} FROM orders WHERE client_order_id = ?", (client_order_id,)
    ).fetchone()
    return None if row is None else codec.order_from_row(row)


def get_order_by_venue_id(
    conn: sqlite3.Connection, venue: str, venue_order_id: str
) -> Order | None:
    row = conn.execute(
        f"SELECT {codec.ORDER_COLUMNS} FROM orders WHERE venue = ? AND venue_order_id = ?",
        (venue, venue_order_id),
    ).fetchone()
    return None if row is None else codec.order_from_row(row)


def list_orders(
    conn: sqlite3.Connection,
    venue: str | None = None,
    state: OrderState | None = None,
    live_only: bool = False,
) -> list[Order]:
    clauses: list[str] = []
    params: list[str] = []
    if venue is not None:
        clauses.append("venue = ?")
        params.append(venue)
    if state is not None:
        clauses.append("state = ?")
        params.append(state.value)
    if live_only:
        clauses.append(_LIVE)
        params.extend(_LIVE_STATES)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        f"SELECT {codec.ORDER_COLUMNS} FROM orders{where} ORDER BY created_ms, client_order_id",
        params,
    ).fetchall()
    return [codec.order_from_row(r) for r in rows]


def list_fills(
    conn: sqlite3.Connection,
    venue: str | None = None,
    client_order_id: str | None = None,
    since_ms: int | None = None,
) -> list[Fill]:
    clauses: list[str] = []
    params: list[str | int] = []
    if venue is not None:
        clauses.append("venue = ?")
        params.append(venue)
    if client_order_id is not None:
        clauses.append("client_order_id = ?")
        params.append(client_order_id)
    if since_ms is not None:
        clauses.append("timestamp_ms >= ?")
        params.append(since_ms)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        f"SELECT {codec.FILL_COLUMNS} FROM fills{where} ORDER BY timestamp_ms, venue, trade_id",
        params,
    ).fetchall()
    return [codec.fill_from_row(r) for r in rows]


def fill_ids(conn: sqlite3.Connection, venue: str, since_ms: int) -> set[str]:
    rows = conn.execute(
        "SELECT trade_id FROM fills WHERE venue = ? AND timestamp_ms >= ?", (venue, since_ms)
    ).fetchall()
    return {r[0] for r in rows}


def get_position(conn: sqlite3.Connection, venue: str, symbol: str) -> Position:
    row = conn.execute(
        f"SELECT {codec.POSITION_COLUMNS} FROM positions WHERE venue = ? AND symbol = ?",
        (venue, symbol),
    ).fetchone()
    return Position(venue=venue, symbol=symbol) if row is None else codec.position_from_row(row)


def list_positions(conn: sqlite3.Connection, venue: str | None = None) -> list[Position]:
    where, params = (" WHERE venue = ?", (venue,)) if venue is not None else ("", ())
    rows = conn.execute(
        f"SELECT {codec.POSITION_COLUMNS} FROM positions{where} ORDER BY venue, symbol", params
    ).fetchall()
    return [codec.position_from_row(r) for r in rows]


def get_balances(
    conn: sqlite3.Connection, venue: str, assets: Iterable[str] | None = None
) -> dict[str, Balance]:
    sql = f"SELECT {codec.BALANCE_COLUMNS} FROM balances WHERE venue = ?"
    params = [venue]
    if assets is not None:
        wanted = list(assets)
        sql += f" AND asset IN ({', '.join('?' * len(wanted))})"
        params.extend(wanted)
    rows = conn.execute(f"{sql} ORDER BY asset", params).fetchall()
    return {r[1]: codec.balance_from_row(r) for r in rows}


def get_kv(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def list_events(
    conn: sqlite3.Connection,
    after_seq: int = 0,
    limit: int = 1000,
    client_order_id: str | None = None,
) -> list[JournalEvent]:
    if client_order_id is None:
        sql = f"SELECT {codec.EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
        params: tuple[str | int, ...] = (after_seq, limit)
    else:
        sql = (
            f"SELECT {codec.EVENT_COLUMNS} FROM events WHERE client_order_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?"
        )
        params = (client_order_id, after_seq, limit)
    return [codec.event_from_row(r) for r in conn.execute(sql, params).fetchall()]
