"""The journal as a supervised component: opens it, publishes it, halts trading if it fails."""

from __future__ import annotations

import asyncio

import structlog
from prometheus_client import CollectorRegistry

from lyrad.config.sections import JournalConfig
from lyrad.journal.journal import Journal
from lyrad.runtime.component import ReadyCallback
from lyrad.runtime.slot import Slot
from lyrad.trading.state import TradingState, TradingStateHolder

log = structlog.get_logger("lyrad.journal", component="journal")


class JournalService:
    def __init__(
        self,
        config: JournalConfig,
        registry: CollectorRegistry,
        slot: Slot[Journal],
        trading: TradingStateHolder,
    ) -> None:
        self._config = config
        self._registry = registry
        self._slot = slot
        self._trading = trading

    async def run(self, ready: ReadyCallback) -> None:
        path = self._config.path
        async with Journal.open(
            path, synchronous=self._config.synchronous, registry=self._registry
        ) as journal:
            self._slot.set(journal)
            log.info("journal_open", path=str(path))
            ready()
            try:
                failure = await journal.wait_failed()
                # Nothing more can be made durable: no order may be sent until an operator acts.
                self._trading.set(TradingState.HALTED, f"journal cannot write: {failure}")
                log.error("journal_failed", path=str(path), error=str(failure))
                await asyncio.Event().wait()  # stay up: reads still work, writes are refused
            finally:
                self._slot.clear()
