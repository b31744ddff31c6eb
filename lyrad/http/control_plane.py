"""What the control API asks of the daemon: one Protocol, plain results, typed refusals.

The HTTP handlers know nothing of trading internals; the composition root implements
`ControlPlane` over the risk gate, executor, journal and trading state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from lyrad.domain.errors import LyradError
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import OrderType, Position, Side, TimeInForce
from lyrad.trading.state import TradingState


@dataclass(frozen=True, slots=True)
class ControlStatus:
    trading_state: TradingState
    trading_reason: str
    ready: bool
    components: Mapping[str, str]  # component name -> its state


@dataclass(frozen=True, slots=True)
class OrderQuery:
    open_only: bool = True
    venue: str | None = None
    symbol: str | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class IntentRequest:
    """An operator's order, validated; the plane assigns the intent id and asks the risk gate."""

    venue: str
    symbol: str
    side: Side
    type: OrderType
    amount: Decimal
    price: Decimal | None
    time_in_force: TimeInForce
    reduce_only: bool
    source: str  # "api:<token id>"


@dataclass(frozen=True, slots=True)
class IntentOutcome:
    intent_id: str
    accepted: bool  # False: the risk gate rejected it (a value, not an error)
    reason: str | None = None
    client_order_id: str | None = None


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    client_order_id: str
    state: OrderState


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    applied: bool
    message: str
    changed_sections: tuple[str, ...] = ()


class ControlError(LyradError):
    """A refusal the plane explains to the operator; `status` is the HTTP status it maps to."""

    status = 400


class NotFound(ControlError):
    status = 404


class Conflict(ControlError):
    """The request is valid but the daemon's state forbids it now (already halted, order done)."""

    status = 409


class Unavailable(ControlError):
    """The daemon cannot do it now (starting, stopping, venue down)."""

    status = 503


class ControlPlane(Protocol):
    async def status(self) -> ControlStatus: ...

    async def orders(self, query: OrderQuery) -> Sequence[Order]: ...

    async def positions(self) -> Sequence[Position]: ...

    async def submit_intent(self, request: IntentRequest) -> IntentOutcome: ...

    async def cancel(self, client_order_id: str) -> CancelOutcome: ...

    async def halt(self, flatten: bool, reason: str) -> ControlStatus:
        """Kill switch: cancel open orders (and flatten if asked), then HALTED."""
        ...

    async def resume(self, reason: str) -> ControlStatus: ...

    async def reload(self) -> ReloadOutcome:
        """Load and apply the config as SIGHUP would; an invalid config is `applied=False`."""
        ...

    async def advance_rollout(self, confirmed_by: str) -> Mapping[str, object]:
        """The operator's confirmation of the next capital stage; Conflict if a criterion fails.
        Answers the rollout's state (stage, cap, criteria) as plain JSON values."""
        ...
