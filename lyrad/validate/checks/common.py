"""Helpers the check modules share: ccxt audits, book tops, balances by asset, waiting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from lyrad.domain.values import Balance
from lyrad.domain.venue import OrderBook
from lyrad.validate.context import RunContext
from lyrad.validate.model import NotRun
from lyrad.validate.venue_extras import StructureKind

T = TypeVar("T")


async def ccxt_audit(ctx: RunContext, kind: StructureKind, symbol: str | None) -> list[str]:
    """Problems ccxt's own validator finds in `kind` (none when the adapter cannot run it)."""
    if ctx.extras is None:
        return []
    prefix = f"{kind}." if kind != "order_book" else "orderbook."
    skipped = {k: v for k, v in ctx.deviations.tolerances.items() if k.startswith(prefix)}
    audit = await ctx.extras.audit_structure(kind, symbol, skipped=skipped)
    return [f"ccxt test_{kind}: {problem}" for problem in audit.problems]


def audit_note(ctx: RunContext) -> str:
    return "ccxt validators ran" if ctx.extras is not None else "ccxt validators not available"


def top(book: OrderBook) -> tuple[Decimal, Decimal]:
    """Best bid and best ask; NotRun when a side is empty."""
    if not book.bids or not book.asks:
        raise NotRun("the order book has an empty side")
    return book.bids[0][0], book.asks[0][0]


def by_asset(balances: Iterable[Balance]) -> dict[str, Balance]:
    return {b.asset: b for b in balances}


def free_of(balances: dict[str, Balance], asset: str) -> Decimal:
    balance = balances.get(asset)
    return balance.free if balance is not None else Decimal(0)


async def poll(
    ctx: RunContext, fetch: Callable[[], Awaitable[T]], done: Callable[[T], bool]
) -> tuple[T, float]:
    """Fetch until `done` or the visibility timeout; the last value and the seconds it took."""
    started = ctx.clock.monotonic()
    while True:
        value = await fetch()
        waited = ctx.clock.monotonic() - started
        if done(value) or waited >= ctx.timing.visibility_s:
            return value, waited
        await ctx.clock.sleep(ctx.timing.poll_s)


def bps(part: Decimal, whole: Decimal) -> float:
    return float(part / whole * 10_000) if whole else float("inf")
