"""New-order parameters as Binance validates them, and engine rejections as Binance words them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from lyrad.sim.binance import errors, wire_orders
from lyrad.sim.binance.call import Call
from lyrad.sim.binance.errors import BinanceError
from lyrad.sim.engine import (
    EngineRejection,
    OrderRequest,
    OrderSnapshot,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
)


class RespType(StrEnum):
    ACK = "ACK"
    RESULT = "RESULT"
    FULL = "FULL"


# Order types Binance knows but these symbols do not offer, with Binance's -2010 texts.
_UNSUPPORTED_TYPES = {
    "STOP_LOSS": "Stop loss orders are not supported for this symbol.",
    "STOP_LOSS_LIMIT": "Stop loss limit orders are not supported for this symbol.",
    "TAKE_PROFIT": "Take profit orders are not supported for this symbol.",
    "TAKE_PROFIT_LIMIT": "Take profit limit orders are not supported for this symbol.",
}
_FILTERS = {
    RejectReason.PRICE_FILTER: "PRICE_FILTER",
    RejectReason.LOT_SIZE: "LOT_SIZE",
    RejectReason.MARKET_LOT_SIZE: "MARKET_LOT_SIZE",
    RejectReason.NOTIONAL: "NOTIONAL",
}
_SERIALIZERS: dict[RespType, Callable[[OrderSnapshot, int], dict[str, object]]] = {
    RespType.ACK: wire_orders.order_ack,
    RespType.RESULT: wire_orders.order_result,
    RespType.FULL: wire_orders.order_full,
}


def _order_type(call: Call) -> OrderType:
    raw = call.params.required("type")
    unsupported = _UNSUPPORTED_TYPES.get(raw)
    if unsupported is not None:
        raise errors.new_order_rejected(unsupported)
    try:
        return OrderType(raw)
    except ValueError as e:
        raise errors.invalid_order_type() from e


def _amount(call: Call, name: str, decimals: int) -> Decimal | None:
    value = call.params.decimal(name)
    if value is None:
        return None
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        raise errors.too_much_precision(name)
    if value == 0:
        raise errors.invalid_message("Invalid price." if name == "price" else "Invalid quantity.")
    return value


def _unsupported_extras(call: Call) -> None:
    params = call.params
    if params.text("icebergQty") is not None:
        raise errors.new_order_rejected("Iceberg orders are not supported for this symbol.")
    if params.text("trailingDelta") is not None:
        raise errors.new_order_rejected("Trailing stop orders are not supported for this symbol.")
    if params.text("stopPrice") is not None:
        raise errors.not_required("stopPrice")
    stp = params.text("selfTradePreventionMode")
    if stp is not None and stp != "NONE":
        raise errors.invalid_value("selfTradePreventionMode")


def _check_shape(
    kind: OrderType,
    tif: TimeInForce | None,
    qty: Decimal | None,
    quote_qty: Decimal | None,
    price: Decimal | None,
) -> None:
    if kind is OrderType.MARKET:
        if qty is None and quote_qty is None:
            raise errors.either_mandatory("quantity", "quoteOrderQty")
        for name, value in (("quoteOrderQty", quote_qty if qty is not None else None),
                            ("price", price), ("timeInForce", tif)):  # fmt: skip
            if value is not None:
                raise errors.not_required(name)
        return
    if kind is OrderType.LIMIT and tif is None:
        raise errors.mandatory("timeInForce")
    if kind is OrderType.LIMIT_MAKER and tif is not None:
        raise errors.not_required("timeInForce")
    if qty is None:
        raise errors.mandatory("quantity")
    if price is None:
        raise errors.mandatory("price")
    if quote_qty is not None:
        raise errors.not_required("quoteOrderQty")


def parse_new_order(call: Call, spec: SymbolSpec) -> tuple[OrderRequest, RespType]:
    """Validate POST /api/v3/order (and order/test) parameters into an engine request."""
    params = call.params
    side = params.enum("side", Side, errors.invalid_side())
    if side is None:
        raise errors.mandatory("side")
    kind = _order_type(call)
    tif = params.enum("timeInForce", TimeInForce, errors.invalid_time_in_force())
    qty = _amount(call, "quantity", spec.base_precision)
    quote_qty = _amount(call, "quoteOrderQty", spec.quote_precision)
    price = _amount(call, "price", spec.quote_precision)
    _check_shape(kind, tif, qty, quote_qty, price)
    _unsupported_extras(call)
    resp_type = params.enum(
        "newOrderRespType",
        RespType,
        errors.illegal_chars("newOrderRespType", "^(ACK|RESULT|FULL)$"),
    )
    request = OrderRequest(
        account=call.account.name,
        symbol=spec.symbol,
        side=side,
        type=kind,
        time_in_force=tif,
        quantity=qty,
        quote_quantity=quote_qty,
        price=price,
        client_order_id=params.client_order_id("newClientOrderId"),
    )
    return request, resp_type or RespType.FULL


def serialize_new_order(order: OrderSnapshot, resp_type: RespType, now_ms: int) -> object:
    return _SERIALIZERS[resp_type](order, now_ms)


def rejection(error: EngineRejection, call: Call, *, cancel: bool = False) -> BinanceError:
    """Binance's answer for an engine refusal (the engine's own text is never sent)."""
    reason = error.reason
    filter_name = _FILTERS.get(reason)
    if filter_name is not None:
        return errors.filter_failure(filter_name)
    if reason is RejectReason.INSUFFICIENT_BALANCE:
        return errors.new_order_rejected(errors.MSG_INSUFFICIENT_BALANCE)
    if reason is RejectReason.WOULD_MATCH:
        return errors.new_order_rejected(errors.MSG_WOULD_MATCH)
    if reason is RejectReason.DUPLICATE_CLIENT_ORDER_ID:
        return errors.new_order_rejected(errors.MSG_DUPLICATE_ORDER)
    if reason is RejectReason.UNKNOWN_SYMBOL:
        return errors.invalid_symbol()
    if reason in (RejectReason.UNKNOWN_ORDER, RejectReason.ORDER_ALREADY_CLOSED):
        return errors.cancel_rejected() if cancel else errors.no_such_order()
    if reason is RejectReason.TRADING_DISABLED:
        return _trading_disabled(call, cancel=cancel)
    return errors.BinanceError(
        errors.BAD_REQUEST,
        -1102,
        "A mandatory parameter was not sent, was empty/null, or malformed.",
    )


def _trading_disabled(call: Call, *, cancel: bool) -> BinanceError:
    if call.caller is not None and not call.caller.can_trade:
        message = errors.MSG_ACCOUNT_CANNOT_TRADE
    else:
        message = errors.MSG_MARKET_CLOSED
    return errors.cancel_rejected(message) if cancel else errors.new_order_rejected(message)
