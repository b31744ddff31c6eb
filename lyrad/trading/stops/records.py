"""A stop as the manager keeps it (spec, target, status, watermark) and its JSON form.

Decimals travel as their exact strings. A document that cannot be read raises
StopsUnreadable: the manager refuses to start rather than forget a stop.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from lyrad.domain.errors import LyradError
from lyrad.trading.stops.specs import (
    AtrStop,
    DistanceUnit,
    FixedStop,
    PositionSide,
    StopSpec,
    TakeProfit,
    Target,
    TimeExit,
    TrailingStop,
    kind_of,
)
from lyrad.trading.stops.triggers import Watermark

VERSION = 1


class StopsUnreadable(LyradError):
    """The stored stops cannot be decoded; nothing is watched until an operator looks."""


class StopStatus(StrEnum):
    ACTIVE = "active"  # watched by lyrad, or resting on the venue (native_ref set)
    TRIGGERED = "triggered"  # durable before its exit is submitted
    EXECUTED = "executed"  # the exit intent was accepted (client_order_id)
    FAILED = "failed"  # the exit was refused on every attempt: the position is unprotected
    UNCONFIRMED = "unconfirmed"  # found triggered at start: perhaps sent, never sent again
    SKIPPED = "skipped"  # fired with nothing held to close
    CANCELLED = "cancelled"  # removed, or a sibling of the same group fired

    @property
    def is_final(self) -> bool:
        return self not in (StopStatus.ACTIVE, StopStatus.TRIGGERED)


@dataclass(frozen=True, slots=True)
class StopRecord:
    stop_id: str
    target: Target
    spec: StopSpec
    group: str  # stops of one group are one-cancels-other
    status: StopStatus
    created_ms: int
    updated_ms: int
    watermark: Watermark = field(default_factory=Watermark)
    attempts: int = 0  # exits submitted and refused so far
    client_order_id: str | None = None
    reason: str | None = None
    native_ref: str | None = None  # the venue's id when the venue holds the stop itself

    @property
    def kind(self) -> str:
        return kind_of(self.spec)

    @property
    def is_watched(self) -> bool:
        """lyrad itself watches marks for it."""
        return self.status is StopStatus.ACTIVE and self.native_ref is None


# --- JSON ---------------------------------------------------------------------------------


def spec_json(spec: StopSpec) -> dict[str, Any]:
    if isinstance(spec, FixedStop | TakeProfit):
        params: dict[str, Any] = {"price": str(spec.price)}
    elif isinstance(spec, TrailingStop):
        params = {"distance": str(spec.distance), "unit": spec.unit.value}
    elif isinstance(spec, TimeExit):
        params = {"deadline_ms": spec.deadline_ms}
    else:
        params = {
            "multiple": str(spec.multiple),
            "period": spec.period,
            "timeframe": spec.timeframe,
        }
    return {"kind": kind_of(spec), **params}


def record_json(record: StopRecord) -> dict[str, Any]:
    target = record.target
    mark = record.watermark
    return {
        "id": record.stop_id,
        "venue": target.venue,
        "symbol": target.symbol,
        "side": target.side.value,
        "quantity": _text(target.quantity),
        "spec": spec_json(record.spec),
        "group": record.group,
        "status": record.status.value,
        "created_ms": record.created_ms,
        "updated_ms": record.updated_ms,
        "peak": _text(mark.peak),
        "level": _text(mark.level),
        "attempts": record.attempts,
        "client_order_id": record.client_order_id,
        "reason": record.reason,
        "native_ref": record.native_ref,
    }


def dump_document(records: Iterable[StopRecord]) -> str:
    body = {"version": VERSION, "stops": [record_json(r) for r in records]}
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def load_document(text: str | None) -> list[StopRecord]:
    """The records of a stored document (none when there is none yet)."""
    if text is None:
        return []
    try:
        body = json.loads(text)
        if body.get("version") != VERSION:
            raise StopsUnreadable(f"stops document version {body.get('version')!r}")
        return [parse_record(item) for item in body["stops"]]
    except StopsUnreadable:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation) as e:
        raise StopsUnreadable(f"stops document: {type(e).__name__}: {e}") from e


def parse_spec(raw: Mapping[str, Any]) -> StopSpec:
    """A spec from its JSON form; ValueError (naming the field) for a bad one."""
    kind = raw.get("kind")
    if kind == "fixed_stop":
        return FixedStop(_decimal(raw["price"]))
    if kind == "take_profit":
        return TakeProfit(_decimal(raw["price"]))
    if kind == "trailing_stop":
        return TrailingStop(_decimal(raw["distance"]), DistanceUnit(raw.get("unit", "fraction")))
    if kind == "time_exit":
        return TimeExit(_integer(raw["deadline_ms"]))
    if kind == "atr_stop":
        return AtrStop(_decimal(raw["multiple"]), _integer(raw["period"]), str(raw["timeframe"]))
    raise ValueError(f"unknown stop kind {kind!r}")


def parse_record(raw: Mapping[str, Any]) -> StopRecord:
    quantity = raw.get("quantity")
    target = Target(
        venue=str(raw["venue"]),
        symbol=str(raw["symbol"]),
        side=PositionSide(raw["side"]),
        quantity=None if quantity is None else _decimal(quantity),
    )
    return StopRecord(
        stop_id=str(raw["id"]),
        target=target,
        spec=parse_spec(raw["spec"]),
        group=str(raw["group"]),
        status=StopStatus(raw["status"]),
        created_ms=_integer(raw["created_ms"]),
        updated_ms=_integer(raw["updated_ms"]),
        watermark=Watermark(_optional(raw.get("peak")), _optional(raw.get("level"))),
        attempts=_integer(raw.get("attempts", 0)),
        client_order_id=raw.get("client_order_id"),
        reason=raw.get("reason"),
        native_ref=raw.get("native_ref"),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: object) -> Decimal:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"expected a decimal as text, got {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"expected a finite decimal, got {value!r}")
    return number


def _optional(value: object) -> Decimal | None:
    return None if value is None else _decimal(value)


def _integer(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    return value
