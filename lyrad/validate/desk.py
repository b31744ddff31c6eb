"""The order desk: the only way the suite sends or cancels orders (VALIDATION.md §6.3).

Every order gets a `lyrav-<run>-<n>` client id and is journaled `pending_submit` before it is
sent; at most `max_orders` orders leave and `max_cancels` cancels are sent per run; a far order
that shows a fill trips the wire and no order may be sent after that (but a flattening one).
`cleanup` cancels this run's live orders by id, then any open order carrying this run's prefix;
it never touches another order, and never cancels all orders of a symbol.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import structlog

from lyrad.domain.errors import (
    AuthenticationFailed,
    OrderNotFound,
    OrderRejected,
    RetryableVenueError,
    VenueError,
)
from lyrad.domain.orders import Order, OrderState, can_transition, target_state
from lyrad.domain.values import ZERO, Fill, Market, OrderType, Side, TimeInForce
from lyrad.domain.venue import OrderRequest, VenueOrder, VenueOrderStatus
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.exchanges.clock import Clock
from lyrad.journal.codec import Details
from lyrad.validate.ledger import LedgerEntry
from lyrad.validate.model import NotRun
from lyrad.validate.venue_extras import VenueExtras

log = structlog.get_logger("lyrad.validate.desk", component="validate")

CLIENT_ID_PREFIX = "lyrav-"
MAX_ORDERS = 10
MAX_CANCELS = 10


class DeskJournal(Protocol):
    """The journal calls the desk makes (a subset of `lyrad.journal.protocol.OrderJournal`)."""

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

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[int]: ...

    async def get_order(self, client_order_id: str) -> Order | None: ...


@dataclass(frozen=True, slots=True)
class Tripwire:
    """A far order that filled: order checks stop, the exposure is reported or flattened."""

    client_order_id: str
    side: Side
    filled: Decimal
    price: Decimal | None
    cost: Decimal

    def describe(self) -> str:
        return f"far order {self.client_order_id} ({self.side.value}) filled {self.filled}"


@dataclass(slots=True)
class Cleanup:
    cancelled: list[str] = field(default_factory=list)
    still_open: list[str] = field(default_factory=list)  # this run's orders left on the venue
    older_suite_orders: list[str] = field(default_factory=list)  # lyrav- ids of other runs
    problems: list[str] = field(default_factory=list)


class OrderDesk:
    """Sends the suite's orders under the safety rules; keeps the ledger and the counts."""

    def __init__(
        self,
        *,
        adapter: ExchangeAdapter,
        journal: DeskJournal,
        run_id: str,
        clock: Clock,
        wall_ms: Callable[[], int],
        extras: VenueExtras | None = None,
        sent_orders: Callable[[], int] | None = None,
        hold_before_cancel_s: float = 0.0,
        young_cancel_s: float = 2.0,
        max_orders: int = MAX_ORDERS,
        max_cancels: int = MAX_CANCELS,
    ) -> None:
        self._adapter = adapter
        self._extras = extras
        self._journal = journal
        self.prefix = f"{CLIENT_ID_PREFIX}{run_id}-"
        self._clock = clock
        self._wall_ms = wall_ms
        self._sent_orders = sent_orders
        self._hold_s = hold_before_cancel_s
        self._young_s = young_cancel_s
        self.max_orders = max_orders
        self.max_cancels = max_cancels
        self.ledger: list[LedgerEntry] = []
        self.tripwire: Tripwire | None = None
        self.attempts = 0
        self._sent_elsewhere = 0
        self.cancels_sent = 0
        self.young_cancels = 0
        self._sent_at_start = sent_orders() if sent_orders is not None else 0

    # --- counts ------------------------------------------------------------------------

    @property
    def orders_sent(self) -> int:
        """Orders that left the process (a locally refused one did not)."""
        if self._sent_orders is None:
            return self.attempts
        # the counter sees the main adapter only: orders sent through another instance count
        # as sent whatever happened to them
        return self._sent_orders() - self._sent_at_start + self._sent_elsewhere

    def entry(self, client_order_id: str) -> LedgerEntry:
        for entry in self.ledger:
            if entry.client_order_id == client_order_id:
                return entry
        raise KeyError(client_order_id)

    def _next_id(self) -> str:
        return f"{self.prefix}{len(self.ledger) + 1:02d}"

    def _admit_order(self, *, flatten: bool) -> None:
        if flatten:
            return  # taking exposure off is never refused
        if self.tripwire is not None:
            raise NotRun(f"tripwire: {self.tripwire.describe()}; no more orders")
        if self.orders_sent >= self.max_orders:
            raise NotRun(f"the run's order budget ({self.max_orders}) is used up")

    # --- placing ------------------------------------------------------------------------

    async def place(
        self,
        side: Side,
        amount: Decimal,
        price: Decimal | None,
        *,
        symbol: str,
        purpose: str,
        far: bool,
        order_type: OrderType = OrderType.LIMIT,
        time_in_force: TimeInForce = TimeInForce.POST_ONLY,
        unchecked: bool = False,
        via: ExchangeAdapter | None = None,
        flatten: bool = False,
        client_order_id: str | None = None,
    ) -> VenueOrder:
        """Journal, then send one order; raises the adapter's errors after journaling them.

        `client_order_id` reuses an id already journaled (the duplicate probe): nothing new is
        journaled then, only an event.
        """
        self._admit_order(flatten=flatten)
        if unchecked and self._extras is None:
            raise NotRun("the adapter offers no unchecked create (VenueExtras)")
        reuse = client_order_id is not None
        cid = client_order_id or self._next_id()
        venue = self._adapter.venue
        request = OrderRequest(venue, symbol, cid, side, order_type, amount, price, time_in_force)
        entry = LedgerEntry(
            cid,
            purpose,
            symbol,
            side,
            order_type,
            time_in_force,
            price,
            amount,
            far,
            self._clock.monotonic(),
        )
        if reuse:
            await self._journal.record_event(
                "validate_resubmit", venue=venue, client_order_id=cid, details={"purpose": purpose}
            )
        else:
            await self._journal.insert_order(self._pending(request, purpose))
            self.ledger.append(entry)
        self.attempts += 1
        if via is not None:
            self._sent_elsewhere += 1
        try:
            order = await self._send(request, unchecked=unchecked, via=via)
        except VenueError as error:
            if not reuse:
                await self._journal_failure(entry, error)
            raise
        if reuse:
            return order
        entry.absorb(order)
        await self._journal_order(entry, order)
        self._watch(entry)
        return order

    def _pending(self, request: OrderRequest, purpose: str) -> Order:
        now = self._wall_ms()
        return Order(
            client_order_id=request.client_order_id,
            intent_id=request.client_order_id,
            venue=request.venue,
            symbol=request.symbol,
            side=request.side,
            type=request.type,
            amount=request.amount,
            price=request.price,
            time_in_force=request.time_in_force,
            state=OrderState.PENDING_SUBMIT,
            created_ms=now,
            updated_ms=now,
            reason=f"validate {purpose}",
        )

    async def _send(
        self, request: OrderRequest, *, unchecked: bool, via: ExchangeAdapter | None
    ) -> VenueOrder:
        if unchecked and self._extras is not None:
            return await self._extras.create_order_unchecked(request)
        return await (via or self._adapter).create_order(request)

    async def _journal_failure(self, entry: LedgerEntry, error: VenueError) -> None:
        entry.reason = error.reason
        if isinstance(error, OrderRejected):
            entry.state = "rejected"
            state = OrderState.REJECTED
        elif isinstance(error, RetryableVenueError | AuthenticationFailed):
            # Certainly not applied (never left, or refused before any order logic).
            entry.state = "rejected"
            state = OrderState.REJECTED
        else:
            # The request left and no usable answer came back: the venue may hold the order
            # until the reconciler (here: cleanup, by client id) says otherwise.
            entry.state = "unknown"
            state = OrderState.UNKNOWN
        await self._journal.transition_order(entry.client_order_id, state, reason=error.reason)

    async def _journal_order(self, entry: LedgerEntry, order: VenueOrder) -> None:
        """Bring the journal to the venue's view: fills first, then the state."""
        for fill in order.fills:
            await self._journal.apply_fill(fill)
        current = await self._journal.get_order(entry.client_order_id)
        if current is None or current.state.is_terminal:
            return
        if order.status is VenueOrderStatus.FILLED and current.filled < current.amount:
            return  # fills not seen yet: they come from the trade list (TRD-15)
        # What the venue's status means given the fills journaled (the executor's rule too).
        state = target_state(current, order.status)
        if state is current.state and current.venue_order_id == order.venue_order_id:
            return
        if not can_transition(current.state, state):
            await self._journal.record_event(
                "validate_state_unexpected",
                venue=self._adapter.venue,
                client_order_id=entry.client_order_id,
                details={"journal": current.state.value, "venue": state.value},
            )
            return
        await self._journal.transition_order(
            entry.client_order_id, state, venue_order_id=order.venue_order_id
        )

    def _watch(self, entry: LedgerEntry) -> None:
        if entry.far and entry.filled > ZERO and self.tripwire is None:
            self.tripwire = Tripwire(
                entry.client_order_id, entry.side, entry.filled, entry.price, entry.cost
            )
            log.error(
                "validation_tripwire",
                client_order_id=entry.client_order_id,
                side=entry.side.value,
                filled=str(entry.filled),
            )

    async def observe(self, order: VenueOrder) -> LedgerEntry | None:
        """Take a fetched view of one of our orders into the ledger, journal and tripwire."""
        cid = order.client_order_id
        if cid is None or not cid.startswith(self.prefix):
            return None
        try:
            entry = self.entry(cid)
        except KeyError:
            return None
        entry.absorb(order)
        await self._journal_order(entry, order)
        self._watch(entry)
        return entry

    # --- cancelling ---------------------------------------------------------------------

    async def cancel(
        self, entry: LedgerEntry, *, via: ExchangeAdapter | None = None, cleanup: bool = False
    ) -> VenueOrder:
        """Cancel one of our orders by client id (after the venue's hold), journaled."""
        if not cleanup and self.cancels_sent >= self.max_cancels:
            raise NotRun(f"the run's cancel budget ({self.max_cancels}) is used up")
        age = self._clock.monotonic() - entry.placed_at
        if age < self._hold_s:
            await self._clock.sleep(self._hold_s - age)
            age = self._hold_s
        if age < self._young_s:
            self.young_cancels += 1
        current = await self._journal.get_order(entry.client_order_id)
        if current is not None and can_transition(current.state, OrderState.PENDING_CANCEL):
            await self._journal.transition_order(entry.client_order_id, OrderState.PENDING_CANCEL)
        else:  # already final, or unknown (a cancel does not answer that question)
            await self._journal.record_event(
                "validate_cancel_again",
                venue=self._adapter.venue,
                client_order_id=entry.client_order_id,
            )
        self.cancels_sent += 1
        entry.cancel_requested = True
        order = await (via or self._adapter).cancel_order(
            entry.symbol, client_order_id=entry.client_order_id
        )
        entry.absorb(order)
        await self._journal_order(entry, order)
        self._watch(entry)
        return order

    async def flatten(self, market: Market) -> VenueOrder | None:
        """Take the tripwire's exposure off with a market order (only with --allow-trades)."""
        tripwire = self.tripwire
        if tripwire is None or any(e.purpose == "flatten" for e in self.ledger):
            return None
        amount = market.round_amount(tripwire.filled)
        if amount <= ZERO or amount < market.min_amount:
            log.error("validation_exposure_unflattenable", filled=str(tripwire.filled))
            return None
        order = await self.place(
            tripwire.side.opposite,
            amount,
            None,
            symbol=market.symbol,
            purpose="flatten",
            far=False,
            order_type=OrderType.MARKET,
            time_in_force=TimeInForce.GTC,
            flatten=True,
        )
        log.warning("validation_exposure_flattened", filled=str(order.filled))
        return order

    async def cancel_duplicate(self, symbol: str, order: VenueOrder) -> None:
        """Take off a second order the venue accepted under a reused client id (by venue id)."""
        self.cancels_sent += 1
        await self._journal.record_event(
            "validate_duplicate_cancel",
            venue=self._adapter.venue,
            client_order_id=order.client_order_id,
            details={"venue_order_id": order.venue_order_id},
        )
        await self._adapter.cancel_order(symbol, venue_order_id=order.venue_order_id)

    # --- the end of the run --------------------------------------------------------------

    async def cleanup(self, symbol: str) -> Cleanup:
        """Cancel what this run left open: by id first, then by this run's prefix. Never raises
        a venue error (it is called from `finally`)."""
        report = Cleanup()
        for entry in self.ledger:
            if entry.is_live:
                await self._cleanup_one(entry, report)
        try:
            open_orders = await self._adapter.fetch_open_orders(symbol)
        except VenueError as error:
            report.problems.append(f"open orders could not be listed: {error.reason}")
            return report
        for order in open_orders:
            cid = order.client_order_id or ""
            if cid.startswith(self.prefix):
                entry = await self.observe(order) or self._adopt(order)
                await self._cleanup_one(entry, report)
                if entry.is_live:
                    report.still_open.append(cid)
            elif cid.startswith(CLIENT_ID_PREFIX):
                report.older_suite_orders.append(cid)
        return report

    def _adopt(self, order: VenueOrder) -> LedgerEntry:
        """An order with this run's prefix the ledger lost track of (an ambiguous create)."""
        entry = LedgerEntry(
            order.client_order_id or "",
            "adopted by cleanup",
            order.symbol,
            order.side,
            order.type,
            TimeInForce.GTC,
            order.price,
            order.amount,
            True,
            self._clock.monotonic(),
        )
        entry.absorb(order)
        self.ledger.append(entry)
        return entry

    async def _cleanup_one(self, entry: LedgerEntry, report: Cleanup) -> None:
        try:
            await self.cancel(entry, cleanup=True)
            report.cancelled.append(entry.client_order_id)
        except OrderNotFound:
            await self._settle(entry, report)
        except VenueError as error:
            report.problems.append(f"{entry.client_order_id}: cancel failed: {error.reason}")

    async def _settle(self, entry: LedgerEntry, report: Cleanup) -> None:
        """A cancel the venue did not know: learn the order's real end state."""
        try:
            order = await self._adapter.fetch_order(
                entry.symbol, client_order_id=entry.client_order_id
            )
        except OrderNotFound:
            await self._forget(entry)
            return
        except VenueError as error:
            report.problems.append(f"{entry.client_order_id}: lookup failed: {error.reason}")
            return
        await self.observe(order)

    async def _forget(self, entry: LedgerEntry) -> None:
        """The venue knows nothing of the order: it never arrived (or is long gone)."""
        entry.state = "rejected"
        entry.reason = "the venue does not know this order"
        current = await self._journal.get_order(entry.client_order_id)
        if current is None or current.state.is_terminal:
            return
        final = (
            OrderState.REJECTED
            if can_transition(current.state, OrderState.REJECTED)
            else OrderState.EXPIRED
        )
        await self._journal.transition_order(entry.client_order_id, final, reason=entry.reason)
