"""Firing a stop: durable mark, one reduce-only market exit, the outcome, siblings cancelled.

The order of writes is the guarantee: the stop is journaled TRIGGERED before its exit is
submitted, so a crash at any point never sends it twice (a stop found TRIGGERED at start
becomes UNCONFIRMED and is not sent again). A refused exit (nothing sent) leaves the stop
armed for another attempt while it still holds, up to `max_attempts`; then it is FAILED and
its siblings stay armed. Siblings (same group) are cancelled once the exit is accepted or
there is nothing left to close.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import structlog

from lyrad.domain.errors import JournalError, VenueError
from lyrad.domain.values import ZERO, Market, OrderIntent, OrderType
from lyrad.journal.codec import JsonValue
from lyrad.runtime.slot import ResourceUnavailable
from lyrad.strategies.base import MarketView, OrderGateway, PortfolioView, SubmitResult
from lyrad.trading.stops.book import StopBook, StopEvent
from lyrad.trading.stops.records import StopRecord, StopStatus
from lyrad.trading.stops.specs import PositionSide, Target

log = structlog.get_logger("lyrad.stops", component="stops")

# How the daemon's collaborators say "not now" (a component restarting, a venue away).
NOT_NOW = (ResourceUnavailable, VenueError, KeyError)
# How the journal says "not written".
UNWRITTEN = (JournalError, ResourceUnavailable)


@dataclass(frozen=True, slots=True)
class ExitSize:
    amount: Decimal
    skip_reason: str | None = None


def exit_size(
    target: Target, position: Decimal, free_base: Decimal | None, market: Market
) -> ExitSize:
    """min(stop quantity, position held) on the venue's step; a long never sells more base
    than is free (what resting orders lock cannot be sold at market)."""
    held = target.side.held(position)
    if held <= ZERO:
        return ExitSize(ZERO, f"no {target.side.value} position held")
    amount = held if target.quantity is None else min(target.quantity, held)
    if target.side is PositionSide.LONG and free_base is not None:
        amount = min(amount, free_base)
    amount = market.round_amount(amount)
    if amount <= ZERO or amount < market.min_amount:
        return ExitSize(ZERO, f"{amount} is below the venue's minimum {market.min_amount}")
    return ExitSize(amount)


def stop_event(kind: str, record: StopRecord, **extra: JsonValue) -> StopEvent:
    details: dict[str, JsonValue] = {
        "stop_id": record.stop_id,
        "kind": record.kind,
        "symbol": record.target.symbol,
        "side": record.target.side.value,
        "status": record.status.value,
        "attempts": record.attempts,
        "reason": record.reason,
        **extra,
    }
    return StopEvent(kind, record.target.venue, record.client_order_id, details)


class ExitSender:
    def __init__(
        self,
        *,
        book: StopBook,
        gateway: OrderGateway,
        market_view: MarketView,
        portfolio: PortfolioView,
        max_attempts: int,
    ) -> None:
        self._book = book
        self._gateway = gateway
        self._market_view = market_view
        self._portfolio = portfolio
        self._max_attempts = max_attempts

    async def fire(
        self, record: StopRecord, price: Decimal | None, now_ms: int
    ) -> list[StopRecord]:
        """`record` triggered at `price` (None: a time exit without a mark); the siblings
        this cancelled (the caller withdraws those the venue holds)."""
        try:
            size = self._size(record.target)
        except NOT_NOW as error:
            log.warning("stop_exit_deferred", stop_id=record.stop_id, error=str(error))
            return []
        why = f"{record.kind} triggered at {'deadline' if price is None else price}"
        if size.skip_reason is not None:
            skipped = replace(
                record, status=StopStatus.SKIPPED, reason=f"{why}; {size.skip_reason}"
            )
            log.warning("stop_skipped", stop_id=record.stop_id, reason=skipped.reason)
            return await self.finish(skipped, now_ms)
        fired = replace(
            record,
            status=StopStatus.TRIGGERED,
            attempts=record.attempts + 1,
            updated_ms=now_ms,
            reason=why,
        )
        self._book.apply(fired)
        try:
            await self._book.commit(now_ms, stop_event("stop_triggered", fired, amount=size.amount))
        except UNWRITTEN as error:
            # Not durable, so not sent: the stop stays armed and is tried next round.
            self._book.apply(record)
            log.error("stop_mark_failed", stop_id=record.stop_id, error=str(error))
            return []
        log.info("stop_triggered", stop_id=record.stop_id, reason=why, amount=str(size.amount))
        result = await self._submit(fired, size.amount)
        return await self._settle(fired, result, now_ms)

    async def _submit(self, record: StopRecord, amount: Decimal) -> SubmitResult:
        target = record.target
        try:
            intent = OrderIntent(
                intent_id=self._gateway.new_intent_id(f"stop-{record.stop_id}"),
                venue=target.venue,
                symbol=target.symbol,
                side=target.side.exit_side,
                type=OrderType.MARKET,
                amount=amount,
                reduce_only=True,
                source="stops",
            )
            return await self._gateway.submit(intent)
        except NOT_NOW as error:
            return SubmitResult(False, None, f"not submitted: {error}")

    async def _settle(
        self, record: StopRecord, result: SubmitResult, now_ms: int
    ) -> list[StopRecord]:
        if result.accepted:
            note = "" if result.reason is None else f"; {result.reason}"
            done = replace(
                record,
                status=StopStatus.EXECUTED,
                client_order_id=result.client_order_id,
                reason=f"{record.reason}{note}",
            )
            log.info("stop_executed", stop_id=record.stop_id, client_order_id=done.client_order_id)
            return await self.finish(done, now_ms)
        refusal = f"exit refused: {result.reason}"
        if record.attempts < self._max_attempts:
            log.warning("stop_exit_refused", stop_id=record.stop_id, reason=result.reason)
            again = replace(record, status=StopStatus.ACTIVE, reason=refusal)
            await self._save(again, "stop_exit_refused", now_ms)
        else:
            log.error(
                "stop_failed", stop_id=record.stop_id, attempts=record.attempts, reason=refusal
            )
            await self._save(
                replace(record, status=StopStatus.FAILED, reason=refusal), "stop_failed", now_ms
            )
        return []

    async def finish(self, record: StopRecord, now_ms: int) -> list[StopRecord]:
        """Journal a stop done with (status set) and cancel its siblings; those cancelled."""
        done = replace(record, updated_ms=now_ms)
        siblings = [
            replace(
                r,
                status=StopStatus.CANCELLED,
                reason=f"sibling {record.stop_id} {record.status.value}",
                updated_ms=now_ms,
            )
            for r in self._book.group(record.group)
            if r.stop_id != record.stop_id and r.status is StopStatus.ACTIVE
        ]
        self._book.apply(done, *siblings)
        event = stop_event(
            f"stop_{done.status.value}", done, cancelled=[s.stop_id for s in siblings]
        )
        await self._commit(event, now_ms)
        return siblings

    async def _save(self, record: StopRecord, kind: str, now_ms: int) -> None:
        record = replace(record, updated_ms=now_ms)
        self._book.apply(record)
        await self._commit(stop_event(kind, record), now_ms)

    async def _commit(self, event: StopEvent, now_ms: int) -> None:
        # Memory already holds the truth; a failed write is retried by the next commit, and a
        # crash before it leaves the stop TRIGGERED on disk: UNCONFIRMED, never sent again.
        try:
            await self._book.commit(now_ms, event)
        except UNWRITTEN as error:
            log.error("stop_outcome_not_journaled", event=event.kind, error=str(error))

    def _size(self, target: Target) -> ExitSize:
        market = self._market_view.market(target.venue, target.symbol)
        position = self._portfolio.position(target.venue, target.symbol).quantity
        base = self._portfolio.balance(target.venue, market.base)
        return exit_size(target, position, base.free if base is not None else None, market)
