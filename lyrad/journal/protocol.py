"""The journal as its users see it: the seam the executor and the reconciler are written against."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from decimal import Decimal
from typing import Protocol

from lyrad.domain.errors import JournalWriteFailed
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, Position
from lyrad.journal.codec import Details, JournalEvent, NewEvent


class OrderJournal(Protocol):
    """Durable order state. Writes resolve once committed; see `Journal` for the semantics."""

    @property
    def failure(self) -> JournalWriteFailed | None: ...

    async def wait_failed(self) -> JournalWriteFailed: ...

    def insert_order(self, order: Order) -> Awaitable[None]: ...

    def transition_order(
        self,
        client_order_id: str,
        state: OrderState,
        *,
        venue_order_id: str | None = None,
        reason: str | None = None,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[Order]: ...

    def apply_fill(
        self, fill: Fill, *, fee_currency_price: Decimal | None = None
    ) -> Awaitable[bool]: ...

    def replace_balances(self, venue: str, balances: Iterable[Balance]) -> Awaitable[None]: ...

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[int]: ...

    def record_events(self, events: Iterable[NewEvent]) -> Awaitable[list[int]]: ...

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]: ...

    async def get_order(self, client_order_id: str) -> Order | None: ...

    async def get_order_by_venue_id(self, venue: str, venue_order_id: str) -> Order | None: ...

    async def orders(
        self,
        *,
        venue: str | None = None,
        state: OrderState | None = None,
        live_only: bool = False,
    ) -> list[Order]: ...

    async def live_orders(self, venue: str) -> list[Order]: ...

    async def fills(
        self,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        since_ms: int | None = None,
    ) -> list[Fill]: ...

    async def fill_ids(self, venue: str, since_ms: int) -> set[str]: ...

    async def position(self, venue: str, symbol: str) -> Position: ...

    async def positions(self, venue: str | None = None) -> list[Position]: ...

    async def balances(self, venue: str) -> dict[str, Balance]: ...

    async def get_kv(self, key: str) -> str | None: ...

    async def events(
        self, *, after_seq: int = 0, limit: int = 1000, client_order_id: str | None = None
    ) -> list[JournalEvent]: ...
