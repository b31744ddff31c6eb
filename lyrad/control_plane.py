"""The control API's view of the daemon: ControlPlane over executor, journal and trading state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from lyrad.domain.orders import Order
from lyrad.domain.values import OrderIntent, Position
from lyrad.http.control_plane import (
    CancelOutcome,
    Conflict,
    ControlStatus,
    IntentOutcome,
    IntentRequest,
    NotFound,
    OrderQuery,
    ReloadOutcome,
    Unavailable,
)
from lyrad.journal.journal import Journal
from lyrad.runtime.slot import ResourceUnavailable, Slot
from lyrad.trading.killswitch import KillSwitch
from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.rollout import CapitalRollout
from lyrad.trading.service import TradingCore
from lyrad.trading.state import TradingState, TradingStateHolder

Reloader = Callable[[], Awaitable[ReloadOutcome]]
Readiness = Callable[[], tuple[bool, dict[str, str]]]


class DaemonControlPlane:
    def __init__(
        self,
        *,
        core: Slot[TradingCore],
        journal: Slot[Journal],
        trading: TradingStateHolder,
        board: BreakerBoard,
        rollout: CapitalRollout,
        readiness: Readiness,
    ) -> None:
        self._core = core
        self._journal = journal
        self._trading = trading
        self._board = board
        self._rollout = rollout
        self._readiness = readiness
        self._reloader: Reloader | None = None

    def set_reloader(self, reloader: Reloader) -> None:
        self._reloader = reloader

    def _running(self) -> TradingCore:
        try:
            return self._core.get()
        except ResourceUnavailable as e:
            raise Unavailable(str(e)) from None

    def _journal_now(self) -> Journal:
        try:
            return self._journal.get()
        except ResourceUnavailable as e:
            raise Unavailable(str(e)) from None

    async def status(self) -> ControlStatus:
        ready, components = self._readiness()
        status = self._trading.status
        return ControlStatus(status.state, status.reason, ready, components)

    async def orders(self, query: OrderQuery) -> Sequence[Order]:
        found = await self._journal_now().orders(venue=query.venue, live_only=query.open_only)
        if query.symbol is not None:
            found = [o for o in found if o.symbol == query.symbol]
        return found[-query.limit :]

    async def positions(self) -> Sequence[Position]:
        return await self._journal_now().positions()

    async def submit_intent(self, request: IntentRequest) -> IntentOutcome:
        core = self._running()
        intent_id = core.executor.new_intent_id("api")
        result = await core.executor.submit(
            OrderIntent(
                intent_id=intent_id,
                venue=request.venue,
                symbol=request.symbol,
                side=request.side,
                type=request.type,
                amount=request.amount,
                price=request.price,
                time_in_force=request.time_in_force,
                reduce_only=request.reduce_only,
                source=request.source,
            )
        )
        if result.client_order_id is not None:
            # The operator's next read of the journal must show what the venue answered.
            await core.executor.settled(result.client_order_id)
        return IntentOutcome(intent_id, result.accepted, result.reason, result.client_order_id)

    async def cancel(self, client_order_id: str) -> CancelOutcome:
        core = self._running()
        order = await self._journal_now().get_order(client_order_id)
        if order is None:
            raise NotFound(f"no order {client_order_id}")
        if order.state.is_terminal:
            raise Conflict(f"order {client_order_id} is already {order.state.value}")
        await core.executor.cancel(client_order_id)
        after = await self._journal_now().get_order(client_order_id)
        assert after is not None
        return CancelOutcome(client_order_id, after.state)

    def _switch(self) -> KillSwitch:
        core = self._running()
        return KillSwitch(self._board, self._journal_now(), core.executor, core.portfolio)

    async def halt(self, flatten: bool, reason: str) -> ControlStatus:
        await self._switch().halt(flatten, reason)
        return await self.status()

    async def resume(self, reason: str) -> ControlStatus:
        if self._trading.state is TradingState.ACTIVE:
            raise Conflict("trading is already active")
        await self._switch().resume(reason)
        return await self.status()

    async def advance_rollout(self, confirmed_by: str) -> Mapping[str, object]:
        outcome = await self._rollout.advance(confirmed_by)
        if not outcome.advanced:
            raise Conflict(f"capital stage stays at {outcome.stage + 1}: {outcome.detail}")
        return self._rollout.report()

    async def reload(self) -> ReloadOutcome:
        if self._reloader is None:
            raise Unavailable("the daemon is still starting")
        return await self._reloader()
