"""Rounding to a market's precision: quantities down, prices to the passive side."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.values import Market, Side

D = Decimal
MARKET = Market(
    venue="v",
    symbol="BTC/USDT",
    venue_symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    price_tick=D("0.01"),
    amount_step=D("0.00001"),
)


def test_amounts_round_down_to_the_step() -> None:
    assert MARKET.round_amount(D("0.123456789")) == D("0.12345")
    assert MARKET.round_amount(D("0.000009")) == D("0.00000")


def test_prices_round_to_the_passive_side() -> None:
    assert MARKET.round_price(D("100.019"), Side.BUY) == D("100.01")
    assert MARKET.round_price(D("100.011"), Side.SELL) == D("100.02")
    assert MARKET.round_price(D("100.01"), Side.SELL) == D("100.01")


@given(st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=6))
def test_rounded_values_are_on_the_grid_and_never_more_aggressive(price: Decimal) -> None:
    bid = MARKET.round_price(price, Side.BUY)
    ask = MARKET.round_price(price, Side.SELL)
    assert MARKET.is_on_tick(bid)
    assert MARKET.is_on_tick(ask)
    assert bid <= price <= ask
    assert ask - bid <= MARKET.price_tick
    amount = MARKET.round_amount(price)
    assert MARKET.is_on_step(amount)
    assert price - MARKET.amount_step < amount <= price
