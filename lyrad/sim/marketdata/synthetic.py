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


@dataclass(frozen=True, slots=True)
class SyntheticMarket:
    """One symbol of a synthetic source: its path and the units its prices and sizes use."""

    symbol: str
    path: PathSpec
    tick_size: Decimal
    step_size: Decimal


class SyntheticSource(views.TapeSource):
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
