from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from lyrad.domain.errors import IllegalTransition, JournalError
from lyrad.domain.orders import OrderState
from lyrad.journal import DuplicateOrder, Journal, OrderJournal, UnknownOrder, open_readonly
from tests.unit.journal.factories import make_order


async def test_an_order_is_on_disk_when_insert_order_returns(
    journal: Journal, journal_path: Path
) -> None:
    await journal.insert_order(make_order("c1"))
    other = sqlite3.connect(journal_path)  # another connection: what a restarted daemon sees
    row = other.execute("SELECT state, amount FROM orders WHERE client_order_id = 'c1'").fetchone()
    other.close()
    assert row == ("pending_submit", "1")


async def test_a_client_order_id_is_journaled_once(journal: Journal) -> None:
    await journal.insert_order(make_order("c1"))
    with pytest.raises(DuplicateOrder, match="c1"):
        await journal.insert_order(make_order("c1", amount="2"))
    assert (await journal.get_order("c1")) == make_order("c1")


async def test_transitions_follow_the_state_machine_and_are_logged(journal: Journal) -> None:
    await journal.insert_order(make_order("c1"))
    opened = await journal.transition_order("c1", OrderState.OPEN, venue_order_id="v9")
    assert opened.state is OrderState.OPEN
    assert opened.venue_order_id == "v9"
    assert (await journal.get_order("c1")) == opened
    assert (await journal.get_order_by_venue_id("sim", "v9")) == opened
    with pytest.raises(IllegalTransition):
        await journal.transition_order("c1", OrderState.PENDING_SUBMIT)
    cancelled = await journal.transition_order(
        "c1", OrderState.CANCELLED, reason="operator", details={"by": "api", "state": "lies"}
    )
    assert cancelled.reason == "operator"
    events = await journal.events(client_order_id="c1")
    assert [e.kind for e in events] == ["order_created", "order_open", "order_cancelled"]
    assert events[2].payload == {
        "from": "open",
        "state": "cancelled",
        "venue_order_id": "v9",
        "reason": "operator",
        "by": "api",
    }


async def test_a_transition_of_an_unknown_order_is_refused(journal: Journal) -> None:
    with pytest.raises(UnknownOrder, match="ghost"):
        await journal.transition_order("ghost", OrderState.OPEN)


async def test_orders_are_listed_by_venue_state_and_liveness(journal: Journal) -> None:
    await journal.insert_order(make_order("a", venue="sim"))
    await journal.insert_order(make_order("b", venue="sim"))
    await journal.insert_order(make_order("c", venue="binance"))
    await journal.transition_order("b", OrderState.REJECTED, reason="insufficient balance")
    await journal.transition_order("c", OrderState.UNKNOWN, reason="timeout")
    assert [o.client_order_id for o in await journal.orders()] == ["a", "b", "c"]
    assert [o.client_order_id for o in await journal.live_orders("sim")] == ["a"]
    assert [o.client_order_id for o in await journal.live_orders("binance")] == ["c"]
    rejected = await journal.orders(state=OrderState.REJECTED)
    assert [(o.client_order_id, o.reason) for o in rejected] == [("b", "insufficient balance")]
    assert [o.client_order_id for o in await journal.orders(venue="sim", live_only=True)] == ["a"]


async def test_kv_settings_are_durable_and_may_log_an_event(journal: Journal) -> None:
    assert await journal.get_kv("trading_state") is None
    await journal.set_kv("trading_state", "REDUCING")
    await journal.set_kv(
        "trading_state", "HALTED", event_kind="trading_state_changed", details={"why": "breaker"}
    )
    assert await journal.get_kv("trading_state") == "HALTED"
    events = await journal.events()
    assert [(e.kind, e.payload) for e in events] == [
        ("trading_state_changed", {"key": "trading_state", "value": "HALTED", "why": "breaker"})
    ]


async def test_events_are_numbered_in_order_and_paged(journal: Journal) -> None:
    seqs = [await journal.record_event("tick", venue="sim", details={"n": n}) for n in range(5)]
    assert seqs == sorted(seqs)
    page = await journal.events(after_seq=seqs[1], limit=2)
    assert [e.seq for e in page] == seqs[2:4]
    assert [e.payload for e in page] == [{"n": 2}, {"n": 3}]
    assert all(e.venue == "sim" and e.kind == "tick" for e in page)


async def test_the_event_log_is_append_only(journal: Journal, journal_path: Path) -> None:
    await journal.record_event("tick")
    other = sqlite3.connect(journal_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        other.execute("UPDATE events SET kind = 'tock'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        other.execute("DELETE FROM events")
    other.close()


async def test_the_read_only_view_follows_the_running_journal(
    journal: Journal, journal_path: Path
) -> None:
    await journal.insert_order(make_order("c1"))
    with open_readonly(journal_path) as view:
        assert [o.client_order_id for o in view.orders(live_only=True)] == ["c1"]
        await journal.transition_order("c1", OrderState.REJECTED)
        assert view.orders(live_only=True) == []
        assert view.get_order("c1") == await journal.get_order("c1")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            view._conn.execute("DELETE FROM kv")


async def test_a_payload_that_is_not_json_is_refused_before_anything_is_queued(
    journal: Journal,
) -> None:
    with pytest.raises(TypeError, match="object"):
        journal.record_event("bad", details={"x": object()})  # type: ignore[dict-item]
    assert await journal.events() == []


async def test_writes_submitted_before_close_are_committed_and_later_ones_refused(
    journal_path: Path,
) -> None:
    async with Journal.open(journal_path) as journal:
        pending = [journal.record_event("late", details={"n": n}) for n in range(50)]
    assert all(f.done() and not f.exception() for f in pending)
    with pytest.raises(JournalError, match="closed"):
        await journal.record_event("after")
    with open_readonly(journal_path) as view:
        assert len(view.events()) == 50


async def test_a_cancelled_caller_does_not_disturb_the_writer(journal: Journal) -> None:
    waiter = asyncio.ensure_future(journal.insert_order(make_order("c1")))
    waiter.cancel()
    await asyncio.sleep(0)
    assert await journal.record_event("still fine") > 0
    # A cancelled await does not cancel the write: the order may still be journaled.
    assert (await journal.get_order("c1")) in (None, make_order("c1"))


async def test_the_journal_is_the_order_journal_seam_and_stamps_events_with_its_clock(
    journal: Journal,
) -> None:
    seam: OrderJournal = journal  # mypy checks the structural match
    first = await seam.record_event("one")
    second = await seam.record_event("two")
    stamps = [e.ts_ms for e in await seam.events()]
    assert second == first + 1
    assert stamps[1] > stamps[0] > 1_700_000_001_000  # TickingClock, not the wall clock
    assert stamps[1] < 1_700_000_002_000
