"""A request's parameters as Binance reads them: query string and form body, each sent once."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar
from urllib.parse import parse_qsl

from lyrad.sim.binance import errors
from lyrad.sim.binance.errors import BinanceError

_DECIMAL = re.compile(errors.DECIMAL_RANGE)
_INTEGER = re.compile(errors.INTEGER_RANGE)
_SYMBOL = re.compile(errors.SYMBOL_RANGE)
_CLIENT_ORDER_ID = re.compile(errors.CLIENT_ORDER_ID_RANGE)
_SYMBOLS = re.compile(errors.SYMBOLS_RANGE)
_MAX_INT = 2**63 - 1
_MAX_PARAMETERS = 100

E = TypeVar("E", bound=StrEnum)


def _parse_pairs(raw: str) -> list[tuple[str, str]]:
    if not raw:
        return []
    if raw.count("&") >= _MAX_PARAMETERS:
        raise BinanceError(errors.BAD_REQUEST, -1101, "Too many parameters sent for this endpoint.")
    try:
        return parse_qsl(raw, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as e:
        raise errors.illegal_chars_anywhere() from e


class Params:
    """Parameters of one request; typed getters raise Binance's own error for each malformation."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    @classmethod
    def parse(cls, query: str, body: str) -> Params:
        """Merge the raw query string and form body; a name sent twice is -1101."""
        values: dict[str, str] = {}
        for name, value in _parse_pairs(query) + _parse_pairs(body):
            if name in values:
                raise errors.duplicate_parameter()
            values[name] = value
        return cls(values)

    def names(self) -> frozenset[str]:
        return frozenset(self._values)

    def text(self, name: str) -> str | None:
        """The raw value; an empty value counts as not sent."""
        value = self._values.get(name)
        return value if value else None

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise errors.mandatory(name)
        return value

    def decimal(self, name: str) -> Decimal | None:
        value = self.text(name)
        if value is None:
            return None
        if not _DECIMAL.match(value):
            raise errors.illegal_chars(name, errors.DECIMAL_RANGE)
        try:
            return Decimal(value)
        except InvalidOperation as e:  # pragma: no cover - the pattern admits only valid decimals
            raise errors.illegal_chars(name, errors.DECIMAL_RANGE) from e

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        if not _INTEGER.match(value):
            raise errors.illegal_chars(name, errors.INTEGER_RANGE)
        number = int(value)
        if number > _MAX_INT:
            raise BinanceError(errors.BAD_REQUEST, -1108, f"Parameter '{name}' overflowed.")
        return number

    def limit(self, name: str, *, default: int, maximum: int) -> int:
        """A `limit`-style count: at most `maximum`, at least 1."""
        value = self.integer(name)
        if value is None:
            return default
        if value < 1:
            raise errors.invalid_value(name)
        return min(value, maximum)

    def enum(self, name: str, kind: type[E], invalid: BinanceError) -> E | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError as e:
            raise invalid from e

    def symbol(self, name: str = "symbol") -> str | None:
        value = self.text(name)
        if value is None:
            return None
        if not _SYMBOL.match(value):
            raise errors.illegal_chars(name, errors.SYMBOL_RANGE)
        return value

    def required_symbol(self, name: str = "symbol") -> str:
        value = self.symbol(name)
        if value is None:
            raise errors.mandatory(name)
        return value

    def symbols(self, name: str = "symbols") -> list[str] | None:
        """The JSON array form `["BTCUSDT","ETHUSDT"]` used by tickers and exchangeInfo."""
        value = self.text(name)
        if value is None:
            return None
        if not _SYMBOLS.match(value):
            raise errors.illegal_chars(name, errors.SYMBOLS_RANGE)
        parsed: list[str] = json.loads(value)
        if len(set(parsed)) != len(parsed):
            raise BinanceError(
                errors.BAD_REQUEST, -1151, "Symbol is present multiple times in the list."
            )
        return parsed

    def client_order_id(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if value == "":
            if name.startswith("orig"):
                raise BinanceError(errors.BAD_REQUEST, -1119, "Original client order ID was empty.")
            raise BinanceError(errors.BAD_REQUEST, -1118, "New client order ID was empty.")
        if not _CLIENT_ORDER_ID.match(value):
            raise errors.illegal_chars(name, errors.CLIENT_ORDER_ID_RANGE)
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise errors.illegal_chars(name, "^(true|false)$")
        return lowered == "true"
