"""A venue as a supervised component: builds its adapter, loads markets, publishes it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog

from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.runtime.component import ReadyCallback

log = structlog.get_logger("lyrad.venue", component="venue")

AdapterFactory = Callable[[], ExchangeAdapter]


class VenueService:
    """Ready once the venue answered with its markets and every configured symbol is there."""

    def __init__(
        self,
        name: str,
        symbols: tuple[str, ...],
        build: AdapterFactory,
        adapters: dict[str, ExchangeAdapter],
    ) -> None:
        self._name = name
        self._symbols = symbols
        self._build = build
        self._adapters = adapters

    async def run(self, ready: ReadyCallback) -> None:
        adapter = self._build()
        try:
            markets = await adapter.load_markets()
            missing = [s for s in self._symbols if s not in markets]
            if missing:
                raise ValueError(f"venue {self._name} does not list {', '.join(missing)}")
            self._adapters[self._name] = adapter
            log.info("venue_ready", venue=self._name, markets=len(markets))
            ready()
            await asyncio.Event().wait()
        finally:
            self._adapters.pop(self._name, None)
            await adapter.close()
