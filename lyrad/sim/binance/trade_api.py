"""Order endpoints: place, test, query, cancel, open orders and all orders."""

from __future__ import annotations

from lyrad.sim.binance import errors, wire_orders
from lyrad.sim.binance.call import Call
from lyrad.sim.binance.numbers import fixed8
from lyrad.sim.binance.orders import parse_new_order, rejection, serialize_new_order
from lyrad.sim.engine import EngineRejection, SymbolSpec
from lyrad.sim.engine.filters import check_request

DAY_MS = 86_400_000


def new_order(call: Call) -> object:
    spec = call.required_spec()
    request, resp_type = parse_new_order(call, spec)
    try:
        order = call.venue.engine.place_order(request, call.now_ms)
    except EngineRejection as e:
        raise rejection(e, call) from e
    body = serialize_new_order(order, resp_type, call.now_ms)
    call.venue.order_placed(order, call.now_ms)  # after the answer is made: it shows NEW
    return body


def test_order(call: Call) -> object:
    """Validated like a real order, filters included, but never sent to the matching engine."""
    spec = call.required_spec()
    request, _ = parse_new_order(call, spec)
    try:
        check_request(spec, request, call.venue.engine.reference_price(spec.symbol))
    except EngineRejection as e:
        raise rejection(e, call) from e
    if call.params.boolean("computeCommissionRates"):
        account = call.account
        return {
            "standardCommissionForOrder": {
                "maker": fixed8(account.maker_fee),
                "taker": fixed8(account.taker_fee),
            },
            "specialCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
            "taxCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
            "discount": {
                "enabledForAccount": False,
                "enabledForSymbol": False,
                "discountAsset": "BNB",
                "discount": "0.00000000",
            },
        }
    return {}


def _order_key(call: Call) -> tuple[int | None, str | None]:
    order_id = call.params.integer("orderId")
    client_id = call.params.client_order_id("origClientOrderId")
    if order_id is None and client_id is None:
        raise errors.either_mandatory("origClientOrderId", "orderId")
    return order_id, client_id


def query_order(call: Call) -> object:
    spec = call.required_spec()
    order_id, client_id = _order_key(call)
    try:
        order = call.venue.engine.get_order(
            call.account.name, spec.symbol, order_id=order_id, client_order_id=client_id
        )
    except EngineRejection as e:
        raise rejection(e, call) from e
    return wire_orders.order_query(order)


def cancel_order(call: Call) -> object:
    spec = call.required_spec()
    order_id, client_id = _order_key(call)
    cancel_id = call.params.client_order_id("newClientOrderId") or call.new_client_order_id()
    try:
        order = call.venue.engine.cancel_order(
            call.account.name,
            spec.symbol,
            order_id=order_id,
            client_order_id=client_id,
            now_ms=call.now_ms,
        )
    except EngineRejection as e:
        raise rejection(e, call, cancel=True) from e
    return wire_orders.order_canceled(order, cancel_id, call.now_ms)


def open_orders(call: Call) -> object:
    symbol = call.params.symbol()
    spec: SymbolSpec | None = None if symbol is None else call.spec(symbol)
    orders = call.venue.engine.open_orders(call.account.name, None if spec is None else spec.symbol)
    return [wire_orders.order_query(order) for order in orders]


def cancel_open_orders(call: Call) -> object:
    spec = call.required_spec()
    canceled = call.venue.engine.cancel_open_orders(call.account.name, spec.symbol, call.now_ms)
    if not canceled:
        # Binance answers a cancel-all with nothing open as it answers an unknown order.
        raise errors.cancel_rejected()
    return [
        wire_orders.order_canceled(o, call.new_client_order_id(), call.now_ms) for o in canceled
    ]


def all_orders(call: Call) -> object:
    params = call.params
    spec = call.required_spec()
    start_ms = params.integer("startTime")
    end_ms = params.integer("endTime")
    if start_ms is not None and end_ms is not None and end_ms - start_ms > DAY_MS:
        raise errors.BinanceError(
            errors.BAD_REQUEST, -1127, "More than 24 hours between startTime and endTime."
        )
    orders = call.venue.engine.all_orders(
        call.account.name,
        spec.symbol,
        order_id=params.integer("orderId"),
        start_ms=start_ms,
        end_ms=end_ms,
        limit=params.limit("limit", default=500, maximum=1000),
    )
    return [wire_orders.order_query(order) for order in orders]
