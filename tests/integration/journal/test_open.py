from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from lyrad.domain.errors import IncompatibleJournal, JournalError
from lyrad.journal import APPLICATION_ID, SCHEMA_VERSION, Journal, open_readonly
from tests.unit.journal.factories import make_order


def header(path: Path) -> tuple[int, int, str]:
    with sqlite3.connect(path) as conn:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    return app_id, version, mode


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    conn.close()
    return names


async def test_a_new_journal_is_migrated_marked_and_in_wal_mode(journal_path: Path) -> None:
    async with Journal.open(journal_path):
        pass
    assert header(journal_path) == (APPLICATION_ID, SCHEMA_VERSION, "wal")
    assert {"events", "orders", "fills", "positions", "balances", "kv"} <= tables(journal_path)


async def test_reopening_keeps_the_data_and_migrates_nothing(journal_path: Path) -> None:
    async with Journal.open(journal_path) as journal:
        await journal.insert_order(make_order("c1"))
        await journal.set_kv("trading_state", "HALTED")
    async with Journal.open(journal_path) as journal:
        assert (await journal.get_order("c1")) == make_order("c1")
        assert await journal.get_kv("trading_state") == "HALTED"
        await journal.insert_order(make_order("c2"))
    assert header(journal_path)[:2] == (APPLICATION_ID, SCHEMA_VERSION)


async def test_the_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "var" / "lyrad" / "journal.sqlite3"
    async with Journal.open(path) as journal:
        await journal.record_event("started")
    assert path.is_file()


def contents(path: Path) -> bytes:
    return path.read_bytes()


def foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def other_application(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def text_file(path: Path) -> None:
    path.write_text("not a database\n" * 100)


def newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()


CASES = [
    (foreign_sqlite, "another application"),
    (other_application, "application_id 0x4d2"),
    (text_file, "not an SQLite database"),
    (newer_schema, f"version {SCHEMA_VERSION + 1} is newer"),
]


@pytest.mark.parametrize(("make", "cause"), CASES)
async def test_a_file_that_is_not_ours_stops_start_up_with_one_line(
    journal_path: Path, make: object, cause: str
) -> None:
    assert callable(make)
    make(journal_path)
    before = contents(journal_path)
    with pytest.raises(IncompatibleJournal) as raised:
        async with Journal.open(journal_path):
            pytest.fail("opened a journal that is not ours")
    message = str(raised.value)
    assert "\n" not in message
    assert str(journal_path) in message
    assert cause in message
    assert contents(journal_path) == before  # refused without touching it


@pytest.mark.parametrize(("make", "cause"), CASES)
def test_the_read_only_view_refuses_them_too(journal_path: Path, make: object, cause: str) -> None:
    assert callable(make)
    make(journal_path)
    with pytest.raises(IncompatibleJournal, match=cause):
        open_readonly(journal_path)


def test_the_read_only_view_of_a_missing_journal_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match=r"missing\.sqlite3"):
        open_readonly(tmp_path / "missing.sqlite3")


async def test_a_second_writer_is_refused_while_the_first_runs(journal_path: Path) -> None:
    async with Journal.open(journal_path):
        with pytest.raises(JournalError, match="in use by another process"):
            async with Journal.open(journal_path):
                pytest.fail("two writers on one journal")
    async with Journal.open(journal_path):
        pass  # released at close


async def test_metrics_are_registered_and_removed_at_close(journal_path: Path) -> None:
    registry = CollectorRegistry()
    async with Journal.open(journal_path, registry=registry) as journal:
        await journal.record_event("hello")
        assert registry.get_sample_value("lyrad_journal_commit_seconds_count") == 1.0
        assert registry.get_sample_value("lyrad_journal_transactions_total") == 1.0
        assert registry.get_sample_value("lyrad_journal_write_failures_total") == 0.0
    assert registry.get_sample_value("lyrad_journal_commit_seconds_count") is None
    async with Journal.open(journal_path, registry=registry):  # a restart registers again
        assert registry.get_sample_value("lyrad_journal_commit_seconds_count") == 0.0


async def test_synchronous_is_full_or_normal(journal_path: Path) -> None:
    async with Journal.open(journal_path, synchronous="NORMAL") as journal:
        await journal.record_event("fast")
    with pytest.raises(ValueError, match="OFF"):
        async with Journal.open(journal_path, synchronous="OFF"):  # type: ignore[arg-type]
            pytest.fail("opened with synchronous=OFF")
