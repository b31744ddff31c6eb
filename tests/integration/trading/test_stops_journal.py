"""Stops kept in a real journal file: they outlive the process, and the real executor sends
their exits (against the in-memory FakeVenue)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lyrad.domain.orders import OrderState
from lyrad.domain.values import Market, OrderIntent, OrderType, Side
from lyrad.domain.venue import Ticker
from lyrad.journal.journal import Journal
from lyrad.runtime.slot import Slot
from lyrad.strategies.base import SubmitResult
from lyrad.trading.stops import (
    FixedStop,
    LiveStore,
    PositionSide,
    StopManager,
    StopsConfig,
    TakeProfit,
    Target,
    TrailingStop,
)
from tests.integration.trading.fake_venue import SYMBOL as FAKE_SYMBOL
from tests.integration.trading.fake_venue import VENUE as FAKE_VENUE
from tests.integration.trading.fake_venue import FakeVenue
from tests.integration.trading.harness import rig
from tests.unit.trading.stops.fakes import (
    SYMBOL,
    VENUE,
    FakeClock,
    FakeGateway,
    FakeMarket,
    FakePortfolio,
    statuses,
)

D = Decimal
LONG = Target(VENUE, SYMBOL, PositionSide.LONG)


def manager_over(
    journal: Journal, gateway: FakeGateway, market: FakeMarket, clock: FakeClock
) -> StopManager:
    slot: Slot[Journal] = Slot("journal")
    slot.set(journal)
    return StopManager(
        config=StopsConfig(persist_interval="1s"),
        store=LiveStore(slot.get),
        gateway=gateway,
        market_view=market,
        portfolio=FakePortfolio("2"),
        clock=clock,
        venues={VENUE: (SYMBOL,)},
    )


async def test_stops_outlive_the_journal_being_closed_and_reopened(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    gateway, market, clock = FakeGateway(), FakeMarket(), FakeClock()
    async with Journal.open(path, synchronous="NORMAL") as journal:
        first = manager_over(journal, gateway, market, clock)
        await first.load()
        loss = await first.add(LONG, FixedStop(D(95)))
        profit = await first.add(LONG, TakeProfit(D(120)))
        trail = await first.add(LONG, TrailingStop(D("0.2")), group="runner")
        market.quote("110", "111")
        await first.check_once()
        clock.advance(1)
        market.quote("94", "95")
        await first.check_once()  # the stop-loss fires; the trailing stop moved and is saved
        kinds = [e.kind for e in await journal.events()]
    assert kinds == ["stop_added"] * 3 + ["stop_triggered", "stop_executed"]
    assert len(gateway.intents) == 1

    async with Journal.open(path, synchronous="NORMAL") as journal:
        second = manager_over(journal, gateway, market, clock)
        await second.load()
        assert statuses(second.list_stops()) == {
            loss.stop_id: "executed",
            profit.stop_id: "cancelled",
            trail.stop_id: "active",
        }
        restored = second.get(trail.stop_id)
        assert restored is not None
        assert (restored.watermark.peak, restored.watermark.level) == (D(110), D(88))
        market.quote("88", "89")
        await second.check_once()
    assert [i.amount for i in gateway.intents] == [D(2), D(2)]


async def test_a_trigger_journaled_before_a_crash_is_not_sent_after_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    market, clock = FakeMarket(), FakeClock()

    class Crashing(FakeGateway):
        async def submit(self, intent: OrderIntent) -> SubmitResult:
            raise RuntimeError("the process dies here")

    async with Journal.open(path, synchronous="NORMAL") as journal:
        doomed = manager_over(journal, Crashing(), market, clock)
        await doomed.load()
        stop = await doomed.add(LONG, FixedStop(D(95)))
        market.quote("90", "91")
        with pytest.raises(ExceptionGroup):
            await doomed.check_once()

    gateway = FakeGateway()
    async with Journal.open(path, synchronous="NORMAL") as journal:
        after = manager_over(journal, gateway, market, clock)
        await after.load()
        await after.check_once()
        kinds = [e.kind for e in await journal.events()]
    assert gateway.intents == []
    assert statuses(after.list_stops()) == {stop.stop_id: "unconfirmed"}
    assert kinds == ["stop_added", "stop_triggered", "stop_unconfirmed"]


class QuotedVenue:
    """A MarketView over the FakeVenue's market with a quote the test moves."""

    def __init__(self, venue: FakeVenue) -> None:
        self.venue = venue
        self.bid = D(50_000)

    async def ticker(self, venue: str, symbol: str) -> Ticker:
        return Ticker(venue, symbol, self.bid, self.bid + 1, None, 0)

    def market(self, venue: str, symbol: str) -> Market:
        return self.venue.market(symbol)


async def test_the_real_executor_sends_one_reduce_only_market_exit(tmp_path: Path) -> None:
    async with rig(tmp_path / "journal.sqlite3") as r:
        bought = await r.submit(r.intent(Side.BUY, price="50010", amount="0.5"))
        assert bought.accepted
        await r.portfolio.refresh()
        held = r.portfolio.position(FAKE_VENUE, FAKE_SYMBOL).quantity
        base = r.portfolio.balance(FAKE_VENUE, "BTC")
        assert base is not None
        # The buy's fee was paid in BTC: the position says 0.5, the account holds 0.4995.
        assert (held, base.free) == (D("0.5"), D("0.4995"))
        quotes = QuotedVenue(r.venue)
        manager = StopManager(
            config=StopsConfig(),
            store=r.journal,
            gateway=r.executor,
            market_view=quotes,
            portfolio=r.portfolio,
            clock=FakeClock(),
            venues={FAKE_VENUE: (FAKE_SYMBOL,)},
        )
        await manager.load()
        stop = await manager.add(
            Target(FAKE_VENUE, FAKE_SYMBOL, PositionSide.LONG), FixedStop(D(49_000))
        )
        await manager.check_once()
        quotes.bid = D(48_500)
        await manager.check_once()
        await manager.check_once()
        orders = await r.journal.orders()
        fired = manager.get(stop.stop_id)
    exits = [o for o in orders if o.side is Side.SELL]
    assert len(exits) == 1
    (exit_order,) = exits
    assert (exit_order.type, exit_order.amount, exit_order.state) == (
        OrderType.MARKET,
        base.free,  # all that can be sold
        OrderState.OPEN,
    )
    assert exit_order.intent_id.startswith(f"stop-{stop.stop_id}")
    assert fired is not None
    assert fired.client_order_id == exit_order.client_order_id
