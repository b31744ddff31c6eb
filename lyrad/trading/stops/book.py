"""The stops in memory and their durable copy: every change is one write of the whole set."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from lyrad.journal.codec import Details
from lyrad.trading.stops.records import StopRecord, dump_document, load_document
from lyrad.trading.stops.store import STOPS_KEY, StopStore


@dataclass(frozen=True, slots=True)
class StopEvent:
    """An entry for the journal's event log, written after the change it describes."""

    kind: str
    venue: str | None
    client_order_id: str | None
    details: Details


class StopBook:
    """Records by id. `apply` changes memory at once (so no other task acts on a stale copy),
    `commit` makes memory durable; watermark moves wait in memory for a throttled `commit`."""

    def __init__(self, store: StopStore, history: int) -> None:
        self._store = store
        self._history = history
        self._records: dict[str, StopRecord] = {}
        self._lock = asyncio.Lock()
        self._dirty = False
        self.last_commit_ms: int | None = None

    async def load(self) -> list[StopRecord]:
        records = load_document(await self._store.get_kv(STOPS_KEY))
        self._records = {r.stop_id: r for r in records}
        self._dirty = False
        return records

    def get(self, stop_id: str) -> StopRecord | None:
        return self._records.get(stop_id)

    def records(self) -> list[StopRecord]:
        return sorted(self._records.values(), key=lambda r: (r.created_ms, r.stop_id))

    def group(self, group: str) -> list[StopRecord]:
        return [r for r in self._records.values() if r.group == group]

    @property
    def is_dirty(self) -> bool:
        return self._dirty

    def apply(self, *records: StopRecord) -> None:
        """Replace or add records in memory only (the next commit makes them durable)."""
        for record in records:
            self._records[record.stop_id] = record

    def touch(self, record: StopRecord) -> None:
        """A watermark moved: kept in memory until a throttled commit."""
        self.apply(record)
        self._dirty = True

    async def commit(self, now_ms: int, event: StopEvent | None = None) -> None:
        """Write every record as memory holds it now; then log `event`, when given."""
        async with self._lock:
            self._prune()
            self._dirty = False
            try:
                await self._store.set_kv(STOPS_KEY, dump_document(self.records()))
            except BaseException:
                self._dirty = True
                raise
            self.last_commit_ms = now_ms
            if event is not None:
                await self._store.record_event(
                    event.kind,
                    venue=event.venue,
                    client_order_id=event.client_order_id,
                    details=event.details,
                )

    def _prune(self) -> None:
        finished = sorted(
            (r for r in self._records.values() if r.status.is_final),
            key=lambda r: (r.updated_ms, r.stop_id),
        )
        for record in _oldest(finished, len(finished) - self._history):
            del self._records[record.stop_id]


def _oldest(records: list[StopRecord], count: int) -> Iterable[StopRecord]:
    return records[: max(0, count)]
