"""Rounding to the market's precision and refusing, locally, what can never be valid."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.errors import OrderRejected
from lyrad.domain.values import Market, OrderType, Side, TimeInForce
from lyrad.domain.venue import OrderRequest
from lyrad.exchanges.order_rules import conform

D = Decimal
MARKET = Market(
    venue="v",
    symbol="BTC/USDT",
    venue_symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    price_tick=D("0.01"),
    amount_step=D("0.00001"),
    min_amount=D("0.00001"),
    max_amount=D("9000"),
    min_price=D("0.01"),
    max_price=D("1000000"),
    min_cost=D("5"),
    max_cost=D("9000000"),
)


def limit(amount: str, price: str, side: Side = Side.BUY, **kw: object) -> OrderRequest:
    return OrderRequest("v", "BTC/USDT", "cid", side, OrderType.LIMIT, D(amount), D(price), **kw)  # type: ignore[arg-type]


def market_order(amount: str) -> OrderRequest:
    return OrderRequest("v", "BTC/USDT", "cid", Side.SELL, OrderType.MARKET, D(amount))


def test_amount_rounds_down_and_price_to_the_passive_side() -> None:
    buy = conform(MARKET, limit("0.0012345", "60000.019"))
    assert (buy.amount, buy.price) == (D("0.00123"), D("60000.01"))
    sell = conform(MARKET, limit("0.0012345", "60000.011", Side.SELL))
    assert (sell.amount, sell.price) == (D("0.00123"), D("60000.02"))


def test_exact_decimals_stay_exact() -> None:
    request = limit("0.1", "0.1")
    tiny = replace(MARKET, min_cost=D(0), min_price=D("0.0001"), price_tick=D("0.0001"))
    conformed = conform(tiny, replace(request, price=D("0.1") + D("0.2")))
    assert conformed.price == D("0.3")
    assert str(conformed.price) == "0.3000"


@pytest.mark.parametrize(
    ("request_", "rule"),
    [
        (limit("0.000009", "60000"), "min amount"),
        (limit("0", "60000"), "above zero"),
        (limit("-1", "60000"), "above zero"),
        (limit("9000.1", "60000"), "max amount"),
        (limit("0.001", "0.001"), "min price"),
        (limit("0.001", "2000000"), "max price"),
        (limit("0.00008", "60000"), "min notional"),
        (limit("8999", "60000"), "max notional"),
        (limit("0.001", "0"), "needs a price"),
        (replace(limit("0.001", "1"), price=None), "needs a price"),
        (replace(market_order("0.001"), price=D(1)), "no price"),
        (replace(market_order("0.001"), time_in_force=TimeInForce.POST_ONLY), "post-only"),
        (replace(market_order("0.001"), symbol="ETH/USDT"), "checked against"),
    ],
)
def test_requests_that_can_never_be_valid_are_refused(request_: OrderRequest, rule: str) -> None:
    with pytest.raises(OrderRejected, match=rule) as excinfo:
        conform(MARKET, request_)
    assert excinfo.value.venue == "v"


def test_an_inactive_market_refuses_everything() -> None:
    with pytest.raises(OrderRejected, match="not active"):
        conform(replace(MARKET, active=False), limit("1", "60000"))


def test_market_order_notional_is_checked_only_with_a_reference_price() -> None:
    assert conform(MARKET, market_order("0.00002")).amount == D("0.00002")
    with pytest.raises(OrderRejected, match="min notional"):
        conform(MARKET, market_order("0.00002"), reference_price=D("60000"))


@given(
    amount=st.decimals(min_value=D("0.00001"), max_value=D("100"), places=9),
    price=st.decimals(min_value=D("100"), max_value=D("100000"), places=4),
    side=st.sampled_from(Side),
)
def test_conformed_orders_obey_every_rule_and_conform_is_idempotent(
    amount: Decimal, price: Decimal, side: Side
) -> None:
    request = limit(str(amount), str(price), side)
    try:
        conformed = conform(MARKET, request)
    except OrderRejected:
        return
    assert conformed.amount is not None
    assert conformed.price is not None
    assert MARKET.is_on_step(conformed.amount)
    assert MARKET.is_on_tick(conformed.price)
    assert conformed.amount <= amount
    assert conformed.price <= price if side is Side.BUY else conformed.price >= price
    assert conformed.amount * conformed.price >= MARKET.min_cost
    assert conform(MARKET, conformed) == conformed
