"""Units of work the writer runs inside a group's transaction, each failing on its own.

A `WorkUnit` is a function of the connection, run inside its own SAVEPOINT unless it is a single
statement (atomic by itself) or alone in its group (the transaction is then undone instead). A
`RowsUnit` appends rows to one table: consecutive row units of the same `RowInsert` are merged
into multi-row INSERTs of the whole run (a run needing more than one statement is guarded by one
SAVEPOINT); if the run fails, it is undone and every unit is run alone, so that only the culprit
fails.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, Final

from lyrad.domain.errors import JournalError, LyradError
from lyrad.journal.rows import RowInsert, chunk_sizes


class Settlement:
    """What a group's callers get: `units[i]` resolves with `values[i]`; `failed` fail.

    The writer lists units, not their futures: on the way to success, futures are touched on
    the loop's thread only (refusals of a whole group list futures: they are rare).
    """

    __slots__ = ("failed", "units", "values")

    def __init__(self) -> None:
        self.units: list[Unit] = []  # resolved with values[i]
        self.values: list[Any] = []
        self.failed: list[tuple[asyncio.Future[Any], BaseException]] = []

    def fail_all(
        self, futures: Sequence[asyncio.Future[Any]], error: Callable[[], Exception]
    ) -> None:
        """Every future fails (each with its own exception object)."""
        self.failed.extend((future, error()) for future in futures)

    def settle(self) -> None:
        """Resolve every future not cancelled by its caller; call on the loop."""
        for unit, value in zip(self.units, self.values, strict=True):
            future = unit.future
            if not future.cancelled():
                future.set_result(value)
        for future, error in self.failed:
            if not future.cancelled():
                future.set_exception(error)


# Primary result codes after which the connection cannot be trusted to write: the journal fails.
_FATAL_CODES: Final = frozenset(
    {
        sqlite3.SQLITE_INTERNAL,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)


class WorkUnit:
    """A function of the connection; `single_statement` units need no savepoint."""

    __slots__ = ("future", "label", "single_statement", "work")

    def __init__(
        self,
        future: asyncio.Future[Any],
        work: Callable[[sqlite3.Connection], Any],
        label: str,
        single_statement: bool,
    ) -> None:
        self.future = future
        self.work = work
        self.label = label
        self.single_statement = single_statement


class RowsUnit:
    """Rows to append: `rows` is one row (resolves with its rowid) or, if `many`, a sequence of
    rows (resolves with the list of their rowids)."""

    __slots__ = ("future", "insert", "label", "many", "rows")

    def __init__(
        self,
        future: asyncio.Future[Any],
        insert: RowInsert,
        rows: Sequence[Any],
        label: str,
        many: bool,
    ) -> None:
        self.future = future
        self.insert = insert
        self.rows = rows
        self.label = label
        self.many = many


Unit = WorkUnit | RowsUnit


def is_fatal(error: BaseException) -> bool:
    """Whether an error means the database can no longer be written (rather than one bad unit)."""
    if isinstance(error, MemoryError):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and code is not None and code & 0xFF in _FATAL_CODES


class UnitRunner:
    """Runs a group's units on the writer's connection, inside the group's transaction."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def run(self, conn: sqlite3.Connection, group: Sequence[Unit]) -> Settlement:
        """Every unit's outcome; raises only what dooms the whole group."""
        done = Settlement()
        start, end = 0, len(group)
        if end == 1 and type(group[0]) is WorkUnit:
            self._run_alone(conn, group[0], done)
            return done
        while start < end:
            unit = group[start]
            stop = start + 1
            if type(unit) is RowsUnit:
                insert = unit.insert
                while stop < end and type(u := group[stop]) is RowsUnit and u.insert is insert:
                    stop += 1
                self._run_rows(conn, insert, group[start:stop], done)  # type: ignore[arg-type]
            else:
                self._run_work(conn, unit, done)  # type: ignore[arg-type]
            start = stop
        return done

    def _run_alone(self, conn: sqlite3.Connection, unit: WorkUnit, done: Settlement) -> None:
        """The group's only unit needs no savepoint: if it fails, the transaction is undone."""
        try:
            value = unit.work(conn)
        except Exception as e:
            done.failed.append((unit.future, self._refusal(conn, unit.label, e)))
            conn.execute("ROLLBACK")
            conn.execute("BEGIN IMMEDIATE")  # the writer commits the group: an empty one
            return
        done.units.append(unit)
        done.values.append(value)

    def _run_work(self, conn: sqlite3.Connection, unit: WorkUnit, done: Settlement) -> None:
        if unit.single_statement:
            try:
                value = unit.work(conn)
            except Exception as e:
                done.failed.append((unit.future, self._refusal(conn, unit.label, e)))
                return
        else:
            conn.execute("SAVEPOINT unit")
            try:
                value = unit.work(conn)
            except Exception as e:
                error = self._refusal(conn, unit.label, e)
                conn.execute("ROLLBACK TO unit")
                conn.execute("RELEASE unit")
                done.failed.append((unit.future, error))
                return
            conn.execute("RELEASE unit")
        done.units.append(unit)
        done.values.append(value)

    def _run_rows(
        self,
        conn: sqlite3.Connection,
        insert: RowInsert,
        units: Sequence[RowsUnit],
        done: Settlement,
    ) -> None:
        many = [unit for unit in units if unit.many]
        if not many:  # the common run: single rows, flattened and settled without a Python loop
            params = list(chain.from_iterable([unit.rows for unit in units]))
        else:
            rows = [unit.rows if unit.many else (unit.rows,) for unit in units]
            params = list(chain.from_iterable(chain.from_iterable(rows)))
        try:
            rowids = self._insert(conn, insert, params)
        except Exception as e:
            if is_fatal(e) or not conn.in_transaction:
                raise
            if len(units) == 1:
                done.failed.append((units[0].future, self._refusal(conn, units[0].label, e)))
            else:  # nothing of the run is written: each unit alone, so only the culprit fails
                for unit in units:
                    self._run_rows(conn, insert, (unit,), done)
            return
        if not many:
            done.units.extend(units)
            done.values.extend(rowids)
            return
        taken = 0
        for unit in units:
            done.units.append(unit)
            if unit.many:
                count = len(unit.rows)
                done.values.append(rowids[taken : taken + count])
                taken += count
            else:
                done.values.append(rowids[taken])
                taken += 1

    def _insert(self, conn: sqlite3.Connection, insert: RowInsert, params: list[Any]) -> list[int]:
        """Insert the rows whose values are `params`, all or none; their rowids."""
        width = len(insert.columns)
        sizes = chunk_sizes(len(params) // width)
        if len(sizes) == 1:  # one statement: atomic by itself
            last = conn.execute(insert.sql(sizes[0]), params).lastrowid
            assert last is not None
            return list(range(last - sizes[0] + 1, last + 1))  # a multi-row insert: consecutive
        rowids: list[int] = []
        if not sizes:
            return rowids
        conn.execute("SAVEPOINT rows")
        try:
            offset = 0
            for size in sizes:
                chunk = params[offset : offset + size * width]
                offset += size * width
                last = conn.execute(insert.sql(size), chunk).lastrowid
                assert last is not None
                rowids.extend(range(last - size + 1, last + 1))
        except Exception as e:
            if is_fatal(e) or not conn.in_transaction:
                raise
            conn.execute("ROLLBACK TO rows")
            conn.execute("RELEASE rows")
            raise
        conn.execute("RELEASE rows")
        return rowids

    def _refusal(self, conn: sqlite3.Connection, label: str, error: Exception) -> Exception:
        """The error one unit's caller sees; re-raises errors that doom the whole group."""
        if is_fatal(error) or not conn.in_transaction:
            raise error
        if isinstance(error, LyradError) or not isinstance(error, sqlite3.Error):
            return error
        refused = JournalError(f"journal {self._path}: {label} refused: {error}")
        refused.__cause__ = error
        return refused
