"""Binance JSON for orders and account trades, field for field and in Binance's key order."""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.binance.numbers import fixed8
from lyrad.sim.engine import Fill, OrderSnapshot

Json = dict[str, object]
STP_MODE = "NONE"
_ZERO = Decimal(0)


def _head(order: OrderSnapshot, transact_ms: int) -> Json:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        "transactTime": transact_ms,
    }


def _amounts(order: OrderSnapshot) -> Json:
    return {
        "price": fixed8(order.price),
        "origQty": fixed8(order.orig_qty),
        "executedQty": fixed8(order.executed_qty),
        "origQuoteOrderQty": fixed8(order.orig_quote_order_qty),
        "cummulativeQuoteQty": fixed8(order.cummulative_quote_qty),
        "status": order.status.value,
        "timeInForce": order.time_in_force.value,
        "type": order.type.value,
        "side": order.side.value,
    }


def order_ack(order: OrderSnapshot, transact_ms: int) -> Json:
    """POST /api/v3/order with newOrderRespType=ACK."""
    return _head(order, transact_ms)


def order_result(order: OrderSnapshot, transact_ms: int) -> Json:
    """POST /api/v3/order with newOrderRespType=RESULT."""
    body = _head(order, transact_ms)
    body.update(_amounts(order))
    body["workingTime"] = order.working_time_ms
    body["selfTradePreventionMode"] = STP_MODE
    return body


def order_full(order: OrderSnapshot, transact_ms: int) -> Json:
    """POST /api/v3/order with newOrderRespType=FULL: RESULT plus the fills of this call."""
    body = _head(order, transact_ms)
    body.update(_amounts(order))
    body["workingTime"] = order.working_time_ms
    body["fills"] = [order_fill(fill) for fill in order.fills]
    body["selfTradePreventionMode"] = STP_MODE
    return body


def order_fill(fill: Fill) -> Json:
    return {
        "price": fixed8(fill.price),
        "qty": fixed8(fill.qty),
        "commission": fixed8(fill.commission),
        "commissionAsset": fill.commission_asset,
        "tradeId": fill.trade_id,
    }


def order_query(order: OrderSnapshot) -> Json:
    """GET /api/v3/order, openOrders and allOrders entries."""
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        "price": fixed8(order.price),
        "origQty": fixed8(order.orig_qty),
        "executedQty": fixed8(order.executed_qty),
        "cummulativeQuoteQty": fixed8(order.cummulative_quote_qty),
        "status": order.status.value,
        "timeInForce": order.time_in_force.value,
        "type": order.type.value,
        "side": order.side.value,
        "stopPrice": fixed8(_ZERO),
        "icebergQty": fixed8(_ZERO),
        "time": order.time_ms,
        "updateTime": order.update_time_ms,
        "isWorking": True,
        "workingTime": order.working_time_ms,
        "origQuoteOrderQty": fixed8(order.orig_quote_order_qty),
        "selfTradePreventionMode": STP_MODE,
    }


def order_canceled(order: OrderSnapshot, cancel_client_order_id: str, transact_ms: int) -> Json:
    """DELETE /api/v3/order and each entry of DELETE /api/v3/openOrders."""
    body: Json = {
        "symbol": order.symbol,
        "origClientOrderId": order.client_order_id,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": cancel_client_order_id,
        "transactTime": transact_ms,
    }
    body.update(_amounts(order))
    body["selfTradePreventionMode"] = STP_MODE
    return body


def account_trade(fill: Fill) -> Json:
    """GET /api/v3/myTrades entries."""
    return {
        "symbol": fill.symbol,
        "id": fill.trade_id,
        "orderId": fill.order_id,
        "orderListId": -1,
        "price": fixed8(fill.price),
        "qty": fixed8(fill.qty),
        "quoteQty": fixed8(fill.quote_qty),
        "commission": fixed8(fill.commission),
        "commissionAsset": fill.commission_asset,
        "time": fill.time_ms,
        "isBuyer": fill.is_buyer,
        "isMaker": fill.is_maker,
        "isBestMatch": True,
    }
