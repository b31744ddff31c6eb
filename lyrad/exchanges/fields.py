"""Strict readers for venue answers: exact decimals, or BadVenueResponse naming the field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from lyrad.domain.errors import BadVenueResponse
from lyrad.domain.values import ZERO

MAX_SHOWN = 40


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "..."


def exact_decimal(value: object) -> Decimal | None:
    """`value` as an exact Decimal, or None when it is not an exact finite number.

    Floats are refused: a float is already rounded, and money must come as text.
    """
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        # Decimal() alone would also take "NaN", "Infinity" and "1_000"; the pattern would not.
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() and "_" not in value else None
    return None


def float_to_decimal(value: object, step: Decimal) -> Decimal | None:
    """A float that ccxt made from exact text, back to that text, snapped to `step`.

    The shortest repr of a double round-trips any decimal of up to 15 significant digits,
    and a venue's prices and sizes are multiples of its tick and step, so snapping to the
    step recovers the exact value whenever the float is within a millionth of a step of it.
    """
    if isinstance(value, bool) or not isinstance(value, float | int):
        return None
    if not math.isfinite(value):
        return None
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if step <= ZERO:
        return number
    snapped = (number / step).to_integral_value() * step
    return snapped.quantize(step) if abs(snapped - number) <= step / 1_000_000 else number


class Reader:
    """Reads one venue object; every failure names the venue, the object and the field."""

    def __init__(self, venue: str, what: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise BadVenueResponse(venue, f"{what}: expected an object, got {_shown(data)}")
        self.venue = venue
        self.what = what
        self.data: Mapping[str, object] = data

    def fail(self, key: str, problem: str) -> BadVenueResponse:
        return BadVenueResponse(self.venue, f"{self.what}: {key}: {problem}")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def sub(self, key: str) -> Reader:
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected an object, got {_shown(value)}")
        return Reader(self.venue, f"{self.what}.{key}", value)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # ids sometimes come as integers
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"expected text, got {_shown(value)}")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def integer(self, key: str) -> int:
        value = self.data.get(key)
        number = exact_decimal(value)
        if number is None or number != number.to_integral_value():
            raise self.fail(key, f"expected an integer, got {_shown(value)}")
        return int(number)

    def optional_integer(self, key: str) -> int | None:
        return self.integer(key) if self.has(key) else None

    def decimal(self, key: str, *, positive: bool = False) -> Decimal:
        """A required exact number, never negative (and above zero when `positive`)."""
        value = self.data.get(key)
        if value is None:
            raise self.fail(key, "missing")
        number = exact_decimal(value)
        if number is None:
            raise self.fail(key, f"not an exact number: {_shown(value)}")
        if number < ZERO or (positive and number == ZERO):
            raise self.fail(key, f"out of range: {number}")
        return number

    def optional_decimal(self, key: str, *, positive: bool = False) -> Decimal | None:
        return self.decimal(key, positive=positive) if self.has(key) else None
