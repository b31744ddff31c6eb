"""Reading recorded candles or trades from CSV into integer trades, with one-line errors.

Candles (`open_time,open,high,low,close,volume`) become four trades each (open, the nearer
extreme, the other extreme, close) spread over the candle, so that candles of the recorded
interval come back out unchanged. Trades (`time,price,qty`) are taken as they are. Aggressor
sides are not recorded in either format; they follow the tick rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import NoReturn

CANDLE_HEADER = ("open_time", "open", "high", "low", "close", "volume")
TRADE_HEADER = ("time", "price", "qty")
QUANTUM = Decimal("0.00000001")  # quantities are kept in units of 1e-8, Binance's precision
_DEFAULT_CANDLE_MS = 60_000


class ReplayError(ValueError):
    """A bad replay file; str() is one line naming the file, the line and the column."""


@dataclass(frozen=True, slots=True)
class RecordedTrades:
    """Parallel lists of one file's trades in time order (times as recorded)."""

    times: list[int]
    ticks: list[int]
    units: list[int]
    buyer_maker: list[bool]


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: dict[str, str]


def read_recorded(path: Path, tick_size: Decimal) -> RecordedTrades:
    """Parse a candles or trades CSV (chosen by its header) into trades."""
    parser = _Parser(path, tick_size)
    rows = _read_rows(path)
    header = tuple(cell.strip() for cell in rows[0]) if rows else ()
    if header == CANDLE_HEADER:
        times, ticks, units = parser.candles(list(_data_rows(path, header, rows)))
    elif header == TRADE_HEADER:
        times, ticks, units = parser.trades(list(_data_rows(path, header, rows)))
    else:
        raise ReplayError(
            f"{path}:1: header: expected {','.join(CANDLE_HEADER)} or {','.join(TRADE_HEADER)}"
        )
    return RecordedTrades(times, ticks, units, _tick_rule(ticks))


def _read_rows(path: Path) -> list[list[str]]:
    reader = None
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            return list(reader)
    except OSError as e:
        raise ReplayError(f"{path}: cannot read: {e.strerror or e}") from e
    except (csv.Error, UnicodeDecodeError) as e:
        line = reader.line_num if reader is not None else 0
        raise ReplayError(f"{path}:{line}: row: {e}") from e


def _data_rows(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> Iterator[_Row]:
    found = False
    for line, cells in enumerate(rows[1:], start=2):
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ReplayError(
                f"{path}:{line}: row: expected {len(header)} columns, got {len(cells)}"
            )
        found = True
        yield _Row(line, dict(zip(header, (cell.strip() for cell in cells), strict=True)))
    if not found:
        raise ReplayError(f"{path}:2: row: no data rows after the header")


class _Parser:
    def __init__(self, path: Path, tick_size: Decimal) -> None:
        self._path = path
        self._tick = tick_size

    def trades(self, rows: Sequence[_Row]) -> tuple[list[int], list[int], list[int]]:
        times: list[int] = []
        ticks: list[int] = []
        units: list[int] = []
        for row in rows:
            t = self._time(row, "time")
            if times and t < times[-1]:
                self._fail(row, "time", f"goes back in time ({t} < {times[-1]})")
            times.append(t)
            ticks.append(self._price(row, "price"))
            units.append(self._units(row, "qty"))
        return times, ticks, units

    def candles(self, rows: Sequence[_Row]) -> tuple[list[int], list[int], list[int]]:
        opens = [self._time(row, "open_time") for row in rows]
        for row, before, after in zip(rows[1:], opens, opens[1:], strict=False):
            if after <= before:
                self._fail(row, "open_time", f"must increase ({after} <= {before})")
        spans = [b - a for a, b in pairwise(opens)]
        spans.append(spans[-1] if spans else _DEFAULT_CANDLE_MS)
        times: list[int] = []
        ticks: list[int] = []
        units: list[int] = []
        for row, open_ms, span in zip(rows, opens, spans, strict=True):
            prices = self._candle_prices(row)
            volume = self._units(row, "volume")
            share, rest = divmod(volume, len(prices))
            for i, price in enumerate(prices):
                times.append(open_ms + span * i // len(prices))
                ticks.append(price)
                units.append(share + (rest if i == len(prices) - 1 else 0))
        return times, ticks, units

    def _candle_prices(self, row: _Row) -> tuple[int, int, int, int]:
        o, h, lo, c = (self._price(row, name) for name in ("open", "high", "low", "close"))
        if h < max(o, c, lo):
            self._fail(row, "high", "is below open, low or close")
        if lo > min(o, c):
            self._fail(row, "low", "is above open or close")
        return (o, lo, h, c) if c >= o else (o, h, lo, c)

    def _time(self, row: _Row, column: str) -> int:
        text = row.cells[column]
        try:
            return int(text)
        except ValueError:
            self._fail(row, column, f"not an integer millisecond time: {text!r}")

    def _decimal(self, row: _Row, column: str) -> Decimal:
        text = row.cells[column]
        try:
            value = Decimal(text)
        except InvalidOperation:
            self._fail(row, column, f"not a decimal number: {text!r}")
        if not value.is_finite():
            self._fail(row, column, f"not a finite number: {text!r}")
        return value

    def _price(self, row: _Row, column: str) -> int:
        ticks = int((self._decimal(row, column) / self._tick).to_integral_value(ROUND_HALF_EVEN))
        if ticks < 1:
            self._fail(row, column, f"must be at least one tick ({self._tick})")
        return ticks

    def _units(self, row: _Row, column: str) -> int:
        value = self._decimal(row, column)
        if value < 0:
            self._fail(row, column, f"must be >= 0, got {value}")
        units = value / QUANTUM
        if units != units.to_integral_value():
            self._fail(row, column, f"more than 8 decimals: {value}")
        return int(units)

    def _fail(self, row: _Row, column: str, message: str) -> NoReturn:
        raise ReplayError(f"{self._path}:{row.line}: {column}: {message}")


def _tick_rule(ticks: Sequence[int]) -> list[bool]:
    # An uptick was bought by a taker (buyer is not the maker), a downtick sold; a flat trade
    # keeps the previous side.
    sides: list[bool] = []
    previous_price = ticks[0] if ticks else 0
    buyer_maker = False
    for price in ticks:
        if price != previous_price:
            buyer_maker = price < previous_price
        sides.append(buyer_maker)
        previous_price = price
    return sides
