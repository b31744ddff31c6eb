"""Far prices inside the band on the passive tick, minimum sizes rounded up, loss estimates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.values import Side
from lyrad.validate.planning import (
    PlanRefused,
    band_distance,
    below_minimum_notional,
    far_price,
    minimum_amount,
    oversized_for_funds,
    round_trip_loss,
    sized,
    taker_price,
)
from lyrad.validate.venue_extras import PriceBand
from tests.unit.validate.fakes import market

D = Decimal
BAND = PriceBand(bid_down=D("0.97"), bid_up=D(5), ask_down=D("0.2"), ask_up=D("1.02"))


def test_far_prices_are_five_percent_from_the_touch_on_the_passive_tick() -> None:
    m = market()
    assert far_price(m, Side.BUY, D("60000.00"), D("60010.00")) == D("57000.00")
    assert far_price(m, Side.SELL, D("60000.00"), D("60010.00")) == D("63010.50")
    assert far_price(m, Side.BUY, D("100.03"), D("100.05")) == D("95.02")  # 95.0285 floors


def test_the_band_clamps_the_distance_with_a_ten_percent_margin() -> None:
    assert band_distance(Side.BUY, BAND, D("0.05")) == D("0.027")  # 3 % room, 10 % kept
    assert band_distance(Side.SELL, BAND, D("0.05")) == D("0.018")
    assert band_distance(Side.BUY, None, D("0.05")) == D("0.05")
    price = far_price(market(), Side.BUY, D(60000), D(60010), band=BAND)
    assert price == D("58380.00")
    with pytest.raises(PlanRefused):
        band_distance(Side.BUY, PriceBand(D(1), D(1), D(1), D(1)), D("0.05"))


def test_minimum_amount_meets_min_cost_after_rounding_up() -> None:
    m = market(min_cost=D(5))
    amount = minimum_amount(m, D("57000.00"))
    assert amount == D("0.00009")
    assert amount * D("57000.00") >= 5
    assert minimum_amount(market(min_cost=D(0), min_amount=D("0.001")), D(100)) == D("0.001")


def test_sized_refuses_over_the_cap_or_the_funds() -> None:
    m = market()
    plan = sized(m, Side.BUY, D(57000), max_notional=D(10), free_quote=D(100), free_base=D(0))
    assert (plan.amount, plan.price) == (D("0.00009"), D(57000))
    with pytest.raises(PlanRefused, match="max-notional"):
        sized(m, Side.BUY, D(57000), max_notional=D(1), free_quote=D(100), free_base=D(1))
    with pytest.raises(PlanRefused, match="insufficient funds"):
        sized(m, Side.BUY, D(57000), max_notional=D(10), free_quote=D(5), free_base=D(1))
    with pytest.raises(PlanRefused, match="insufficient funds"):
        sized(m, Side.SELL, D(63000), max_notional=D(10), free_quote=D(100), free_base=D(0))


def test_taker_prices_reach_through_the_touch() -> None:
    m = market()
    assert taker_price(m, Side.BUY, D(60000), D(60010)) == D("60130.02")
    assert taker_price(m, Side.SELL, D(60000), D(60010)) == D("59880.00")


def test_round_trip_loss_is_spread_plus_two_taker_fees() -> None:
    assert round_trip_loss(D(1), D(100), D(101), D("0.001")) == D("1.202")


def test_probe_sizes() -> None:
    m = market()
    assert below_minimum_notional(m, D(57000)) == D("0.00001")
    assert below_minimum_notional(market(min_cost=D(0)), D(57000)) is None
    assert oversized_for_funds(m, D(50000), D(1000)) == D("0.022")
    assert oversized_for_funds(market(max_amount=D("0.01")), D(50000), D(1000)) is None


prices = st.decimals(min_value=D("0.01"), max_value=D(1_000_000), places=2)


@given(bid=prices, spread=st.integers(min_value=1, max_value=1000))
def test_far_buy_rests_below_the_bid_within_limits(bid: Decimal, spread: int) -> None:
    m = market()
    ask = bid + spread * m.price_tick
    try:
        price = far_price(m, Side.BUY, bid, ask)
    except PlanRefused:
        return
    assert price < bid
    assert price >= m.min_price
    assert m.is_on_tick(price)
    amount = minimum_amount(m, price)
    assert amount * price >= m.min_cost
    assert m.is_on_step(amount)
