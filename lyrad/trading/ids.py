"""Client order ids: unique per daemon instance, never reused after a restart, venue-valid."""

from __future__ import annotations

import re
import string
from collections.abc import Awaitable
from typing import Protocol

_ALPHABET = string.digits + string.ascii_lowercase
# Binance: ^[a-zA-Z0-9-_]{1,36}$ ; the strictest rule of the venues we speak.
VALID_CLIENT_ORDER_ID = re.compile(r"^[a-zA-Z0-9_-]{1,36}$")
KV_RESERVED = "client_order_seq_reserved"


def base36(n: int) -> str:
    digits = []
    while True:
        n, r = divmod(n, 36)
        digits.append(_ALPHABET[r])
        if n == 0:
            return "".join(reversed(digits))


class SequenceStore(Protocol):
    async def get_kv(self, key: str) -> str | None: ...

    def set_kv(self, key: str, value: str) -> Awaitable[None]:
        """Resolves once durable."""
        ...


class ClientOrderIds:
    """`<instance>-<seq in base36>`; sequence numbers are reserved durably in blocks.

    A block is written to the journal before any id from it is handed out, so a crash can
    only skip ids, never repeat one.
    """

    def __init__(self, instance_id: str, store: SequenceStore, block: int = 1000) -> None:
        self._instance = instance_id
        self._store = store
        self._block = block
        self._next = 0
        self._limit = 0

    async def load(self) -> None:
        reserved = await self._store.get_kv(KV_RESERVED)
        self._next = self._limit = int(reserved) if reserved else 0

    async def ensure_block(self) -> None:
        """Reserve the next block ahead of need (call before `next_id`)."""
        if self._limit - self._next < max(1, self._block // 2):
            limit = self._limit + self._block
            await self._store.set_kv(KV_RESERVED, str(limit))
            self._limit = limit

    def available(self) -> bool:
        return self._next < self._limit

    def next_id(self) -> str:
        if self._next >= self._limit:
            raise RuntimeError("no reserved client order id left; await ensure_block() first")
        seq = self._next
        self._next += 1
        client_order_id = f"{self._instance}-{base36(seq)}"
        assert VALID_CLIENT_ORDER_ID.match(client_order_id)
        return client_order_id
