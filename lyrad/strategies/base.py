"""What a strategy may see and do: read-only views plus an order gateway."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lyrad.domain.orders import Order
from lyrad.domain.values import Balance, Market, OrderIntent, Position
from lyrad.domain.venue import Ticker


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What became of an intent: sent (with the client order id) or refused (with why)."""

    accepted: bool
    client_order_id: str | None
    reason: str | None = None


class OrderGateway(Protocol):
    """The executor, as strategies see it."""

    def new_intent_id(self, source: str) -> str: ...

    async def submit(self, intent: OrderIntent) -> SubmitResult: ...

    async def cancel(self, client_order_id: str) -> None: ...

    def live_orders(self, venue: str, symbol: str) -> list[Order]: ...


class MarketView(Protocol):
    async def ticker(self, venue: str, symbol: str) -> Ticker: ...

    def market(self, venue: str, symbol: str) -> Market: ...


class PortfolioView(Protocol):
    def position(self, venue: str, symbol: str) -> Position: ...

    def balance(self, venue: str, asset: str) -> Balance | None: ...
