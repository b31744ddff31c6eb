"""SimServer: the venue loop, the Binance dialect and the admin API on loopback, as one context."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType

from aiohttp import web

from lyrad.sim.accounts import default_account
from lyrad.sim.admin import admin_application
from lyrad.sim.binance.app import BinanceDialect
from lyrad.sim.binance.gateway import LOST_RESPONSE_HOLD_S
from lyrad.sim.engine import AccountSpec
from lyrad.sim.scenarios import DEFAULT_SCENARIO, Scenario, load_scenario
from lyrad.sim.venue import Venue

SHUTDOWN_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class SimAccountInfo:
    """Credentials a client needs to trade on the sim."""

    name: str
    api_key: str
    secret: str


async def _serve(
    stack: AsyncExitStack, app: web.Application, host: str, port: int
) -> tuple[str, int]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    await web.TCPSite(runner, host, port).start()
    address = runner.addresses[0]
    return str(address[0]), int(address[1])


class SimServer:
    """Async context manager: starts the venue loop and both HTTP servers, stops them on exit."""

    def __init__(
        self,
        *,
        scenario: Scenario | str = DEFAULT_SCENARIO,
        host: str = "127.0.0.1",
        port: int = 0,
        admin_port: int = 0,
        seed: int = 0,
        speed: float = 1.0,
        accounts: Sequence[AccountSpec] | None = None,
        admin_token: str | None = None,
        lost_response_hold_s: float = LOST_RESPONSE_HOLD_S,
        first_id: int = 1,
    ) -> None:
        self._scenario = scenario
        self._host = host
        self._port = port
        self._admin_port = admin_port
        self._seed = seed
        self._speed = speed
        self._accounts = list(accounts) if accounts is not None else [default_account(seed)]
        self.admin_token = admin_token or secrets.token_urlsafe(32)
        self._lost_response_hold_s = lost_response_hold_s
        self._first_id = first_id
        self._stack: AsyncExitStack | None = None
        self.base_url = ""
        self.admin_url = ""
        self.accounts = tuple(SimAccountInfo(a.name, a.api_key, a.secret) for a in self._accounts)
        self.symbols: tuple[str, ...] = ()
        self._venue: Venue | None = None

    @property
    def venue(self) -> Venue:
        """In-process access to the running venue (engine, clock, faults, request log)."""
        if self._venue is None:
            raise RuntimeError("SimServer is not running")
        return self._venue

    async def __aenter__(self) -> SimServer:
        scenario = self._scenario
        if isinstance(scenario, str):
            scenario = load_scenario(scenario)
        venue = Venue(
            scenario=scenario,
            accounts=self._accounts,
            seed=self._seed,
            speed=self._speed,
            first_id=self._first_id,
        )
        async with AsyncExitStack() as stack:
            group = await stack.enter_async_context(asyncio.TaskGroup())
            ticker = group.create_task(venue.run(), name="sim-venue-loop")
            stack.callback(ticker.cancel)
            dialect = BinanceDialect(venue).application(
                lost_response_hold_s=self._lost_response_hold_s
            )
            host, port = await _serve(stack, dialect, self._host, self._port)
            _, admin_port = await _serve(
                stack, admin_application(venue, self.admin_token), self._host, self._admin_port
            )
            self._stack = stack.pop_all()
        self.base_url = f"http://{host}:{port}"
        self.admin_url = f"http://{host}:{admin_port}"
        self.symbols = tuple(f"{spec.base}/{spec.quote}" for spec in venue.specs)
        self._venue = venue
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        self._venue = None
        if stack is not None:
            await stack.aclose()
