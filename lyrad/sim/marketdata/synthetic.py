"""SyntheticSource: seeded price paths per symbol and the market data derived from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lyrad.sim.marketdata import views
from lyrad.sim.marketdata.path import PricePath
from lyrad.sim.marketdata.path_spec import PathSpec
from lyrad.sim.marketdata.support import Origin
from lyrad.sim.marketdata.synthetic_tape import SyntheticTape
from lyrad.sim.marketdata.types import Kline, PublicTrade, Ticker24h


@dataclass(frozen=True, slots=True)
class SyntheticMarket:
    """One symbol of a synthetic source: its path and the units its prices and sizes use."""

    symbol: str
    path: PathSpec
    tick_size: Decimal
    step_size: Decimal


class SyntheticSource:
    """A `MarketDataSource` whose tape is generated from seeded paths, lazily and in chunks.

    The scenario starts at `start_ms` (or, when None, at the time of the first query); the path
    also covers `history_s` before it (rounded up to whole 10-minute chunks) so that candles and
    the 24h ticker have some past. Nothing after the time a query names is ever returned.
    """

    def __init__(
        self,
        markets: Sequence[SyntheticMarket],
        seed: int,
        *,
        start_ms: int | None = None,
        history_s: float = 3600.0,
        cache_chunks: int = 64,
    ) -> None:
        names = [market.symbol for market in markets]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate symbols in {names}")
        if history_s < 0:
            raise ValueError(f"history_s must be >= 0, got {history_s}")
        self.symbols: tuple[str, ...] = tuple(names)
        self._markets = {market.symbol: market for market in markets}
        self._seed = seed
        self._origin = Origin(start_ms)
        self._history_ms = round(history_s * 1000)
        self._cache_chunks = cache_chunks
        self._tapes: dict[str, SyntheticTape] = {}

    @property
    def start_ms(self) -> int | None:
        """The scenario start in sim time (None until the first query when none was given)."""
        return self._origin.start_ms

    def price_at(self, symbol: str, t_ms: int) -> Decimal:
        """The reference price: the last trade at or before `t_ms`."""
        tape = self._tape(symbol, t_ms)
        return Decimal(tape.price_ticks_at(t_ms)) * tape.tick

    def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_ms: int | None,
        end_ms: int,
        limit: int,
        now_ms: int | None = None,
    ) -> list[Kline]:
        """Candles opened at or before `end_ms`; contents stop at `now_ms` (default `end_ms`)."""
        tape = self._tape(symbol, end_ms if now_ms is None else now_ms)
        return views.klines(
            tape, interval, start_ms=start_ms, end_ms=end_ms, limit=limit, now_ms=now_ms
        )

    def trades(
        self,
        symbol: str,
        *,
        end_ms: int,
        limit: int,
        from_id: int | None = None,
        start_ms: int | None = None,
    ) -> list[PublicTrade]:
        """Up to `limit` trades at or before `end_ms`: from an id, from a time, or the latest."""
        tape = self._tape(symbol, end_ms)
        return views.trades(tape, end_ms=end_ms, limit=limit, from_id=from_id, start_ms=start_ms)

    def ticker_24h(self, symbol: str, now_ms: int) -> Ticker24h:
        """Rolling 24h statistics up to `now_ms`."""
        return views.ticker_24h(self._tape(symbol, now_ms), symbol, now_ms)

    def _tape(self, symbol: str, t_ms: int) -> SyntheticTape:
        tape = self._tapes.get(symbol)
        if tape is not None:
            return tape
        market = self._markets.get(symbol)
        if market is None:
            raise KeyError(f"unknown symbol {symbol!r}; this source has {self.symbols}")
        origin_ms = self._origin.resolve(t_ms)
        path = PricePath(
            market.path,
            seed=self._seed,
            symbol=symbol,
            tick_size=market.tick_size,
            origin_step=origin_ms // market.path.step_ms,
            history_ms=self._history_ms,
            cache_chunks=self._cache_chunks,
        )
        tape = SyntheticTape(
            path,
            market.path,
            seed=self._seed,
            symbol=symbol,
            tick=market.tick_size,
            quantum=market.step_size,
            cache_chunks=self._cache_chunks,
        )
        self._tapes[symbol] = tape
        return tape
