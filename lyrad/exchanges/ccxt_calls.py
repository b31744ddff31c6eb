"""ccxt's unified call parameters, and checks that an answer is about what was asked.

Private to `ccxt_adapter` (it imports no ccxt, but speaks ccxt's conventions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from urllib.parse import urlsplit

from lyrad.domain.errors import BadVenueResponse
from lyrad.domain.values import OrderType, TimeInForce
from lyrad.domain.venue import OrderRequest, VenueOrder


def wire(number: Decimal) -> str:
    """Plain decimal text, never an exponent: what the venue parses."""
    return format(number, "f")


def rewrite_urls(api_urls: object, base_url: str) -> object:
    """Every API family's URL moved to `base_url`, keeping its path."""
    if isinstance(api_urls, str):
        return base_url.rstrip("/") + urlsplit(api_urls).path
    if isinstance(api_urls, Mapping):
        return {key: rewrite_urls(url, base_url) for key, url in api_urls.items()}
    return api_urls


def order_params(request: OrderRequest) -> dict[str, object]:
    """ccxt's unified params for a new order: our client id and the time in force."""
    params: dict[str, object] = {"clientOrderId": request.client_order_id}
    if request.type is OrderType.LIMIT:
        if request.time_in_force is TimeInForce.POST_ONLY:
            params["postOnly"] = True
        else:
            params["timeInForce"] = request.time_in_force.value
    return params


def id_params(client_order_id: str | None, venue_order_id: str | None) -> dict[str, object]:
    """Look an order up by client id when there is one (ccxt prefers it over the venue id)."""
    if client_order_id is None and venue_order_id is None:
        raise ValueError("a client order id or a venue order id is needed")
    return {} if client_order_id is None else {"clientOrderId": client_order_id}


def check_answer(
    venue: str, order: VenueOrder, symbol: str, client_order_id: str | None
) -> VenueOrder:
    """An answer about another order than the one asked for is not an answer."""
    if order.symbol != symbol:
        raise BadVenueResponse(venue, f"asked about {symbol}, answered about {order.symbol}")
    if client_order_id is None:
        return order
    if order.client_order_id is None:
        fills = tuple(replace(fill, client_order_id=client_order_id) for fill in order.fills)
        return replace(order, client_order_id=client_order_id, fills=fills)
    if order.client_order_id != client_order_id:
        raise BadVenueResponse(
            venue, f"asked about {client_order_id}, answered about {order.client_order_id}"
        )
    return order


def as_list(venue: str, raw: object, what: str) -> list[object]:
    if not isinstance(raw, list):
        raise BadVenueResponse(venue, f"{what}: expected a list")
    return raw
