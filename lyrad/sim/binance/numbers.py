"""Decimal strings exactly as Binance prints them ("0.10000000", "1.647", "0.001")."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

_EIGHT = Decimal("0.00000001")
_THREE = Decimal("0.001")


def fixed8(value: Decimal) -> str:
    """Prices, quantities and balances: eight decimals, more only if the value needs them.

    Trailing zeros beyond the eighth decimal are dropped but never those up to it: a price x
    quantity with ten decimals of which only two are significant prints "60.00000000", as
    Binance does, not "60".
    """
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -8:
        value = value.normalize()
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -8:
            return format(value, "f")
    return format(value.quantize(_EIGHT), "f")


def percent3(value: Decimal) -> str:
    """priceChangePercent: three decimals."""
    return format(value.quantize(_THREE, rounding=ROUND_HALF_EVEN), "f")


def plain(value: Decimal) -> str:
    """Fee rates in tradeFee: the shortest plain form ("0.001")."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
