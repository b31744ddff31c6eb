"""The manager fires a stop once, durably first, survives restarts, and cancels siblings."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest

from lyrad.domain.values import OrderType, Side
from lyrad.strategies.base import SubmitResult
from lyrad.trading.stops import (
    FixedStop,
    PositionSide,
    StopStatus,
    StopsUnreadable,
    TakeProfit,
    Target,
    TimeExit,
    TrailingStop,
)
from lyrad.trading.stops.store import STOPS_KEY
from tests.unit.trading.stops.fakes import SYMBOL, VENUE, new_rig, statuses

D = Decimal
LONG = Target(VENUE, SYMBOL, PositionSide.LONG)
REFUSED = SubmitResult(False, None, "risk: order_rate")


def stored_status(text: str | None, stop_id: str) -> str:
    assert text is not None
    status: str = next(s["status"] for s in json.loads(text)["stops"] if s["id"] == stop_id)
    return status


async def test_a_stop_fires_once_with_one_reduce_only_market_exit() -> None:
    rig = new_rig(quantity="2")
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, FixedStop(D(95)))
    rig.market.quote("95.01", "96")
    await manager.check_once()
    assert rig.gateway.intents == []

    rig.market.quote("95", "96")  # the bid: what a long's exit would sell at
    await manager.check_once()
    rig.market.quote("90", "91")
    await manager.check_once()
    await manager.check_once()

    (intent,) = rig.gateway.intents
    assert (intent.side, intent.type, intent.amount, intent.reduce_only) == (
        Side.SELL,
        OrderType.MARKET,
        D(2),
        True,
    )
    assert (intent.venue, intent.symbol, intent.source) == (VENUE, SYMBOL, "stops")
    assert intent.intent_id.startswith(f"stop-{stop.stop_id}")
    fired = manager.get(stop.stop_id)
    assert fired is not None
    assert (fired.status, fired.client_order_id, fired.attempts) == (
        StopStatus.EXECUTED,
        "cid-1",
        1,
    )
    assert "fixed_stop triggered at 95" in (fired.reason or "")
    assert rig.store.kinds() == ["stop_added", "stop_triggered", "stop_executed"]


async def test_the_trigger_is_journaled_before_the_exit_is_submitted() -> None:
    rig = new_rig()
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, FixedStop(D(95)))
    rig.market.quote("94", "95")
    await manager.check_once()
    assert rig.log == ["write", "write", "submit", "write"]
    assert stored_status(rig.gateway.store_at_submit[0], stop.stop_id) == "triggered"
    assert stored_status(rig.store.kv[STOPS_KEY], stop.stop_id) == "executed"


async def test_a_journal_that_cannot_write_sends_nothing_until_it_can() -> None:
    rig = new_rig()
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, FixedStop(D(95)))
    rig.market.quote("94", "95")
    rig.store.fail_writes = True
    await manager.check_once()
    assert rig.gateway.intents == []
    assert statuses(manager.list_stops()) == {stop.stop_id: "active"}
    rig.store.fail_writes = False
    await manager.check_once()
    assert len(rig.gateway.intents) == 1


async def test_a_restarted_manager_never_resends_and_still_watches_the_rest() -> None:
    rig = new_rig()
    first = rig.manager()
    await first.load()
    btc = await first.add(LONG, FixedStop(D(95)))
    eth = await first.add(Target(VENUE, "ETH/USDT", PositionSide.LONG), TakeProfit(D(3000)))
    rig.portfolio.quantities["ETH/USDT"] = D(4)
    rig.market.quote("2900", "2901", symbol="ETH/USDT")
    rig.market.quote("94", "95")
    await first.check_once()
    assert len(rig.gateway.intents) == 1

    second = rig.manager()  # the same store: a restart
    await second.load()
    assert statuses(second.list_stops()) == {btc.stop_id: "executed", eth.stop_id: "active"}
    await second.check_once()
    assert len(rig.gateway.intents) == 1
    rig.market.quote("3000", "3001", symbol="ETH/USDT")
    await second.check_once()
    assert [(i.symbol, i.amount) for i in rig.gateway.intents] == [
        (SYMBOL, D(2)),
        ("ETH/USDT", D(4)),
    ]


async def test_a_crash_between_mark_and_outcome_is_never_sent_again() -> None:
    rig = new_rig()
    first = rig.manager()
    await first.load()
    stop = await first.add(LONG, FixedStop(D(95)))
    sibling = await first.add(LONG, TakeProfit(D(110)))

    async def crash(intent: object) -> SubmitResult:
        raise RuntimeError("power cut")

    rig.gateway.submit = crash  # type: ignore[method-assign]
    rig.market.quote("94", "95")
    with pytest.raises(ExceptionGroup):
        await first.check_once()
    assert stored_status(rig.store.kv[STOPS_KEY], stop.stop_id) == "triggered"

    del rig.gateway.submit  # back to the recording one
    second = rig.manager()
    await second.load()
    for _ in range(3):
        await second.check_once()
    assert rig.gateway.intents == []
    assert statuses(second.list_stops()) == {
        stop.stop_id: "unconfirmed",
        sibling.stop_id: "active",  # perhaps nothing was sent: the position stays protected
    }
    assert "stop_unconfirmed" in rig.store.kinds()


async def test_take_profit_cancels_its_stop_loss_sibling() -> None:
    rig = new_rig()
    manager = rig.manager()
    await manager.load()
    loss = await manager.add(LONG, FixedStop(D(95)))
    profit = await manager.add(LONG, TakeProfit(D(110)))
    other = await manager.add(LONG, FixedStop(D(50)), group="ladder")
    rig.market.quote("111", "112")
    await manager.check_once()
    rig.market.quote("90", "91")
    await manager.check_once()
    assert [i.amount for i in rig.gateway.intents] == [D(2)]
    assert statuses(manager.list_stops()) == {
        loss.stop_id: "cancelled",
        profit.stop_id: "executed",
        other.stop_id: "active",  # another group: not a sibling
    }
    cancelled = manager.get(loss.stop_id)
    assert cancelled is not None
    assert cancelled.reason == f"sibling {profit.stop_id} executed"


@pytest.mark.parametrize(
    ("held", "quantity", "free", "expected"),
    [
        ("2", "0.5", None, "0.5"),  # part of the position
        ("2", "5", None, "2"),  # never more than held
        ("2", None, "1.2", "1.2"),  # never more base than is free to sell
        ("0.12345", None, None, "0.123"),  # on the venue's step, rounded down
    ],
)
async def test_the_exit_is_the_stop_quantity_capped_by_the_position(
    held: str, quantity: str | None, free: str | None, expected: str
) -> None:
    rig = new_rig(quantity=held)
    rig.portfolio.free_base = None if free is None else D(free)
    manager = rig.manager()
    await manager.load()
    target = Target(VENUE, SYMBOL, PositionSide.LONG, None if quantity is None else D(quantity))
    await manager.add(target, FixedStop(D(95)))
    rig.market.quote("95", "96")
    await manager.check_once()
    assert [i.amount for i in rig.gateway.intents] == [D(expected)]


async def test_a_short_is_bought_back_at_the_ask() -> None:
    rig = new_rig(quantity="-1.5")
    manager = rig.manager()
    await manager.load()
    await manager.add(Target(VENUE, SYMBOL, PositionSide.SHORT), FixedStop(D(105)))
    rig.market.quote("105", "104.99")  # a crossed quote: only the ask counts for a short
    await manager.check_once()
    assert rig.gateway.intents == []
    rig.market.quote("104", "105")
    await manager.check_once()
    assert [(i.side, i.amount, i.reduce_only) for i in rig.gateway.intents] == [
        (Side.BUY, D("1.5"), True)
    ]


async def test_nothing_held_is_skipped_and_ends_the_group() -> None:
    rig = new_rig(quantity="0")
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, TimeExit(rig.clock.now_ms))
    sibling = await manager.add(LONG, TrailingStop(D("0.1")))
    await manager.check_once()
    assert rig.gateway.intents == []
    assert statuses(manager.list_stops()) == {stop.stop_id: "skipped", sibling.stop_id: "cancelled"}


async def test_a_refused_exit_is_retried_then_failed_and_siblings_stay_armed() -> None:
    rig = new_rig(max_attempts=2)
    rig.gateway.answers = [REFUSED, REFUSED]
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, FixedStop(D(95)))
    profit = await manager.add(LONG, TakeProfit(D(110)))
    rig.market.quote("94", "95")
    await manager.check_once()
    record = manager.get(stop.stop_id)
    assert record is not None
    assert (record.status, record.attempts) == (StopStatus.ACTIVE, 1)
    await manager.check_once()
    await manager.check_once()
    assert len(rig.gateway.intents) == 2
    assert statuses(manager.list_stops()) == {stop.stop_id: "failed", profit.stop_id: "active"}
    assert rig.store.kinds()[-1] == "stop_failed"


async def test_while_an_exit_is_in_flight_its_siblings_wait() -> None:
    rig = new_rig()
    entered, release = asyncio.Event(), asyncio.Event()
    recorded = rig.gateway.submit

    async def slow(intent: object) -> SubmitResult:
        entered.set()
        await release.wait()
        return await recorded(intent)  # type: ignore[arg-type]

    rig.gateway.submit = slow  # type: ignore[method-assign]
    manager = rig.manager()
    await manager.load()
    await manager.add(LONG, FixedStop(D(95)))
    deadline = await manager.add(LONG, TimeExit(rig.clock.now_ms))
    rig.market.quote("94", "95")
    async with asyncio.TaskGroup() as tg:
        first = tg.create_task(manager.check_once())
        await entered.wait()
        async with asyncio.timeout(5):  # a guard against a hang, not a measurement
            await manager.check_once()  # the time exit is due, but its sibling is firing
        release.set()
    assert first.done()
    assert len(rig.gateway.intents) == 1
    assert statuses(manager.list_stops())[deadline.stop_id] == "cancelled"


async def test_an_unreadable_store_stops_the_start() -> None:
    rig = new_rig()
    rig.store.kv[STOPS_KEY] = "{garbage"
    with pytest.raises(StopsUnreadable):
        await rig.manager().run(lambda: None)
