"""Order and trade ids start where a run is told to, so that they never repeat across runs."""

from __future__ import annotations

from lyrad.sim.server import SimServer
from lyrad.sim.venue import first_id_after_earlier_runs
from tests.support.ccxt_sim import sim_client
from tests.support.sim import account

FIRST = 1_800_000_000_000_000


async def test_ids_start_at_the_first_id_given() -> None:
    async with SimServer(scenario="calm", seed=3, accounts=[account("a")], first_id=FIRST) as sim:
        client = sim_client(sim)
        try:
            ticker = await client.fetch_ticker("BTC/USDT")
            resting = await client.create_order(
                "BTC/USDT", "limit", "buy", "0.001", str(round(float(ticker["bid"]) * 0.9, 2))
            )
            taken = await client.create_order("BTC/USDT", "market", "buy", "0.001")
            trades = await client.fetch_my_trades("BTC/USDT")
        finally:
            await client.close()
    assert int(resting["id"]) >= FIRST
    assert int(taken["id"]) > int(resting["id"])
    assert trades
    assert all(int(t["id"]) >= FIRST for t in trades)


def test_a_later_run_starts_above_every_id_an_earlier_run_handed_out() -> None:
    earlier = first_id_after_earlier_runs(1_763_000_000_000)
    # An earlier run of one hour handing out 100,000 ids a second stays below the next start.
    assert earlier + 3600 * 100_000 < first_id_after_earlier_runs(1_763_000_000_000 + 3_600_000)
    assert first_id_after_earlier_runs(1_763_000_000_000) < 2**63
