from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from prometheus_client import CollectorRegistry

from lyrad.domain.errors import JournalError
from lyrad.journal import Journal, NewEvent
from tests.unit.journal.factories import make_order


async def test_many_concurrent_writers_share_few_commits_and_all_are_durable(
    journal: Journal, journal_path: Path, registry: CollectorRegistry
) -> None:
    async def writer(w: int) -> list[int]:
        seqs = []
        for n in range(20):
            seqs.append(await journal.record_event("tick", details={"w": w, "n": n}))
        await journal.insert_order(make_order(f"c{w}"))
        return seqs

    async with asyncio.TaskGroup() as tasks:
        started = [tasks.create_task(writer(w)) for w in range(50)]
    seqs = [s for task in started for s in task.result()]

    transactions = 50 * 21
    assert registry.get_sample_value("lyrad_journal_transactions_total") == transactions
    commits = registry.get_sample_value("lyrad_journal_commit_seconds_count")
    assert commits is not None
    assert commits < transactions / 5
    other = sqlite3.connect(journal_path)
    assert {r[0] for r in other.execute("SELECT seq FROM events WHERE kind = 'tick'")} == set(seqs)
    assert other.execute("SELECT count(*) FROM orders").fetchone()[0] == 50
    other.close()


async def test_merged_row_appends_isolate_a_bad_row(journal: Journal, journal_path: Path) -> None:
    futures = [journal.record_event("tick", details={"n": n}) for n in range(100)]
    bad = journal.record_event(None)  # type: ignore[arg-type]  # violates NOT NULL
    futures += [journal.record_event("tick", details={"n": n}) for n in range(100, 200)]
    results = await asyncio.gather(*futures, bad, return_exceptions=True)
    assert isinstance(results[-1], JournalError)
    assert "NOT NULL" in str(results[-1])
    seqs = results[:-1]
    assert all(isinstance(s, int) for s in seqs)
    other = sqlite3.connect(journal_path)
    rows = other.execute("SELECT seq, payload FROM events ORDER BY seq").fetchall()
    other.close()
    assert [seq for seq, _ in rows] == seqs  # each caller got the seq of its own row
    assert [payload for _, payload in rows] == [f'{{"n":{n}}}' for n in range(200)]


async def test_a_burst_of_events_is_one_transaction_whole_or_absent(
    journal: Journal, journal_path: Path, registry: CollectorRegistry
) -> None:
    burst = [NewEvent("tick", "sim", None, {"n": n}) for n in range(300)]
    seqs = await journal.record_events(burst)
    assert seqs == list(range(seqs[0], seqs[0] + 300))
    assert registry.get_sample_value("lyrad_journal_transactions_total") == 1

    broken = [*burst[:200], NewEvent(None), *burst[:50]]  # type: ignore[arg-type]
    results = await asyncio.gather(
        journal.record_events(broken),
        journal.record_event("neighbour"),
        return_exceptions=True,
    )
    assert isinstance(results[0], JournalError)
    assert isinstance(results[1], int)
    other = sqlite3.connect(journal_path)
    kinds = [r[0] for r in other.execute("SELECT kind FROM events ORDER BY seq")]
    other.close()
    assert kinds == ["tick"] * 300 + ["neighbour"]


async def test_single_events_and_bursts_merged_in_one_group_get_their_own_seqs(
    journal: Journal, journal_path: Path
) -> None:
    one, burst, other, empty = await asyncio.gather(
        journal.record_event("one"),
        journal.record_events([NewEvent("b0"), NewEvent("b1"), NewEvent("b2")]),
        journal.record_event("other"),
        journal.record_events([]),
    )
    assert empty == []
    reader = sqlite3.connect(journal_path)
    kinds = dict(reader.execute("SELECT seq, kind FROM events"))
    reader.close()
    assert [kinds[one], *(kinds[s] for s in burst), kinds[other]] == [
        "one",
        "b0",
        "b1",
        "b2",
        "other",
    ]


class GroupSizes:
    """A CommitObserver keeping the size of every committed group."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def committed(self, transactions: int, seconds: float) -> None:
        self.sizes.append(transactions)

    def failed(self, transactions: int) -> None:
        raise AssertionError(f"{transactions} writes failed")


async def test_what_callers_submit_in_one_turn_of_the_loop_is_one_group(tmp_path: Path) -> None:
    sizes = GroupSizes()
    async with Journal.open(tmp_path / "j.sqlite3", observers=[sizes]) as journal:

        async def writer(w: int) -> None:
            for n in range(20):
                await journal.record_event("tick", details={"w": w, "n": n})

        async with asyncio.TaskGroup() as tasks:
            for w in range(10):
                tasks.create_task(writer(w))
    # Each round, the ten callers resumed together submit together: no group of one, no split.
    assert sizes.sizes == [10] * 20
