"""Watching: trailing levels saved sparingly, the run loop on a fake clock, an absent venue,
ATR stops, the API, and a venue-native plug-in."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest
from structlog.testing import capture_logs

from lyrad.domain.errors import VenueError
from lyrad.domain.venue import Candle
from lyrad.trading.stops import (
    AtrStop,
    DistanceUnit,
    FixedStop,
    PositionSide,
    StopManager,
    StopRecord,
    StopsConfig,
    TakeProfit,
    Target,
    TimeExit,
    TrailingStop,
    UnknownStop,
)
from lyrad.trading.stops.store import STOPS_KEY
from tests.unit.trading.stops.fakes import SYMBOL, VENUE, Rig, new_rig, statuses

D = Decimal
LONG = Target(VENUE, SYMBOL, PositionSide.LONG)


def stored_peak(rig: Rig, stop_id: str) -> str | None:
    stops = json.loads(rig.store.kv[STOPS_KEY])["stops"]
    peak: str | None = next(s["peak"] for s in stops if s["id"] == stop_id)
    return peak


async def run_until(rig: Rig, manager: StopManager, done: object, rounds: int = 50) -> None:
    """Run the component until `done()` holds (at most `rounds` polls), then stop it."""
    assert callable(done)
    ready = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        task = tg.create_task(manager.run(ready.set))
        await ready.wait()
        for _ in range(rounds):
            if done():
                break
            await asyncio.sleep(0)
        task.cancel()


async def test_trailing_levels_are_saved_at_most_every_persist_interval() -> None:
    rig = new_rig(persist_interval="5s")
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, TrailingStop(D("0.1")))
    writes = rig.store.kv_writes
    for step in range(13):  # a price rising every second for 12 s
        rig.market.quote(str(100 + step), str(101 + step))
        await manager.check_once()
        rig.clock.advance(1)
    assert rig.store.kv_writes - writes == 2  # after 5 s, and 5 s later: not on every tick
    assert stored_peak(rig, stop.stop_id) == "110"
    restarted = rig.manager()
    await restarted.load()
    record = restarted.get(stop.stop_id)
    assert record is not None
    assert record.watermark.peak == D(110)


async def test_levels_moved_since_the_last_save_are_saved_at_shutdown() -> None:
    rig = new_rig(persist_interval="1h")
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, TrailingStop(D(3), DistanceUnit.ABSOLUTE))
    rig.market.quote("120", "121")
    await run_until(rig, manager, lambda: rig.market.asked > 0)
    assert stored_peak(rig, stop.stop_id) == "120"


async def test_a_time_exit_fires_when_the_clock_reaches_it() -> None:
    rig = new_rig(poll_interval="1s")
    manager = rig.manager()
    await manager.load()
    deadline = rig.clock.now_ms + 3_000
    stop = await manager.add(LONG, TimeExit(deadline))
    await run_until(rig, manager, lambda: rig.gateway.intents)
    assert len(rig.gateway.intents) == 1
    fired = manager.get(stop.stop_id)
    assert fired is not None
    assert fired.updated_ms == deadline
    assert set(rig.clock.sleeps) == {1.0}


async def test_an_unreachable_venue_is_logged_once_and_time_still_runs_out() -> None:
    rig = new_rig()
    manager = rig.manager()
    await manager.load()
    await manager.add(LONG, TakeProfit(D(1000)), group="watched")  # needs a mark; never fires
    deadline = await manager.add(
        Target(VENUE, SYMBOL, PositionSide.LONG, D(1)), TimeExit(rig.clock.now_ms + 2_000)
    )
    rig.market.down = True
    with capture_logs() as logs:
        for _ in range(3):
            await manager.check_once()
            rig.clock.advance(1)
        rig.market.down = False
        await manager.check_once()
    events = [e["event"] for e in logs]
    assert events.count("stop_marks_unavailable") == 1
    assert events.count("stop_marks_available") == 1
    assert [i.amount for i in rig.gateway.intents] == [D(1)]  # the time exit, without a mark
    assert statuses(manager.list_stops())[deadline.stop_id] == "executed"


async def test_an_atr_stop_fires_at_peak_minus_multiple_atr() -> None:
    rig = new_rig()
    # Every closed bar ranges 2 without gaps: ATR(3) = 2. The newest bar is still forming.
    rig.candles.series = [
        Candle(i * 60_000, D(100), D(101), D(99), D(100), D(1)) for i in range(6)
    ] + [Candle(6 * 60_000, D(100), D(200), D(1), D(100), D(1))]
    manager = rig.manager()
    await manager.load()
    stop = await manager.add(LONG, AtrStop(D("1.5"), 3, "1m"))
    rig.market.quote("110", "111")
    await manager.check_once()
    record = manager.get(stop.stop_id)
    assert record is not None
    assert record.watermark.level == D(107)
    rig.market.quote("107.01", "108")
    await manager.check_once()
    assert rig.gateway.intents == []
    rig.market.quote("107", "108")
    await manager.check_once()
    assert len(rig.gateway.intents) == 1
    assert rig.candles.calls[0] == (VENUE, SYMBOL, "1m", 100)


async def test_add_refuses_markets_lyrad_does_not_trade_and_atr_without_candles() -> None:
    rig = new_rig()
    manager = rig.manager()
    await manager.load()
    with pytest.raises(ValueError, match="not a configured market"):
        await manager.add(Target(VENUE, "DOGE/USDT", PositionSide.LONG), FixedStop(D(1)))
    with pytest.raises(ValueError, match="not a configured market"):
        await manager.add(Target("elsewhere", SYMBOL, PositionSide.LONG), FixedStop(D(1)))
    blind = StopManager(
        config=StopsConfig(),
        store=rig.store,
        gateway=rig.gateway,
        market_view=rig.market,
        portfolio=rig.portfolio,
        clock=rig.clock,
        venues={VENUE: (SYMBOL,)},
    )
    await blind.load()
    with pytest.raises(ValueError, match="candle feed"):
        await blind.add(LONG, AtrStop(D(2), 14, "1h"))
    with pytest.raises(RuntimeError, match="not loaded"):
        await rig.manager().add(LONG, FixedStop(D(1)))


async def test_remove_and_list() -> None:
    rig = new_rig(history=1)
    manager = rig.manager()
    await manager.load()
    btc = await manager.add(LONG, FixedStop(D(90)))
    eth = await manager.add(Target(VENUE, "ETH/USDT", PositionSide.LONG), FixedStop(D(9)))
    gone = await manager.remove(btc.stop_id, "operator changed their mind")
    assert (gone.status.value, gone.reason) == ("cancelled", "operator changed their mind")
    with pytest.raises(UnknownStop):
        await manager.remove(btc.stop_id)
    with pytest.raises(UnknownStop):
        await manager.remove("nope")
    assert [r.stop_id for r in manager.list_stops()] == [eth.stop_id, btc.stop_id]
    assert [r.stop_id for r in manager.list_stops(symbol="ETH/USDT")] == [eth.stop_id]
    rig.clock.advance(1)
    await manager.remove(eth.stop_id)
    assert [r.stop_id for r in manager.list_stops()] == [eth.stop_id]  # history keeps one
    await manager.check_once()
    assert rig.gateway.intents == []
    assert rig.market.asked == 0


class FakeNative:
    """Holds fixed stops on the 'venue'; `refuse` makes placing fail."""

    def __init__(self) -> None:
        self.placed: list[str] = []
        self.cancelled: list[str] = []
        self.refuse = False

    def handles(self, record: StopRecord) -> bool:
        return isinstance(record.spec, FixedStop)

    async def place(self, record: StopRecord) -> str:
        if self.refuse:
            raise VenueError(VENUE, "STOP_LOSS not supported")
        self.placed.append(record.stop_id)
        return f"venue-{record.stop_id}"

    async def cancel(self, record: StopRecord) -> None:
        assert record.native_ref == f"venue-{record.stop_id}"
        self.cancelled.append(record.stop_id)


async def test_a_venue_held_stop_is_not_watched_and_is_withdrawn_with_its_group() -> None:
    rig = new_rig()
    native = FakeNative()
    manager = rig.manager(native=native)
    await manager.load()
    held = await manager.add(LONG, FixedStop(D(95)))
    profit = await manager.add(LONG, TakeProfit(D(110)))
    assert held.native_ref == f"venue-{held.stop_id}"
    assert profit.native_ref is None
    rig.market.quote("90", "91")
    await manager.check_once()
    assert rig.gateway.intents == []  # the venue executes it, not lyrad
    rig.market.quote("110", "111")
    await manager.check_once()
    assert len(rig.gateway.intents) == 1
    assert native.cancelled == [held.stop_id]
    assert statuses(manager.list_stops())[held.stop_id] == "cancelled"


async def test_a_venue_fill_of_a_native_stop_cancels_its_siblings() -> None:
    rig = new_rig()
    native = FakeNative()
    manager = rig.manager(native=native)
    await manager.load()
    held = await manager.add(LONG, FixedStop(D(95)))
    profit = await manager.add(LONG, TakeProfit(D(110)))
    await manager.native_fired(held.stop_id, "venue-cid")
    assert statuses(manager.list_stops()) == {held.stop_id: "executed", profit.stop_id: "cancelled"}
    with pytest.raises(UnknownStop):
        await manager.native_fired(held.stop_id, "venue-cid")


async def test_a_stop_the_venue_refuses_to_hold_is_watched_by_lyrad() -> None:
    rig = new_rig()
    native = FakeNative()
    native.refuse = True
    manager = rig.manager(native=native)
    await manager.load()
    stop = await manager.add(LONG, FixedStop(D(95)))
    assert stop.native_ref is None
    rig.market.quote("95", "96")
    await manager.check_once()
    assert len(rig.gateway.intents) == 1
