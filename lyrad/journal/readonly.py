"""A synchronous, read-only view of a journal, safe while the daemon writes it (CLI commands)."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, Position
from lyrad.journal import queries, schema
from lyrad.journal.codec import JournalEvent


class JournalView:
    """Reads of a journal opened with `mode=ro`; each call sees the latest committed state."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn = schema.open_reader(path)

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> JournalView:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def get_order(self, client_order_id: str) -> Order | None:
        return queries.get_order(self._conn, client_order_id)

    def orders(
        self,
        *,
        venue: str | None = None,
        state: OrderState | None = None,
        live_only: bool = False,
    ) -> list[Order]:
        return queries.list_orders(self._conn, venue, state, live_only)

    def fills(
        self,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        since_ms: int | None = None,
    ) -> list[Fill]:
        return queries.list_fills(self._conn, venue, client_order_id, since_ms)

    def positions(self, venue: str | None = None) -> list[Position]:
        return queries.list_positions(self._conn, venue)

    def balances(self, venue: str) -> dict[str, Balance]:
        return queries.get_balances(self._conn, venue)

    def get_kv(self, key: str) -> str | None:
        return queries.get_kv(self._conn, key)

    def events(
        self, *, after_seq: int = 0, limit: int = 1000, client_order_id: str | None = None
    ) -> list[JournalEvent]:
        return queries.list_events(self._conn, after_seq, limit, client_order_id)


def open_readonly(path: str | os.PathLike[str]) -> JournalView:
    """Open the journal at `path` read-only; raises IncompatibleJournal or JournalError."""
    return JournalView(Path(path))
