"""The kill switch over a real journal: nothing stays open, not even an order sent just before."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prometheus_client import CollectorRegistry

from lyrad.domain.orders import OrderState
from lyrad.domain.venue import VenueOrderStatus
from lyrad.strategies.base import SubmitResult
from lyrad.trading.killswitch import KillSwitch
from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.config import BreakersConfig
from lyrad.trading.risk.metrics import BreakerMetrics
from lyrad.trading.state import TradingState
from tests.integration.trading.harness import Rig, rig
from tests.unit.trading.risk.fakes import FakeClock


def kill_switch(r: Rig) -> KillSwitch:
    board = BreakerBoard(
        BreakersConfig(),
        clock=FakeClock(),
        trading=r.trading,
        metrics=BreakerMetrics(CollectorRegistry()),
    )
    return KillSwitch(board, r.journal, r.executor, r.portfolio)


async def test_a_halt_cancels_an_order_whose_send_was_still_in_flight(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        resting = await r.submit(r.intent(price="48000"))
        assert resting.client_order_id is not None
        switch = kill_switch(r)
        async with asyncio.TaskGroup() as tg:
            in_flight = tg.create_task(r.executor.submit(r.intent(price="47000")))
            await asyncio.sleep(0)  # its write-ahead record is queued, not yet durable
            assert not in_flight.done()
            await switch.halt(flatten=False, reason="operator test")
        late: SubmitResult = in_flight.result()
        assert late.accepted
        assert late.client_order_id is not None
        for cid in (resting.client_order_id, late.client_order_id):
            order = await r.journal.get_order(cid)
            assert order is not None
            assert order.state is OrderState.CANCELLED, cid
        assert all(o.order.status is not VenueOrderStatus.OPEN for o in r.venue.orders.values())
        assert r.trading.state is TradingState.HALTED
