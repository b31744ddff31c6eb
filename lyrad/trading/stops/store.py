"""Where stops live between runs: one small document in the journal's key-value store.

One document, written whole, makes each change atomic: a stop marked triggered and its
siblings cancelled are one commit, so a crash can never leave half of it behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from lyrad.journal.codec import Details

STOPS_KEY = "stops"


class StopStore(Protocol):
    """Durable key-value storage plus the event log; `Journal` satisfies it."""

    async def get_kv(self, key: str) -> str | None: ...

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]: ...

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[int]: ...


class LiveStore:
    """A StopStore over whichever journal runs now (its component may restart under us)."""

    def __init__(self, current: Callable[[], StopStore]) -> None:
        self._current = current

    async def get_kv(self, key: str) -> str | None:
        return await self._current().get_kv(key)

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]:
        return self._current().set_kv(key, value, event_kind=event_kind, details=details)

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[int]:
        return self._current().record_event(
            kind, venue=venue, client_order_id=client_order_id, details=details
        )
