"""The orders ledger: every order the suite sent, as the report shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lyrad.domain.values import ZERO, Fill, OrderType, Side, TimeInForce
from lyrad.domain.venue import VenueOrder
from lyrad.validate.model import Json


@dataclass(slots=True)
class LedgerEntry:
    """One order of the run; mutable while the run goes on."""

    client_order_id: str
    purpose: str  # the check that placed it
    symbol: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    price: Decimal | None
    amount: Decimal
    far: bool  # placed to rest far from the market: a fill trips the wire
    placed_at: float  # monotonic seconds
    venue_order_id: str | None = None
    state: str = "pending"  # pending, open, filled, cancelled, expired, rejected, unknown
    filled: Decimal = ZERO
    cost: Decimal = ZERO
    fills: dict[str, Fill] = field(default_factory=dict)  # by trade id
    reason: str | None = None
    cancel_requested: bool = False

    @property
    def is_live(self) -> bool:
        """The venue may hold it: open, pending or unknown."""
        return self.state in ("pending", "open", "unknown")

    @property
    def fees(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for fill in self.fills.values():
            totals[fill.fee_currency] = totals.get(fill.fee_currency, ZERO) + fill.fee
        return totals

    def absorb(self, order: VenueOrder) -> None:
        """Take the venue's view of the order."""
        self.venue_order_id = order.venue_order_id or self.venue_order_id
        self.state = order.status.value
        if order.filled >= self.filled:
            self.filled = order.filled
            self.cost = order.cost
        for fill in order.fills:
            self.fills.setdefault(fill.trade_id, fill)

    def as_json(self) -> dict[str, Json]:
        return {
            "client_order_id": self.client_order_id,
            "venue_order_id": self.venue_order_id,
            "purpose": self.purpose,
            "symbol": self.symbol,
            "side": self.side.value,
            "type": self.type.value,
            "time_in_force": self.time_in_force.value,
            "price": None if self.price is None else str(self.price),
            "amount": str(self.amount),
            "far": self.far,
            "state": self.state,
            "filled": str(self.filled),
            "cost": str(self.cost),
            "fees": {asset: str(fee) for asset, fee in sorted(self.fees.items())},
            "reason": self.reason,
        }
