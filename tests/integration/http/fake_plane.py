"""An in-memory ControlPlane: what the control API sees, with none of the trading internals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import OrderType, Position, Side, TimeInForce
from lyrad.http.control_plane import (
    CancelOutcome,
    Conflict,
    ControlStatus,
    IntentOutcome,
    IntentRequest,
    NotFound,
    OrderQuery,
    ReloadOutcome,
)
from lyrad.trading.state import TradingState, TradingStateHolder


def _order(coid: str, state: OrderState, symbol: str = "BTC/USDT") -> Order:
    return Order(
        client_order_id=coid,
        intent_id=f"i-{coid}",
        venue="sim",
        symbol=symbol,
        side=Side.BUY,
        type=OrderType.LIMIT,
        amount=Decimal("0.5"),
        price=Decimal("30000.10"),
        time_in_force=TimeInForce.GTC,
        state=state,
        created_ms=1,
        updated_ms=1,
    )


@dataclass
class FakeControlPlane:
    trading: TradingStateHolder = field(default_factory=TradingStateHolder)
    orders_by_id: dict[str, Order] = field(
        default_factory=lambda: {
            "c1": _order("c1", OrderState.OPEN),
            "c2": _order("c2", OrderState.FILLED, "ETH/USDT"),
        }
    )
    intents: list[IntentRequest] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    reject_reason: str | None = None
    reload_outcome: ReloadOutcome = field(
        default_factory=lambda: ReloadOutcome(True, "reloaded", ("log",))
    )
    fail_with: Exception | None = None

    def _enter(self, name: str) -> None:
        self.calls.append(name)
        if self.fail_with is not None:
            raise self.fail_with

    async def status(self) -> ControlStatus:
        self._enter("status")
        s = self.trading.status
        return ControlStatus(s.state, s.reason, True, {"http": "running", "journal": "running"})

    async def orders(self, query: OrderQuery) -> Sequence[Order]:
        self._enter("orders")
        found = [
            o
            for o in self.orders_by_id.values()
            if (not query.open_only or o.state.is_live)
            and (query.symbol is None or o.symbol == query.symbol)
            and (query.venue is None or o.venue == query.venue)
        ]
        return found[: query.limit]

    async def positions(self) -> Sequence[Position]:
        self._enter("positions")
        return [Position("sim", "BTC/USDT", Decimal("0.25"), Decimal("29000.5"))]

    async def submit_intent(self, request: IntentRequest) -> IntentOutcome:
        self._enter("submit_intent")
        self.intents.append(request)
        intent_id = f"api-{len(self.intents)}"
        if self.reject_reason is not None:
            return IntentOutcome(intent_id, False, self.reject_reason)
        coid = f"lyrad1-{len(self.intents)}"
        self.orders_by_id[coid] = _order(coid, OrderState.PENDING_SUBMIT, request.symbol)
        return IntentOutcome(intent_id, True, None, coid)

    async def cancel(self, client_order_id: str) -> CancelOutcome:
        self._enter("cancel")
        order = self.orders_by_id.get(client_order_id)
        if order is None:
            raise NotFound(f"no order {client_order_id}")
        if order.state.is_terminal:
            raise Conflict(f"order {client_order_id} is already {order.state}")
        self.orders_by_id[client_order_id] = replace(order, state=OrderState.PENDING_CANCEL)
        return CancelOutcome(client_order_id, OrderState.PENDING_CANCEL)

    async def halt(self, flatten: bool, reason: str) -> ControlStatus:
        self._enter(f"halt(flatten={flatten})")
        self.trading.set(TradingState.HALTED, reason)
        return await self.status()

    async def resume(self, reason: str) -> ControlStatus:
        self._enter("resume")
        self.trading.set(TradingState.ACTIVE, reason)
        return await self.status()

    async def reload(self) -> ReloadOutcome:
        self._enter("reload")
        return self.reload_outcome

    async def advance_rollout(self, confirmed_by: str) -> Mapping[str, object]:
        self._enter("advance_rollout")
        return {"stage": 1, "confirmed_by": confirmed_by}
