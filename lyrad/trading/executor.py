"""The order executor: intent -> risk -> journal (pending_submit) -> venue -> journal outcome."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping

import structlog

from lyrad.domain.errors import (
    AmbiguousOutcome,
    AuthenticationFailed,
    BadVenueResponse,
    JournalError,
    JournalWriteFailed,
    OrderNotFound,
    OrderRejected,
    RetryableVenueError,
    VenueError,
)
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import OrderIntent, OrderType
from lyrad.domain.venue import OrderRequest
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.journal.protocol import OrderJournal
from lyrad.strategies.base import SubmitResult
from lyrad.trading.decision import PreTradeCheck, Rejected, RejectReason
from lyrad.trading.ids import ClientOrderIds
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.order_sync import OrderSync

log = structlog.get_logger("lyrad.executor", component="executor")


class OrderExecutor:
    """Sends approved intents exactly once and journals every outcome.

    The write-ahead rule: an order is durable as `pending_submit` before its request leaves.
    An ambiguous answer leaves it `unknown` for the reconciler; nothing is re-sent blindly.
    """

    def __init__(
        self,
        *,
        journal: OrderJournal,
        venues: tuple[str, ...],
        adapters: Mapping[str, ExchangeAdapter],
        gate: PreTradeCheck,
        ids: ClientOrderIds,
        halt: Callable[[str], object],
        metrics: TradingMetrics,
        clock_ms: Callable[[], int],
        send_timeout_s: float,
        on_ambiguous: Callable[[str], None],
        on_approved: Callable[[OrderIntent], None] = lambda intent: None,
    ) -> None:
        self._journal = journal
        self._venues = venues
        self._adapters = adapters  # live view: a venue restarting is briefly absent
        self._gate = gate
        self._ids = ids
        self._halt_trading = halt
        self._on_approved = on_approved
        self._metrics = metrics
        self._clock_ms = clock_ms
        self._send_timeout_s = send_timeout_s
        self._on_ambiguous = on_ambiguous
        self._live: dict[str, Order] = {}
        self._live_intents: dict[str, str] = {}  # intent id -> client order id, while live
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._inflight: dict[str, asyncio.Task[None]] = {}  # client order id -> its send
        self._tg: asyncio.TaskGroup | None = None
        self._intent_seq = 0
        self._boot = secrets.token_hex(4)  # intent ids of this run never meet an earlier run's

    # --- set-up ---------------------------------------------------------------------------

    async def load(self) -> None:
        await self._ids.load()
        await self._ids.ensure_block()
        for venue in self._venues:
            for order in await self._journal.live_orders(venue):
                self._live[order.client_order_id] = order

    def bind(self, tg: asyncio.TaskGroup) -> None:
        """Sends run in the owner's TaskGroup so a cancelled caller never strands one."""
        self._tg = tg

    async def drain(self, timeout_s: float) -> None:
        """Wait for in-flight sends to be journaled (shutdown, the kill switch)."""
        if self._inflight:
            log.info("executor_draining", inflight=len(self._inflight))
            await asyncio.wait(set(self._inflight.values()), timeout=timeout_s)

    def lock(self, client_order_id: str) -> asyncio.Lock:
        return self._locks[client_order_id]

    def sync_for(self, venue: str) -> OrderSync:
        """Journal updates for orders of `venue`; venue reads need it connected."""
        return OrderSync(self._journal, self._adapters.get(venue), self._metrics)

    def remember(self, order: Order) -> None:
        if order.state.is_terminal:
            self._live.pop(order.client_order_id, None)
            self._locks.pop(order.client_order_id, None)
            self._live_intents.pop(order.intent_id, None)
        else:
            self._live[order.client_order_id] = order
            self._live_intents[order.intent_id] = order.client_order_id

    # --- the gateway strategies and the control API use ------------------------------------

    def new_intent_id(self, source: str) -> str:
        """Unique across restarts: the client order id is assigned separately, at submit."""
        self._intent_seq += 1
        return f"{source}-{self._boot}-{self._intent_seq}"

    def live_orders(self, venue: str, symbol: str) -> list[Order]:
        return [o for o in self._live.values() if o.venue == venue and o.symbol == symbol]

    def all_live_orders(self) -> list[Order]:
        return list(self._live.values())

    def is_inflight(self, client_order_id: str) -> bool:
        if client_order_id in self._inflight:
            return True
        return self._locks[client_order_id].locked() if client_order_id in self._locks else False

    async def submit(self, intent: OrderIntent) -> SubmitResult:
        # Any wait comes before the risk check: from the check to the queued write-ahead
        # record nothing awaits, so no state change (a breaker, a halt) can fall in between
        # and let through an order checked under the old state.
        await self._ids.ensure_block()
        refusal = self._refuse(intent)
        if refusal is not None:
            self._metrics.intents_rejected.labels(refusal.reason.value).inc()
            log.info(
                "intent_rejected",
                intent=intent.intent_id,
                reason=refusal.reason.value,
                detail=refusal.detail,
            )
            # Journaled as well as counted: why an intent never became an order is history too.
            if self._journal.failure is None:
                await self._journal.record_event(
                    "intent_rejected",
                    venue=intent.venue,
                    details={
                        "intent_id": intent.intent_id,
                        "symbol": intent.symbol,
                        "side": intent.side.value,
                        "amount": str(intent.amount),
                        "reason": refusal.reason.value,
                        "detail": refusal.detail,
                    },
                )
            return SubmitResult(False, None, f"{refusal.reason.value}: {refusal.detail}")
        # Counted before any await, so concurrent intents cannot slip past the rate limits.
        self._on_approved(intent)
        market = self._adapters[intent.venue].market(intent.symbol)
        now = self._clock_ms()
        order = Order(
            client_order_id=self._ids.next_id(),
            intent_id=intent.intent_id,
            venue=intent.venue,
            symbol=intent.symbol,
            side=intent.side,
            type=intent.type,
            amount=market.round_amount(intent.amount),
            price=None if intent.price is None else market.round_price(intent.price, intent.side),
            time_in_force=intent.time_in_force,
            state=OrderState.PENDING_SUBMIT,
            created_ms=now,
            updated_ms=now,
        )
        assert self._tg is not None, "executor used before it runs"
        started = time.monotonic()
        cid = order.client_order_id
        # The write-ahead record is queued before control returns to the loop, and from here
        # the order counts as in flight (the reconciler leaves it alone) and its intent as live.
        written = self._journal.insert_order(order)
        answered: asyncio.Future[SubmitResult] = asyncio.get_running_loop().create_future()
        task = self._tg.create_task(self._journal_and_send(order, started, written, answered))
        self._inflight[cid] = task
        task.add_done_callback(lambda _: self._inflight.pop(cid, None))
        if intent.intent_id:
            self._live_intents[intent.intent_id] = cid
        # A caller that stops waiting cancels only `answered`: the send and its journaling go on.
        return await answered

    async def settled(self, client_order_id: str) -> None:
        """Wait until what the venue answered to `client_order_id` is journaled.

        `submit` returns at the venue's answer, while its outcome is still being written;
        callers that read the journal next (the control API, tests) wait for it here.
        """
        task = self._inflight.get(client_order_id)
        if task is not None:
            await asyncio.wait([task])

    async def cancel(self, client_order_id: str) -> None:
        order = self._live.get(client_order_id)
        if order is None:
            return
        async with self.lock(client_order_id):
            order = self._live.get(client_order_id)
            if order is None or order.state.is_terminal:
                return
            sync = self.sync_for(order.venue)
            adapter = self._adapters.get(order.venue)
            if adapter is None:
                log.warning(
                    "cancel_deferred",
                    client_order_id=client_order_id,
                    reason=f"{order.venue} not connected",
                )
                return
            if order.state is not OrderState.UNKNOWN:
                order = await sync.transition(order, OrderState.PENDING_CANCEL, "cancel requested")
                self.remember(order)
            try:
                answer = await asyncio.wait_for(
                    adapter.cancel_order(order.symbol, client_order_id=client_order_id),
                    self._send_timeout_s,
                )
            except OrderNotFound:
                # Filled or gone meanwhile: ask what it is now.
                try:
                    answer = await adapter.fetch_order(
                        order.symbol, client_order_id=client_order_id
                    )
                except VenueError as e:
                    await self._mark_unknown(order, f"cancel: {e}")
                    return
            except (AmbiguousOutcome, BadVenueResponse, TimeoutError) as e:
                await self._mark_unknown(order, f"cancel outcome unknown: {e}")
                return
            except VenueError as e:
                log.warning("cancel_failed", client_order_id=client_order_id, error=str(e))
                if order.state is OrderState.PENDING_CANCEL:
                    self.remember(
                        await sync.transition(order, OrderState.OPEN, f"cancel failed: {e}")
                    )
                return
            self.remember(await sync.apply(order, answer))

    # --- internals ------------------------------------------------------------------------

    def _refuse(self, intent: OrderIntent) -> Rejected | None:
        if self._journal.failure is not None:
            return Rejected(RejectReason.JOURNAL_FAILED, str(self._journal.failure))
        if intent.venue not in self._adapters:
            return Rejected(RejectReason.UNKNOWN_VENUE, f"{intent.venue} is not connected")
        if intent.intent_id and intent.intent_id in self._live_intents:
            return Rejected(RejectReason.DUPLICATE_INTENT, intent.intent_id)
        decision = self._gate.check(intent)
        return decision if isinstance(decision, Rejected) else None

    async def _journal_and_send(
        self,
        order: Order,
        started: float,
        written: Awaitable[None],
        answered: asyncio.Future[SubmitResult],
    ) -> None:
        """Journal, send, answer the caller, journal the outcome: all under the order's lock.

        The caller is answered as soon as the venue is (the write-ahead record is durable
        already); the outcome's own write follows while the lock keeps cancels, the
        reconciler and the kill switch waiting for it.
        """
        try:
            async with self.lock(order.client_order_id):
                try:
                    await written
                except JournalWriteFailed as e:
                    self._live_intents.pop(order.intent_id, None)
                    self._halt(f"journal cannot write: {e}")
                    self._metrics.intents_rejected.labels(RejectReason.JOURNAL_FAILED.value).inc()
                    _answer(answered, SubmitResult(False, None, RejectReason.JOURNAL_FAILED.value))
                    return
                self.remember(order)
                await self._send_locked(order, started, answered)
        except JournalWriteFailed as e:
            # The outcome could not be written: the order stays as journaled before (pending
            # or unknown) for the reconciler of the next start; nothing more may be sent.
            self._halt(f"journal cannot write: {e}")
        except JournalError as e:
            # The journal refused the venue's answer (e.g. an order id the venue gave another
            # order before): the books can no longer be trusted to match. Stop and say why.
            log.error("order_outcome_refused", client_order_id=order.client_order_id, error=str(e))
            self._halt(f"journal refused the answer for {order.client_order_id}: {e}")
        except Exception as e:
            if not answered.done():
                answered.set_exception(e)  # a bug: the caller sees it, and so does the owner
            raise
        finally:
            answered.cancel()  # only if still pending: the executor is stopping

    async def _send_locked(
        self, order: Order, started: float, answered: asyncio.Future[SubmitResult]
    ) -> None:
        cid = order.client_order_id
        sync = self.sync_for(order.venue)
        adapter = self._adapters.get(order.venue)
        if adapter is None:
            # Nothing left the process: the order simply never happened.
            _answer(answered, SubmitResult(False, cid, f"{order.venue} not connected"))
            self.remember(await sync.transition(order, OrderState.REJECTED, "venue not connected"))
            return
        request = OrderRequest(
            venue=order.venue,
            symbol=order.symbol,
            client_order_id=cid,
            side=order.side,
            type=order.type,
            amount=order.amount,
            price=order.price if order.type is OrderType.LIMIT else None,
            time_in_force=order.time_in_force,
        )
        try:
            async with asyncio.timeout(self._send_timeout_s):
                answer = await adapter.create_order(request)
        except (OrderRejected, RetryableVenueError) as e:
            # Definitive: the venue did not take it (refused, or certainly never applied,
            # e.g. a 429). The strategy may send a new intent; this one is done.
            _answer(answered, SubmitResult(False, cid, e.reason))
            self.remember(await sync.transition(order, OrderState.REJECTED, e.reason))
            log.info("order_rejected", client_order_id=cid, reason=e.reason)
            return
        except AuthenticationFailed as e:
            _answer(answered, SubmitResult(False, cid, e.reason))
            self.remember(await sync.transition(order, OrderState.REJECTED, e.reason))
            self._halt(f"{order.venue} refused our credentials")
            return
        except (VenueError, TimeoutError) as e:
            _answer(
                answered, SubmitResult(True, cid, "outcome unknown; the reconciler will resolve it")
            )
            await self._mark_unknown(order, f"submit outcome unknown: {e or 'timeout'}")
            return
        finally:
            self._metrics.order_ack_seconds.observe(time.monotonic() - started)
        _answer(answered, SubmitResult(True, cid))
        # The caller goes first; the outcome's write then often shares a commit with the
        # caller's next order instead of holding it up.
        await asyncio.sleep(0)
        self.remember(await sync.apply(order, answer))
        log.debug(
            "order_acknowledged",
            client_order_id=cid,
            venue_order_id=answer.venue_order_id,
            status=answer.status.value,
        )

    async def _mark_unknown(self, order: Order, reason: str) -> None:
        current = await self._journal.get_order(order.client_order_id) or order
        if not current.state.is_terminal and current.state is not OrderState.UNKNOWN:
            current = await self.sync_for(order.venue).transition(
                current, OrderState.UNKNOWN, reason
            )
        self.remember(current)
        log.warning("order_outcome_unknown", client_order_id=order.client_order_id, reason=reason)
        self._on_ambiguous(order.venue)

    def _halt(self, reason: str) -> None:
        self._halt_trading(reason)


def _answer(answered: asyncio.Future[SubmitResult], result: SubmitResult) -> None:
    if not answered.done():  # a caller who stopped waiting cancelled only its shield
        answered.set_result(result)
