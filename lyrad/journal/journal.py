"""`Journal`: the daemon's write-ahead journal (SQLite in WAL mode), opened with `Journal.open`."""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from decimal import Decimal
from functools import partial
from pathlib import Path

from prometheus_client import CollectorRegistry

from lyrad.domain.errors import JournalError, JournalWriteFailed
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, Position
from lyrad.journal import codec, queries, schema, writes
from lyrad.journal.cache import OrderCache
from lyrad.journal.codec import Details, JournalEvent, NewEvent
from lyrad.journal.metrics import JournalMetrics
from lyrad.journal.reader import Reader
from lyrad.journal.schema import Synchronous
from lyrad.journal.writer import CommitObserver, GroupWriter


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Journal:
    """Orders, fills, positions, balances and an append-only event log, durable before use.

    Writes return a future that is already queued when the method returns and resolves once the
    transaction is committed (fsync'd at synchronous=FULL); `await` it. A write that cannot be
    committed fails with JournalWriteFailed and fails the journal: every later write is refused.
    Reads see every write whose future has resolved.
    """

    def __init__(
        self, path: Path, writer: GroupWriter, reader: Reader, clock: Callable[[], int]
    ) -> None:
        self._path = path
        self._writer = writer
        self._reader = reader
        self._clock = clock
        self._orders = OrderCache()  # used by the writer thread only, inside units

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "FULL",
        registry: CollectorRegistry | None = None,
        clock: Callable[[], int] = wall_clock_ms,
        max_pages: int | None = None,
        max_group: int = 1024,
        observers: Sequence[CommitObserver] = (),
    ) -> AsyncIterator[Journal]:
        """Open (creating and migrating) the journal at `path`; close it on exit.

        Raises IncompatibleJournal for a file that is not lyrad's or is newer than this build,
        JournalError when it cannot be opened or another process holds it. `clock` gives the
        events' timestamps in ms; `max_pages` caps the file (SQLite max_page_count).
        """
        journal_path = Path(path)
        loop = asyncio.get_running_loop()
        async with AsyncExitStack() as stack:
            stack.enter_context(_exclusive_lock(journal_path))
            watchers = list(observers)
            if registry is not None:
                metrics = JournalMetrics(registry)
                stack.callback(metrics.unregister)
                watchers.append(metrics)
            connect = partial(schema.open_writer, journal_path, synchronous, max_pages)
            writer = GroupWriter(journal_path, connect, loop, watchers, max_group)
            stack.push_async_callback(writer.close)
            await writer.start()
            reader = await Reader.open(journal_path, loop)
            stack.push_async_callback(reader.close)
            yield cls(journal_path, writer, reader, clock)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def failure(self) -> JournalWriteFailed | None:
        """Why writes are refused (the daemon must halt trading), or None while healthy."""
        return self._writer.failure

    async def wait_failed(self) -> JournalWriteFailed:
        """Return once the journal has failed (for the component that must halt trading)."""
        return await self._writer.wait_failed()

    # --- writes ---------------------------------------------------------------------------

    def insert_order(self, order: Order) -> asyncio.Future[None]:
        """Journal a new order (normally `pending_submit`); send it only once this resolves."""
        params = codec.order_params(order)  # once: the row and the event's payload
        payload = codec.dump_json(codec.order_json(params))
        now = self._clock()
        orders = self._orders
        return self._writer.submit(
            lambda c: writes.insert_order(c, orders, order, params, now, payload),
            label="insert_order",
        )

    def transition_order(
        self,
        client_order_id: str,
        state: OrderState,
        *,
        venue_order_id: str | None = None,
        reason: str | None = None,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> asyncio.Future[Order]:
        """Move a journaled order to `state` (Order.transition rules) and log it; the new order.

        Fill accounting is untouched, so this never races with `apply_fill`. Raises UnknownOrder,
        IllegalTransition. The event kind defaults to `order_<state>`.
        """
        kind = event_kind or f"order_{state.value}"
        extra = dict(details) if details else {}
        if extra:
            codec.dump_json(extra)  # refuse what cannot be journaled here, not in the writer
        now = self._clock()
        orders = self._orders
        return self._writer.submit(
            lambda c: writes.transition_order(
                c, orders, client_order_id, state, now, venue_order_id, reason, kind, extra
            ),
            label="transition_order",
        )

    def apply_fill(
        self, fill: Fill, *, fee_currency_price: Decimal | None = None
    ) -> asyncio.Future[bool]:
        """Apply a fill to its order, position and balances at once; False if already applied.

        Idempotent by (venue, trade_id). `fee_currency_price` values a fee paid in a third asset
        in the symbol's quote. Raises UnknownOrder, InconsistentFill, IllegalTransition.
        """
        now = self._clock()
        orders = self._orders
        return self._writer.submit(
            lambda c: writes.apply_fill(c, orders, fill, now, fee_currency_price),
            label="apply_fill",
        )

    def replace_balances(self, venue: str, balances: Iterable[Balance]) -> asyncio.Future[None]:
        """Make the venue's journaled balances exactly this snapshot (absent assets removed)."""
        snapshot = tuple(balances)
        strangers = sorted({b.venue for b in snapshot} - {venue})
        if strangers:
            raise ValueError(f"balances of {', '.join(strangers)} in a snapshot of {venue}")
        now = self._clock()
        return self._writer.submit(
            lambda c: writes.replace_balances(c, venue, snapshot, now), label="replace_balances"
        )

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> asyncio.Future[int]:
        """Append an event to the log; resolves with its sequence number."""
        payload = codec.dump_json(details) if details else "{}"
        row = (self._clock(), kind, venue, client_order_id, payload)
        return self._writer.submit_row(writes.EVENT_ROW, row, label="record_event")

    def record_events(self, events: Iterable[NewEvent]) -> asyncio.Future[list[int]]:
        """Append a burst of events in one transaction; resolves with their sequence numbers."""
        now = self._clock()
        dump = codec.dump_json
        rows = [(now, e.kind, e.venue, e.client_order_id, dump(e.details or {})) for e in events]
        return self._writer.submit_rows(writes.EVENT_ROW, rows, label="record_events")

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> asyncio.Future[None]:
        """Store a small durable setting; with `event_kind`, log an event in the same commit."""
        event = None
        if event_kind is not None:
            event = (event_kind, codec.dump_json({**(details or {}), "key": key, "value": value}))
        now = self._clock()
        return self._writer.submit(
            lambda c: writes.set_kv(c, key, value, now, event), label="set_kv"
        )

    # --- reads ----------------------------------------------------------------------------

    async def get_order(self, client_order_id: str) -> Order | None:
        return await self._reader.run(lambda c: queries.get_order(c, client_order_id))

    async def get_order_by_venue_id(self, venue: str, venue_order_id: str) -> Order | None:
        return await self._reader.run(
            lambda c: queries.get_order_by_venue_id(c, venue, venue_order_id)
        )

    async def orders(
        self,
        *,
        venue: str | None = None,
        state: OrderState | None = None,
        live_only: bool = False,
    ) -> list[Order]:
        """Orders by creation time; `live_only` keeps those the venue may hold."""
        return await self._reader.run(lambda c: queries.list_orders(c, venue, state, live_only))

    async def live_orders(self, venue: str) -> list[Order]:
        """Orders not yet terminal on `venue` (pending, open, partially filled, unknown...)."""
        return await self.orders(venue=venue, live_only=True)

    async def fills(
        self,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        since_ms: int | None = None,
    ) -> list[Fill]:
        """Fills by venue time; `since_ms` compares with the venue's trade timestamp."""
        return await self._reader.run(
            lambda c: queries.list_fills(c, venue, client_order_id, since_ms)
        )

    async def fill_ids(self, venue: str, since_ms: int) -> set[str]:
        """Trade ids already applied on `venue` with a venue timestamp at or after `since_ms`."""
        return await self._reader.run(lambda c: queries.fill_ids(c, venue, since_ms))

    async def position(self, venue: str, symbol: str) -> Position:
        """The position in `symbol` (flat when nothing was filled)."""
        return await self._reader.run(lambda c: queries.get_position(c, venue, symbol))

    async def positions(self, venue: str | None = None) -> list[Position]:
        return await self._reader.run(lambda c: queries.list_positions(c, venue))

    async def balances(self, venue: str) -> dict[str, Balance]:
        """The venue's balances by asset."""
        return await self._reader.run(lambda c: queries.get_balances(c, venue))

    async def get_kv(self, key: str) -> str | None:
        return await self._reader.run(lambda c: queries.get_kv(c, key))

    async def events(
        self, *, after_seq: int = 0, limit: int = 1000, client_order_id: str | None = None
    ) -> list[JournalEvent]:
        """Events in log order after `after_seq`, at most `limit`."""
        return await self._reader.run(
            lambda c: queries.list_events(c, after_seq, limit, client_order_id)
        )


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold `<path>.lock`: two daemons writing one journal would break every guarantee."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise JournalError(f"{path}: cannot open the journal: {e.strerror}") from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JournalError(f"{path}: the journal is in use by another process") from None
        yield
    finally:
        os.close(fd)
