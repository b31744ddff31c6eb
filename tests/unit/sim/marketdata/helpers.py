"""Builders shared by the market-data tests."""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.marketdata import PathSpec, SyntheticMarket, SyntheticSource

START_MS = 1_700_000_012_345  # deliberately not on a second boundary
SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


def btc(**fields: object) -> SyntheticMarket:
    spec = PathSpec(start_price=Decimal("60000"), **fields)  # type: ignore[arg-type]
    return SyntheticMarket("BTCUSDT", spec, Decimal("0.01"), Decimal("0.00001"))


def eth(**fields: object) -> SyntheticMarket:
    spec = PathSpec(start_price=Decimal("3000"), **fields)  # type: ignore[arg-type]
    return SyntheticMarket("ETHUSDT", spec, Decimal("0.01"), Decimal("0.0001"))


def source(
    *markets: SyntheticMarket,
    seed: int = 1,
    start_ms: int | None = START_MS,
    history_s: float = 600.0,
    cache_chunks: int = 64,
) -> SyntheticSource:
    chosen = markets or (btc(volatility=0.02), eth(volatility=0.03))
    return SyntheticSource(
        chosen, seed, start_ms=start_ms, history_s=history_s, cache_chunks=cache_chunks
    )


def prices(
    src: SyntheticSource, symbol: str, start_ms: int, end_ms: int, every_ms: int
) -> list[Decimal]:
    return [src.price_at(symbol, t) for t in range(start_ms, end_ms, every_ms)]
