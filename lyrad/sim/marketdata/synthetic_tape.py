"""The synthetic public tape: several seeded trades per grid step, all at the path's price.

Each step's trade count comes from a seeded table repeating every `_COUNT_PERIOD` steps, so the
id of any trade is a closed-form function of its step: ids are consecutive, start at 1 at the
history start, and locating an id or a time never needs the trades before it.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from random import Random
from typing import TypeVar

from lyrad.sim.marketdata.path import PricePath
from lyrad.sim.marketdata.path_spec import PathSpec
from lyrad.sim.marketdata.support import LruCache, derive_seed
from lyrad.sim.marketdata.tape import Agg, RawTrade, agg_of_trades, merge_all

T = TypeVar("T")

_COUNT_PERIOD = 256
_SIZE_SIGMA = 0.8  # log-normal spread of trade sizes around the median notional
_TREND_BIAS = 0.2  # a rising price draws more buyer-initiated trades, a falling one fewer


@dataclass(slots=True)
class _TapeChunk:
    first_id: int
    step_starts: list[int]  # per step: index of its first trade in the chunk; one extra at the end
    offsets: array[int]  # per trade: ms after the step's start (0 for the first trade)
    units: array[int]  # per trade: quantity in quanta
    buyer_maker: bytearray  # per trade
    volume: list[int]  # prefix sums per step (quanta)
    quote: list[int]  # prefix sums per step (ticks × quanta)
    taker_buy: list[int]
    taker_buy_quote: list[int]


class SyntheticTape:
    """The trades of one symbol, derived from its `PricePath`, generated and cached per chunk."""

    def __init__(
        self,
        path: PricePath,
        spec: PathSpec,
        *,
        seed: int,
        symbol: str,
        tick: Decimal,
        quantum: Decimal,
        cache_chunks: int = 64,
    ) -> None:
        self.tick = tick
        self.quantum = quantum
        self._path = path
        self._seed = seed
        self._symbol = symbol
        self._step_ms = path.step_ms
        self._chunk_steps = path.chunk_steps
        self._size_scale = float(spec.trade_notional) / float(tick * quantum)
        counts_rng = Random(derive_seed(seed, symbol, "counts"))
        self._counts = [counts_rng.randint(1, spec.trades_per_step) for _ in range(_COUNT_PERIOD)]
        self._prefix = [0]
        for count in self._counts:
            self._prefix.append(self._prefix[-1] + count)
        self._summaries: dict[int, Agg] = {}
        self._chunks: LruCache[int, _TapeChunk] = LruCache(cache_chunks, self._build)

    # -- time and ids ------------------------------------------------------------------------

    def first_time_ms(self) -> int:
        """Time of trade 1: the history start."""
        return self._path.first_step * self._step_ms

    def price_ticks_at(self, t_ms: int) -> int:
        """The path's ticks at `t_ms`, which is the price of the last trade at or before it."""
        return self._path.ticks(t_ms // self._step_ms - self._path.first_step)

    def id_after(self, t_ms: int) -> int:
        """One past the id of the last trade at or before `t_ms`."""
        step = t_ms // self._step_ms
        index = step - self._path.first_step
        if index < 0:
            return 1
        within = t_ms - step * self._step_ms
        if within >= self._step_ms - 1:
            return self._first_id(index + 1)
        k, local = divmod(index, self._chunk_steps)
        chunk = self._chunks.get(k)
        begin, end = chunk.step_starts[local], chunk.step_starts[local + 1]
        return self._first_id(index) + bisect_right(chunk.offsets, within, begin, end) - begin

    def _first_id(self, index: int) -> int:
        cycles, rest = divmod(index, _COUNT_PERIOD)
        return 1 + cycles * self._prefix[-1] + self._prefix[rest]

    def _locate(self, trade_id: int) -> tuple[int, int]:
        cycles, rest = divmod(trade_id - 1, self._prefix[-1])
        slot = bisect_right(self._prefix, rest) - 1
        return cycles * _COUNT_PERIOD + slot, rest - self._prefix[slot]

    # -- trades and summaries ----------------------------------------------------------------

    def raw_trades(self, lo: int, hi: int) -> list[RawTrade]:
        """Trades with ids in [lo, hi)."""
        out: list[RawTrade] = []
        trade_id = max(lo, 1)
        while trade_id < hi:
            index, _ = self._locate(trade_id)
            out.extend(self._chunk_trades(index // self._chunk_steps, trade_id, hi))
            trade_id = out[-1].trade_id + 1
        return out

    def _chunk_trades(self, k: int, lo: int, hi: int) -> list[RawTrade]:
        chunk = self._chunks.get(k)
        ticks = self._path.chunk(k)
        starts, offsets, units, makers = (
            chunk.step_starts,
            chunk.offsets,
            chunk.units,
            chunk.buyer_maker,
        )
        first, stop = lo - chunk.first_id, min(hi - chunk.first_id, len(units))
        local = bisect_right(starts, first) - 1
        step_ms = self._step_ms
        step_start = (self._path.first_step + k * self._chunk_steps + local) * step_ms
        out: list[RawTrade] = []
        for i in range(first, stop):
            while starts[local + 1] <= i:
                local += 1
                step_start += step_ms
            trade_id, trade_time = chunk.first_id + i, step_start + offsets[i]
            out.append(RawTrade(trade_id, trade_time, ticks[local], units[i], bool(makers[i])))
        return out

    def _step_trades(self, index: int, begin: int, end: int | None = None) -> list[RawTrade]:
        k, local = divmod(index, self._chunk_steps)
        chunk = self._chunks.get(k)
        ticks = self._path.chunk(k)[local]
        first = chunk.step_starts[local]
        count = chunk.step_starts[local + 1] - first
        end = count if end is None else min(end, count)
        step_start = (self._path.first_step + index) * self._step_ms
        first_id = self._first_id(index)
        return [
            RawTrade(
                first_id + p,
                step_start + chunk.offsets[first + p],
                ticks,
                chunk.units[first + p],
                bool(chunk.buyer_maker[first + p]),
            )
            for p in range(begin, end)
        ]

    def aggregate(self, lo: int, hi: int) -> Agg | None:
        """Summary of the trades with ids in [lo, hi)."""
        lo = max(lo, 1)
        if hi <= lo:
            return None
        first_index, first_pos = self._locate(lo)
        end_index, end_pos = self._locate(hi)
        if first_index == end_index:
            return agg_of_trades(self._step_trades(first_index, first_pos, end_pos))
        head = None
        if first_pos > 0:
            head = agg_of_trades(self._step_trades(first_index, first_pos))
            first_index += 1
        tail = agg_of_trades(self._step_trades(end_index, 0, end_pos)) if end_pos > 0 else None
        return merge_all([head, self._steps_agg(first_index, end_index), tail])

    def _steps_agg(self, begin: int, end: int) -> Agg | None:
        parts: list[Agg | None] = []
        index = begin
        while index < end:
            k = index // self._chunk_steps
            chunk_begin = k * self._chunk_steps
            stop = min(end, chunk_begin + self._chunk_steps)
            if index == chunk_begin and stop == chunk_begin + self._chunk_steps:
                parts.append(self._summary(k))
            else:
                parts.append(self._partial(k, index - chunk_begin, stop - chunk_begin))
            index = stop
        return merge_all(parts)

    def _summary(self, k: int) -> Agg:
        summary = self._summaries.get(k)
        if summary is None:
            self._chunks.get(k)  # building a chunk records its summary
            summary = self._summaries[k]
        return summary

    def _partial(self, k: int, a: int, b: int) -> Agg:
        chunk = self._chunks.get(k)
        ticks = self._path.chunk(k)[a:b]
        starts = chunk.step_starts
        return Agg(
            first_id=chunk.first_id + starts[a],
            last_id=chunk.first_id + starts[b] - 1,
            open=ticks[0],
            high=max(ticks),
            low=min(ticks),
            close=ticks[-1],
            volume=chunk.volume[b] - chunk.volume[a],
            quote=chunk.quote[b] - chunk.quote[a],
            taker_buy_volume=chunk.taker_buy[b] - chunk.taker_buy[a],
            taker_buy_quote=chunk.taker_buy_quote[b] - chunk.taker_buy_quote[a],
            last_units=chunk.units[starts[b] - 1],
        )

    # -- generation --------------------------------------------------------------------------

    def _build(self, k: int) -> _TapeChunk:
        ticks = list(self._path.chunk(k))
        first_index = k * self._chunk_steps
        previous = self._path.ticks(first_index - 1) if k > 0 else ticks[0]
        counts = [self._counts[(first_index + i) % _COUNT_PERIOD] for i in range(len(ticks))]
        shares = [
            0.5 + _TREND_BIAS * ((price > before) - (price < before))
            for price, before in zip(ticks, [previous, *ticks[:-1]], strict=True)
        ]
        rng = Random(derive_seed(self._seed, self._symbol, "tape", k))
        gauss, uniform, exp, scale = rng.gauss, rng.random, math.exp, self._size_scale
        units = [
            max(1, round(scale / p * exp(gauss(0.0, _SIZE_SIGMA))))
            for p in _per_trade(ticks, counts)
        ]
        buyer_maker = bytearray(uniform() >= share for share in _per_trade(shares, counts))
        taker_units = [0 if maker else u for u, maker in zip(units, buyer_maker, strict=True)]
        starts = list(accumulate(counts, initial=0))
        volume = _per_step(list(accumulate(units, initial=0)), starts)
        taker = _per_step(list(accumulate(taker_units, initial=0)), starts)
        chunk = _TapeChunk(
            first_id=self._first_id(first_index),
            step_starts=starts,
            offsets=array("q", self._offsets(rng, counts)),
            units=array("q", units),
            buyer_maker=buyer_maker,
            volume=volume,
            quote=_priced(volume, ticks),
            taker_buy=taker,
            taker_buy_quote=_priced(taker, ticks),
        )
        self._summaries[k] = Agg(
            chunk.first_id, chunk.first_id + starts[-1] - 1,
            ticks[0], max(ticks), min(ticks), ticks[-1],
            volume[-1], chunk.quote[-1], taker[-1], chunk.taker_buy_quote[-1], units[-1],
        )  # fmt: skip
        return chunk

    def _offsets(self, rng: Random, counts: list[int]) -> list[int]:
        # Each step opens with a trade at offset 0; the others fall at seeded later times.
        uniform, step_ms = rng.random, self._step_ms
        offsets: list[int] = []
        for count in counts:
            offsets.append(0)
            if count > 1:
                offsets.extend(sorted(int(uniform() * step_ms) for _ in range(count - 1)))
        return offsets


def _per_trade(values: list[T], counts: list[int]) -> list[T]:
    return [value for value, count in zip(values, counts, strict=True) for _ in range(count)]


def _per_step(trade_prefix: list[int], starts: list[int]) -> list[int]:
    """Per-step prefix sums from per-trade prefix sums."""
    return [trade_prefix[start] for start in starts]


def _priced(step_prefix: list[int], ticks: list[int]) -> list[int]:
    """Prefix sums of price × quantity per step (every trade of a step has the step's price)."""
    amounts = [
        price * (after - before)
        for price, before, after in zip(ticks, step_prefix, step_prefix[1:], strict=False)
    ]
    return list(accumulate(amounts, initial=0))
