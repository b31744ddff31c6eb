"""The order and its state machine: which state may follow which, and fills applied once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from lyrad.domain.errors import IllegalTransition
from lyrad.domain.values import ZERO, OrderType, Side, TimeInForce
from lyrad.domain.venue import VenueOrderStatus


class OrderState(StrEnum):
    PENDING_SUBMIT = "pending_submit"  # journaled; the request may not have left yet
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    PENDING_CANCEL = "pending_cancel"
    UNKNOWN = "unknown"  # the outcome of a request is ambiguous; only the reconciler resolves it
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def is_live(self) -> bool:
        """The venue may hold this order (or might: pending and unknown count)."""
        return not self.is_terminal


_TERMINAL = frozenset(
    {OrderState.FILLED, OrderState.CANCELLED, OrderState.REJECTED, OrderState.EXPIRED}
)

_S = OrderState
_ALLOWED: dict[OrderState, frozenset[OrderState]] = {
    _S.PENDING_SUBMIT: frozenset(
        {_S.OPEN, _S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLED, _S.REJECTED, _S.EXPIRED, _S.UNKNOWN}
    ),
    _S.OPEN: frozenset(
        {_S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLED, _S.EXPIRED, _S.PENDING_CANCEL, _S.UNKNOWN}
    ),
    _S.PARTIALLY_FILLED: frozenset(
        {_S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLED, _S.EXPIRED, _S.PENDING_CANCEL, _S.UNKNOWN}
    ),
    _S.PENDING_CANCEL: frozenset(
        {_S.OPEN, _S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLED, _S.EXPIRED, _S.UNKNOWN}
    ),
    # The reconciler learns the truth: anything the venue can say, or "never arrived" (rejected).
    _S.UNKNOWN: frozenset(
        {_S.OPEN, _S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLED, _S.REJECTED, _S.EXPIRED}
    ),
    _S.FILLED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.EXPIRED: frozenset(),
}


def can_transition(current: OrderState, new: OrderState) -> bool:
    return new == current or new in _ALLOWED[current]


@dataclass(frozen=True, slots=True)
class Order:
    """One order as lyrad knows it. Changed only through `transition` and `with_fill`."""

    client_order_id: str
    intent_id: str
    venue: str
    symbol: str
    side: Side
    type: OrderType
    amount: Decimal
    price: Decimal | None
    time_in_force: TimeInForce
    state: OrderState
    created_ms: int
    updated_ms: int
    venue_order_id: str | None = None
    filled: Decimal = ZERO
    cost: Decimal = ZERO  # quote spent or received on fills
    fee: Decimal = ZERO
    fee_currency: str | None = None
    reason: str | None = None  # why it was rejected, cancelled or became unknown

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled

    @property
    def average_price(self) -> Decimal | None:
        return self.cost / self.filled if self.filled > ZERO else None

    def transition(
        self,
        new: OrderState,
        now_ms: int,
        *,
        venue_order_id: str | None = None,
        reason: str | None = None,
    ) -> Order:
        """Move to `new`; raises IllegalTransition when the state machine forbids it."""
        if not can_transition(self.state, new):
            raise IllegalTransition(f"{self.client_order_id}: {self.state} -> {new} is not allowed")
        if new is OrderState.FILLED and self.filled < self.amount:
            raise IllegalTransition(
                f"{self.client_order_id}: filled with {self.filled} of {self.amount}"
            )
        return replace(
            self,
            state=new,
            updated_ms=now_ms,
            venue_order_id=venue_order_id or self.venue_order_id,
            reason=reason if reason is not None else self.reason,
        )

    def with_fill(
        self, amount: Decimal, cost: Decimal, fee: Decimal, fee_currency: str, now_ms: int
    ) -> Order:
        """Account for one execution. The caller guarantees each venue trade is applied once."""
        if amount <= ZERO:
            raise IllegalTransition(f"{self.client_order_id}: fill of {amount}")
        if self.state is OrderState.REJECTED:
            raise IllegalTransition(f"{self.client_order_id}: fill on a rejected order")
        filled = self.filled + amount
        if filled > self.amount:
            raise IllegalTransition(
                f"{self.client_order_id}: fills total {filled} over the amount {self.amount}"
            )
        fees_same_currency = self.fee_currency in (None, fee_currency)
        state = self.state
        if not state.is_terminal:
            state = OrderState.FILLED if filled == self.amount else OrderState.PARTIALLY_FILLED
            if state is OrderState.PARTIALLY_FILLED and self.state in (
                OrderState.PENDING_CANCEL,
                OrderState.UNKNOWN,
            ):
                state = self.state  # a fill does not answer the open question
        return replace(
            self,
            state=state,
            filled=filled,
            cost=self.cost + cost,
            fee=self.fee + fee if fees_same_currency else self.fee,
            fee_currency=fee_currency if fees_same_currency else self.fee_currency,
            updated_ms=now_ms,
        )


_STATE_FOR_STATUS = {
    VenueOrderStatus.CANCELLED: OrderState.CANCELLED,
    VenueOrderStatus.EXPIRED: OrderState.EXPIRED,
    VenueOrderStatus.REJECTED: OrderState.REJECTED,
}


def target_state(order: Order, status: VenueOrderStatus) -> OrderState:
    """The state the venue's status means for our order, given the fills we hold."""
    if status in _STATE_FOR_STATUS:
        return _STATE_FOR_STATUS[status]
    if status is VenueOrderStatus.FILLED and order.filled == order.amount:
        return OrderState.FILLED
    # Open, or filled on the venue with trades we have not seen yet: not terminal for us.
    return OrderState.PARTIALLY_FILLED if order.filled > 0 else OrderState.OPEN
