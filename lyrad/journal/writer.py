"""The journal's single writer: one thread, one connection, group commit.

Callers on the event loop submit units of work (a function of the connection, or one row to
append). The thread takes everything waiting, runs each unit inside its own SAVEPOINT (a single
statement needs none: it is atomic), commits the group once (one fsync) and settles every caller's
future with one hop back to the loop. A failed commit (disk full, I/O error) rolls the group back
and refuses every later write: the journal is then failed for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future as ThreadFuture
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any, Final, Protocol, TypeVar

from lyrad.domain.errors import JournalError, JournalWriteFailed, LyradError
from lyrad.journal.rows import RowInsert, chunks

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]

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


class CommitObserver(Protocol):
    """Told about every committed group and every transaction that could not be written.

    Called from the writer thread (refusals also from the caller's thread): be thread-safe.
    """

    def committed(self, transactions: int, seconds: float) -> None: ...

    def failed(self, transactions: int) -> None: ...


@dataclass(slots=True)
class _Unit:
    work: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    label: str
    single_statement: bool
    insert: RowInsert | None = None  # set for a row append the writer may merge
    row: tuple[Any, ...] = ()


_Outcome = tuple[asyncio.Future[Any], Any, BaseException | None]


class _Stop:
    """Queued after the last unit: the thread commits what precedes it, then exits."""


_STOP: Final = _Stop()


def is_fatal(error: BaseException) -> bool:
    """Whether an error means the database can no longer be written (rather than one bad unit)."""
    if isinstance(error, MemoryError):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and code is not None and code & 0xFF in _FATAL_CODES


class GroupWriter:
    """Runs units of work on one connection in its own thread, committing them in groups."""

    def __init__(
        self,
        path: Path,
        connect: Callable[[], sqlite3.Connection],
        loop: asyncio.AbstractEventLoop,
        observers: Sequence[CommitObserver] = (),
        max_group: int = 1024,
    ) -> None:
        if max_group < 1:
            raise ValueError(f"max_group must be at least 1, not {max_group}")
        self._path = path
        self._connect = connect
        self._loop = loop
        self._observers = tuple(observers)
        self._max_group = max_group
        self._queue: queue.SimpleQueue[_Unit | _Stop] = queue.SimpleQueue()
        self._failure: str | None = None
        self._failed = asyncio.Event()  # set on the loop once the writer has failed
        self._closing = False
        self._started: ThreadFuture[None] = ThreadFuture()
        self._stopped: ThreadFuture[None] = ThreadFuture()
        self._thread = threading.Thread(target=self._main, name="lyrad-journal-writer", daemon=True)

    @property
    def failure(self) -> JournalWriteFailed | None:
        """Why the writer stopped accepting writes, or None while it is healthy."""
        return None if self._failure is None else JournalWriteFailed(self._failure)

    async def wait_failed(self) -> JournalWriteFailed:
        """Return once the writer has failed, with the reason."""
        await self._failed.wait()
        assert self._failure is not None
        return JournalWriteFailed(self._failure)

    async def start(self) -> None:
        """Open the connection in the writer thread; raises what opening raised."""
        self._thread.start()
        await asyncio.shield(asyncio.wrap_future(self._started))

    async def close(self) -> None:
        """Refuse new work, commit everything already submitted, close the connection."""
        if not self._closing:
            self._closing = True
            self._queue.put(_STOP)
        if not self._thread.is_alive() and not self._started.done():
            return  # never started
        # Shielded: a cancelled close must not cancel the thread's own completion signal.
        await asyncio.shield(asyncio.wrap_future(self._stopped))
        self._thread.join()

    def submit(
        self, work: Work[T], *, label: str, single_statement: bool = False
    ) -> asyncio.Future[T]:
        """Queue `work`; the future resolves with its result once it is durable.

        `single_statement` skips the savepoint: a single SQL statement is atomic by itself.
        """
        return self._enqueue(_Unit(work, self._loop.create_future(), label, single_statement))

    def submit_row(
        self, insert: RowInsert, row: tuple[Any, ...], *, label: str
    ) -> asyncio.Future[int]:
        """Queue one row to append; the future resolves with its rowid once it is durable."""
        sql = insert.sql(1)
        return self._enqueue(
            _Unit(
                lambda c: c.execute(sql, row).lastrowid,
                self._loop.create_future(),
                label,
                single_statement=True,
                insert=insert,
                row=row,
            )
        )

    def _enqueue(self, unit: _Unit) -> asyncio.Future[Any]:
        if self._failure is not None or self._closing:
            reason = self._failure or f"journal {self._path} is closed; no write is accepted"
            unit.future.set_exception(JournalWriteFailed(reason))
            self._notify_failed(1)
        else:
            self._queue.put(unit)
        return unit.future

    # --- the writer thread ---------------------------------------------------------------

    def _main(self) -> None:
        try:
            conn = self._connect()
        except BaseException as e:
            self._failure = f"journal {self._path} could not be opened"
            self._started.set_exception(e)
            self._stopped.set_result(None)
            return
        self._started.set_result(None)
        try:
            self._serve(conn)
        except BaseException as e:
            self._set_failure(self._failure or f"journal {self._path}: the writer crashed ({e!r})")
            raise
        finally:
            self._closing = True
            self._refuse_leftovers()
            conn.close()
            self._stopped.set_result(None)

    def _serve(self, conn: sqlite3.Connection) -> None:
        while True:
            group, stop = self._take_group()
            if group:
                self._run_group(conn, group)
            if stop:
                return

    def _take_group(self) -> tuple[list[_Unit], bool]:
        first = self._queue.get()
        if isinstance(first, _Stop):
            return [], True
        group = [first]
        while len(group) < self._max_group:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Stop):
                return group, True
            group.append(item)
        return group, False

    def _run_group(self, conn: sqlite3.Connection, group: list[_Unit]) -> None:
        if self._failure is not None:
            try:
                self._notify_failed(len(group))
            finally:
                self._settle([(u.future, None, JournalWriteFailed(self._failure)) for u in group])
            return
        started = perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
            outcomes = self._run_units(conn, group)
            conn.execute("COMMIT")
        except Exception as e:  # only what makes the whole group unwritable gets here
            self._fail_group(conn, group, e)
            return
        elapsed = perf_counter() - started
        try:  # observers first, so metrics already count what a resumed caller sees
            for observer in self._observers:
                observer.committed(len(group), elapsed)
        finally:
            self._settle(outcomes)

    def _run_units(self, conn: sqlite3.Connection, group: list[_Unit]) -> list[_Outcome]:
        outcomes: list[_Outcome] = []
        start = 0
        while start < len(group):
            insert = group[start].insert
            end = start + 1
            if insert is None:
                outcomes.append(self._run_unit(conn, group[start]))
            else:
                while end < len(group) and group[end].insert is insert:
                    end += 1
                for chunk in chunks(group[start:end]):
                    outcomes.extend(self._run_rows(conn, insert, chunk))
            start = end
        return outcomes

    def _run_rows(
        self, conn: sqlite3.Connection, insert: RowInsert, units: Sequence[_Unit]
    ) -> list[_Outcome]:
        if len(units) == 1:
            return [self._run_unit(conn, units[0])]
        params = [value for unit in units for value in unit.row]
        try:
            last = conn.execute(insert.sql(len(units)), params).lastrowid
        except Exception as e:
            if is_fatal(e) or not conn.in_transaction:
                raise
            # The statement wrote nothing; row by row, only the culprit fails.
            return [self._run_unit(conn, unit) for unit in units]
        assert last is not None
        first = last - len(units) + 1  # a multi-row insert assigns consecutive rowids
        return [(unit.future, first + k, None) for k, unit in enumerate(units)]

    def _run_unit(self, conn: sqlite3.Connection, unit: _Unit) -> _Outcome:
        if unit.single_statement:
            try:
                return unit.future, unit.work(conn), None
            except Exception as e:
                return unit.future, None, self._refusal(conn, unit, e)
        conn.execute("SAVEPOINT unit")
        try:
            value = unit.work(conn)
        except Exception as e:
            error = self._refusal(conn, unit, e)
            conn.execute("ROLLBACK TO unit")
            conn.execute("RELEASE unit")
            return unit.future, None, error
        conn.execute("RELEASE unit")
        return unit.future, value, None

    def _refusal(self, conn: sqlite3.Connection, unit: _Unit, error: Exception) -> Exception:
        """The error one unit's caller sees; re-raises errors that doom the whole group."""
        if is_fatal(error) or not conn.in_transaction:
            raise error
        if isinstance(error, LyradError) or not isinstance(error, sqlite3.Error):
            return error
        refused = JournalError(f"journal {self._path}: {unit.label} refused: {error}")
        refused.__cause__ = error
        return refused

    def _fail_group(self, conn: sqlite3.Connection, group: list[_Unit], error: Exception) -> None:
        if conn.in_transaction:
            # If this fails too, SQLite rolls back when the connection next touches the file.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        name = getattr(error, "sqlite_errorname", type(error).__name__)
        self._set_failure(
            f"journal {self._path}: write failed ({name}: {error}); "
            "no further writes are accepted, trading must halt"
        )
        failures: list[_Outcome] = []
        for unit in group:
            failure = JournalWriteFailed(str(self._failure))
            failure.__cause__ = error
            failures.append((unit.future, None, failure))
        try:
            self._notify_failed(len(group))
        finally:
            self._settle(failures)

    def _set_failure(self, reason: str) -> None:
        self._failure = reason
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self._loop.call_soon_threadsafe(self._failed.set)

    def _refuse_leftovers(self) -> None:
        leftovers: list[_Unit] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Unit):
                leftovers.append(item)
        if leftovers:
            reason = self._failure or f"journal {self._path} is closed"
            self._settle([(u.future, None, JournalWriteFailed(reason)) for u in leftovers])

    def _notify_failed(self, transactions: int) -> None:
        for observer in self._observers:
            observer.failed(transactions)

    def _settle(self, outcomes: list[_Outcome]) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self._loop.call_soon_threadsafe(_settle_on_loop, outcomes)


def _settle_on_loop(outcomes: list[_Outcome]) -> None:
    for future, value, error in outcomes:
        if future.cancelled():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)
