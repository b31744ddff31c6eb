"""Open a journal file: recognise it as lyrad's, set its pragmas, apply pending migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from lyrad.domain.errors import IncompatibleJournal, JournalError
from lyrad.journal.migrations import MIGRATIONS

APPLICATION_ID = 0x4C595241  # "LYRA" in the SQLite header: marks the file as a lyrad journal
SCHEMA_VERSION = MIGRATIONS[-1].version
BUSY_TIMEOUT_MS = 5_000
STATEMENT_CACHE = 512

Synchronous = Literal["FULL", "NORMAL"]


def open_writer(path: Path, synchronous: Synchronous, max_pages: int | None) -> sqlite3.Connection:
    """The one read-write connection, migrated to SCHEMA_VERSION; raises IncompatibleJournal."""
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
    try:
        # Room for every multi-row INSERT size the writer uses (rows.EXACT_ROWS + 1 per table).
        conn = sqlite3.connect(path, isolation_level=None, cached_statements=STATEMENT_CACHE)
    except sqlite3.Error as e:
        raise JournalError(f"{path}: cannot open the journal: {e}") from e
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = identify(conn, path)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise JournalError(f"{path}: cannot switch the journal to WAL mode (got {mode})")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            _migrate(conn, path)
        if max_pages is not None:
            conn.execute(f"PRAGMA max_page_count = {int(max_pages)}")
    except BaseException:
        conn.close()
        raise
    return conn


def open_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing journal of exactly this build's schema."""
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
    except sqlite3.Error as e:
        raise JournalError(f"{path}: cannot open the journal: {e}") from e
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = identify(conn, path)
        if version == 0:
            raise IncompatibleJournal(f"{path}: not a lyrad journal (empty database)")
        if version < SCHEMA_VERSION:
            raise IncompatibleJournal(
                f"{path}: journal schema version {version} is older than this build's "
                f"{SCHEMA_VERSION}; start the daemon once to migrate it"
            )
    except BaseException:
        conn.close()
        raise
    return conn


def identify(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a lyrad journal, 0 for an empty database; raises if not ours."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    except sqlite3.DatabaseError as e:
        if e.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            raise IncompatibleJournal(
                f"{path}: not a lyrad journal (not an SQLite database)"
            ) from e
        raise JournalError(f"{path}: cannot read the journal: {e}") from e
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise IncompatibleJournal(
                f"{path}: journal schema version {version} is newer than this build's "
                f"{SCHEMA_VERSION}; run a newer lyrad"
            )
        return int(version)
    if app_id != 0:
        raise IncompatibleJournal(f"{path}: not a lyrad journal (application_id {app_id:#x})")
    if objects or version:
        raise IncompatibleJournal(
            f"{path}: not a lyrad journal (an SQLite database of another application)"
        )
    return 0


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    # One transaction for every pending migration: a crash leaves the old schema, never half.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = identify(conn, path)  # again, under the write lock
        for migration in MIGRATIONS:
            if migration.version > version:
                for statement in migration.statements:
                    conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except sqlite3.Error as e:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise JournalError(f"{path}: migrating the journal failed: {e}") from e
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
