"""Small helpers for the sources: stable sub-seeds, a bounded cache and the time origin."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


def derive_seed(seed: int, *parts: object) -> int:
    """A 64-bit seed from `seed` and labels; stable across processes (unlike `hash()`)."""
    text = ":".join([str(seed), *(str(part) for part in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class LruCache(Generic[K, V]):
    """A bounded mapping that rebuilds evicted values on demand."""

    def __init__(self, capacity: int, build: Callable[[K], V]) -> None:
        if capacity < 1:
            raise ValueError(f"cache capacity must be >= 1, got {capacity}")
        self._capacity = capacity
        self._build = build
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V:
        """The value for `key`, built (and possibly evicting the oldest) if absent."""
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
            return value
        value = self._build(key)
        self._items[key] = value
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return value


class Origin:
    """The sim instant where the scenario starts: given, or fixed by the first query."""

    def __init__(self, start_ms: int | None) -> None:
        self._start_ms = start_ms

    @property
    def start_ms(self) -> int | None:
        """The scenario start, or None while no query has fixed it."""
        return self._start_ms

    def resolve(self, t_ms: int) -> int:
        """The scenario start; the first call fixes it to `t_ms` when none was given."""
        if self._start_ms is None:
            self._start_ms = t_ms
        return self._start_ms
