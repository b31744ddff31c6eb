"""The desk's safety rules: prefixed ids, journal before send, budgets, tripwire, cleanup."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from lyrad.domain.errors import AmbiguousOutcome, OrderRejected
from lyrad.domain.orders import OrderState
from lyrad.domain.values import OrderType, Side
from lyrad.domain.venue import OrderRequest, VenueOrder
from lyrad.validate.desk import OrderDesk, Tripwire
from lyrad.validate.model import NotRun
from tests.unit.validate.fakes import SYMBOL, FakeAdapter, FakeClock, FakeJournal, market

D = Decimal
PRICE, AMOUNT = D("57000.00"), D("0.0001")


class JournalFirst(FakeAdapter):
    """Asserts that every order is journaled before it reaches the venue."""

    def __init__(self, clock: FakeClock, journal: FakeJournal) -> None:
        super().__init__(clock)
        self.journal = journal

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        journaled = self.journal.orders.get(request.client_order_id)
        assert journaled is not None
        if f"create {request.client_order_id}" not in self.sent:  # a resubmission is not new
            assert journaled.state is OrderState.PENDING_SUBMIT
        return await super().create_order(request)


def _desk(
    *,
    hold_before_cancel_s: float = 0.0,
    max_cancels: int = 10,
    sent_orders: Callable[[], int] | None = None,
) -> tuple[OrderDesk, FakeAdapter, FakeJournal, FakeClock]:
    clock = FakeClock()
    journal = FakeJournal()
    adapter = JournalFirst(clock, journal)
    desk = OrderDesk(
        adapter=adapter,
        journal=journal,
        run_id="r1",
        clock=clock,
        wall_ms=clock.time_ms,
        sent_orders=sent_orders,
        hold_before_cancel_s=hold_before_cancel_s,
        max_cancels=max_cancels,
    )
    return desk, adapter, journal, clock


def _state(journal: FakeJournal, cid: str) -> OrderState:
    return journal.orders[cid].state


def _tripwire(desk: OrderDesk) -> Tripwire | None:
    return desk.tripwire


async def _far(desk: OrderDesk, side: Side = Side.BUY) -> VenueOrder:
    return await desk.place(side, AMOUNT, PRICE, symbol=SYMBOL, purpose="test", far=True)


async def test_ids_carry_the_run_prefix_and_orders_are_journaled_first() -> None:
    desk, adapter, journal, _ = _desk()
    first = await _far(desk)
    second = await _far(desk)
    assert (first.client_order_id, second.client_order_id) == ("lyrav-r1-01", "lyrav-r1-02")
    assert journal.orders["lyrav-r1-01"].state is OrderState.OPEN
    assert journal.orders["lyrav-r1-01"].venue_order_id == first.venue_order_id
    assert adapter.sent == ["create lyrav-r1-01", "create lyrav-r1-02"]


async def test_a_refused_order_is_journaled_rejected() -> None:
    desk, adapter, journal, _ = _desk()
    adapter.reject = OrderRejected("fake", "-1013: Filter failure: NOTIONAL")
    with pytest.raises(OrderRejected):
        await _far(desk)
    assert journal.orders["lyrav-r1-01"].state is OrderState.REJECTED
    assert desk.ledger[0].state == "rejected"


async def test_the_order_budget_stops_the_eleventh_before_it_is_sent() -> None:
    desk, adapter, _, _ = _desk()
    for _ in range(10):
        await _far(desk)
    with pytest.raises(NotRun, match="budget"):
        await _far(desk)
    assert len(adapter.sent) == 10
    assert desk.orders_sent == 10


async def test_a_locally_refused_order_does_not_use_the_budget() -> None:
    sent = [0]
    desk, adapter, _, _ = _desk(sent_orders=lambda: sent[0])
    with pytest.raises(OrderRejected, match="min amount"):
        await desk.place(Side.BUY, D("0.000001"), PRICE, symbol=SYMBOL, purpose="t", far=True)
    assert desk.orders_sent == 0
    assert adapter.sent == []


async def test_the_cancel_budget_and_the_hold_before_cancel() -> None:
    desk, _adapter, journal, clock = _desk(hold_before_cancel_s=5.0, max_cancels=1)
    await _far(desk)
    await _far(desk)
    cancelled = await desk.cancel(desk.ledger[0])
    assert cancelled.status.value == "cancelled"
    assert clock.slept == [5.0]
    assert desk.young_cancels == 0  # held 5 s, older than the 2 s threshold
    assert journal.orders["lyrav-r1-01"].state is OrderState.CANCELLED
    with pytest.raises(NotRun, match="cancel budget"):
        await desk.cancel(desk.ledger[1])


async def test_young_cancels_are_counted() -> None:
    desk, _, _, _ = _desk()
    await _far(desk)
    await desk.cancel(desk.ledger[0])
    assert desk.young_cancels == 1


async def test_a_far_fill_trips_the_wire_and_closes_the_desk() -> None:
    desk, adapter, _, _ = _desk()
    adapter.fill_far = True
    order = await _far(desk)
    assert _tripwire(desk) is None  # the answer showed it resting
    seen = await adapter.fetch_order(SYMBOL, client_order_id=order.client_order_id)
    await desk.observe(seen)
    tripwire = _tripwire(desk)
    assert tripwire is not None
    assert tripwire.filled == AMOUNT
    with pytest.raises(NotRun, match="tripwire"):
        await _far(desk)
    flattened = await desk.flatten(market())
    assert flattened is not None
    assert flattened.side is Side.SELL
    assert flattened.type is OrderType.MARKET
    assert await desk.flatten(market()) is None  # once


async def test_cleanup_cancels_only_this_runs_orders_never_foreign_ones() -> None:
    desk, adapter, _, _ = _desk()
    foreign = adapter.add_foreign("manual-order-1")
    anonymous = adapter.add_foreign(None)
    older = adapter.add_foreign("lyrav-old00000-01")
    await _far(desk)
    await _far(desk)
    await desk.cancel(desk.ledger[0])
    lost = adapter.add_foreign("lyrav-r1-09")  # ours, but the ledger never saw an answer
    report = await desk.cleanup(SYMBOL)
    assert sorted(report.cancelled) == ["lyrav-r1-02", "lyrav-r1-09"]
    assert report.older_suite_orders == ["lyrav-old00000-01"]
    assert report.still_open == []
    open_ids = {o.venue_order_id for o in await adapter.fetch_open_orders(SYMBOL)}
    assert open_ids == {foreign.venue_order_id, anonymous.venue_order_id, older.venue_order_id}
    cancels = [line for line in adapter.sent if line.startswith("cancel")]
    assert cancels == ["cancel lyrav-r1-01", "cancel lyrav-r1-02", "cancel lyrav-r1-09"]
    assert lost.client_order_id in [e.client_order_id for e in desk.ledger]


async def test_cleanup_settles_an_order_the_venue_never_got() -> None:
    desk, adapter, journal, _ = _desk()
    await _far(desk)
    adapter.orders.clear()  # the venue lost it
    report = await desk.cleanup(SYMBOL)
    assert report.cancelled == []
    assert desk.ledger[0].state == "rejected"
    assert journal.orders["lyrav-r1-01"].state is OrderState.EXPIRED  # acked open, then gone


async def test_a_duplicate_resubmission_journals_an_event_not_an_order() -> None:
    desk, _, journal, _ = _desk()
    first = await _far(desk)
    with pytest.raises(OrderRejected, match="Duplicate"):
        await desk.place(
            Side.BUY,
            AMOUNT,
            PRICE,
            symbol=SYMBOL,
            purpose="dup",
            far=True,
            client_order_id=first.client_order_id,
        )
    assert journal.inserted == ["lyrav-r1-01"]
    assert ("validate_resubmit", "lyrav-r1-01") in journal.events
    assert len(desk.ledger) == 1


async def test_cleanup_cancels_an_ambiguous_order_by_client_id() -> None:
    desk, adapter, journal, _ = _desk()
    adapter.reject = AmbiguousOutcome("fake", "no answer in time")
    with pytest.raises(AmbiguousOutcome):
        await _far(desk)
    assert _state(journal, "lyrav-r1-01") is OrderState.UNKNOWN
    adapter.add_foreign("lyrav-r1-01", price="57000")  # the venue did take it
    report = await desk.cleanup(SYMBOL)
    assert report.cancelled == ["lyrav-r1-01"]
    assert _state(journal, "lyrav-r1-01") is OrderState.CANCELLED


async def test_orders_sent_through_another_instance_count_against_the_budget() -> None:
    sent = [0]
    desk, adapter, _, clock = _desk(sent_orders=lambda: sent[0])
    other = FakeAdapter(clock)
    for _ in range(10):
        await desk.place(Side.BUY, AMOUNT, PRICE, symbol=SYMBOL, purpose="t", far=True, via=other)
    assert desk.orders_sent == 10
    with pytest.raises(NotRun, match="budget"):
        await _far(desk)
    assert adapter.sent == []
