"""The journal's single writer: one thread, one connection, group commit.

Callers on the event loop submit units of work (a function of the connection, or rows to
append). The units submitted during one turn of the loop are handed to the thread in one batch
at the end of the turn (one wake-up). The thread takes every batch waiting, runs the units (see
`units`: each fails alone), commits the group once (one fsync) and settles every caller's future
with one hop back to the loop. A failed commit (disk full, I/O error) rolls the group back and
refuses every later write: the journal is then failed for good.

Costs (CPython 3.11, GIL): each hop between the threads costs a wake-up and cold caches, so a
group costs two hops whatever its size; every statement releases and re-takes the GIL, which
waits up to the switch interval (5 ms) while the loop runs Python, so the writer works while the
loop is idle rather than beside it, with as few statements per group as it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future as ThreadFuture
from pathlib import Path
from time import perf_counter
from typing import Any, Final, Protocol, TypeVar

from lyrad.domain.errors import JournalWriteFailed
from lyrad.journal.rows import RowInsert
from lyrad.journal.units import RowsUnit, Settlement, Unit, UnitRunner, WorkUnit

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


class CommitObserver(Protocol):
    """Told about every committed group and every transaction that could not be written.

    Called from the writer thread (refusals also from the caller's thread): be thread-safe.
    """

    def committed(self, transactions: int, seconds: float) -> None: ...

    def failed(self, transactions: int) -> None: ...


class _Stop:
    """Queued after the last unit: the thread commits what precedes it, then exits."""


_STOP: Final = _Stop()


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
        # Loop side: units submitted during this turn of the loop, handed over in one batch.
        self._pending: list[Unit] = []
        self._hand_over_due = False  # a _hand_over is scheduled on the loop
        self._queue: queue.SimpleQueue[list[Unit] | _Stop] = queue.SimpleQueue()
        self._backlog: list[Unit] = []  # writer side: taken from the queue, beyond max_group
        self._units = UnitRunner(path)
        self._failure: str | None = None
        self._failed = asyncio.Event()  # set on the loop once the writer has failed
        self._closing = False
        self._refusing = False  # closing or failed
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
            self._closing = self._refusing = True
            self._hand_over()
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
        return self._enqueue(WorkUnit(self._loop.create_future(), work, label, single_statement))

    def submit_row(
        self, insert: RowInsert, row: tuple[Any, ...], *, label: str
    ) -> asyncio.Future[int]:
        """Queue one row to append; the future resolves with its rowid once it is durable."""
        future: asyncio.Future[int] = self._loop.create_future()
        unit = RowsUnit(future, insert, row, label, False)
        if self._refusing:
            return self._enqueue(unit)
        pending = self._pending  # _enqueue inlined: this is the hot path of the event log
        pending.append(unit)
        if not self._hand_over_due:
            self._hand_over_due = True
            self._loop.call_soon(self._hand_over)
        return future

    def submit_rows(
        self, insert: RowInsert, rows: Sequence[tuple[Any, ...]], *, label: str
    ) -> asyncio.Future[list[int]]:
        """Queue rows to append all or none; resolves with their rowids once they are durable."""
        return self._enqueue(RowsUnit(self._loop.create_future(), insert, rows, label, True))

    def _enqueue(self, unit: Unit) -> asyncio.Future[Any]:
        if self._refusing:
            reason = self._failure or f"journal {self._path} is closed; no write is accepted"
            unit.future.set_exception(JournalWriteFailed(reason))
            self._notify_failed(1)
        else:
            pending = self._pending
            pending.append(unit)
            if not self._hand_over_due:
                self._hand_over_due = True
                self._loop.call_soon(self._hand_over)
        return unit.future

    def _hand_over(self) -> None:
        """Queue this turn's units in one batch: the writer wakes once, after the loop's turn.

        Waking it at the first unit would make it wait for the GIL while the loop still runs,
        then take only part of the turn's units (one more commit, one more wake-up).
        """
        self._hand_over_due = False
        if self._pending:
            batch, self._pending = self._pending, []
            self._queue.put(batch)

    # --- the writer thread ---------------------------------------------------------------

    def _main(self) -> None:
        try:
            conn = self._connect()
        except BaseException as e:
            self._failure = f"journal {self._path} could not be opened"
            self._refusing = True
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
            self._closing = self._refusing = True
            self._refuse_leftovers()
            conn.close()
            self._stopped.set_result(None)

    def _serve(self, conn: sqlite3.Connection) -> None:
        stopping = False
        while True:
            if not self._backlog:
                if stopping:
                    return
                batch = self._queue.get()
                if type(batch) is _Stop:
                    return
                self._backlog = batch  # type: ignore[assignment]
            stopping = self._take_waiting() or stopping
            group = self._backlog
            if len(group) > self._max_group:
                self._backlog = group[self._max_group :]
                group = group[: self._max_group]
            else:
                self._backlog = []
            self._run_group(conn, group)

    def _take_waiting(self) -> bool:
        """Add the batches already queued to the backlog (up to max_group); True at the stop."""
        waiting, backlog = self._queue, self._backlog
        while len(backlog) < self._max_group and not waiting.empty():
            batch = waiting.get_nowait()  # only this thread takes: not empty stays not empty
            if type(batch) is _Stop:
                return True
            backlog.extend(batch)  # type: ignore[arg-type]
        return False

    def _run_group(self, conn: sqlite3.Connection, group: list[Unit]) -> None:
        if self._failure is not None:
            try:
                self._notify_failed(len(group))
            finally:
                self._refuse(group, self._failure)
            return
        started = perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
            done = self._units.run(conn, group)
            conn.execute("COMMIT")
        except Exception as e:  # only what makes the whole group unwritable gets here
            self._fail_group(conn, group, e)
            return
        elapsed = perf_counter() - started
        try:  # observers first, so metrics already count what a resumed caller sees
            for observer in self._observers:
                observer.committed(len(group), elapsed)
        finally:
            self._settle(done)

    def _fail_group(self, conn: sqlite3.Connection, group: list[Unit], error: Exception) -> None:
        if conn.in_transaction:
            # If this fails too, SQLite rolls back when the connection next touches the file.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        name = getattr(error, "sqlite_errorname", type(error).__name__)
        self._set_failure(
            f"journal {self._path}: write failed ({name}: {error}); "
            "no further writes are accepted, trading must halt"
        )
        reason = str(self._failure)

        def failure() -> Exception:
            refused = JournalWriteFailed(reason)
            refused.__cause__ = error
            return refused

        failures = Settlement()
        failures.fail_all([unit.future for unit in group], failure)
        try:
            self._notify_failed(len(group))
        finally:
            self._settle(failures)

    def _set_failure(self, reason: str) -> None:
        self._failure = reason
        self._refusing = True
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self._loop.call_soon_threadsafe(self._failed.set)

    def _refuse_leftovers(self) -> None:
        leftovers, self._backlog = self._backlog, []
        while True:
            try:
                batch = self._queue.get_nowait()
            except queue.Empty:
                break
            if not isinstance(batch, _Stop):
                leftovers.extend(batch)
        if leftovers:
            reason = self._failure or f"journal {self._path} is closed"
            self._refuse(leftovers, reason)

    def _notify_failed(self, transactions: int) -> None:
        for observer in self._observers:
            observer.failed(transactions)

    def _refuse(self, units: list[Unit], reason: str) -> None:
        refused = Settlement()
        refused.fail_all([unit.future for unit in units], lambda: JournalWriteFailed(reason))
        self._settle(refused)

    def _settle(self, done: Settlement) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self._loop.call_soon_threadsafe(self._settle_on_loop, done)

    def _settle_on_loop(self, done: Settlement) -> None:
        done.settle()
        # The callers resumed by this settlement run next, in this order: a hand-over scheduled
        # now runs right after them and takes what they submit, one turn earlier.
        if not self._hand_over_due:
            self._hand_over_due = True
            self._loop.call_soon(self._hand_over)
