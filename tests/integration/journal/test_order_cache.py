"""The writer's order cache never disagrees with the file, even around refused units."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lyrad.domain.errors import JournalError
from lyrad.domain.orders import OrderState
from lyrad.journal import Journal, codec, schema
from lyrad.journal.cache import OrderCache
from lyrad.journal.writes import insert_order, transition_order
from tests.unit.journal.factories import make_order


async def test_a_transition_refused_by_the_file_leaves_the_order_as_it_was(
    journal: Journal,
) -> None:
    await journal.insert_order(make_order("c1"))
    await journal.insert_order(make_order("c2"))
    await journal.transition_order("c1", OrderState.OPEN, venue_order_id="v1")
    # Same group: c2 takes c1's venue order id (unique index) and fails after reading c2.
    clash, fine = await asyncio.gather(
        journal.transition_order("c2", OrderState.OPEN, venue_order_id="v1"),
        journal.transition_order("c1", OrderState.CANCELLED, reason="operator"),
        return_exceptions=True,
    )
    assert isinstance(clash, JournalError)
    assert "UNIQUE" in str(clash)
    assert not isinstance(fine, BaseException)
    assert fine.state is OrderState.CANCELLED
    # The writer's view of c2 is still the file's: pending, without a venue order id.
    moved = await journal.transition_order("c2", OrderState.OPEN, venue_order_id="v2")
    assert moved == await journal.get_order("c2")
    assert moved.venue_order_id == "v2"
    events = await journal.events(client_order_id="c2")
    assert [(e.kind, e.payload["from"]) for e in events[1:]] == [("order_open", "pending_submit")]


async def test_orders_written_in_every_order_read_back_as_the_writer_returned_them(
    journal: Journal,
) -> None:
    ids = [f"c{n}" for n in range(30)]
    await asyncio.gather(*(journal.insert_order(make_order(i)) for i in ids))
    opened = await asyncio.gather(
        *(journal.transition_order(i, OrderState.OPEN, venue_order_id=f"v-{i}") for i in ids)
    )
    cancelled = await asyncio.gather(
        *(journal.transition_order(i, OrderState.CANCELLED) for i in reversed(ids))
    )
    assert [o.venue_order_id for o in cancelled] == [f"v-{i}" for i in reversed(ids)]
    assert all(o.state is OrderState.OPEN for o in opened)
    assert {o.client_order_id: o for o in cancelled} == {
        o.client_order_id: o for o in await journal.orders()
    }


def test_an_order_evicted_from_the_cache_is_read_from_the_file(tmp_path: Path) -> None:
    conn = schema.open_writer(tmp_path / "j.sqlite3", "NORMAL", None)
    cache = OrderCache(capacity=2)
    try:
        for name in ("a", "b", "c"):
            order = make_order(name)
            insert_order(conn, cache, order, codec.order_params(order), 1, "{}")
        moved = transition_order(conn, cache, "a", OrderState.OPEN, 2, "va", None, "open", {})
        assert moved.state is OrderState.OPEN
        assert cache.get(conn, "a") is moved  # kept: the last written
        assert cache.get(conn, "b") == make_order("b")  # evicted by c and a: read back
        assert cache.get(conn, "zz") is None
    finally:
        conn.close()


@pytest.mark.parametrize("capacity", [1, 3])
def test_the_cache_keeps_at_most_its_capacity_of_the_latest_orders(
    tmp_path: Path, capacity: int
) -> None:
    conn = schema.open_writer(tmp_path / "j.sqlite3", "NORMAL", None)
    cache = OrderCache(capacity=capacity)
    try:
        orders = [make_order(f"o{n}") for n in range(5)]
        for order in orders:
            cache.put(order)
        conn.execute("DELETE FROM orders")  # nothing to fall back on: only the cache answers
        kept = [o for o in orders if cache.get(conn, o.client_order_id) is o]
        assert kept == orders[-capacity:]
    finally:
        conn.close()
