"""The order path over a real journal: write-ahead, outcomes, ambiguity, reconciliation."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from lyrad.domain.errors import JournalWriteFailed
from lyrad.domain.orders import OrderState
from lyrad.domain.values import Side
from lyrad.domain.venue import OrderRequest, VenueOrder
from lyrad.journal.journal import Journal
from lyrad.journal.readonly import open_readonly
from lyrad.trading.state import TradingState
from tests.integration.trading.fake_venue import VENUE, FakeVenue, Outcome
from tests.integration.trading.harness import rig

D = Decimal


class WitnessVenue(FakeVenue):
    """Records the journaled state of each order at the moment its request arrives."""

    def __init__(self, journal_path: Path) -> None:
        super().__init__()
        self.journal_path = journal_path
        self.seen_states: list[str | None] = []

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        with open_readonly(self.journal_path) as view:
            order = view.get_order(request.client_order_id)
            self.seen_states.append(None if order is None else order.state.value)
        return await super().create_order(request)


async def test_an_order_is_durable_as_pending_submit_before_it_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    venue = WitnessVenue(path)
    async with rig(path, venue) as r:
        result = await r.submit(r.intent())
        assert result.accepted
        assert venue.seen_states == ["pending_submit"]
        assert result.client_order_id is not None
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.OPEN
        assert order.venue_order_id is not None
        assert r.metric("lyrad_order_ack_seconds_count") == 1


async def test_a_rejection_is_journaled_with_the_venue_reason(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        r.venue.script = [Outcome.REJECT]
        result = await r.submit(r.intent())
        assert not result.accepted
        assert result.client_order_id is not None
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.REJECTED
        assert order.reason is not None
        assert "insufficient balance" in order.reason
        assert r.executor.live_orders(VENUE, "BTC/USDT") == []


async def test_lost_response_leaves_unknown_until_reconciled_and_never_resends(
    tmp_path: Path,
) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        r.venue.script = [Outcome.LOST_AFTER_APPLY]
        result = await r.submit(r.intent())
        assert result.client_order_id is not None
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.UNKNOWN
        assert r.ambiguous == [VENUE]
        found = await r.reconciler.run_once()
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.OPEN
        assert order.venue_order_id is not None
        assert found == 1  # the resolution is reported as a discrepancy
        assert r.venue.created == 1


async def test_a_request_that_never_arrived_is_resolved_as_rejected(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3", grace_ms=1000) as r:
        r.venue.script = [Outcome.LOST_BEFORE_APPLY]
        result = await r.submit(r.intent())
        assert result.client_order_id is not None
        await r.reconciler.run_once()
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.UNKNOWN  # inside the grace period: wait
        r.venue.now_ms += 5000
        await r.reconciler.run_once()
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.REJECTED
        assert order.reason == "never reached venue"
        assert r.venue.created == 0


async def test_fills_found_by_reconciliation_update_order_position_and_balances(
    tmp_path: Path,
) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        await r.reconciler.run_once()  # first balance snapshot
        result = await r.submit(r.intent(price="49000", amount="0.002"))
        assert result.client_order_id is not None
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.venue_order_id is not None
        r.venue.fill(order.venue_order_id, D("0.001"))
        r.venue.fill(order.venue_order_id)
        await r.reconciler.run_once()
        await r.reconciler.run_once()  # applying the same trades again changes nothing
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.FILLED
        assert order.filled == D("0.002")
        position = await r.journal.position(VENUE, "BTC/USDT")
        assert position.quantity == D("0.002")
        balances = await r.journal.balances(VENUE)
        assert {a: b.total for a, b in balances.items()} == r.venue.balances
        assert (
            r.metric("lyrad_fills_total", {"venue": VENUE, "symbol": "BTC/USDT", "side": "buy"})
            == 2
        )
        assert r.metric("lyrad_reconcile_discrepancies_total", {"kind": "balance_drift"}) == 0


async def test_cancel_and_an_ambiguous_cancel(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        first = await r.submit(r.intent())
        second = await r.submit(r.intent(price="48000"))
        assert first.client_order_id is not None
        assert second.client_order_id is not None
        await r.executor.cancel(first.client_order_id)
        order = await r.journal.get_order(first.client_order_id)
        assert order is not None
        assert order.state is OrderState.CANCELLED
        r.venue.cancel_script = [Outcome.LOST_AFTER_APPLY]
        await r.executor.cancel(second.client_order_id)
        order = await r.journal.get_order(second.client_order_id)
        assert order is not None
        assert order.state is OrderState.UNKNOWN
        await r.reconciler.run_once()
        order = await r.journal.get_order(second.client_order_id)
        assert order is not None
        assert order.state is OrderState.CANCELLED


async def test_halted_trading_sends_nothing_and_journals_nothing(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        r.trading.set(TradingState.HALTED, "operator")
        result = await r.submit(r.intent())
        assert not result.accepted
        assert result.reason is not None
        assert result.reason.startswith("halted")
        assert await r.journal.orders() == []
        assert r.venue.created == 0
        assert r.metric("lyrad_risk_rejections_total", {"reason": "halted"}) == 1


async def test_an_intent_is_checked_after_waiting_for_client_order_ids(tmp_path: Path) -> None:
    """The risk check and the order it lets through are one step: no await between them.

    Client order ids are reserved in blocks (the rig's: 4), the next one written to the
    journal once half of the current block is used. Trading is halted while that write is
    under way, as a breaker may trip at any await: an intent checked before the wait would
    be sent after the halt.
    """
    async with rig(tmp_path / "j.sqlite3") as r:
        for _ in range(3):  # ids 0-2 of the first block: the next submit reserves a block
            assert (await r.submit(r.intent())).accepted
        submitted = asyncio.create_task(r.executor.submit(r.intent()))
        await asyncio.sleep(0)  # the submit runs up to its first wait
        r.trading.set(TradingState.HALTED, "breaker")
        result = await submitted
        assert not result.accepted
        assert result.reason is not None
        assert result.reason.startswith("halted")
        assert len(await r.journal.orders()) == 3
        assert r.venue.created == 3


async def test_reducing_allows_only_orders_that_reduce(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        bought = await r.submit(r.intent(amount="0.002"))
        assert bought.client_order_id is not None
        order = await r.journal.get_order(bought.client_order_id)
        assert order is not None
        assert order.venue_order_id is not None
        r.venue.fill(order.venue_order_id)
        await r.reconciler.run_once()
        await r.portfolio.refresh()
        r.trading.set(TradingState.REDUCING, "test")
        assert not (await r.submit(r.intent(Side.BUY))).accepted
        assert (await r.submit(r.intent(Side.SELL, price="51000", amount="0.002"))).accepted
        assert not (await r.submit(r.intent(Side.SELL, amount="0.003"))).accepted


async def test_client_order_ids_never_repeat_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    venue = FakeVenue()
    ids: list[str] = []
    for _ in range(3):
        async with rig(path, venue) as r:
            for _ in range(3):
                result = await r.submit(r.intent())
                assert result.client_order_id is not None
                ids.append(result.client_order_id)
    assert len(set(ids)) == 9
    assert all(cid.startswith("t1-") for cid in ids)


async def test_live_orders_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    venue = FakeVenue()
    async with rig(path, venue) as r:
        result = await r.submit(r.intent())
    async with rig(path, venue) as r:
        live = r.executor.live_orders(VENUE, "BTC/USDT")
        assert [o.client_order_id for o in live] == [result.client_order_id]


async def test_an_order_filled_in_its_own_answer_keeps_the_venue_id(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        result = await r.submit(r.intent(price="50100"))
        assert result.client_order_id is not None
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.FILLED
        assert order.venue_order_id is not None
        assert order.filled == D("0.002")
        assert (await r.journal.position(VENUE, "BTC/USDT")).quantity == D("0.002")
        await r.reconciler.run_once()  # the same trade, seen again, changes nothing
        assert len(await r.journal.fills()) == 1


async def test_a_cancel_right_after_the_acknowledgement_follows_the_journaled_answer(
    tmp_path: Path,
) -> None:
    # submit answers at the venue's acknowledgement; the outcome's write is still under way.
    async with rig(tmp_path / "j.sqlite3") as r:
        result = await r.executor.submit(r.intent())
        assert result.accepted
        assert result.client_order_id is not None
        cid = result.client_order_id
        await r.executor.cancel(cid)
        order = await r.journal.get_order(cid)
        assert order is not None
        assert order.state is OrderState.CANCELLED
        assert order.venue_order_id is not None
        states = [
            e.payload.get("state")
            for e in await r.journal.events(client_order_id=cid)
            if "state" in e.payload
        ]
        assert states == ["pending_submit", "open", "pending_cancel", "cancelled"]


async def test_settled_waits_until_the_answer_is_journaled(tmp_path: Path) -> None:
    async with rig(tmp_path / "j.sqlite3") as r:
        result = await r.executor.submit(r.intent())
        assert result.client_order_id is not None
        await r.executor.settled(result.client_order_id)
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.OPEN
        assert not r.executor.is_inflight(result.client_order_id)
        await r.executor.settled("never-sent")  # nothing in flight: returns at once


class DiskFillingVenue(FakeVenue):
    """Acknowledges the order, and meanwhile the journal's disk fills up."""

    journal: Journal | None = None

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        answer = await super().create_order(request)
        assert self.journal is not None
        while self.journal.failure is None:
            with contextlib.suppress(JournalWriteFailed):
                await self.journal.record_event("filler", details={"blob": "x" * 4000})
        return answer


async def test_a_full_disk_while_an_order_is_in_flight_halts_and_keeps_the_write_ahead_record(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.sqlite3"
    async with rig(path) as r:  # the schema, uncapped
        pass
    conn = sqlite3.connect(path)
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.close()
    venue = DiskFillingVenue()
    async with rig(path, venue, max_pages=pages + 8) as r:
        venue.journal = r.journal
        result = await r.executor.submit(r.intent())
        assert result.accepted
        assert result.client_order_id is not None
        await r.executor.settled(result.client_order_id)
        assert r.trading.status.state is TradingState.HALTED
        assert r.trading.status.reason is not None
        assert "journal cannot write" in r.trading.status.reason
        order = await r.journal.get_order(result.client_order_id)
        assert order is not None
        assert order.state is OrderState.PENDING_SUBMIT  # for the reconciler of the next start
        assert venue.created == 1
        refused = await r.executor.submit(r.intent(price="48000"))
        assert not refused.accepted
        assert venue.created == 1  # nothing more left the process


class IdReusingVenue(FakeVenue):
    """A venue that restarted from scratch: its order ids begin again at the first one."""

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        answer = await super().create_order(request)
        return replace(answer, venue_order_id="1")


async def test_an_answer_the_journal_refuses_halts_trading_and_keeps_the_executor_running(
    tmp_path: Path,
) -> None:
    venue = IdReusingVenue()
    async with rig(tmp_path / "j.sqlite3", venue) as r:
        first = await r.submit(r.intent())
        assert first.client_order_id is not None
        second = await r.submit(r.intent(price="48000"))
        assert second.client_order_id is not None
        assert r.trading.status.state is TradingState.HALTED
        assert second.client_order_id in r.trading.status.reason
        order = await r.journal.get_order(second.client_order_id)
        assert order is not None
        assert order.state is OrderState.PENDING_SUBMIT  # the reconciler's to settle
        # The executor still serves: a cancel of the first order goes through.
        await r.executor.cancel(first.client_order_id)
        cancelled = await r.journal.get_order(first.client_order_id)
        assert cancelled is not None
        assert cancelled.state is OrderState.CANCELLED
