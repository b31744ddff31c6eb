"""History windows as Binance serves them (allOrders, myTrades)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

_T = TypeVar("_T")


def window(
    items: Iterable[_T],
    ident: Callable[[_T], int],
    time_ms: Callable[[_T], int],
    *,
    from_id: int | None,
    start_ms: int | None,
    end_ms: int | None,
    limit: int,
) -> list[_T]:
    """Items (oldest first) with id >= from_id and time in [start_ms, end_ms].

    With from_id or start_ms, the oldest `limit` of them; otherwise the most recent `limit`.
    """
    chosen = [
        item
        for item in items
        if (from_id is None or ident(item) >= from_id)
        and (start_ms is None or time_ms(item) >= start_ms)
        and (end_ms is None or time_ms(item) <= end_ms)
    ]
    if limit <= 0:
        return []
    if from_id is not None or start_ms is not None:
        return chosen[:limit]
    return chosen[-limit:]
