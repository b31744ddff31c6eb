"""The clock_skew scenario: the server runs ahead; a client must sync to /api/v3/time."""

from __future__ import annotations

import ccxt
import pytest

from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import sim_client
from tests.support.sim import scenario


async def test_skewed_server_time_and_recv_window() -> None:
    skewed = scenario("clock_skew")
    assert skewed.clock_skew_ms > 5000
    async with SimServer(scenario=skewed) as server:
        client = sim_client(server, options={"recvWindow": 5000})
        try:
            await client.load_markets()
            server_time = await client.fetch_time()
            assert server_time - client.milliseconds() > skewed.clock_skew_ms - 1000
            with pytest.raises(ccxt.InvalidNonce):
                await client.fetch_balance()
            await client.load_time_difference()  # what adjustForTimeDifference does at start
            balance = await client.fetch_balance()
            assert balance["total"]["USDT"] == 10000
        finally:
            await client.close()
