"""CsvReplaySource: recorded candles or trades replayed from the scenario start."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

from lyrad.sim.marketdata import views
from lyrad.sim.marketdata.replay_csv import QUANTUM, RecordedTrades, read_recorded
from lyrad.sim.marketdata.support import Origin
from lyrad.sim.marketdata.tape import Agg, RawTrade


@dataclass(frozen=True, slots=True)
class ReplayFile:
    """One symbol's recording: a candles or trades CSV, and the tick its prices round to."""

    symbol: str
    path: Path | str
    tick_size: Decimal


class ReplayTape:
    """A recorded tape held in memory, shifted in time by `offset_ms`."""

    def __init__(self, recorded: RecordedTrades, *, tick: Decimal, offset_ms: int) -> None:
        self.tick = tick
        self.quantum = QUANTUM
        self._offset = offset_ms
        self._times = recorded.times
        self._ticks = array("q", recorded.ticks)
        self._units = recorded.units
        self._buyer_maker = recorded.buyer_maker
        self._volume = _prefix(recorded.units)
        self._quote = _prefix([t * u for t, u in zip(recorded.ticks, recorded.units, strict=True)])
        taker = [0 if m else u for u, m in zip(recorded.units, recorded.buyer_maker, strict=True)]
        self._taker = _prefix(taker)
        self._taker_quote = _prefix([t * u for t, u in zip(recorded.ticks, taker, strict=True)])

    def first_time_ms(self) -> int:
        """Time of trade 1 in sim time."""
        return self._times[0] + self._offset

    def id_after(self, t_ms: int) -> int:
        """One past the id of the last trade at or before `t_ms`."""
        return bisect_right(self._times, t_ms - self._offset) + 1

    def price_ticks_at(self, t_ms: int) -> int:
        """Ticks of the last trade at or before `t_ms` (the first trade before the recording)."""
        return self._ticks[max(0, self.id_after(t_ms) - 2)]

    def raw_trades(self, lo: int, hi: int) -> list[RawTrade]:
        """Trades with ids in [lo, hi)."""
        begin, end = max(lo, 1) - 1, min(hi, len(self._times) + 1) - 1
        return [
            RawTrade(
                i + 1,
                self._times[i] + self._offset,
                self._ticks[i],
                self._units[i],
                self._buyer_maker[i],
            )
            for i in range(begin, end)
        ]

    def aggregate(self, lo: int, hi: int) -> Agg | None:
        """Summary of the trades with ids in [lo, hi)."""
        begin, end = max(lo, 1) - 1, min(hi, len(self._times) + 1) - 1
        if end <= begin:
            return None
        ticks = self._ticks[begin:end]
        return Agg(
            first_id=begin + 1,
            last_id=end,
            open=ticks[0],
            high=max(ticks),
            low=min(ticks),
            close=ticks[-1],
            volume=self._volume[end] - self._volume[begin],
            quote=self._quote[end] - self._quote[begin],
            taker_buy_volume=self._taker[end] - self._taker[begin],
            taker_buy_quote=self._taker_quote[end] - self._taker_quote[begin],
            last_units=self._units[end - 1],
        )


class CsvReplaySource(views.TapeSource):
    """A `MarketDataSource` replaying CSV recordings; the earliest recorded time maps to start.

    Every file is read (and checked) at construction; after its last row a symbol's price stays
    at its last trade. With `start_ms` None the first query fixes the start.
    """

    def __init__(self, files: Sequence[ReplayFile], *, start_ms: int | None = None) -> None:
        names = [file.symbol for file in files]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"need distinct symbols, got {names}")
        self.symbols: tuple[str, ...] = tuple(names)
        self._recorded = {f.symbol: read_recorded(Path(f.path), f.tick_size) for f in files}
        self._ticks = {file.symbol: file.tick_size for file in files}
        self._first_recorded_ms = min(rec.times[0] for rec in self._recorded.values())
        self._origin = Origin(start_ms)
        self._tapes: dict[str, ReplayTape] = {}

    def _tape(self, symbol: str, t_ms: int) -> ReplayTape:
        tape = self._tapes.get(symbol)
        if tape is None:
            recorded = self._recorded.get(symbol)
            if recorded is None:
                raise KeyError(f"unknown symbol {symbol!r}; this source has {self.symbols}")
            offset = self._origin.resolve(t_ms) - self._first_recorded_ms
            tape = ReplayTape(recorded, tick=self._ticks[symbol], offset_ms=offset)
            self._tapes[symbol] = tape
        return tape


def _prefix(values: Sequence[int]) -> list[int]:
    return list(accumulate(values, initial=0))
