"""Stops against the simulated Binance through real ccxt, wired as the app wires them:
the TradingHandle is the gateway and both views; ATR comes from the sim's klines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from prometheus_client import CollectorRegistry

from lyrad.domain.orders import OrderState
from lyrad.domain.values import OrderIntent, OrderType, Side
from lyrad.exchanges.ccxt_adapter import CcxtAdapter
from lyrad.exchanges.clock import SystemClock
from lyrad.journal.journal import Journal
from lyrad.runtime.slot import Slot
from lyrad.sim.server import SimServer
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.risk.config import RiskConfig
from lyrad.trading.risk.runtime import RiskRuntime
from lyrad.trading.service import ExecutionService, TradingCore, TradingHandle, VenueTrading
from lyrad.trading.state import TradingStateHolder
from lyrad.trading.stops import AtrStop, FixedStop, PositionSide, StopManager, StopsConfig, Target
from lyrad.trading.stops.atr import wilder_atr
from lyrad.trading.stops.candles import AdapterCandles, AtrTracker
from tests.integration.exchanges.conftest import VENUE, new_adapter
from tests.support.sim import account

D = Decimal
BTC = "BTC/USDT"


@dataclass
class Desk:
    adapter: CcxtAdapter
    journal: Journal
    handle: TradingHandle


@asynccontextmanager
async def desk(path: Path) -> AsyncIterator[Desk]:
    """A sim, the real adapter, and the trading core as the app runs it, behind its handle."""
    clock = SystemClock()
    async with (
        SimServer(scenario="calm", seed=5, accounts=[account("alice")]) as sim,
        new_adapter(sim).adapter as adapter,
        Journal.open(path, synchronous="NORMAL") as journal,
    ):
        await adapter.load_markets()
        journal_slot: Slot[Journal] = Slot("journal")
        journal_slot.set(journal)
        core: Slot[TradingCore] = Slot("trading core")
        service = ExecutionService(
            journal=journal_slot,
            adapters={VENUE: adapter},
            venues={
                VENUE: VenueTrading(
                    symbols=(BTC,),
                    reconcile_interval_s=3600,
                    unknown_grace_ms=30_000,
                    balance_tolerance=D(0),
                    send_timeout_s=10,
                )
            },
            instance_id="st1",
            risk=RiskRuntime.build(
                RiskConfig(),
                clock=clock,
                trading=TradingStateHolder(),
                registry=CollectorRegistry(),
                store=journal,
            ),
            metrics=TradingMetrics(CollectorRegistry()),
            clock_ms=clock.time_ms,
            core_slot=core,
            drain_timeout_s=5,
        )
        ready = asyncio.Event()
        async with asyncio.TaskGroup() as tg:
            running = tg.create_task(service.run(ready.set))
            await ready.wait()
            yield Desk(adapter, journal, TradingHandle(core))
            running.cancel()


def stop_manager(d: Desk) -> StopManager:
    return StopManager(
        config=StopsConfig(),
        store=d.journal,
        gateway=d.handle,
        market_view=d.handle,
        portfolio=d.handle,
        clock=SystemClock(),
        venues={VENUE: (BTC,)},
        candles=AdapterCandles({VENUE: d.adapter}),
    )


async def test_a_stop_sells_the_position_on_the_sim(tmp_path: Path) -> None:
    async with desk(tmp_path / "journal.sqlite3") as d:
        buy = OrderIntent(
            d.handle.new_intent_id("test"), VENUE, BTC, Side.BUY, OrderType.MARKET, D("0.01")
        )
        bought = await d.handle.submit(buy)
        assert bought.accepted
        assert bought.client_order_id is not None
        await d.handle.settled(bought.client_order_id)
        await d.handle.core.portfolio.refresh()
        assert d.handle.position(VENUE, BTC).quantity == D("0.01")

        manager = stop_manager(d)
        await manager.load()
        bid = (await d.handle.ticker(VENUE, BTC)).bid
        assert bid is not None
        # A stop above the bid has been reached already: it fires on the first round.
        stop = await manager.add(Target(VENUE, BTC, PositionSide.LONG), FixedStop(bid * 2))
        await manager.check_once()
        await manager.check_once()
        orders = await d.journal.orders()
        fired = manager.get(stop.stop_id)

    (sell,) = [o for o in orders if o.side is Side.SELL]
    assert (sell.type, sell.state, sell.amount) == (OrderType.MARKET, OrderState.FILLED, D("0.01"))
    assert sell.intent_id.startswith(f"stop-{stop.stop_id}")
    assert fired is not None
    assert (fired.status.value, fired.client_order_id) == ("executed", sell.client_order_id)


async def test_atr_stops_read_the_sims_candles(tmp_path: Path) -> None:
    async with desk(tmp_path / "journal.sqlite3") as d:
        spec = AtrStop(D(3), 5, "1m")
        feed = AdapterCandles({VENUE: d.adapter})
        for _ in range(3):  # a minute may turn between the two reads: then read again
            candles = await d.adapter.fetch_ohlcv(BTC, "1m", limit=20)
            tracked = await AtrTracker(feed, refresh_ms=0, candles=20).atr(VENUE, BTC, spec, 0)
            again = await d.adapter.fetch_ohlcv(BTC, "1m", limit=20)
            if again[-1].open_time_ms == candles[-1].open_time_ms:
                break
        assert len(candles) >= spec.period + 2, f"the sim served {len(candles)} candles"
        expected = wilder_atr(candles[:-1], spec.period)
        assert expected is not None
        assert expected > 0
        assert tracked == expected

        manager = stop_manager(d)
        await manager.load()
        stop = await manager.add(Target(VENUE, BTC, PositionSide.LONG), spec)
        await manager.check_once()
        record = manager.get(stop.stop_id)
        assert record is not None
        peak, level = record.watermark.peak, record.watermark.level
        assert peak is not None
        assert level is not None
        assert D(0) < peak - level <= 3 * expected * 2  # 3 x ATR, and ATR may have moved on
