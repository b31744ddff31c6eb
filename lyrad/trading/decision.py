"""Pre-trade decisions are values: Approved, or Rejected with a reason from one catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from lyrad.domain.values import OrderIntent


class RejectReason(StrEnum):
    """Every reason an intent can be refused before it is sent; each is a metric label."""

    HALTED = "halted"
    REDUCE_ONLY = "reduce_only"
    JOURNAL_FAILED = "journal_failed"
    UNKNOWN_VENUE = "unknown_venue"
    UNKNOWN_SYMBOL = "unknown_symbol"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_PRICE = "invalid_price"
    PRICE_OFF_TICK = "price_off_tick"
    AMOUNT_OFF_STEP = "amount_off_step"
    MIN_AMOUNT = "min_amount"
    MIN_NOTIONAL = "min_notional"
    DUPLICATE_INTENT = "duplicate_intent"


@dataclass(frozen=True, slots=True)
class Approved:
    approved: bool = True


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: RejectReason
    detail: str
    approved: bool = False


Decision = Approved | Rejected


class PreTradeCheck(Protocol):
    """The risk gate as the executor sees it."""

    def check(self, intent: OrderIntent) -> Decision: ...
