"""Strict typed reading of one TOML table, with errors naming the file and the dotted field."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import NoReturn


class ScenarioError(Exception):
    """A bad scenario; str() is one line: "flash_crash.toml: path.volatility: must be >= 0"."""

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = file
        self.field = field
        self.message = " ".join(message.split())  # one line, whatever the cause said
        super().__init__(f"{file}: {field}: {self.message}" if field else f"{file}: {message}")


_MISSING = object()


class Table:
    """A TOML table being read: every key must be consumed exactly once, by a typed getter."""

    def __init__(
        self,
        file: str,
        data: Mapping[str, object],
        prefix: str,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.file = file
        self._data = data
        self._prefix = prefix
        self._names = dict(names or {})
        self._used: set[str] = set()

    def name(self, key: str) -> str:
        """Dotted name of `key` as the author wrote it."""
        return self._names.get(key) or (f"{self._prefix}.{key}" if self._prefix else key)

    def fail(self, key: str, message: str) -> NoReturn:
        """Raise a ScenarioError for `key`."""
        raise ScenarioError(self.file, self.name(key), message)

    def given_keys(self) -> list[str]:
        """The keys the table sets, in file order."""
        return list(self._data)

    def has(self, key: str) -> bool:
        """True when the table sets `key`."""
        return key in self._data

    def finish(self) -> None:
        """Raise on the first key no getter consumed."""
        for key in self._data:
            if key not in self._used:
                self.fail(key, "unknown key")

    def _take(self, key: str, default: object) -> object:
        self._used.add(key)
        value = self._data.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.fail(key, "missing")
            return default
        return value

    def text(self, key: str, default: object = _MISSING) -> str:
        """A non-empty string."""
        value = self._take(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty string, got {_show(value)}")
        return value

    def optional_text(self, key: str) -> str | None:
        """A non-empty string, or None when absent."""
        return None if self._absent(key) else self.text(key)

    def choice(self, key: str, options: Iterable[str], default: object = _MISSING) -> str:
        """One of `options`."""
        allowed = tuple(options)
        value = self._take(key, default)
        if value not in allowed:
            self.fail(key, f"must be one of {', '.join(allowed)}, got {_show(value)}")
        assert isinstance(value, str)
        return value

    def integer(self, key: str, default: object = _MISSING, *, minimum: int | None = None) -> int:
        """An integer (not a bool), at least `minimum`."""
        value = self._take(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be an integer, got {_show(value)}")
        if minimum is not None and value < minimum:
            self.fail(key, f"must be >= {minimum}, got {value}")
        return value

    def optional_integer(self, key: str) -> int | None:
        """An integer, or None when absent."""
        return None if self._absent(key) else self.integer(key)

    def number(
        self,
        key: str,
        default: object = _MISSING,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
    ) -> float:
        """A finite number within the bounds (`above` is an exclusive minimum)."""
        value = self._take(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number, got {_show(value)}")
        number = float(value)
        if not math.isfinite(number):
            self.fail(key, f"must be finite, got {number}")
        _check_bounds(self, key, number, minimum, maximum, above)
        return number

    def optional_number(self, key: str, *, minimum: float | None = None) -> float | None:
        """A finite number, or None when absent."""
        return None if self._absent(key) else self.number(key, minimum=minimum)

    def decimal(
        self,
        key: str,
        default: object = _MISSING,
        *,
        above: Decimal | None = None,
        minimum: Decimal | None = None,
    ) -> Decimal:
        """A decimal from a string ("0.01"), an integer or a float; finite and within bounds."""
        value = self._take(key, default)
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"must be a decimal number or a string holding one, got {_show(value)}")
        else:
            number = _parse_decimal(self, key, value)
        if above is not None and not number > above:
            self.fail(key, f"must be > {above}, got {number}")
        if minimum is not None and number < minimum:
            self.fail(key, f"must be >= {minimum}, got {number}")
        return number

    def table(self, key: str, *, required: bool = False) -> Table:
        """A sub-table (an empty one when absent and not required)."""
        value = self._take(key, _MISSING if required else {})
        if not isinstance(value, dict):
            self.fail(key, f"must be a table, got {_show(value)}")
        return Table(self.file, value, self.name(key))

    def tables(self, key: str) -> list[Table]:
        """An array of tables (empty when absent)."""
        value = self._take(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(key, f"must be an array of tables, got {_show(value)}")
        return [Table(self.file, item, f"{self.name(key)}[{i}]") for i, item in enumerate(value)]

    def raw(self, key: str) -> object:
        """The value of `key` unchecked (None when absent); the caller validates it."""
        return self._take(key, None)

    def _absent(self, key: str) -> bool:
        self._used.add(key)
        return key not in self._data


def _check_bounds(
    table: Table,
    key: str,
    number: float,
    minimum: float | None,
    maximum: float | None,
    above: float | None,
) -> None:
    if minimum is not None and number < minimum:
        table.fail(key, f"must be >= {_fmt(minimum)}, got {_fmt(number)}")
    if maximum is not None and number > maximum:
        table.fail(key, f"must be <= {_fmt(maximum)}, got {_fmt(number)}")
    if above is not None and number <= above:
        table.fail(key, f"must be > {_fmt(above)}, got {_fmt(number)}")


def _parse_decimal(table: Table, key: str, value: str | int | float) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        table.fail(key, f"not a decimal number: {_show(value)}")
    if not number.is_finite():
        table.fail(key, f"must be finite, got {_show(value)}")
    return number


def _fmt(number: float) -> str:
    return f"{number:g}"


def _show(value: object) -> str:
    if value is _MISSING:
        return "nothing"
    kind = {bool: "boolean", str: "string", int: "integer", float: "float", list: "array"}
    name = kind.get(type(value), "table" if isinstance(value, dict) else type(value).__name__)
    text = repr(value)
    return f"{name} {text[:40]}{'…' if len(text) > 40 else ''}"
