"""Rows and JSON to and from domain values. Decimals travel as their exact strings."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, TypeAlias, TypeVar

from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, OrderType, Position, Side, TimeInForce

JsonValue: TypeAlias = (
    str | int | float | bool | Decimal | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)
Details: TypeAlias = Mapping[str, JsonValue]
Row: TypeAlias = tuple[Any, ...]  # a row as sqlite3 returns it


@dataclass(frozen=True, slots=True)
class JournalEvent:
    """One entry of the append-only event log; `payload` is decoded JSON (Decimals as strings)."""

    seq: int
    ts_ms: int
    kind: str
    venue: str | None
    client_order_id: str | None
    payload: dict[str, object]


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot journal a {type(value).__name__} in an event payload")


def _make_encoder() -> Callable[[object, int], Sequence[str]]:
    """One C encoder for every payload: `JSONEncoder.encode` builds a new one per call.

    Output is exactly `json.dumps(separators=(",", ":"), allow_nan=False)`'s. No circular check
    (its marker dict would be shared between threads): a cyclic payload ends in RecursionError.
    """
    options = json.JSONEncoder(default=_default, separators=(",", ":"), allow_nan=False)
    if c_make_encoder is None:  # pragma: no cover  CPython always has the C accelerator
        return lambda value, level: [options.encode(value)]
    encoder: Callable[[object, int], Sequence[str]] = c_make_encoder(
        None, _default, encode_basestring_ascii, None, ":", ",", False, False, False
    )
    return encoder


_ENCODE = _make_encoder()


def dump_json(details: Details) -> str:
    """Compact JSON; raises TypeError for anything that is not JSON or a Decimal."""
    return "".join(_ENCODE(details, 0))


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append with `Journal.record_events`."""

    kind: str
    venue: str | None = None
    client_order_id: str | None = None
    details: Details | None = None


def text(value: Decimal) -> str:
    return str(value)


def optional_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def decimal(value: str) -> Decimal:
    return Decimal(value)


def optional_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


E = TypeVar("E", bound=Enum)


def _members(kind: type[E]) -> Callable[[str], E]:
    """`kind(value)` through a dict: an enum call costs a microsecond, a row has four."""
    by_value: dict[str, E] = {member.value: member for member in kind}

    def member(value: str) -> E:
        found = by_value.get(value)
        return kind(value) if found is None else found  # kind(value) raises for a stranger

    return member


_side = _members(Side)
_order_type = _members(OrderType)
_time_in_force = _members(TimeInForce)
_order_state = _members(OrderState)

ORDER_COLUMNS = (
    "client_order_id, intent_id, venue, symbol, side, type, amount, price, time_in_force, "
    "state, created_ms, updated_ms, venue_order_id, filled, cost, fee, fee_currency, reason"
)
_ORDER_KEYS = tuple(ORDER_COLUMNS.split(", "))


def order_params(o: Order) -> Row:
    return (
        o.client_order_id,
        o.intent_id,
        o.venue,
        o.symbol,
        o.side.value,
        o.type.value,
        text(o.amount),
        optional_text(o.price),
        o.time_in_force.value,
        o.state.value,
        o.created_ms,
        o.updated_ms,
        o.venue_order_id,
        text(o.filled),
        text(o.cost),
        text(o.fee),
        o.fee_currency,
        o.reason,
    )


def order_from_row(r: Row) -> Order:
    return Order(
        client_order_id=r[0],
        intent_id=r[1],
        venue=r[2],
        symbol=r[3],
        side=_side(r[4]),
        type=_order_type(r[5]),
        amount=Decimal(r[6]),
        price=None if r[7] is None else Decimal(r[7]),
        time_in_force=_time_in_force(r[8]),
        state=_order_state(r[9]),
        created_ms=r[10],
        updated_ms=r[11],
        venue_order_id=r[12],
        filled=Decimal(r[13]),
        cost=Decimal(r[14]),
        fee=Decimal(r[15]),
        fee_currency=r[16],
        reason=r[17],
    )


def order_json(params: Row) -> dict[str, JsonValue]:
    """An order's row (`order_params`) as the JSON object of its columns."""
    return dict(zip(_ORDER_KEYS, params, strict=True))


FILL_COLUMNS = (
    "venue, trade_id, client_order_id, venue_order_id, symbol, side, price, amount, cost, "
    "fee, fee_currency, is_maker, timestamp_ms"
)


def fill_params(f: Fill) -> Row:
    return (
        f.venue,
        f.trade_id,
        f.client_order_id,
        f.venue_order_id,
        f.symbol,
        f.side.value,
        text(f.price),
        text(f.amount),
        text(f.cost),
        text(f.fee),
        f.fee_currency,
        int(f.is_maker),
        f.timestamp_ms,
    )


def fill_from_row(r: Row) -> Fill:
    return Fill(
        venue=r[0],
        trade_id=r[1],
        client_order_id=r[2],
        venue_order_id=r[3],
        symbol=r[4],
        side=_side(r[5]),
        price=decimal(r[6]),
        amount=decimal(r[7]),
        cost=decimal(r[8]),
        fee=decimal(r[9]),
        fee_currency=r[10],
        is_maker=bool(r[11]),
        timestamp_ms=r[12],
    )


def fill_json(f: Fill) -> dict[str, JsonValue]:
    columns = FILL_COLUMNS.split(", ")
    values = fill_params(f)
    return {c: bool(v) if c == "is_maker" else v for c, v in zip(columns, values, strict=True)}


POSITION_COLUMNS = "venue, symbol, quantity, average_cost, realized_pnl, fees_paid"


def position_params(p: Position) -> Row:
    return (
        p.venue,
        p.symbol,
        text(p.quantity),
        text(p.average_cost),
        text(p.realized_pnl),
        text(p.fees_paid),
    )


def position_from_row(r: Row) -> Position:
    return Position(
        venue=r[0],
        symbol=r[1],
        quantity=decimal(r[2]),
        average_cost=decimal(r[3]),
        realized_pnl=decimal(r[4]),
        fees_paid=decimal(r[5]),
    )


BALANCE_COLUMNS = "venue, asset, free, used"


def balance_from_row(r: Row) -> Balance:
    return Balance(venue=r[0], asset=r[1], free=decimal(r[2]), used=decimal(r[3]))


def balance_json(b: Balance) -> dict[str, JsonValue]:
    return {"asset": b.asset, "free": text(b.free), "used": text(b.used)}


EVENT_COLUMNS = "seq, ts_ms, kind, venue, client_order_id, payload"


def event_from_row(r: Row) -> JournalEvent:
    payload = json.loads(r[5])
    return JournalEvent(
        seq=r[0], ts_ms=r[1], kind=r[2], venue=r[3], client_order_id=r[4], payload=payload
    )
