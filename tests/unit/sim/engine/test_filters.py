"""Parameter and filter validation as Binance does it."""

from __future__ import annotations

import pytest

from lyrad.sim.engine import OrderRequest, OrderType, RejectReason, Side, TimeInForce
from lyrad.sim.engine.filters import check_request
from tests.unit.sim.engine.helpers import BTCUSDT, D, rejected

BUY = Side.BUY
GTC = TimeInForce.GTC
REF = D("60000")


def _limit(qty: str, price: str, client_order_id: str | None = None) -> OrderRequest:
    return OrderRequest(
        "a", "BTCUSDT", BUY, OrderType.LIMIT, GTC, D(qty), None, D(price), client_order_id
    )


BASE = _limit("1", "60000")


def _market(qty: str | None = None, quote: str | None = None) -> OrderRequest:
    return OrderRequest(
        "a",
        "BTCUSDT",
        BUY,
        OrderType.MARKET,
        quantity=None if qty is None else D(qty),
        quote_quantity=None if quote is None else D(quote),
    )


def test_valid_orders_pass() -> None:
    check_request(BTCUSDT, _limit("0.00010", "60000.01"), REF)
    check_request(BTCUSDT, _market(qty="0.001"), REF)
    check_request(BTCUSDT, _market(quote="10"), REF)
    check_request(BTCUSDT, _limit("1", "60000", "x-AB.c:d/e_f-1"), REF)


@pytest.mark.parametrize("price", ["0.001", "1000000.01", "60000.001", "60000.015"])
def test_price_filter(price: str) -> None:
    with rejected(RejectReason.PRICE_FILTER):
        check_request(BTCUSDT, _limit("0.01", price), REF)


def test_price_grid_starts_at_min_price() -> None:
    odd = BTCUSDT._replace(min_price=D("0.005"))
    check_request(odd, _limit("0.01", "60000.005"), REF)
    with rejected(RejectReason.PRICE_FILTER):
        check_request(odd, _limit("0.01", "60000.01"), REF)


@pytest.mark.parametrize("qty", ["0.000001", "9000.00001", "0.000015"])
def test_lot_size(qty: str) -> None:
    with rejected(RejectReason.LOT_SIZE):
        check_request(BTCUSDT, _limit(qty, "1000000"), REF)


def test_market_lot_size_applies_to_market_orders_only() -> None:
    with rejected(RejectReason.MARKET_LOT_SIZE):
        check_request(BTCUSDT, _market(qty="129"), D("1"))
    check_request(BTCUSDT, _limit("129", "1"), REF)
    stepped = BTCUSDT._replace(market_step_size=D("0.001"))
    with rejected(RejectReason.MARKET_LOT_SIZE):
        check_request(stepped, _market(qty="0.0015"), REF)


def test_notional_for_limit_and_market_orders() -> None:
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _limit("0.0001", "40000"), REF)  # 4 < 5
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _limit("100", "100000"), REF)  # 10M > 9M
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _market(qty="0.00008"), REF)  # 4.8 at the reference
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _market(quote="4.99"), REF)
    check_request(BTCUSDT, _market(qty="0.00008"), None)  # no reference yet: not checkable


@pytest.mark.parametrize(
    "req",
    [
        BASE._replace(time_in_force=None),
        BASE._replace(type=OrderType.LIMIT_MAKER),
        BASE._replace(quote_quantity=D("10")),
        BASE._replace(price=None),
        BASE._replace(quantity=None),
        _limit("-1", "60000"),
        _limit("0", "60000"),
        _limit("NaN", "60000"),
        _limit("1", "Infinity"),
        _limit("1", "60000", ""),
        _limit("1", "60000", "a" * 37),
        _limit("1", "60000", "no spaces"),
        _market(qty="1")._replace(time_in_force=GTC),
        _market(qty="1")._replace(price=D("1")),
        _market(),
        _market(qty="1", quote="10"),
        _market(quote="-5"),
        _market(quote="10.000000001"),  # more decimals than the quote asset has
    ],
)
def test_malformed_requests_are_invalid_parameters(req: OrderRequest) -> None:
    with rejected(RejectReason.INVALID_PARAMETER):
        check_request(BTCUSDT, req, REF)
