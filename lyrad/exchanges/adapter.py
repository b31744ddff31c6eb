"""The daemon's seam to a venue. The executor, the reconciler and strategies see only this.

Every method raises only `lyrad.domain.errors.VenueError` subclasses, chosen by what the
caller must do:

- `RetryableVenueError`: nothing changed on the venue. Reads were already retried; on
  create/cancel it means the request certainly was not applied (it never left, or the venue
  refused our clock) and may be sent again under the same client order id.
- `RateLimited` (a RetryableVenueError): as above, after `retry_after_s`; the adapter's shared
  limiter already holds every caller back that long.
- `OrderRejected` with the venue's reason, and its kinds `InsufficientFunds`, `OrderNotFound`:
  definitive, nothing changed. A request that can never be valid (below the minimum amount
  or notional after rounding, say) is refused locally with OrderRejected, without a request.
- `AmbiguousOutcome` (create/cancel only): the request left and no usable answer came back
  (timeout, reset, 5xx). The order is `unknown` until the reconciler looks it up by client id.
- `BadVenueResponse`: the answer was unusable (missing fields, garbage numbers). After a
  create it means the order may exist: leave it unknown until reconciled.
- `AuthenticationFailed`, `VenueFatal`: retrying will not help; an operator must act.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from lyrad.domain.values import Balance, Fill, Market
from lyrad.domain.venue import Candle, OrderBook, OrderRequest, Ticker, VenueOrder


class ExchangeAdapter(Protocol):
    """One venue account. Safe to share between tasks; requests are rate limited together."""

    @property
    def venue(self) -> str:
        """The venue's name in lyrad's config (`[venues.NAME]`)."""
        ...

    async def load_markets(self) -> Mapping[str, Market]:
        """Load (or reload) the spot markets, by unified symbol ("BTC/USDT")."""
        ...

    def market(self, symbol: str) -> Market:
        """A loaded market; OrderRejected if the venue has no such symbol."""
        ...

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        """Round and check the request locally, then send it once (never retried)."""
        ...

    async def cancel_order(
        self,
        symbol: str,
        *,
        client_order_id: str | None = None,
        venue_order_id: str | None = None,
    ) -> VenueOrder:
        """Cancel by either id; OrderNotFound when the venue does not know the order."""
        ...

    async def fetch_order(
        self,
        symbol: str,
        *,
        client_order_id: str | None = None,
        venue_order_id: str | None = None,
    ) -> VenueOrder:
        """The order as the venue sees it now; OrderNotFound when the venue does not know it."""
        ...

    async def fetch_open_orders(self, symbol: str | None = None) -> list[VenueOrder]:
        """Open orders of one symbol or of all (the latter costs far more rate-limit weight)."""
        ...

    async def fetch_my_trades(
        self, symbol: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        """The account's executions, oldest first; `client_order_id` is '' when not given."""
        ...

    async def fetch_balances(self) -> list[Balance]:
        """Every asset with a non-zero balance."""
        ...

    async def fetch_ticker(self, symbol: str) -> Ticker: ...

    async def fetch_order_book(self, symbol: str, limit: int) -> OrderBook: ...

    async def fetch_time(self) -> int:
        """The venue's clock, in milliseconds since the epoch."""
        ...

    async def close(self) -> None:
        """Release the HTTP session; the adapter cannot be used afterwards."""
        ...


@runtime_checkable
class CandleSource(Protocol):
    """A venue that serves candles (CcxtAdapter does; not every adapter must)."""

    async def fetch_ohlcv(
        self,
        symbol: str,
        timeframe: str,
        *,
        since_ms: int | None = None,
        limit: int | None = None,
    ) -> list[Candle]:
        """Candles oldest first, the newest possibly still forming; exact decimals.

        `timeframe` is the venue's interval name ("1m", "1h", "1d"); an unknown one is
        refused with OrderRejected before any request.
        """
        ...
