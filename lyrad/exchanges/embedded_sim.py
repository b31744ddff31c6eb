"""A venue of kind "sim": `lyrad sim` running inside the daemon on loopback.

The daemon reaches it only over the wire, through ccxt, exactly like a real exchange. Its
state lives in memory: every start of the daemon is a fresh simulated account, whose order and
trade ids continue above every earlier run's (the journal remembers those runs' orders).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

import structlog

from lyrad.config.sections import VenueConfig
from lyrad.runtime.component import ReadyCallback
from lyrad.runtime.slot import Slot
from lyrad.security.redaction import Redactor
from lyrad.sim.engine import AccountSpec
from lyrad.sim.server import SimServer
from lyrad.sim.venue import first_id_after_earlier_runs, wall_clock_ms

log = structlog.get_logger("lyrad.sim", component="sim")


@dataclass(frozen=True, slots=True)
class VenueEndpoint:
    """Where a venue answers and with which credentials (already resolved, never logged)."""

    base_url: str | None
    api_key: str | None
    secret: str | None
    password: str | None = None


class EmbeddedSimService:
    def __init__(
        self, venue: str, config: VenueConfig, slot: Slot[VenueEndpoint], redactor: Redactor
    ) -> None:
        self._venue = venue
        self._config = config
        self._slot = slot
        self._redactor = redactor

    async def run(self, ready: ReadyCallback) -> None:
        api_key, secret = secrets.token_hex(32), secrets.token_hex(32)
        self._redactor.register(api_key)
        self._redactor.register(secret)
        account = AccountSpec(
            name="paper",
            api_key=api_key,
            secret=secret,
            balances=dict(self._config.starting_balances),
        )
        async with SimServer(
            scenario=self._config.scenario,
            seed=self._config.seed,
            speed=self._config.speed,
            accounts=[account],
            first_id=first_id_after_earlier_runs(wall_clock_ms()),
        ) as sim:
            self._slot.set(VenueEndpoint(sim.base_url, api_key, secret))
            log.info(
                "sim_listening",
                venue=self._venue,
                base_url=sim.base_url,
                scenario=self._config.scenario,
                symbols=list(sim.symbols),
            )
            ready()
            try:
                await asyncio.Event().wait()
            finally:
                self._slot.clear()
