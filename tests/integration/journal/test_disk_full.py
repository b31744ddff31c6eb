from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from lyrad.domain.errors import JournalWriteFailed
from lyrad.domain.orders import OrderState
from lyrad.journal import Journal, open_readonly
from tests.unit.journal.factories import make_fill, make_order


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return str(result)


def page_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    return int(pages)


async def test_a_full_disk_fails_the_write_halts_the_journal_and_keeps_the_file_intact(
    journal_path: Path,
) -> None:
    async with Journal.open(journal_path) as journal:
        order = make_order("c1", amount="2")
        await journal.insert_order(order)
        await journal.transition_order("c1", OrderState.OPEN, venue_order_id="v-c1")
        await journal.apply_fill(make_fill(order, "t1", amount="1", venue_order_id="v-c1"))
    with open_readonly(journal_path) as view:
        before = (view.orders(), view.fills(), view.positions(), view.balances("sim"))

    registry = CollectorRegistry()
    cap = page_count(journal_path) + 4
    async with Journal.open(journal_path, registry=registry, max_pages=cap) as journal:
        blob = "x" * 2000
        writes = [journal.record_event("big", details={"n": n, "blob": blob}) for n in range(200)]
        outcomes = await asyncio.gather(*writes, return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        committed = {o for o in outcomes if isinstance(o, int)}

        assert failures, "the capped journal never filled up"
        assert all(isinstance(f, JournalWriteFailed) for f in failures)
        message = str(failures[0])
        assert "SQLITE_FULL" in message
        assert str(journal_path) in message
        assert "\n" not in message
        assert journal.failure is not None
        halted = await asyncio.wait_for(journal.wait_failed(), timeout=10)
        assert str(halted) == message
        # Trading halts: the next order is refused at once, before anything could be sent.
        with pytest.raises(JournalWriteFailed):
            await journal.insert_order(make_order("c2"))
        with pytest.raises(JournalWriteFailed):
            await journal.apply_fill(make_fill(order, "t2", amount="1", venue_order_id="v-c1"))
        assert registry.get_sample_value("lyrad_journal_write_failures_total") == len(failures) + 2
        assert (await journal.get_order("c1")) == before[0][0]  # reads still work

    assert integrity(journal_path) == "ok"
    with open_readonly(journal_path) as view:
        assert (view.orders(), view.fills(), view.positions(), view.balances("sim")) == before
        assert {e.seq for e in view.events() if e.kind == "big"} == committed
    async with Journal.open(journal_path) as journal:  # uncapped again: writable as before
        await journal.insert_order(make_order("c2"))
