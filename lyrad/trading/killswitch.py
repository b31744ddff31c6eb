"""The kill switch: cancel every open order (optionally flatten), then HALTED until resumed.

The state survives restarts: it is kept in the journal, and a daemon that starts finds
itself HALTED if it was halted when it stopped.
"""

from __future__ import annotations

import json

import structlog

from lyrad.domain.orders import Order
from lyrad.domain.values import ZERO, OrderIntent, OrderType, Side
from lyrad.journal.protocol import OrderJournal
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.state import TradingState

log = structlog.get_logger("lyrad.killswitch", component="killswitch")

KV_TRADING_STATE = "trading_state"
# Longer than any venue's send timeout: by then every send in flight is answered or unknown.
IN_FLIGHT_WAIT_S = 60.0


async def restore_state(journal: OrderJournal, board: BreakerBoard) -> None:
    """An operator's halt outlives the process: re-apply it at start."""
    saved = await journal.get_kv(KV_TRADING_STATE)
    if saved is None:
        return
    state = json.loads(saved)
    if state.get("state") == TradingState.HALTED.value:
        board.halt(f"restored: {state.get('reason', '')}")


async def persist_operator(journal: OrderJournal, state: TradingState, reason: str) -> None:
    value = json.dumps({"state": state.value, "reason": reason})
    await journal.set_kv(KV_TRADING_STATE, value, event_kind="trading_state_changed")


class KillSwitch:
    def __init__(
        self,
        board: BreakerBoard,
        journal: OrderJournal,
        executor: OrderExecutor,
        portfolio: Portfolio,
    ) -> None:
        self._board = board
        self._journal = journal
        self._executor = executor
        self._portfolio = portfolio

    async def halt(self, flatten: bool, reason: str) -> None:
        # Reduce first: nothing new may add exposure while orders are being cancelled.
        self._board.reduce(f"halting: {reason}")
        await self._cancel_all()
        if flatten:
            await self._flatten(reason)
        self._board.halt(reason)
        await persist_operator(self._journal, TradingState.HALTED, reason)
        log.warning("trading_halted", reason=reason, flatten=flatten)

    async def resume(self, reason: str) -> None:
        self._board.resume(reason)
        await persist_operator(self._journal, TradingState.ACTIVE, reason)
        log.warning("trading_resumed", reason=reason)

    async def _cancel_all(self) -> None:
        await self._cancel_live()
        # An order sent just before the halt is known once the venue's answer is journaled:
        # wait for every send in flight (each ends within the send timeout), then cancel again.
        await self._executor.drain(IN_FLIGHT_WAIT_S)
        await self._cancel_live()

    async def _cancel_live(self) -> None:
        live: list[Order] = self._executor.all_live_orders()
        for order in live:
            await self._executor.cancel(order.client_order_id)

    async def _flatten(self, reason: str) -> None:
        # Spot: a long position is sold back; there is nothing to buy back for a short.
        for position in self._portfolio.positions():
            if position.quantity <= ZERO:
                continue
            base = self._portfolio.balance(position.venue, position.symbol.split("/")[0])
            amount = min(position.quantity, base.free if base else ZERO)
            if amount <= ZERO:
                continue
            result = await self._executor.submit(
                OrderIntent(
                    intent_id=self._executor.new_intent_id("flatten"),
                    venue=position.venue,
                    symbol=position.symbol,
                    side=Side.SELL,
                    type=OrderType.MARKET,
                    amount=amount,
                    reduce_only=True,
                    source=f"killswitch: {reason}",
                )
            )
            log.warning(
                "flatten_order",
                symbol=position.symbol,
                amount=str(amount),
                accepted=result.accepted,
                reason=result.reason,
            )
