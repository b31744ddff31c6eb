"""A module-wide SimServer with generous accounts for the conformance tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from lyrad.sim.server import SimServer
from tests.support.sim import account


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_sim() -> AsyncIterator[SimServer]:
    """One server per test module: accounts alice, bob (trading) and viewer (cannot trade)."""
    accounts = [account("alice"), account("bob"), account("viewer", can_trade=False)]
    async with SimServer(scenario="calm", seed=7, accounts=accounts) as server:
        yield server
